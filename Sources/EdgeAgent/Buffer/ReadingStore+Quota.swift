import Foundation

// The quota policy, full-disk recovery and salvage, on the store's queue like everything else.
extension ReadingStore {
    /// Applies the ordered quota policy (prune acknowledged, roll up, drop with a gap record)
    /// until usage is under the policy's target; the agent calls it periodically.
    func enforceQuota(_ policy: QuotaPolicy) async throws(StoreError) -> QuotaReport {
        try await run { db throws(StoreError) in try db.enforceQuota(policy) }
    }

    /// `enforceQuota` with the default thresholds (warn at 80 %, act above 90 %, down to 70 %).
    func enforceQuota(maxBytes: Int64) async throws(StoreError) -> QuotaReport {
        try await enforceQuota(QuotaPolicy(maxBytes: maxBytes))
    }

    /// `append`, but a full disk (SQLITE_FULL, or the `maximumBytes` cap) releases the reserve
    /// file, runs `policy`, and retries once; `recovery` reports what that cost (nil when the
    /// append simply succeeded). Throws `.diskFull` when even the retry did not fit.
    func append(_ readings: [Reading], recoveringWith policy: QuotaPolicy) async throws(StoreError)
        -> (sequences: ClosedRange<Int64>?, recovery: QuotaReport?)
    {
        try await run { db throws(StoreError) in try db.appendRecovering(readings, policy: policy) }
    }

    @available(*, noasync, message: "blocks on SQLite; use append(_:recoveringWith:) from async code")
    func appendSync(_ readings: [Reading], recoveringWith policy: QuotaPolicy) throws(StoreError)
        -> (sequences: ClosedRange<Int64>?, recovery: QuotaReport?)
    {
        try runSync { db throws(StoreError) in try db.appendRecovering(readings, policy: policy) }
    }

    /// The oldest unacknowledged records: readings, roll-ups and gaps, in sequence order. Together
    /// they tile their range (first record's firstSeq … last record's lastSeq), which is what a
    /// `ReadingBatch` must do; `peekUnsent` returns only the readings among them.
    func peekUnsentRecords(limit: Int) async throws(StoreError) -> [BufferRecord] {
        try await run { db throws(StoreError) in try db.peekRecords(after: try db.cursor(), limit: limit) }
    }

    /// `peekUnsentRecords` after a cursor the caller already read (the sync service), protecting
    /// what it returns from the quota policy until the cursor passes it (see `protectedThrough`).
    func peekRecords(after seq: Int64, limit: Int) async throws(StoreError) -> [BufferRecord] {
        try await run { db throws(StoreError) in
            let records = try db.peekRecords(after: seq, limit: limit)
            if let last = records.last?.lastSeq { db.protectedThrough = max(db.protectedThrough, last) }
            return records
        }
    }

    /// Whether the disk reserve file is currently whole (false after a full-disk recovery that
    /// could not re-create it, or for a store opened with `reserveBytes: 0`).
    func reserveInPlace() async throws(StoreError) -> Bool {
        try await run { db throws(StoreError) in db.reserve?.isInPlace ?? false }
    }

    // MARK: Salvaged readings (from a damaged store; see openRecovering)

    /// Rescued readings with their old epoch, ordered by epoch then sequence.
    func peekSalvaged(limit: Int) async throws(StoreError) -> [SalvagedReading] {
        try await run { db throws(StoreError) in
            try db.peekSalvaged(limit: limit).map { SalvagedReading(epoch: $0.epoch, stored: $0.reading) }
        }
    }

    /// Deletes rescued readings of `epoch` up to `seq` once the aggregator has stored them.
    func acknowledgeSalvaged(epoch: UUID, through seq: Int64) async throws(StoreError) -> Int {
        try await run { db throws(StoreError) in try db.acknowledgeSalvaged(epoch: epoch, through: seq) }
    }
}

/// A reading rescued from a damaged store: it is sent under that store's epoch, not the current one.
struct SalvagedReading: Sendable, Hashable {
    var epoch: UUID
    var stored: StoredReading
}
