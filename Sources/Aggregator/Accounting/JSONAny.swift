import Foundation

/// Any JSON value, carried through unchanged. Inventory inputs are CarbonCore's own JSON (sources,
/// production, CEMS hours); the aggregator stores them as given and lets CarbonCore decode and
/// judge them, so the API and `carbonctl account` accept exactly the same documents.
enum JSONAny: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONAny])
    case object([String: JSONAny])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONAny].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONAny].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    var object: [String: JSONAny]? { if case .object(let value) = self { value } else { nil } }
    var array: [JSONAny]? { if case .array(let value) = self { value } else { nil } }
    var string: String? { if case .string(let value) = self { value } else { nil } }
    subscript(key: String) -> JSONAny? { object?[key] }

    /// Canonical text (sorted keys): equal values give equal bytes, so hashes compare inputs.
    func canonical() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    static func parse(_ text: String) throws -> JSONAny {
        try JSONDecoder().decode(JSONAny.self, from: Data(text.utf8))
    }

    /// Any encodable value (a CarbonCore report) as a JSON value.
    static func from(_ value: some Encodable) throws -> JSONAny {
        try JSONDecoder().decode(JSONAny.self, from: try JSONEncoder().encode(value))
    }

    static func quantity(_ value: String, _ unit: String) -> JSONAny {
        .object(["value": .string(value), "unit": .string(unit)])
    }
}
