/// Why an access configuration (a permission name, an organisation path, a policy) could not be
/// used. Shaped like `CalculationError`: an opaque `Code`, so codes can be added without breaking
/// anyone's `switch`, and a `field` path (`[2].conditions[0].local_time.from`) so the admin UI
/// can point at the offending input. Access *decisions* are never errors: a refused request is
/// an `AccessDecision` with a reason.
public struct AccessError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidPermission, invalidPath, invalidValue, missingInput, unknownKey, duplicateID
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A permission name or pattern that is not `resource:action` in lowercase.
        public static let invalidPermission = Code(.invalidPermission)
        /// An organisation path that is not a non-empty list of UUIDs (`/id1/id2/`).
        public static let invalidPath = Code(.invalidPath)
        /// A value that is present but cannot be used (wrong type, unknown word, bad time).
        public static let invalidValue = Code(.invalidValue)
        /// A required value is absent or empty.
        public static let missingInput = Code(.missingInput)
        /// A JSON key the format does not have: a misspelt optional key must not pass as "absent".
        public static let unknownKey = Code(.unknownKey)
        /// Two policies with one id: a decision names policies by id, so ids must be unique.
        public static let duplicateID = Code(.duplicateID)
        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The input path the error is about, when there is one (`conditions[1].amount.below`).
    public var field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// The same error, located under `prefix` (`effect` → `[3].effect`).
    public func at(_ prefix: String) -> AccessError {
        guard !prefix.isEmpty else { return self }
        var copy = self
        copy.field = field.map { $0.hasPrefix("[") ? prefix + $0 : prefix + "." + $0 } ?? prefix
        return copy
    }

    public var description: String {
        if let field { return "\(field): \(message)" }
        return message
    }
}
