import CarbonCore
import Foundation
import Logging
import Synchronization

// Uploads the alarm store's unsynced transitions (issue 3: "alarm state and history sync upstream")
// next to the reading sync, with the same credential, endpoints, backoff and client:
//
//   POST {endpoint}/api/v1/ingest/alarm-events   JSON `AlarmEventBatch` (CarbonCore)
//
// The oldest unsynced transitions, in id order, at most `batchSize` per request. Rows are marked
// synced only after a 2xx whose watermark covers the batch, in the alarm store's own transaction;
// anything else leaves them unsynced, so the same ids are sent again and the aggregator answers
// them as duplicates (exactly once by (agent, epoch, id), enforced by its unique key). 5xx, 429,
// 408 and transport errors back off (capped, full jitter, Retry-After honoured); a 4xx (e.g. 409:
// the aggregator holds other content under one of these ids) is logged as critical and retried
// only after the backoff cap, since skipping it would lose the transition upstream.

/// The alarm upload loop. Sendable: its only mutable state is the stop flag and counters.
final class AlarmEventSync: Sendable {
    struct Status: Sendable, Hashable {
        var batchesAcknowledged = 0
        var eventsAcknowledged = 0
        var duplicates = 0
        var lastWatermark: Int64 = 0
        var lastError: String?
    }

    let configuration: SyncConfiguration
    let alarms: AlarmService
    let logger: Logger
    let client: IngestClient
    let batchSize: Int
    private let state = Mutex((stopped: false, status: Status()))
    let random: @Sendable () -> Double

    init(configuration: SyncConfiguration, alarms: AlarmService, logger: Logger, batchSize: Int = 200,
         random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) throws(SyncError) {
        try configuration.validate()
        self.configuration = configuration
        self.alarms = alarms
        self.logger = logger
        self.batchSize = max(1, min(batchSize, AlarmEventBatch.maximumEvents))
        self.random = random
        client = IngestClient(timeout: configuration.requestTimeout)
    }

    deinit { client.invalidate() }

    static func url(_ endpoint: URL) -> URL { endpoint.appendingPathComponent("api/v1/ingest/alarm-events") }

    func stop() { state.withLock { $0.stopped = true } }
    func status() -> Status { state.withLock { $0.status } }
    var isStopped: Bool { Task.isCancelled || state.withLock { $0.stopped } }

    func run() async {
        var backoff = Backoff(configuration: configuration.backoff)
        while !isStopped {
            switch await syncOnce() {
            case .idle:
                backoff.succeeded()
                await pause(configuration.idleInterval)
            case .progressed:
                backoff.succeeded()
            case .retry(let error, let retryAfter):
                record(error)
                logger.warning("alarm sync failed; retrying", metadata: [LogKey.error: "\(error)"])
                await pause(backoff.failed(random: random(), retryAfter: retryAfter))
            case .refused(let error):
                record(error)
                logger.critical("aggregator refused alarm events; kept unsynced", metadata: [LogKey.error: "\(error)"])
                await pause(configuration.backoff.cap)
            }
        }
    }

    enum Round: Sendable {
        case idle, progressed
        case retry(SyncError, retryAfter: Duration?)
        case refused(SyncError)
    }

    /// One batch: read the oldest unsynced transitions, deliver, mark synced. Public for tests.
    func syncOnce() async -> Round {
        let pending: [StoredAlarmTransition]
        do { pending = try await alarms.unsynced(limit: batchSize) } catch {
            return .retry(SyncError(.store, "\(error)"), retryAfter: nil)
        }
        guard let last = pending.last?.id else { return .idle }
        var events: [AlarmEventBatch.Event] = []
        for stored in pending { events.append(await event(stored)) }
        let batch = AlarmEventBatch(agentID: configuration.agentID, storeEpoch: alarms.epoch, events: events)
        let body: Data
        do { body = try JSONEncoder().encode(batch) } catch {
            return .refused(SyncError(.buildBatch, "encoding alarm events: \(error)"))
        }
        let token: String
        do { token = try configuration.readToken() } catch { return .retry(error, retryAfter: nil) }
        var lastError = SyncError(.transport, "no endpoint answered")
        var retryAfter: Duration?
        for endpoint in configuration.endpoints where !isStopped {
            do throws(SyncError) {
                let response = try await client.post(body, to: endpoint, url: Self.url(endpoint), token: token)
                switch response.status {
                case 200..<300:
                    guard let reply = try? JSONDecoder().decode(AlarmEventReply.self, from: response.body),
                          reply.watermark >= last
                    else {
                        throw SyncError(.badReply, SyncService.excerpt(response.body), endpoint: endpoint.absoluteString)
                    }
                    do { try await alarms.markSynced(through: last) } catch {
                        return .retry(SyncError(.store, "\(error)"), retryAfter: nil)  // resent: a duplicate upstream
                    }
                    state.withLock {
                        $0.status.batchesAcknowledged += 1
                        $0.status.eventsAcknowledged += reply.accepted
                        $0.status.duplicates += reply.duplicates
                        $0.status.lastWatermark = reply.watermark
                        $0.status.lastError = nil
                    }
                    return .progressed
                case 408, 429, 500..<600:
                    retryAfter = [retryAfter, response.retryAfter].compactMap { $0 }.max()
                    throw SyncError(.httpStatus, SyncService.excerpt(response.body), endpoint: endpoint.absoluteString,
                                    status: response.status)
                default:
                    return .refused(SyncError(.rejected, SyncService.excerpt(response.body),
                                              endpoint: endpoint.absoluteString, status: response.status))
                }
            } catch {
                lastError = error
            }
        }
        return .retry(lastError, retryAfter: retryAfter)
    }

    /// The wire form of a stored transition; a shelve carries its end while the engine still
    /// holds that very shelf (the store keeps transitions, not shelves).
    private func event(_ stored: StoredAlarmTransition) async -> AlarmEventBatch.Event {
        var until: Date?
        let transition = stored.transition
        if transition.cause == .shelve, let engine = await alarms.engine(for: transition.tag),
           let shelf = engine.status(of: transition.kind)?.shelf, shelf.since == transition.time {
            until = shelf.until
        }
        return AlarmEventBatch.Event(id: stored.id, transition: transition, shelvedUntil: until)
    }

    private func record(_ error: SyncError) { state.withLock { $0.status.lastError = error.description } }

    private func pause(_ duration: Duration) async {
        await SyncService.pause(duration) { self.isStopped }
    }
}
