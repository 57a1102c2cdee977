import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// The route table's schemas enforced, not only documented: every JSON body and declared query
/// parameter is checked against what /openapi.json promises before the handler runs, so a value
/// the document forbids (an unknown nested key, a string over its maximum length, a year below its
/// minimum) is a 422 naming the field, never stored. Handlers keep their own rules on top (what a
/// schema cannot say: references to other objects, cross-field checks).
enum SchemaValidation {
    /// The largest JSON body read here when the route names no limit of its own (its handler's
    /// limit still applies after); bodies above `validatedSize` are left to the handler whole.
    static let bodyLimit = 8 * 1024 * 1024
    static let validatedSize = JSONBody.defaultLimit

    /// Checks the JSON body of `request` against `schema` when it is JSON (CSV and other declared
    /// media types are the handler's). Returns the request with its body collected, for the handler.
    static func checkBody(_ request: Request, schema: JSONSchema, limit: Int?) async throws -> Request {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.isEmpty || type.contains("json"), request.headers[.contentEncoding] == nil else { return request }
        var request = request
        let buffer = try await JSONBody.collect(request, limit: limit ?? bodyLimit)
        request.body = .init(buffer: buffer)
        guard buffer.readableBytes > 0, limit != nil || buffer.readableBytes <= validatedSize,
              let value = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        else { return request }  // empty or not JSON: the handler's decoder words that error
        if let (field, message) = violation(value, schema, at: "") {
            throw APIError(.unprocessableContent, "invalid_field", message, field: field.isEmpty ? nil : field)
        }
        return request
    }

    /// Checks each declared query parameter present against its schema.
    static func checkQuery(_ request: Request, declared: [QueryParameter]) throws {
        for (key, value) in request.uri.queryParameters {
            guard let parameter = declared.first(where: { $0.name == String(key) }) else { continue }
            let text = String(value)
            let parsed: JSONValue = switch parameter.schema {
            case .integer: Int64(text).map(JSONValue.integer) ?? .string(text)
            case .boolean: text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
            default: .string(text)
            }
            if let (field, message) = violation(parsed, parameter.schema, at: parameter.name) {
                throw APIError(.unprocessableContent, "invalid_parameter", message, field: field)
            }
        }
    }

    /// The first place `value` breaks `schema`: (field path, message), or nil.
    static func violation(_ value: JSONValue, _ schema: JSONSchema, at path: String) -> (String, String)? {
        let name = path.isEmpty ? "the body" : path
        switch (schema, value) {
        case (.any, _), (.ref, _), (.null, .null), (.nullable, .null), (.boolean, .bool):
            return nil
        case (.nullable(let inner), _):
            return violation(value, inner, at: path)
        case (.object(let properties, let required, let additional), .object(let fields)):
            for key in required.sorted() where fields[key] == nil {
                return (join(path, key), "'\(join(path, key))' is required")
            }
            for key in fields.keys.sorted() {
                guard let property = properties[key] else {
                    if additional { continue }
                    return (join(path, key), "unknown field '\(join(path, key))'; accepted: "
                            + properties.keys.sorted().joined(separator: ", "))
                }
                // An optional property may be null (documented so: Swift reads null as absent).
                if case .null = fields[key]!, !required.contains(key) { continue }
                if let found = violation(fields[key]!, property, at: join(path, key)) { return found }
            }
            return nil
        case (.map(let values), .object(let fields)):
            for key in fields.keys.sorted() {
                if let found = violation(fields[key]!, values, at: join(path, key)) { return found }
            }
            return nil
        case (.array(let items), .array(let elements)):
            for (index, element) in elements.enumerated() {
                if let found = violation(element, items, at: "\(path)[\(index)]") { return found }
            }
            return nil
        case (.string(_, let pattern, let values, let maxLength, let minLength), .string(let text)):
            let length = text.unicodeScalars.count
            if let maxLength, length > maxLength { return (path, "\(name) must have at most \(maxLength) characters") }
            if let minLength, length < minLength { return (path, "\(name) must have at least \(minLength) characters") }
            if let values, !values.contains(text) {
                return (path, "\(name) must be one of: " + values.prefix(20).joined(separator: ", ")
                        + (values.count > 20 ? ", …" : ""))
            }
            if let pattern, !matches(text, pattern) {
                return (path, "\(name) must match \(pattern)")
            }
            return nil
        case (.integer(let minimum, let maximum), .integer(let number)):
            if let minimum, number < minimum { return (path, "\(name) must be at least \(minimum)") }
            if let maximum, number > maximum { return (path, "\(name) must be at most \(maximum)") }
            return nil
        default:
            return (path, "\(name) must be \(describe(schema))")
        }
    }

    /// Compiled once per pattern: a body can carry thousands of decimal strings, and compiling the
    /// expression for each was most of the check's time.
    private static let expressions = Mutex<[String: NSRegularExpression]>([:])

    private static func matches(_ text: String, _ pattern: String) -> Bool {
        let expression = expressions.withLock { cache -> NSRegularExpression? in
            if let known = cache[pattern] { return known }
            let compiled = try? NSRegularExpression(pattern: pattern)
            cache[pattern] = compiled
            return compiled
        }
        guard let expression else { return true }  // our own patterns compile; never refuse on our error
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private static func describe(_ schema: JSONSchema) -> String {
        switch schema {
        case .object, .map: "an object"
        case .array: "an array"
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "true or false"
        case .null: "null"
        case .nullable(let inner): describe(inner) + " or null"
        case .ref, .any: "a value"
        }
    }
}
