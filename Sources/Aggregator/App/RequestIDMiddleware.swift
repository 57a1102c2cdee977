import Foundation
import Hummingbird
import Logging

/// Gives every request an id (the caller's `X-Request-ID` when it is short and printable, so a
/// proxy's id carries through; otherwise a new UUID), puts it in the log metadata and the reply.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        let offered = request.headers[.requestID] ?? ""
        let acceptable = (1...64).contains(offered.count)
            && offered.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789-_.".unicodeScalars.contains($0)) }
        context.requestID = acceptable ? offered : UUID().uuidString.lowercased()
        context.logger[metadataKey: LogKey.requestID] = .string(context.requestID)
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        return response
    }
}
