/// Why a sync step failed. The CalculationError shape: a struct with an opaque `Code`. An HTTP
/// failure keeps the status and the start of the body; a transport failure keeps the system's
/// own description (URLError on Linux carries libcurl's reason).
struct SyncError: Error, Hashable, Sendable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case transport, httpStatus, badReply, rejected, token, buildBatch, store, configuration
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// No HTTP answer: refused, reset, timed out, connection closed without a reply.
        static let transport = Code(.transport)
        /// An HTTP status that is retried (5xx, 429, 408).
        static let httpStatus = Code(.httpStatus)
        /// A 200 whose body is not a `BatchReply` for the batch that was sent.
        static let badReply = Code(.badReply)
        /// A status that will not change on retry (409, other 4xx): the batch is quarantined.
        static let rejected = Code(.rejected)
        /// The agent token file is missing, unreadable or empty.
        static let token = Code(.token)
        /// The readings could not be turned into a valid batch.
        static let buildBatch = Code(.buildBatch)
        /// The buffer failed (peek or acknowledge).
        static let store = Code(.store)
        /// The sync configuration is unusable (no endpoints, a batch size of 0, ...).
        static let configuration = Code(.configuration)
        var description: String { base.rawValue }
    }

    var code: Code
    var message: String
    /// The endpoint that answered (or failed to), when there was one.
    var endpoint: String?
    /// The HTTP status, when there was one.
    var status: Int?

    init(_ code: Code, _ message: String, endpoint: String? = nil, status: Int? = nil) {
        self.code = code
        self.message = message
        self.endpoint = endpoint
        self.status = status
    }

    var description: String {
        var text = "sync \(code): \(message)"
        if let status { text += " (HTTP \(status))" }
        if let endpoint { text += " [\(endpoint)]" }
        return text
    }
}
