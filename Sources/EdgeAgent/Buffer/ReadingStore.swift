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
// works) and `size()` reports the pages. A policy that must drop unsent readings when the cap is
// reached would add a `dropOldest` here that deletes above the cursor and raises `meta.seq_floor`
// in the same transaction (see BufferDatabase.pruneAcknowledged), and reports the loss.

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
    static func open(path: String, maximumBytes: Int64? = nil) async throws(StoreError) -> ReadingStore {
        let queue = DispatchQueue(label: "edge-agent.buffer")
        let result: Result<ReadingStore, StoreError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(
                    returning: Result { () throws(StoreError) in
                        let database = try BufferDatabase(path: path, maximumBytes: maximumBytes)
                        return ReadingStore(path: path, database: database, queue: queue)
                    })
            }
        }
        return try result.get()
    }

    /// The blocking `open`, for start-up code and threads outside Swift concurrency.
    @available(*, noasync, message: "blocks on SQLite; use ReadingStore.open(path:)")
    static func openSync(path: String, maximumBytes: Int64? = nil) throws(StoreError) -> ReadingStore {
        let database = try BufferDatabase(path: path, maximumBytes: maximumBytes)
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

    private func run<T: Sendable>(
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

    private func runSync<T: Sendable>(_ body: @Sendable (BufferDatabase) throws(StoreError) -> T) throws(StoreError)
        -> T
    {
        let result: Result<T, StoreError> = queue.sync {
            database.withLock { database in Result { () throws(StoreError) in try body(database) } }
        }
        return try result.get()
    }
}
