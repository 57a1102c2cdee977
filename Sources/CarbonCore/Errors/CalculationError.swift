/// Why a calculation, a unit conversion or an input could not be used. A struct with an opaque
/// `Code` (the swift-service-lifecycle / postgres-nio shape), so codes can be added without
/// breaking anyone's `switch`. `field` names the offending input (e.g. `sources[2].ncv.unit`)
/// so the CLI and the API can point at it.
public struct CalculationError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidNumber, unknownUnit, dimensionMismatch, missingInput, invalidInput
            case noFactor, ambiguousFactor, unknownGas, negativeQuantity, singularSystem
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A decimal string that is not a plain decimal number.
        public static let invalidNumber = Code(.invalidNumber)
        /// A unit symbol that is not in the catalogue.
        public static let unknownUnit = Code(.unknownUnit)
        /// A quantity of one dimension used where another is required (e.g. `1 MWh` as a mass).
        public static let dimensionMismatch = Code(.dimensionMismatch)
        /// A required input is absent.
        public static let missingInput = Code(.missingInput)
        /// An input is present but cannot be used (out of range, contradictory, unknown kind).
        public static let invalidInput = Code(.invalidInput)
        /// No factor in the library fits the query.
        public static let noFactor = Code(.noFactor)
        /// More than one factor fits the query and nothing says which one to use.
        public static let ambiguousFactor = Code(.ambiguousFactor)
        /// A greenhouse gas without a GWP in the chosen edition.
        public static let unknownGas = Code(.unknownGas)
        /// A quantity that must not be negative is.
        public static let negativeQuantity = Code(.negativeQuantity)
        /// A product system whose equations have no unique solution.
        public static let singularSystem = Code(.singularSystem)
        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The input path the error is about, when there is one (`sources[1].quantity`).
    public var field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// The same error, located under `prefix` (`ncv` → `sources[2].ncv`).
    public func at(_ prefix: String) -> CalculationError {
        var copy = self
        copy.field = field.map { $0.hasPrefix("[") ? prefix + $0 : prefix + "." + $0 } ?? prefix
        return copy
    }

    public var description: String {
        if let field { return "\(field): \(message)" }
        return message
    }
}

extension CalculationError {
    /// Runs `body`, relabelling any `CalculationError` it throws as being about `field`.
    @inlinable
    public static func locate<T>(_ field: String, _ body: () throws -> T) throws(CalculationError) -> T {
        do {
            return try body()
        } catch let error as CalculationError {
            throw error.at(field)
        } catch {
            throw CalculationError(.invalidInput, "\(error)", field: field)
        }
    }
}
