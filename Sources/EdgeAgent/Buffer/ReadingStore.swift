import Dispatch
import Foundation
import Synchronization

// The edge agent's durable reading buffer (SQLite, WAL, synchronous=FULL). Nothing leaves it
// until the aggregator acknowledges; a crash can re-send, never lose. The API other parts call:
//
//   let store = try await ReadingStore.open(path: "/var/lib/edge-agent/buffer.sqlite", maximumBytes: nil)
//   store.epoch                                          UUID minted when the file was created
//   try await store.append(readings)                     -> ClosedRange<Int64>?   one transaction;
//                                                         stored once this returns (nil for [])
//   try await store.appendImmediately(reading)           -> Int64   one reading, its own transaction
//   try store.appendSync(reading) / appendSync(readings) the same, blocking, for C callback threads
//                                                         (libmosquitto: commit before the PUBACK)
//   try await store.peek(after: seq, limit: n)           -> [StoredReading]   oldest first
//   try await store.peekUnsent(limit: n)                 peek(after: cursor())
//   try await store.acknowledge(through: seq)            moves the sync cursor (never backwards)
//   try await store.cursor()                             -> Int64, 0 before any acknowledgement
//   try await store.count() / unsentCount()              -> Int
//   try await store.size()                               -> StoreSize (pages, free pages, bytes)
//   try await store.pruneAcknowledged(limit: n?)         -> Int deleted; a separate step, so the
//                                                         quota policy decides when (its seam)
//   await store.close()
//   GroupCommitter(store:configuration:)                 batches many pollers' appends into one
//                                                         commit every 100 ms (GroupCommitter.swift)
//
// Every error is a StoreError. Sequences start at 1, increase strictly and are never reused in
// one store (epoch), even after pruning: (epoch, seq) identifies a reading upstream.
//
// Quota seam: `maximumBytes` caps the file (appends past it throw `.diskFull`, pruning still
// works) and `size()` reports the pages.
//
// Quota policy (issue 3; ReadingStore+Quota.swift, QuotaPolicy.swift, BufferDatabase+Quota.swift):
//   try await store.enforceQuota(maxBytes: n)          -> QuotaReport   call it periodically
//   try await store.enforceQuota(QuotaPolicy(...))     thresholds: warn at 80 %, act above 90 %,
//                                                         reduce to 70 %, at most 20,000 rows a step
//   QuotaPolicy.nextStep(usage, reducing:, rollupHelped:) the pure decision (sizes in, step out)
// In order, each step its own transaction, measured again after each: (a) prune what is
// acknowledged (readings, roll-ups, gaps); (b) roll the oldest unsent raw readings up into one
// `rollups` row per tag and 15-minute interval (count, exact Decimal sum, min, max, first, last
// by time), replacing them in the same transaction; (c) only when rolling up no longer frees
// space, drop the oldest unsent records and record one `gaps` row ('quota_dropped') over them in
// the same transaction. Roll-ups and gaps raise `meta.seq_floor`: sequences are never reused.
//   try await store.peekUnsentRecords(limit: n)       -> [BufferRecord]   .reading/.rollup/.gap in
//                                                         sequence order, tiling their range: what a
//                                                         ReadingBatch (readings + rollups + gaps) needs.
// A roll-up of a block gets `count` consecutive sequences of that block (tags interleave, so its
// readings' own sequences are not contiguous): the block's roll-ups tile it exactly. `peekUnsent`
// still returns readings only; once roll-ups or gaps exist, a sync client must use
// `peekUnsentRecords` or its batches will not tile. `count()`/`unsentCount()` count raw readings.
//
// Full disk (DiskReserve.swift, BufferDatabase+DiskFull.swift): `open` creates `buffer.reserve`
// (8 MiB of zeros, `reserveBytes:`; 0 for none) next to `buffer.sqlite`.
//   try await store.append(readings, recoveringWith: policy) -> (sequences, recovery: QuotaReport?)
// on SQLITE_FULL releases the reserve, checkpoints, enforces the policy with its cap lowered to
// the size the store had reached, retries the append once and re-creates the reserve if it fits
// (`report.reserveReleased/reserveRestored`); a second failure throws `.diskFull`.
// `appendSync(_:recoveringWith:)` is the same for C callback threads; `reserveInPlace()` tells.
//
// Damaged file (BufferSalvage.swift):
//   let (store, salvage) = try await ReadingStore.openRecovering(path: p)   salvage: SalvageReport?
// SQLITE_CORRUPT, SQLITE_NOTADB or a failed `PRAGMA quick_check` at open (it reads every page)
// moves the file aside as `buffer.sqlite.corrupt-<UTC time>` (its WAL too), creates a fresh store
// (new epoch) so collection goes on, and copies every readable unsent reading of the damaged file
// into the `salvaged` table with its OLD epoch and sequence (report: rows recovered and lost).
//   try await store.peekSalvaged(limit:) -> [SalvagedReading]; acknowledgeSalvaged(epoch:through:)
// Not done: sending salvaged readings upstream. They need batches under the old epoch (the
// aggregator de-duplicates by epoch and sequence); the unrescued sequences would go as gaps with a
// reason such as 'corrupt_lost'. A foreign database (`.notABufferStore` without NOTADB) or a newer
// schema is refused and left in place, as with `open`.

/// The buffer's façade: Sendable, and the only way to reach its `BufferDatabase`. SQLite blocks
/// (fsync), so the async methods run it on `queue`, a serial queue this store owns, never on
/// Swift's cooperative pool; the `…Sync` methods are for threads that are not in that pool (C
/// callbacks) and run it on the calling thread through `queue.sync`. The mutex makes the
/// confinement a compile-time fact (no `@unchecked Sendable`); it is never contended.
final class ReadingStore: Sendable {
    let path: String
    /// Random, minted when the store file was created; a new file gets a new one.
    let epoch: UUID
    private let queue: DispatchQueue
    private let database: Mutex<BufferDatabase>

    private init(path: String, database: consuming sending BufferDatabase, queue: DispatchQueue) {
        self.path = path
        self.epoch = database.epoch
        self.queue = queue
        self.database = Mutex(database)
    }

    /// Opens or creates the store at `path`, migrating it to the current schema. With
    /// `maximumBytes`, appends beyond that file size throw `.diskFull` (the quota policy's cap).
    static func open(
        path: String, maximumBytes: Int64? = nil, reserveBytes: Int64 = DiskReserve.defaultBytes
    ) async throws(StoreError) -> ReadingStore {
        let queue = DispatchQueue(label: "edge-agent.buffer")
        let result: Result<ReadingStore, StoreError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(
                    returning: Result { () throws(StoreError) in
                        let database = try BufferDatabase(
                            path: path, maximumBytes: maximumBytes, reserveBytes: reserveBytes)
                        return ReadingStore(path: path, database: database, queue: queue)
                    })
            }
        }
        return try result.get()
    }

    /// `open`, but a damaged store (SQLITE_CORRUPT, SQLITE_NOTADB, or a failed `PRAGMA
    /// quick_check`) is moved aside and replaced by a new one (new epoch), so collection goes on at
    /// once; its readable unsent readings are copied into the new store's `salvaged` table under
    /// their old epoch and sequences. The report is nil when the store was healthy.
    static func openRecovering(
        path: String, maximumBytes: Int64? = nil, reserveBytes: Int64 = DiskReserve.defaultBytes, now: Date = Date()
    ) async throws(StoreError) -> (store: ReadingStore, salvage: SalvageReport?) {
        let queue = DispatchQueue(label: "edge-agent.buffer")
        let result: Result<(store: ReadingStore, salvage: SalvageReport?), StoreError> = await withCheckedContinuation {
            continuation in
            queue.async {
                continuation.resume(
                    returning: Result { () throws(StoreError) in
                        let opened = try BufferSalvage.open(
                            path: path, maximumBytes: maximumBytes, reserveBytes: reserveBytes, now: now)
                        return (ReadingStore(path: path, database: opened.database, queue: queue), opened.salvage)
                    })
            }
        }
        return try result.get()
    }

    /// The blocking `open`, for start-up code and threads outside Swift concurrency.
    @available(*, noasync, message: "blocks on SQLite; use ReadingStore.open(path:)")
    static func openSync(
        path: String, maximumBytes: Int64? = nil, reserveBytes: Int64 = DiskReserve.defaultBytes
    ) throws(StoreError) -> ReadingStore {
        let database = try BufferDatabase(path: path, maximumBytes: maximumBytes, reserveBytes: reserveBytes)
        return ReadingStore(path: path, database: database, queue: DispatchQueue(label: "edge-agent.buffer"))
    }

    // MARK: Writing

    /// Stores `readings` in one transaction and returns the sequences they got, in order.
    /// The readings are durable (fsynced) when this returns; on error none of them is stored.
    func append(_ readings: [Reading]) async throws(StoreError) -> ClosedRange<Int64>? {
        try await run { db throws(StoreError) in try db.append(readings) }
    }

    /// One reading in its own transaction, for a source that must know it is stored before it
    /// answers (an MQTT QoS 1 message). Costs one fsync: prefer `append` or the GroupCommitter.
    func appendImmediately(_ reading: Reading) async throws(StoreError) -> Int64 {
        try await run { db throws(StoreError) in try db.append([reading])!.lowerBound }
    }

    @available(*, noasync, message: "blocks on SQLite; use append(_:) from async code")
    func appendSync(_ readings: [Reading]) throws(StoreError) -> ClosedRange<Int64>? {
        try runSync { db throws(StoreError) in try db.append(readings) }
    }

    /// `appendSync` for an MQTT message: false (nothing written) when the store already holds it,
    /// a redelivery after a crash between the commit and the PUBACK.
    @available(*, noasync, message: "blocks on SQLite")
    func appendMessageSync(_ readings: [Reading], identity: BufferDatabase.MessageIdentity) throws(StoreError) -> Bool {
        try runSync { db throws(StoreError) in try !db.append(readings, message: identity).duplicate }
    }

    @available(*, noasync, message: "blocks on SQLite; use appendImmediately(_:) from async code")
    func appendSync(_ reading: Reading) throws(StoreError) -> Int64 {
        try runSync { db throws(StoreError) in try db.append([reading])!.lowerBound }
    }

    // MARK: Reading and acknowledging

    /// Up to `limit` readings with seq > `seq`, oldest first. Nothing is removed.
    func peek(after seq: Int64, limit: Int) async throws(StoreError) -> [StoredReading] {
        try await run { db throws(StoreError) in try db.peek(after: seq, limit: limit) }
    }

    /// The oldest readings not yet acknowledged.
    func peekUnsent(limit: Int) async throws(StoreError) -> [StoredReading] {
        try await run { db throws(StoreError) in try db.peek(after: try db.cursor(), limit: limit) }
    }

    /// Marks every reading with seq <= `seq` acknowledged by persisting the sync cursor, in one
    /// transaction. Repeating an older acknowledgement does nothing; acknowledging a sequence that
    /// was never assigned throws `.invalidArgument`.
    func acknowledge(through seq: Int64) async throws(StoreError) {
        try await run { db throws(StoreError) in try db.acknowledge(through: seq) }
    }

    /// The sync cursor: the highest acknowledged sequence (0 when none is).
    func cursor() async throws(StoreError) -> Int64 { try await run { db throws(StoreError) in try db.cursor() } }

    /// Readings in the store, acknowledged or not (a `count(*)`: it reads every leaf page).
    func count() async throws(StoreError) -> Int { try await run { db throws(StoreError) in try db.count() } }

    /// Readings not yet acknowledged.
    func unsentCount() async throws(StoreError) -> Int {
        try await run { db throws(StoreError) in try db.unsentCount() }
    }

    func size() async throws(StoreError) -> StoreSize { try await run { db throws(StoreError) in try db.size() } }

    /// Deletes acknowledged readings (all, or the oldest `limit`); returns how many.
    func pruneAcknowledged(limit: Int? = nil) async throws(StoreError) -> Int {
        try await run { db throws(StoreError) in try db.pruneAcknowledged(limit: limit) }
    }

    /// Moves the WAL's content into the database file and truncates the WAL.
    func checkpoint() async throws(StoreError) { try await run { db throws(StoreError) in try db.checkpoint() } }

    /// Closes the file after the calls already queued; later calls throw `.closed`.
    func close() async {
        _ = try? await run { db throws(StoreError) in db.close() }
    }

    // MARK: Confinement

    /// Internal (not private) so the store's extensions in other files reach the database the same way.
    func run<T: Sendable>(
        _ body: @escaping @Sendable (BufferDatabase) throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        // Not cancellable on purpose: a write that was started completes, and its caller learns the outcome.
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(
                    returning: self.database.withLock { database in
                        Result { () throws(StoreError) in try body(database) }
                    })
            }
        }
        return try result.get()
    }

    func runSync<T: Sendable>(_ body: @Sendable (BufferDatabase) throws(StoreError) -> T) throws(StoreError)
        -> T
    {
        let result: Result<T, StoreError> = queue.sync {
            database.withLock { database in Result { () throws(StoreError) in try body(database) } }
        }
        return try result.get()
    }
}
