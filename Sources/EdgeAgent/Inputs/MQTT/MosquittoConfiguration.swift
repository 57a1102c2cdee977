/// How `MosquittoClient` reaches its broker. The client id must be stable across restarts: the
/// broker keys the persistent session (clean session off) on it, and only that session holds the
/// QoS 1 messages published while the agent was down. Two agents with one id take the session
/// from each other, so derive it from the agent's own id (`AgentSettings.agent.id`).
struct MosquittoConfiguration: Sendable, Hashable {
    struct Credentials: Sendable, Hashable, CustomStringConvertible {
        var username: String
        var password: String?
        /// Never prints the password (configurations get logged).
        var description: String { "\(username) (password \(password == nil ? "none" : "set"))" }
    }

    /// TLS through `mosquitto_tls_set`: the broker's certificate is checked against `caFile`
    /// (and its host name against `host`: a broker reached by IP needs that IP in its
    /// certificate's subjectAltName). `certificateFile` and `keyFile` together present a client
    /// certificate. The key must not be encrypted: libmosquitto would ask OpenSSL to prompt on a
    /// terminal, which a daemon does not have. Files are read when the client is built, so a
    /// missing or unreadable file fails at start-up, not at the first connection.
    struct TLS: Sendable, Hashable {
        var caFile: String
        var certificateFile: String?
        var keyFile: String?
    }

    var host: String
    var port: Int32
    var clientID: String
    var credentials: Credentials?
    var tls: TLS?
    /// PINGREQ interval; the broker drops us after 1.5 × this without traffic, and we notice a
    /// dead broker within about the same time. libmosquitto refuses less than 5 s.
    var keepAlive: Duration
    /// Reconnection waits `reconnectDelay` × 2^(failures) (half of it random jitter, so a fleet of
    /// agents does not reconnect in step after a broker restart), at most `reconnectDelayMaximum`.
    var reconnectDelay: Duration
    var reconnectDelayMaximum: Duration

    init(
        host: String, port: Int32 = 1883, clientID: String, credentials: Credentials? = nil, tls: TLS? = nil,
        keepAlive: Duration = .seconds(30), reconnectDelay: Duration = .seconds(1),
        reconnectDelayMaximum: Duration = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.credentials = credentials
        self.tls = tls
        self.keepAlive = keepAlive
        self.reconnectDelay = reconnectDelay
        self.reconnectDelayMaximum = reconnectDelayMaximum
    }

    /// Checks what libmosquitto would only refuse later, or refuse silently.
    func validate() throws(MosquittoError) {
        func fail(_ message: String) -> MosquittoError { MosquittoError(.invalidConfiguration, message) }
        guard !host.isEmpty else { throw fail("the broker host is empty") }
        guard (1...65_535).contains(port) else { throw fail("the broker port \(port) is outside 1...65535") }
        // clean session off needs an id; MQTT strings are at most 65535 bytes and carry no NUL.
        guard !clientID.isEmpty, clientID.utf8.count <= 65_535, !clientID.unicodeScalars.contains("\0") else {
            throw fail("the client id must be 1 to 65535 bytes without NUL")
        }
        guard keepAlive >= .seconds(5), keepAlive <= .seconds(65_535) else {
            throw fail("keep-alive must lie between 5 s and 65535 s")
        }
        guard reconnectDelay > .zero, reconnectDelayMaximum >= reconnectDelay else {
            throw fail("the reconnect delay must be positive and not above its maximum")
        }
        if let tls, (tls.certificateFile == nil) != (tls.keyFile == nil) {
            throw fail("a client certificate needs both certificate_file and key_file")
        }
    }

    /// The wait before reconnection attempt `failures + 1`; `jitter` in 0..<1 picks the random half.
    func reconnectWait(afterFailures failures: Int, jitter: Double) -> Duration {
        let doubled = reconnectDelay * (1 << min(failures, 30))
        let capped = min(doubled, reconnectDelayMaximum)
        return capped / 2 + (capped / 2) * min(max(jitter, 0), 1)
    }
}
