import Foundation
import Hummingbird
import Logging

/// Turns every error into the API's one JSON error shape. Known errors keep their status; an
/// unexpected error is logged with the request id and answered 500 without internals.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let requestID = context.requestID.isEmpty ? nil : context.requestID
            let apiError = Self.translate(error, logger: context.logger)
            return try apiError.response(requestID: requestID)
        }
    }

    static func translate(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as DatabaseError where error.isRetryable:
            logger.warning("database busy", metadata: [LogKey.error: "\(error)"])
            return .unavailable("the database is busy; retry", retryAfter: 1)
        case let error as DatabaseError where error.code == .diskFull:
            logger.error("database disk full", metadata: [LogKey.error: "\(error)"])
            return .unavailable("storage is full", retryAfter: 30)
        case let error as DecodingError:
            return JSONBody.apiError(for: error)
        case let error as HTTPError:
            let code: String
            switch error.status {
            case .notFound: code = "not_found"
            case .contentTooLarge: code = "body_too_large"
            case .methodNotAllowed: code = "method_not_allowed"
            case .unsupportedMediaType: code = "unsupported_media_type"
            default: code = error.status.code < 500 ? "invalid_request" : "internal"
            }
            let message = error.body ?? error.status.reasonPhrase
            return APIError(error.status, code, message)
        default:
            logger.error("unexpected error", metadata: [LogKey.error: "\(String(reflecting: error))"])
            return APIError(.internalServerError, "internal", "an internal error occurred; the request id is in the logs")
        }
    }
}
