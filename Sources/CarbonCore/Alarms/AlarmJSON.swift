import Foundation  // Codable containers, Decimal, Date

/// Strict JSON for alarm rules and engine state, the product's convention: numbers and
/// durations are strings (a JSON number may have been through `Double`), unknown keys are
/// refused (a misspelt `of_delay` must not silently mean "no delay"), and errors are
/// `CalculationError`s naming the field. `init(from:)` errors pass through `JSONDecoder` unchanged.
enum AlarmJSON: StrictJSONReading {
    static func decimal<K>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Decimal? {
        guard let text = try string(container, key) else { return nil }
        return try located(path(container, key)) { () throws(CalculationError) in try DecimalText.parse(text) }
    }

    static func duration<K>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Duration? {
        guard let text = try string(container, key) else { return nil }
        return try located(path(container, key)) { () throws(CalculationError) in try AlarmTime.parseSeconds(text) }
    }

    static func bool<K>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Bool? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        guard let value = try? container.decode(Bool.self, forKey: key) else {
            throw CalculationError(.invalidInput, "expected true or false", field: path(container, key))
        }
        return value
    }

    /// One case of a closed set of strings (priority, quality, state), refused with the accepted list.
    static func choice<T: RawRepresentable & CaseIterable, K>(
        _ type: T.Type, _ container: KeyedDecodingContainer<K>, _ key: K
    ) throws -> T? where T.RawValue == String {
        guard let text = try string(container, key) else { return nil }
        guard let value = T(rawValue: text) else {
            let accepted = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw CalculationError(.invalidInput, "unknown value '\(text)'; accepted: \(accepted)",
                                   field: path(container, key))
        }
        return value
    }

    /// A nested object, or nil when absent or null; a string or number in its place is refused by name.
    static func object<T: Decodable, K>(_ type: T.Type, _ container: KeyedDecodingContainer<K>, _ key: K) throws -> T? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        do {
            return try container.decode(type, forKey: key)
        } catch let error as DecodingError {
            guard case .typeMismatch(_, let context) = error, context.codingPath.count == container.codingPath.count + 1
            else { throw calculationError(error) }
            throw CalculationError(.invalidInput, "expected an object", field: path(container, key))
        }
    }

    /// What `JSONDecoder` throws, as a `CalculationError` with a field path.
    static func calculationError(_ error: any Error) -> CalculationError {
        if let error = error as? CalculationError { return error }
        guard let error = error as? DecodingError else { return CalculationError(.invalidInput, "\(error)") }
        switch error {
        case .keyNotFound(let key, let context):
            return CalculationError(.missingInput, "is required", field: path(context.codingPath + [key]))
        case .typeMismatch(let type, let context):
            return CalculationError(.invalidInput, "expected \(type)", field: fieldOrNil(context.codingPath))
        case .valueNotFound(_, let context):
            return CalculationError(.missingInput, context.debugDescription, field: fieldOrNil(context.codingPath))
        case .dataCorrupted(let context):
            return CalculationError(.invalidInput, "not valid JSON: \(context.debugDescription)",
                                    field: fieldOrNil(context.codingPath))
        @unknown default:
            return CalculationError(.invalidInput, "\(error)")
        }
    }

    private static func fieldOrNil(_ codingPath: [any CodingKey]) -> String? {
        codingPath.isEmpty ? nil : path(codingPath)
    }

    static func required<T, K>(_ value: T?, _ container: KeyedDecodingContainer<K>, _ key: K) throws -> T {
        guard let value else { throw CalculationError(.missingInput, "is required", field: path(container, key)) }
        return value
    }

    /// Runs `body`, placing its error at `field` (a rule's own fields are relative: `h.limit`).
    static func located<T>(_ field: String, _ body: () throws(CalculationError) -> T) throws(CalculationError) -> T {
        do {
            return try body()
        } catch {
            throw field.isEmpty ? error : error.at(field)
        }
    }

    // MARK: Exact encoding of engine state

    /// Dates as `timeIntervalSinceReferenceDate`, whatever the encoder's date strategy: an ISO 8601
    /// strategy would drop the milliseconds a pending on-delay is measured from.
    static func encode<K>(_ date: Date?, _ container: inout KeyedEncodingContainer<K>, _ key: K) throws {
        try container.encodeIfPresent(date?.timeIntervalSinceReferenceDate, forKey: key)
    }

    static func date<K>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Date? {
        try container.decodeIfPresent(Double.self, forKey: key).map(Date.init(timeIntervalSinceReferenceDate:))
    }

    static func encode<K>(_ value: Decimal?, _ container: inout KeyedEncodingContainer<K>, _ key: K) throws {
        try container.encodeIfPresent(value.map(DecimalText.plain), forKey: key)
    }
}
