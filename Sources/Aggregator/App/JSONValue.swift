import Foundation

/// Any JSON value, kept as parsed: stored documents (inventory inputs, footprint models, results)
/// are embedded in replies and re-encoded canonically without going through Swift types that might
/// drop or reorder fields, and request bodies are checked against their schema (SchemaValidation).
/// Integers stay apart from fractions and from booleans.
indirect enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    static func parse(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// Any Encodable value as a `JSONValue` (through its JSON form).
    static func from(_ value: some Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: try CanonicalJSON.encoder.encode(value))
    }

    var object: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    var array: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    var string: String? { if case .string(let value) = self { value } else { nil } }
    subscript(key: String) -> JSONValue? { object?[key] }

    /// Sorted keys, no whitespace: equal values give equal bytes, so hashes compare inputs.
    func canonical() throws -> Data { try CanonicalJSON.encoder.encode(self) }

    /// A CarbonCore quantity, `{"value": "…", "unit": "…"}`.
    static func quantity(_ value: String, _ unit: String) -> JSONValue {
        .object(["value": .string(value), "unit": .string(unit)])
    }
}
