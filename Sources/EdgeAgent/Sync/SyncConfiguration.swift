import Foundation

/// What the sync service needs to know; the lead maps the `[sync]` TOML table onto it.
struct SyncConfiguration: Sendable {
    /// Aggregator base URLs, e.g. `https://agg-1.example:8443`; batches go to
    /// `{endpoint}/api/v1/ingest/batches`. At least one.
    var endpoints: [URL]
    /// A file holding the agent's bearer token (read before every batch, so it can be rotated
    /// without a restart; surrounding whitespace is ignored).
    var tokenFile: String
    /// This agent's id as the aggregator knows it (part of the idempotency key).
    var agentID: String
    var limits: BatchBuilder.Limits
    var policy: EndpointPolicy
    var backoff: Backoff.Configuration
    var breaker: CircuitBreaker.Configuration
    /// Per HTTP request (connect, send, wait for the reply).
    var requestTimeout: Duration
    /// How often the buffer is looked at again when there is nothing (or not yet enough) to send.
    var idleInterval: Duration

    init(
        endpoints: [URL], tokenFile: String, agentID: String, limits: BatchBuilder.Limits = .init(),
        policy: EndpointPolicy = .consistentHash, backoff: Backoff.Configuration = .init(),
        breaker: CircuitBreaker.Configuration = .init(), requestTimeout: Duration = .seconds(30),
        idleInterval: Duration = .seconds(1)
    ) {
        self.endpoints = endpoints
        self.tokenFile = tokenFile
        self.agentID = agentID
        self.limits = limits
        self.policy = policy
        self.backoff = backoff
        self.breaker = breaker
        self.requestTimeout = requestTimeout
        self.idleInterval = idleInterval
    }

    func validate() throws(SyncError) {
        guard !endpoints.isEmpty else { throw SyncError(.configuration, "no aggregator endpoint is configured") }
        for url in endpoints where !["http", "https"].contains(url.scheme?.lowercased() ?? "") || url.host == nil {
            throw SyncError(.configuration, "endpoint '\(url.absoluteString)' is not an http(s) URL with a host")
        }
        guard !agentID.isEmpty else { throw SyncError(.configuration, "the agent id is empty") }
    }

    static func ingestURL(_ endpoint: URL) -> URL {
        endpoint.appendingPathComponent("api/v1/ingest/batches")
    }
}

extension SyncConfiguration {
    /// The agent's credential, read at each request so a rotated token is used without a restart.
    func readToken() throws(SyncError) -> String {
        let text: String
        do { text = try String(contentsOfFile: tokenFile, encoding: .utf8) } catch {
            throw SyncError(.token, "cannot read the token file \(tokenFile): \(error.localizedDescription)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains(where: \.isNewline) else {
            throw SyncError(.token, "the token file \(tokenFile) must hold one non-empty line")
        }
        return token
    }
}
