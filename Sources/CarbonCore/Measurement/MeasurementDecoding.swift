import Foundation

/// Strict JSON reading for the CEMS model. Numbers arrive as strings; a JSON number is refused
/// with a `CalculationError` naming the full field path (taken from the decoder's coding path,
/// so inside an inventory it reads `sources[3].hours[7].flow.value`). Errors thrown from
/// `init(from:)` pass through `JSONDecoder` unchanged, so callers see the `CalculationError`.
enum MeasurementDecoding {
    /// `sources[3].hours[7].flow` from a coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }

    static func path<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) -> String {
        path(container.codingPath + [key])
    }

    /// A required string field.
    static func text<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> String {
        guard let value = try optionalText(container, key) else {
            throw CalculationError(.missingInput, "'\(key.stringValue)' is required", field: path(container, key))
        }
        return value
    }

    /// An optional string field: absent or `null` is nil; a number, boolean, array or object is an error.
    static func optionalText<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> String? {
        guard container.contains(key), !((try? container.decodeNil(forKey: key)) ?? false) else { return nil }
        if let value = try? container.decode(String.self, forKey: key) { return value }
        if let number = try? container.decode(Decimal.self, forKey: key) {
            throw CalculationError(
                .invalidNumber,
                "write numbers as JSON strings (\"\(DecimalText.plain(number))\"), not as JSON numbers, so no digit is lost",
                field: path(container, key))
        }
        throw CalculationError(.invalidInput, "'\(key.stringValue)' must be a string", field: path(container, key))
    }

    /// A nested object or array that may be absent.
    static func optional<T: Decodable, K: CodingKey>(_ type: T.Type, _ container: KeyedDecodingContainer<K>,
                                                     _ key: K) throws -> T? {
        guard container.contains(key), !((try? container.decodeNil(forKey: key)) ?? false) else { return nil }
        return try container.decode(type, forKey: key)
    }

    static func required<T: Decodable, K: CodingKey>(_ type: T.Type, _ container: KeyedDecodingContainer<K>,
                                                     _ key: K) throws -> T {
        guard let value = try optional(type, container, key) else {
            throw CalculationError(.missingInput, "'\(key.stringValue)' is required", field: path(container, key))
        }
        return value
    }

    /// A single string value naming one case of a closed set (gas, basis, validity).
    static func choice<T>(_ decoder: any Decoder, _ what: String, _ parse: (String) -> T?,
                          accepted: [String], code: CalculationError.Code = .invalidInput) throws -> T {
        let field = path(decoder.codingPath)
        let container = try decoder.singleValueContainer()
        guard let text = try? container.decode(String.self) else {
            throw CalculationError(.invalidInput, "\(what) must be a string: one of \(accepted.joined(separator: ", "))",
                                   field: field)
        }
        guard let value = parse(text.trimmingCharacters(in: .whitespaces)) else {
            throw CalculationError(code, "unknown \(what) '\(text)'; accepted: \(accepted.joined(separator: ", "))",
                                   field: field)
        }
        return value
    }

    /// Turns what `JSONDecoder` throws into a `CalculationError` with a field path.
    static func calculationError(_ error: any Error) -> CalculationError {
        if let error = error as? CalculationError { return error }
        guard let error = error as? DecodingError else { return CalculationError(.invalidInput, "\(error)") }
        switch error {
        case .keyNotFound(let key, let context):
            return CalculationError(.missingInput, "'\(key.stringValue)' is required",
                                    field: path(context.codingPath + [key]))
        case .typeMismatch(let type, let context):
            return CalculationError(.invalidInput, "expected \(type): \(context.debugDescription)",
                                    field: context.codingPath.isEmpty ? nil : path(context.codingPath))
        case .valueNotFound(_, let context):
            return CalculationError(.missingInput, context.debugDescription,
                                    field: context.codingPath.isEmpty ? nil : path(context.codingPath))
        case .dataCorrupted(let context):
            return CalculationError(.invalidInput, "not valid JSON: \(context.debugDescription)",
                                    field: context.codingPath.isEmpty ? nil : path(context.codingPath))
        @unknown default:
            return CalculationError(.invalidInput, "\(error)")
        }
    }
}
