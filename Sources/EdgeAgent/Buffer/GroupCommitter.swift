import Dispatch
import Synchronization

/// Collects appends from many pollers into one transaction (one fsync) at most `interval` after
/// the first of them arrived, or as soon as `maxPending` readings are waiting. A caller is resumed
/// only after the commit that holds its readings has returned, so `try await committer.append(x)`
/// means what `store.append(x)` means: stored. A caller's unstorable reading (NaN, absurd time) is
/// refused before it joins a batch; a commit that fails (disk full, closed) fails every caller of
/// that batch, and none of the batch is stored.
///
/// No Swift task is involved: the timer and the commit run on this committer's serial queue
/// (the commit through `ReadingStore.appendSync`), so waiting callers hold no cooperative thread.
/// A caller that is cancelled while it waits is still committed; it just learns it later.
final class GroupCommitter: Sendable {
    struct Configuration: Sendable, Hashable {
        /// The longest a reading waits for its commit (plus the commit itself).
        var interval: Duration = .milliseconds(100)
        /// Commit at once when this many readings are waiting.
        var maxPending: Int = 1_000
        /// The store's quota (`buffer.max_bytes`): a full store sheds by it and the commit retries.
        var quota: QuotaPolicy? = nil
    }

    /// Called on the committer's queue after each commit returned and before its callers are
    /// resumed (for metrics: batch size and outcome).
    typealias Observer = @Sendable (_ readings: Int, _ result: Result<ClosedRange<Int64>?, StoreError>) -> Void

    private struct Waiter {
        var offset: Int
        var count: Int
        var continuation: CheckedContinuation<Result<ClosedRange<Int64>?, StoreError>, Never>
    }

    private struct Batch {
        var readings: [Reading] = []
        var waiters: [Waiter] = []
    }

    private struct State {
        var batch = Batch()
        /// Counts batches taken, so a timer armed for an earlier batch does not cut the next one short.
        var generation: UInt64 = 0
        var timerArmed = false

        mutating func take() -> Batch {
            defer {
                batch = Batch()
                generation &+= 1
                timerArmed = false
            }
            return batch
        }
    }

    private enum Next {
        case nothing
        case armTimer(generation: UInt64)
        case commit(Batch)
    }

    let store: ReadingStore
    let configuration: Configuration
    private let observer: Observer?
    private let queue = DispatchQueue(label: "edge-agent.buffer.group-commit")
    private let state = Mutex(State())

    /// Called on the committer's queue when a commit had to shed to fit (for the log and the alarm).
    private let onQuotaRecovery: (@Sendable (QuotaReport) -> Void)?

    init(store: ReadingStore, configuration: Configuration = Configuration(), observer: Observer? = nil,
         onQuotaRecovery: (@Sendable (QuotaReport) -> Void)? = nil) {
        self.store = store
        self.configuration = configuration
        self.observer = observer
        self.onQuotaRecovery = onQuotaRecovery
    }

    /// Readings waiting for the next commit.
    var pendingCount: Int { state.withLock { $0.batch.readings.count } }

    /// Stores `readings` in the next group commit and returns their sequences once it returned.
    func append(_ readings: [Reading]) async throws(StoreError) -> ClosedRange<Int64>? {
        guard !readings.isEmpty else { return nil }
        for reading in readings { try reading.checkStorable() }
        let result = await withCheckedContinuation { continuation in
            let next = state.withLock { state -> Next in
                state.batch.waiters.append(
                    Waiter(offset: state.batch.readings.count, count: readings.count, continuation: continuation))
                state.batch.readings += readings
                if state.batch.readings.count >= configuration.maxPending { return .commit(state.take()) }
                if state.timerArmed { return .nothing }
                state.timerArmed = true
                return .armTimer(generation: state.generation)
            }
            switch next {
            case .nothing: break
            case .commit(let batch): queue.async { self.commit(batch) }
            case .armTimer(let generation):
                queue.asyncAfter(deadline: .now() + Self.dispatchInterval(configuration.interval)) {
                    self.timerFired(generation: generation)
                }
            }
        }
        return try result.get()
    }

    /// Commits whatever is waiting now and returns after that commit (and any earlier one) is
    /// done: for shutdown, so no caller is left waiting for a timer.
    func flush() async {
        let batch = state.withLock { $0.take() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.commit(batch)
                continuation.resume()
            }
        }
    }

    private func timerFired(generation: UInt64) {
        let batch = state.withLock { state in state.generation == generation ? state.take() : nil }
        if let batch { commit(batch) }
    }

    /// Runs on `queue`, so commits happen one at a time, off Swift's cooperative pool.
    private func commit(_ batch: Batch) {
        guard !batch.readings.isEmpty else { return }
        let result = Result { () throws(StoreError) -> ClosedRange<Int64>? in
            // With a quota, a full store (the byte cap or the disk) sheds by the quota's order
            // and retries at once, instead of losing this batch until the next quota round.
            guard let quota = configuration.quota else { return try store.appendSync(batch.readings) }
            let (sequences, recovery) = try store.appendSync(batch.readings, recoveringWith: quota)
            if let recovery { onQuotaRecovery?(recovery) }
            return sequences
        }
        observer?(batch.readings.count, result)
        for waiter in batch.waiters {
            // The batch's sequences are consecutive and in arrival order: each caller gets its slice.
            let slice = result.map { range in
                range.map { range in
                    let first = range.lowerBound + Int64(waiter.offset)
                    return first...(first + Int64(waiter.count) - 1)
                }
            }
            waiter.continuation.resume(returning: slice)
        }
    }

    private static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow, seconds >= 0 else { return seconds < 0 ? .nanoseconds(0) : .never }
        return .nanoseconds(Int(clamping: nanoseconds &+ attoseconds / 1_000_000_000))
    }
}
