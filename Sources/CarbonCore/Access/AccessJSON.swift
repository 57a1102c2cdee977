import Foundation  // Codable containers, Decimal

/// Strict JSON reading for access policies, the product's convention (see `StrictJSONReading`):
/// unknown keys are refused, numbers are strings, and every error is an `AccessError` naming the
/// field (`[1].conditions[0].amount.below`). Errors thrown inside `init(from:)` pass through
/// `JSONDecoder` unchanged; `accessError(_:)` converts the decoder's own.
enum AccessJSON: StrictJSONReading {
    /// Refuses keys that are not in `K`, and anything that is not an object at all.
    static func rejectUnknownKeys<K: CodingKey & CaseIterable>(_ decoder: any Decoder, _: K.Type) throws {
        let present: [String]
        do {
            present = try decoder.container(keyedBy: StrictJSONKey.self).allKeys.map(\.stringValue)
        } catch {
            throw AccessError(.invalidValue, "expected an object", field: fieldOrNil(decoder.codingPath))
        }
        let known = K.allCases.map(\.stringValue)
        if let unknown = present.sorted().first(where: { !known.contains($0) }) {
            throw AccessError(
                .unknownKey, "unknown key '\(unknown)'; expected one of: \(known.joined(separator: ", "))",
                field: path(decoder.codingPath + [StrictJSONKey(stringValue: unknown)]))
        }
    }

    /// A string, or nil when the key is absent or null; any other JSON type is refused by name.
    static func text<K>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> String? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        guard let text = try? container.decode(String.self, forKey: key) else {
            throw AccessError(.invalidValue, "expected a string", field: path(container, key))
        }
        return text
    }

    /// A non-blank string.
    static func requiredText<K>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> String {
        guard let text = try text(container, key) else {
            throw AccessError(.missingInput, "is required", field: path(container, key))
        }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AccessError(.missingInput, "is required (it is empty)", field: path(container, key))
        }
        return text
    }

    /// The whole value as a string (permission names, paths).
    static func singleText(_ decoder: any Decoder) throws -> String {
        guard let text = try? decoder.singleValueContainer().decode(String.self) else {
            throw AccessError(.invalidValue, "expected a string", field: fieldOrNil(decoder.codingPath))
        }
        return text
    }

    /// A decimal written as a string; a JSON number is refused, it may have been through Double.
    static func decimal<K>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Decimal {
        if (try? container.decode(Decimal.self, forKey: key)) != nil, (try? container.decode(String.self, forKey: key)) == nil {
            throw AccessError(
                .invalidValue, "is a JSON number; write it as a string (\"10000\") so it stays exact",
                field: path(container, key))
        }
        let text = try requiredText(container, key)
        do {
            return try DecimalText.parse(text)
        } catch {
            throw AccessError(.invalidValue, error.message, field: path(container, key))
        }
    }

    /// A non-empty array of strings, or nil when absent or null, each turned into `T` by `make`.
    static func list<T, K>(_ container: KeyedDecodingContainer<K>, _ key: K,
                           _ make: (String) throws(AccessError) -> T) throws -> [T]? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        guard let texts = try? container.decode([String].self, forKey: key) else {
            throw AccessError(.invalidValue, "expected an array of strings", field: path(container, key))
        }
        return try texts.enumerated().map { index, text in
            try located(path(container, key) + "[\(index)]") { () throws(AccessError) in try make(text) }
        }
    }

    /// Runs `body`, placing its error under `field`.
    static func located<T>(_ field: String, _ body: () throws(AccessError) -> T) throws(AccessError) -> T {
        do {
            return try body()
        } catch {
            throw error.at(field)
        }
    }

    /// What `JSONDecoder` throws, as an `AccessError` with a field path.
    static func accessError(_ error: any Error) -> AccessError {
        if let error = error as? AccessError { return error }
        guard let error = error as? DecodingError else { return AccessError(.invalidValue, "\(error)") }
        switch error {
        case .keyNotFound(let key, let context):
            return AccessError(.missingInput, "is required", field: path(context.codingPath + [key]))
        case .typeMismatch(let type, let context):
            return AccessError(.invalidValue, "expected \(type)", field: fieldOrNil(context.codingPath))
        case .valueNotFound(_, let context):
            return AccessError(.missingInput, context.debugDescription, field: fieldOrNil(context.codingPath))
        case .dataCorrupted(let context):
            return AccessError(.invalidValue, "not valid JSON: \(context.debugDescription)",
                               field: fieldOrNil(context.codingPath))
        @unknown default:
            return AccessError(.invalidValue, "\(error)")
        }
    }

    static func fieldOrNil(_ codingPath: [any CodingKey]) -> String? {
        codingPath.isEmpty ? nil : path(codingPath)
    }
}
