import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The one error shape of the API: `{"error": {"code", "message", "field"}}`. `code` is stable and
/// machine-readable, `message` is for people, `field` names the offending input when there is one.
struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let field: String?
    /// Seconds a client should wait before retrying (503/429), sent as `Retry-After`.
    var retryAfter: Int?
    /// Set by the policy check on an object the caller may not touch, so the route wrapper audits
    /// the refusal (the reply may still be a plain 404, to keep ids unprobeable). Never sent.
    var deniedBecause: String?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    var description: String { "\(status.code) \(code): \(message)" + (field.map { " (field \($0))" } ?? "") }

    /// The same error, marked as a policy refusal to be audited.
    func denial(_ reason: String) -> APIError {
        var copy = self
        copy.deniedBecause = reason
        return copy
    }

    static func badRequest(_ message: String, field: String? = nil, code: String = "invalid_request") -> APIError {
        APIError(.badRequest, code, message, field: field)
    }
    static func invalidField(_ field: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, "invalid_field", message, field: field)
    }
    static let unauthenticated = APIError(.unauthorized, "unauthenticated", "a valid bearer token is required")
    static func forbidden(_ message: String = "you do not have permission for this") -> APIError {
        APIError(.forbidden, "forbidden", message)
    }
    /// Used both for missing objects and for objects outside the caller's organisations, so that
    /// guessing an id never reveals whether it exists.
    static func notFound(_ what: String) -> APIError { APIError(.notFound, "not_found", "\(what) not found") }
    /// A body names an object that does not exist or that the caller may not see (the same answer
    /// for both, so ids cannot be probed). 422, not 404: the resource of the URL does exist.
    static func unknownReference(_ field: String, _ what: String) -> APIError {
        APIError(.unprocessableContent, "unknown_reference", "no such \(what)", field: field)
    }
    static func conflict(_ message: String, field: String? = nil) -> APIError {
        APIError(.conflict, "conflict", message, field: field)
    }
    static func unavailable(_ message: String, retryAfter: Int = 1) -> APIError {
        APIError(.serviceUnavailable, "unavailable", message, retryAfter: retryAfter)
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
            let requestID: String?
            enum CodingKeys: String, CodingKey {
                case code, message, field
                case requestID = "request_id"
            }
        }
        let error: Detail
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try response(requestID: (context as? AppRequestContext)?.requestID ?? request.headers[.requestID])
    }

    func response(requestID: String?) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Body(error: .init(code: code, message: message, field: field, requestID: requestID)))
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let requestID { headers[.requestID] = requestID }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-ID")!
}

extension APIError {
    /// A decimal string of a request, or a 422 naming `field` (numbers travel as strings).
    static func decimal(_ text: String, field: String) throws -> Decimal {
        do { return try DecimalText.parse(text) } catch {
            throw APIError.invalidField(field, "'\(field)' must be a decimal string such as \"12.5\"")
        }
    }
}
