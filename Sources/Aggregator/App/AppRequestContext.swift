import Hummingbird
import Logging
import NIOCore

/// Per-request state: the request id, the caller's address and, once authenticated, the principal.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The caller's IP address, for the audit log and per-address login throttling.
    let sourceAddress: String
    var requestID: String = ""
    var principal: Principal?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sourceAddress = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// Bodies above this are refused with 413 before they are read into memory; ingest raises it.
    var maxUploadSize: Int { 8 * 1024 * 1024 }

    /// The authenticated principal; routes behind the authenticator never see nil here.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError.unauthenticated }
        return principal
    }
}
