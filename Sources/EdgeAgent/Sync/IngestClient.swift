import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// POSTs one batch body. URLSession (FoundationNetworking, libcurl underneath on Linux) rather
/// than a hand-written HTTP/1.1 client: the production aggregator is reached over TLS, which a
/// socket client would have to re-implement, and libcurl brings keep-alive, proxies and
/// timeouts that are tested elsewhere. The cost is linking libcurl (already on every Debian).
/// Never retries by itself: every decision is the service's.
struct IngestClient: Sendable {
    struct Response: Sendable {
        var status: Int
        /// `Retry-After` in its delta-seconds form; the HTTP-date form is ignored (backoff applies).
        var retryAfter: Duration?
        var body: Data
    }

    private let session: URLSession

    init(timeout: Duration) {
        let configuration = URLSessionConfiguration.ephemeral
        let seconds = BatchBuilder.seconds(timeout)
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = seconds
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    /// POSTs to `url` (by default the endpoint's reading-batch route).
    func post(_ body: Data, to endpoint: URL, url: URL? = nil, token: String) async throws(SyncError) -> Response {
        var request = URLRequest(url: url ?? SyncConfiguration.ingestURL(endpoint))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = body
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw SyncError(.transport, "\(error)", endpoint: endpoint.absoluteString)
        }
        guard let http = response as? HTTPURLResponse else {
            throw SyncError(.transport, "not an HTTP response", endpoint: endpoint.absoluteString)
        }
        let retryAfter = (http.value(forHTTPHeaderField: "Retry-After")?.trimmingCharacters(in: .whitespaces))
            .flatMap { Int($0) }.map { Duration.seconds(max(0, $0)) }
        return Response(status: http.statusCode, retryAfter: retryAfter, body: data)
    }

    func invalidate() { session.invalidateAndCancel() }
}
