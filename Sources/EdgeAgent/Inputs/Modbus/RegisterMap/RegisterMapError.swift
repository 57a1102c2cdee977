/// Why a register map could not be used, or why one tag's registers could not be decoded. A struct
/// with an opaque `Code` (the `CalculationError` shape), so codes can be added without breaking
/// anyone's `switch`.
///
/// Validation errors carry `field`, the path in the device file (`tags[3].order`), so the operator
/// is pointed at the line to fix. Decode errors carry `tag`, the tag's name, because they happen at
/// run time for one tag while the rest of its request is fine.
public struct RegisterMapError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidMap, invalidTag, shortResponse, invalidBCD, notFinite, unrepresentable
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A device-level setting is unusable (`address_base`, `max_gap`).
        public static let invalidMap = Code(.invalidMap)
        /// A tag definition is unusable (unknown table or type, bad order, address out of range, …).
        public static let invalidTag = Code(.invalidTag)
        /// Fewer registers or bits arrived than the request asked for.
        public static let shortResponse = Code(.shortResponse)
        /// A BCD register holds a nibble above 9.
        public static let invalidBCD = Code(.invalidBCD)
        /// A float register pair (or quad) holds NaN or ±infinity: there is no number to record.
        public static let notFinite = Code(.notFinite)
        /// A finite float64 whose magnitude is outside what `Decimal` can hold (beyond ~1e±127).
        public static let unrepresentable = Code(.unrepresentable)
        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The path in the device file the error is about (`tags[3].order`), for validation errors.
    public var field: String?
    /// The tag whose value could not be decoded, for decode errors.
    public var tag: String?

    public init(_ code: Code, _ message: String, field: String? = nil, tag: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.tag = tag
    }

    public var description: String {
        if let field { return "\(field): \(message)" }
        if let tag { return "tag '\(tag)': \(message)" }
        return message
    }
}
