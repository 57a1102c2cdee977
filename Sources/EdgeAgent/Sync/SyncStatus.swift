import Foundation

/// What the sync service is doing, for the control socket and the tests. A snapshot.
struct SyncStatus: Sendable, Hashable {
    enum Phase: Sendable, Hashable {
        case starting
        /// Nothing (or not yet a full or old enough batch) to send.
        case idle
        case sending(firstSeq: Int64, lastSeq: Int64)
        /// The last attempt failed; the same batch is sent again after the delay.
        case retrying(firstSeq: Int64, lastSeq: Int64, after: Duration, error: String)
        /// The aggregator refused this batch for good (409, other 4xx). Nothing more is sent
        /// until an operator calls `resume()`; the buffer keeps every reading meanwhile. Kept
        /// after `stop()` (the phase does not become `.stopped`).
        case quarantined(firstSeq: Int64, lastSeq: Int64, status: Int, message: String)
        case stopped
    }

    var phase: Phase = .starting
    var batchesAcknowledged = 0
    var sequencesAcknowledged: Int64 = 0
    var attempts = 0
    var failedAttempts = 0
    /// Replies with status `duplicate`: a replay of a batch the aggregator already held.
    var duplicateReplies = 0
    var lastWatermark: Int64 = 0
    /// Endpoint base URL → its breaker state.
    var breakers: [String: CircuitBreaker.State] = [:]

    var isQuarantined: Bool { if case .quarantined = phase { true } else { false } }
}
