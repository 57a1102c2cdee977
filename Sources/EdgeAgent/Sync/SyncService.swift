import CarbonCore
import FaultPoints
import Foundation
import Logging
import Synchronization

// Uploads the buffer to the aggregator (issue 3, client side). The API the agent wires in:
//
//   let sync = try SyncService(
//       configuration: SyncConfiguration(
//           endpoints: [URL(string: "https://agg-1:8443")!, URL(string: "https://agg-2:8443")!],
//           tokenFile: "/etc/edge-agent/token", agentID: "gw-1",
//           limits: .init(maximumReadings: 1000, maximumAge: .seconds(5)),
//           policy: .consistentHash,                 // .roundRobin, .random
//           backoff: .init(base: .milliseconds(500), cap: .seconds(60)),
//           breaker: .init(failureThreshold: 3, cooldown: .seconds(30)),
//           requestTimeout: .seconds(30), idleInterval: .seconds(1)),
//       store: store, logger: logger)               // throws SyncError(.configuration)
//   await sync.run()        // until stop() or task cancellation; run it as one child task
//   sync.stop()             // run() returns within ~50 ms; a request in flight is cancelled (its
//                           // batch is not acknowledged, so it is sent again later: idempotent)
//   sync.status()           // -> SyncStatus (phase, counters, breaker per endpoint)
//   sync.resume()           // clears a quarantine after an operator fixed the cause
//
// The contract: POST {endpoint}/api/v1/ingest/batches, JSON `ReadingBatch` (no gzip: zlib is not
// a target of this package), `Authorization: Bearer <token>`. 2xx + a `BatchReply` for this exact
// range and hash → `store.acknowledge(through: min(watermark, lastSeq))`. 5xx, 429, 408, transport
// errors and replies that do not match → the next endpoint, then capped exponential backoff with
// full jitter (`Retry-After` seconds honoured as a floor). The in-flight batch is kept and resent
// byte for byte until it is answered, so a lost reply is replayed as the same (range, hash) and the
// aggregator de-duplicates it (a watermark short of last_seq acknowledges up to it, and the next
// batch starts after it). 409 and other 4xx → quarantine: sending stops (not just this batch:
// skipping it would need the cursor to pass unacknowledged readings, i.e. a silent loss), a
// critical log line and `status().phase == .quarantined` say why, the buffer keeps filling, and
// `resume()` (or a restart) tries again. While every endpoint is down nothing is lost either: the
// readings simply stay in the buffer.

/// The upload loop. Sendable: its mutable state is behind one mutex, touched briefly.
final class SyncService: Sendable {
    let configuration: SyncConfiguration
    let store: ReadingStore
    let logger: Logger
    let builder: BatchBuilder
    let client: IngestClient
    let random: @Sendable () -> Double
    let endpointNames: [String]

    struct Shared: Sendable {
        var status = SyncStatus()
        var breakers: [CircuitBreaker]
        var stopped = false
        var resumeRequested = false
    }
    let shared: Mutex<Shared>

    init(
        configuration: SyncConfiguration, store: ReadingStore, logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) throws(SyncError) {
        try configuration.validate()
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.random = random
        builder = BatchBuilder(agentID: configuration.agentID, storeEpoch: store.epoch, limits: configuration.limits)
        client = IngestClient(timeout: configuration.requestTimeout)
        endpointNames = configuration.endpoints.map(\.absoluteString)
        let breakers = configuration.endpoints.map { _ in CircuitBreaker(configuration: configuration.breaker) }
        var status = SyncStatus()
        for (name, breaker) in zip(endpointNames, breakers) { status.breakers[name] = breaker.state }
        shared = Mutex(Shared(breakers: breakers))
        shared.withLock { $0.status = status }
    }

    deinit { client.invalidate() }

    func status() -> SyncStatus { shared.withLock { $0.status } }

    func stop() { shared.withLock { $0.stopped = true } }

    func resume() { shared.withLock { $0.resumeRequested = true } }

    var isStopped: Bool { Task.isCancelled || shared.withLock { $0.stopped } }

    func run() async {
        var backoff = Backoff(configuration: configuration.backoff)
        var pending: (batch: ReadingBatch, body: Data, origin: Origin)?
        var turn = 0
        defer {
            // A quarantine stays visible after a stop: it is what the operator has to act on.
            shared.withLock { if !$0.status.isQuarantined { $0.status.phase = .stopped } }
        }
        while !isStopped {
            if status().isQuarantined {
                if shared.withLock({ state in defer { state.resumeRequested = false }; return state.resumeRequested }) {
                    logger.notice("sync resumed after quarantine")
                    pending = nil
                    setPhase(.idle)
                } else {
                    await pause(configuration.idleInterval)
                }
                continue
            }
            if pending == nil {
                do {
                    pending = try await nextBatch()
                    if pending == nil { pending = try await nextSalvagedBatch() }
                } catch {
                    logger.error("sync could not build a batch", metadata: [LogKey.error: "\(error)"])
                    await pause(backoff.failed(random: random()))
                    continue
                }
                guard pending != nil else {
                    setPhase(.idle)
                    await pause(configuration.idleInterval)
                    continue
                }
            }
            guard let (batch, body, origin) = pending else { continue }
            setPhase(.sending(firstSeq: batch.firstSeq, lastSeq: batch.lastSeq))
            guard let outcome = await deliverUnlessStopped(batch, body: body, turn: turn) else { break }
            turn &+= 1
            switch outcome {
            case .replied(let reply):
                FaultPoint.hit("agent.sync.after-upstream-commit-before-reply-recorded")
                switch origin {
                case .current(let cursor):
                    if await acknowledge(reply, of: batch, cursor: cursor) {
                        backoff.succeeded()
                        pending = nil
                    } else {
                        await retry(batch, &backoff, SyncError(.badReply, "the watermark \(reply.watermark) does not pass the cursor \(cursor)"), nil)
                    }
                case .salvaged:
                    if await acknowledgeSalvaged(batch) {
                        backoff.succeeded()
                        pending = nil
                    } else {
                        await retry(batch, &backoff, SyncError(.store, "could not record the salvaged readings as sent"), nil)
                    }
                }
            case .retry(let error, let retryAfter, let wait):
                await retry(batch, &backoff, error, retryAfter, atLeast: wait)
            case .rejected(let error):
                quarantine(batch, error)
            }
        }
    }

    /// `deliver`, cancelled as soon as `stop()` is called (URLSession's async API honours task
    /// cancellation: measured, a request to a hanging server ends at once). Nil when stopped.
    private func deliverUnlessStopped(_ batch: ReadingBatch, body: Data, turn: Int) async -> Outcome? {
        await withTaskGroup(of: Outcome?.self) { group in
            group.addTask { await self.deliver(batch, body: body, turn: turn) }
            group.addTask {
                while !self.isStopped { try? await Task.sleep(for: .milliseconds(50)) }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return isStopped ? nil : first
        }
    }

    /// Where a batch came from: the current store (acknowledged by moving its cursor) or the
    /// readings rescued from a damaged store (sent under that store's epoch, deleted once stored).
    enum Origin: Sendable { case current(cursor: Int64), salvaged }

    /// The oldest unsent records as a batch, or nil when there is nothing to send yet.
    private func nextBatch() async throws(SyncError) -> (batch: ReadingBatch, body: Data, origin: Origin)? {
        let cursor: Int64
        let records: [BufferRecord]
        do {
            cursor = try await store.cursor()
            // Readings, roll-ups and gap records alike: what the quota policy made of old readings
            // travels as explicit records, not as holes.
            records = try await store.peekRecords(after: cursor, limit: configuration.limits.maximumReadings)
        } catch { throw SyncError(.store, "\(error)") }
        guard let batch = try builder.batch(after: cursor, records: records, now: Date()) else { return nil }
        do {
            return (batch, try JSONEncoder().encode(batch), .current(cursor: cursor))
        } catch { throw SyncError(.buildBatch, "encoding \(batch.firstSeq)…\(batch.lastSeq): \(error)") }
    }

    /// Readings rescued from a damaged store, once the current backlog is sent: one contiguous run
    /// of one old epoch per batch, with no gap records (sequences missing from the rescue may
    /// already be stored upstream, and a gap over them would conflict with what is held).
    private func nextSalvagedBatch() async throws(SyncError) -> (batch: ReadingBatch, body: Data, origin: Origin)? {
        let salvaged: [SalvagedReading]
        do { salvaged = try await store.peekSalvaged(limit: configuration.limits.maximumReadings) } catch {
            throw SyncError(.store, "\(error)")
        }
        guard let first = salvaged.first else { return nil }
        var run: [StoredReading] = []
        for reading in salvaged where reading.epoch == first.epoch {
            guard run.isEmpty || reading.stored.seq == run[run.count - 1].seq + 1 else { break }
            run.append(reading.stored)
        }
        let builder = BatchBuilder(agentID: configuration.agentID, storeEpoch: first.epoch, limits: configuration.limits)
        guard let batch = try builder.batch(after: run[0].seq - 1, readings: run, now: .distantFuture) else { return nil }
        do {
            return (batch, try JSONEncoder().encode(batch), .salvaged)
        } catch { throw SyncError(.buildBatch, "encoding salvaged \(batch.firstSeq)…\(batch.lastSeq): \(error)") }
    }

    private func acknowledgeSalvaged(_ batch: ReadingBatch) async -> Bool {
        do {
            _ = try await store.acknowledgeSalvaged(epoch: batch.storeEpoch, through: batch.lastSeq)
        } catch {
            logger.error("sync could not delete sent salvaged readings", metadata: [LogKey.error: "\(error)"])
            return false
        }
        shared.withLock { $0.status.batchesAcknowledged += 1 }
        logger.notice("salvaged readings stored upstream", metadata: [
            "epoch": "\(batch.storeEpoch)", "first": "\(batch.firstSeq)", "last": "\(batch.lastSeq)"])
        return true
    }

    /// Moves the cursor to what the aggregator holds; false when that is no progress at all.
    private func acknowledge(_ reply: BatchReply, of batch: ReadingBatch, cursor: Int64) async -> Bool {
        let through = min(reply.watermark, batch.lastSeq)
        guard through > cursor else { return false }
        do {
            try await store.acknowledge(through: through)
        } catch {
            logger.error("sync could not move the cursor", metadata: [LogKey.error: "\(error)"])
            return false  // resent, and answered as a duplicate: nothing is stored twice upstream
        }
        shared.withLock {
            $0.status.batchesAcknowledged += 1
            $0.status.sequencesAcknowledged += through - cursor
            $0.status.lastWatermark = reply.watermark
            if reply.status == .duplicate { $0.status.duplicateReplies += 1 }
        }
        if !reply.rejected.isEmpty {
            logger.warning("aggregator stored readings apart as rejected",
                           metadata: [LogKey.readings: "\(reply.rejected.count)", "first": "\(reply.rejected[0].seq): \(reply.rejected[0].reason)"])
        }
        return true
    }

    private func retry(_ batch: ReadingBatch, _ backoff: inout Backoff, _ error: SyncError, _ retryAfter: Duration?,
                       atLeast wait: Duration = .zero) async {
        let delay = max(backoff.failed(random: random(), retryAfter: retryAfter), wait)
        setPhase(.retrying(firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, after: delay, error: error.description))
        logger.warning("sync failed; retrying", metadata: [LogKey.error: "\(error)", "delay": "\(delay)"])
        await pause(delay)
    }

    private func quarantine(_ batch: ReadingBatch, _ error: SyncError) {
        setPhase(.quarantined(firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, status: error.status ?? 0, message: error.message))
        logger.critical(
            "aggregator refused a batch: sync stopped, readings kept in the buffer until `resume`",
            metadata: [LogKey.error: "\(error)", "first_seq": "\(batch.firstSeq)", "last_seq": "\(batch.lastSeq)",
                       "content_sha256": "\(batch.contentSHA256)"])
    }

    func setPhase(_ phase: SyncStatus.Phase) { shared.withLock { $0.status.phase = phase } }

    /// Sleeps up to `duration`, in short steps so `stop()` is seen promptly.
    func pause(_ duration: Duration) async {
        await Self.pause(duration) { self.isStopped }
    }

    /// Sleeps `duration` in 50 ms steps, returning early once `stopped` holds (the reading and the
    /// alarm sync both stop within a step of `stop()`).
    static func pause(_ duration: Duration, stopped: () -> Bool) async {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        while !stopped(), clock.now < deadline {
            try? await Task.sleep(for: min(deadline - clock.now, .milliseconds(50)))
        }
    }
}
