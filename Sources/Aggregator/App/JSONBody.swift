import Foundation
import Hummingbird
import NIOCore

/// A request body type. Its `Keys` are every key it accepts: anything else is refused by name, so a
/// client cannot slip `organisation`, `role`, `status` or `owner` into a body that does not take
/// them (no mass assignment), and a misspelt optional key is an error rather than silently absent.
protocol RequestBody: Decodable, Sendable {
    associatedtype Keys: CodingKey & CaseIterable
}

enum JSONBody {
    static let defaultLimit = 1024 * 1024

    /// Reads at most `limit` bytes (413 beyond), checks the keys, decodes, and names the field of
    /// any error in a 4xx. Nothing has been written when this throws.
    static func decode<T: RequestBody>(_ type: T.Type, from request: Request, context: AppRequestContext,
                                       limit: Int = defaultLimit) async throws -> T {
        let buffer = try await collect(request, limit: limit)
        return try decode(type, from: Data(buffer.readableBytesView))
    }

    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "body_too_large", "the body is larger than \(limit) bytes")
        } catch is NIOTooManyBytesError {
            // `collect(upTo:)` throws this when the body streams past the limit (no Content-Length).
            throw APIError(.contentTooLarge, "body_too_large", "the body is larger than \(limit) bytes")
        }
    }

    static func decode<T: RequestBody>(_ type: T.Type, from data: Data) throws -> T {
        guard !data.isEmpty else { throw APIError.badRequest("a JSON body is required", code: "invalid_json") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError.badRequest("the body is not valid JSON", code: "invalid_json")
        }
        guard let dictionary = object as? [String: Any] else {
            throw APIError.badRequest("the body must be a JSON object", code: "invalid_json")
        }
        let known = Set(T.Keys.allCases.map(\.stringValue))
        if let unknown = dictionary.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError(.unprocessableContent, "unknown_field",
                           "unknown field '\(unknown)'; accepted: \(known.sorted().joined(separator: ", "))",
                           field: unknown)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw apiError(for: error)
        } catch let error as APIError {
            throw error
        }
    }

    static func apiError(for error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .reduce("") { $0.isEmpty || $1.hasPrefix("[") ? $0 + $1 : $0 + "." + $1 }
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return APIError(.unprocessableContent, "missing_field", "'\(field)' is required", field: field)
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return APIError(.unprocessableContent, "invalid_field", "'\(field)' must be \(describe(type))", field: field)
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return APIError(.unprocessableContent, "invalid_field", "'\(field)' must be \(describe(type)), not null",
                            field: field)
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return APIError(.unprocessableContent, field.isEmpty ? "invalid_json" : "invalid_field",
                            context.debugDescription, field: field.isEmpty ? nil : field)
        @unknown default:
            return APIError.badRequest("the body could not be decoded", code: "invalid_json")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Bool.Type: return "a boolean"
        case is [Any].Type: return "an array"
        default: return "a \(String(describing: type).lowercased())"
        }
    }
}

/// A JSON reply with a chosen status; Hummingbird's encoder writes dates as ISO 8601.
struct JSONReply<Value: Encodable & Sendable>: ResponseGenerator {
    var status: HTTPResponse.Status = .ok
    let value: Value

    init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
