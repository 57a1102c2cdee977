import Foundation

/// The subset of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that the route table needs to
/// describe request and response bodies. Kept next to the routes so the document cannot drift.
indirect enum JSONSchema: Sendable, Encodable {
    case object([String: JSONSchema], required: [String], additional: Bool = false)
    case array(JSONSchema)
    case string(format: String? = nil, pattern: String? = nil, values: [String]? = nil, maxLength: Int? = nil,
                minLength: Int? = nil)
    case integer(minimum: Int64? = nil, maximum: Int64? = nil)
    case boolean
    case nullable(JSONSchema)
    case map(JSONSchema)
    case null
    /// A component schema by name (`#/components/schemas/NAME`).
    case ref(String)
    case any

    static let text = JSONSchema.string(maxLength: 10_000)
    static let uuid = JSONSchema.string(format: "uuid")
    /// Exact decimals travel as strings.
    static let decimal = JSONSchema.string(pattern: "^-?[0-9]+(\\.[0-9]+)?$")
    static let timestamp = JSONSchema.string(format: "date-time")
    /// A name shown to people: 1 to 200 characters, not only spaces.
    static let name = JSONSchema.string(pattern: "\\S", maxLength: 200, minLength: 1)
    /// Every IANA zone this system knows, so a client can tell a valid one before sending it.
    static let timeZone = JSONSchema.string(values: TimeZone.knownTimeZoneIdentifiers.sorted())
    static let password = JSONSchema.string(maxLength: 1024, minLength: 12)

    private enum Keys: String, CodingKey {
        case type, properties, required, additionalProperties, items, format, pattern, minimum, maximum, maxLength
        case minLength
        case enumValues = "enum"
        case anyOf
        case ref = "$ref"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .object(let properties, let required, let additional):
            try container.encode("object", forKey: .type)
            // An optional property also accepts null (Swift's decoding reads null as absent), so
            // the document says so instead of promising a refusal the service does not make.
            var documented = properties
            for (key, schema) in properties where !required.contains(key) {
                if case .nullable = schema { continue }
                documented[key] = .nullable(schema)
            }
            try container.encode(documented, forKey: .properties)
            if !required.isEmpty { try container.encode(required.sorted(), forKey: .required) }
            try container.encode(additional, forKey: .additionalProperties)
        case .array(let items):
            try container.encode("array", forKey: .type)
            try container.encode(items, forKey: .items)
        case .string(let format, let pattern, let values, let maxLength, let minLength):
            try container.encode("string", forKey: .type)
            try container.encodeIfPresent(format, forKey: .format)
            try container.encodeIfPresent(pattern, forKey: .pattern)
            try container.encodeIfPresent(values, forKey: .enumValues)
            try container.encodeIfPresent(maxLength, forKey: .maxLength)
            try container.encodeIfPresent(minLength, forKey: .minLength)
        case .integer(let minimum, let maximum):
            try container.encode("integer", forKey: .type)
            try container.encodeIfPresent(minimum, forKey: .minimum)
            try container.encodeIfPresent(maximum, forKey: .maximum)
        case .boolean:
            try container.encode("boolean", forKey: .type)
        case .nullable(let inner):
            try container.encode([inner, JSONSchema.null], forKey: .anyOf)
        case .map(let values):
            try container.encode("object", forKey: .type)
            try container.encode(values, forKey: .additionalProperties)
        case .ref(let name):
            try container.encode("#/components/schemas/\(name)", forKey: .ref)
        case .null:
            try container.encode("null", forKey: .type)
        case .any:
            break
        }
    }
}
