import Foundation

/// The buffer's operations as plain synchronous SQL on one connection. Not Sendable: only
/// `ReadingStore` holds one, inside its mutex, and calls it from its queue.
final class BufferDatabase {
    /// The highest sequence the sync client has read into a batch that may be on its way upstream:
    /// the quota policy sheds only above it (and above the cursor), so a batch in flight can never
    /// be replaced by a roll-up or a gap behind the sync's back. In memory: after a restart nothing
    /// is in flight.
    var protectedThrough: Int64 = 0

    let connection: SQLiteConnection
    let epoch: UUID
    /// The file released when the disk fills (nil when the store was opened without one).
    let reserve: DiskReserve?

    struct SeriesKey: Hashable {
        var tag: String
        var unit: String
    }
    /// The series dictionary is small (one row per tag and unit) and read on every row, so it is cached both ways.
    private var seriesIDs: [SeriesKey: Int64] = [:]
    private var seriesKeys: [Int64: SeriesKey] = [:]

    /// `maximumBytes` caps the database file (`max_page_count`): past it an append throws
    /// `.diskFull` and stores nothing, while pruning still works, which a full disk would not allow.
    /// `reserveBytes` > 0 keeps a `DiskReserve` of that size next to the file (see appendRecovering).
    init(path: String, maximumBytes: Int64? = nil, reserveBytes: Int64 = 0) throws(StoreError) {
        reserve = reserveBytes > 0 ? DiskReserve(storePath: path, bytes: reserveBytes) : nil
        let connection = try SQLiteConnection(path: path)
        try BufferSchema.configure(connection)
        epoch = try BufferSchema.migrate(connection)
        if let maximumBytes {
            let pageSize = try connection.scalar("PRAGMA page_size") ?? 4_096
            _ = try connection.scalar("PRAGMA max_page_count = \(max(1, maximumBytes / pageSize))")
        }
        self.connection = connection
        // Best effort: a disk already too full for it must not stop collection.
        reserve?.create()
    }

    func close() { connection.close() }

    // MARK: Writing

    /// One transaction for the whole array: either every reading gets a sequence or none does.
    func append(_ readings: [Reading]) throws(StoreError) -> ClosedRange<Int64>? {
        try append(readings, message: nil).sequences
    }

    /// A message's identity for `append(_:message:)`: the broker's packet id and a digest of the
    /// topic and payload.
    struct MessageIdentity: Sendable, Hashable {
        var mid: Int32
        var digest: String
    }

    /// How many of the latest messages a redelivery can be among: the broker resends only what
    /// was in flight when the connection broke (mosquitto's default window is 20), and reuses a
    /// packet id only after 65,535 others.
    static let redeliveryWindow: Int64 = 1_000

    /// Appends `readings` and, for an MQTT message, records its identity in the same
    /// transaction; `duplicate` (nothing written) when the same message was already committed
    /// among the last `redeliveryWindow` messages.
    func append(_ readings: [Reading], message: MessageIdentity?) throws(StoreError)
        -> (sequences: ClosedRange<Int64>?, duplicate: Bool)
    {
        guard !readings.isEmpty else { return (nil, false) }
        // Encoded before the transaction: a bad value fails the call before anything is written.
        var rows: [(time: Int64, value: StoredValue)] = []
        rows.reserveCapacity(readings.count)
        for reading in readings { rows.append((try reading.milliseconds, try StoredValue(reading.value))) }
        do {
            return try connection.transaction { () throws(StoreError) -> (sequences: ClosedRange<Int64>?, duplicate: Bool) in
                if let message, try !recordMessage(message) { return (nil, true) }
                let first = try highestSequence() + 1
                try connection.withStatement(
                    "INSERT INTO readings (seq, series, time_ms, value, scale, quality) VALUES (?, ?, ?, ?, ?, ?)"
                ) { insert throws(StoreError) in
                    for (offset, reading) in readings.enumerated() {
                        try insert.bind(first + Int64(offset), at: 1)
                        try insert.bind(try seriesID(SeriesKey(tag: reading.tag, unit: reading.unit)), at: 2)
                        try insert.bind(rows[offset].time, at: 3)
                        switch rows[offset].value {
                        case .scaled(let mantissa, let scale):
                            try insert.bind(mantissa, at: 4)
                            try insert.bind(scale, at: 5)
                        case .text(let text):
                            try insert.bind(text, at: 4)
                            try insert.bind(0, at: 5)
                        }
                        try insert.bind(reading.quality.rawValue, at: 6)
                        _ = try insert.step()
                        insert.reset()
                    }
                }
                return (first...(first + Int64(readings.count) - 1), false)
            }
        } catch {
            // Series created in the rolled-back transaction are gone again: forget every cached id.
            seriesIDs = [:]
            seriesKeys = [:]
            throw error
        }
    }

    /// Records `message` as the latest under its packet id; false when it is a redelivery of a
    /// message already committed (same id, same digest, among the latest messages).
    private func recordMessage(_ message: MessageIdentity) throws(StoreError) -> Bool {
        let latest = try connection.scalar("SELECT COALESCE(MAX(counter), 0) FROM mqtt_recent") ?? 0
        var seen = false
        try connection.withStatement("SELECT digest, counter FROM mqtt_recent WHERE mid = ?") { select throws(StoreError) in
            try select.bind(Int64(message.mid), at: 1)
            if try select.step() {
                seen = select.text(at: 0) == message.digest && select.int64(at: 1) > latest - Self.redeliveryWindow
            }
        }
        if seen { return false }
        try connection.withStatement(
            "INSERT INTO mqtt_recent (mid, digest, counter) VALUES (?, ?, ?) "
                + "ON CONFLICT (mid) DO UPDATE SET digest = excluded.digest, counter = excluded.counter"
        ) { upsert throws(StoreError) in
            try upsert.bind(Int64(message.mid), at: 1)
            try upsert.bind(message.digest, at: 2)
            try upsert.bind(latest + 1, at: 3)
            _ = try upsert.step()
        }
        return true
    }

    /// The highest sequence ever assigned. Sequences are assigned here, not by SQLite's rowid
    /// default (max + 1), because that would reuse numbers once pruning empties the table.
    func highestSequence() throws(StoreError) -> Int64 {
        try connection.scalar("SELECT max(coalesce((SELECT max(seq) FROM readings), 0), seq_floor) FROM meta") ?? 0
    }

    private func seriesID(_ key: SeriesKey) throws(StoreError) -> Int64 {
        if let id = seriesIDs[key] { return id }
        let existing = try connection.withStatement("SELECT id FROM series WHERE tag = ? AND unit = ?") {
            select throws(StoreError) -> Int64? in
            try select.bind(key.tag, at: 1)
            try select.bind(key.unit, at: 2)
            return try select.step() ? select.int64(at: 0) : nil
        }
        let id: Int64
        if let existing {
            id = existing
        } else {
            try connection.withStatement("INSERT INTO series (tag, unit) VALUES (?, ?)") { insert throws(StoreError) in
                try insert.bind(key.tag, at: 1)
                try insert.bind(key.unit, at: 2)
                _ = try insert.step()
            }
            id = connection.lastInsertRowID
        }
        seriesIDs[key] = id
        seriesKeys[id] = key
        return id
    }

    // MARK: Reading

    func peek(after seq: Int64, limit: Int) throws(StoreError) -> [StoredReading] {
        guard limit >= 0 else { throw StoreError(.invalidArgument, "peek limit must not be negative, got \(limit)") }
        var result: [StoredReading] = []
        result.reserveCapacity(min(limit, 10_000))
        try connection.withStatement(
            "SELECT seq, series, time_ms, value, scale, quality FROM readings WHERE seq > ? ORDER BY seq LIMIT ?"
        ) { select throws(StoreError) in
            try select.bind(seq, at: 1)
            try select.bind(Int64(limit), at: 2)
            while try select.step() {
                let rowSeq = select.int64(at: 0)
                let key = try seriesKey(select.int64(at: 1), seq: rowSeq)
                let stored: StoredValue =
                    select.isText(at: 3)
                    ? .text(select.text(at: 3)) : .scaled(mantissa: select.int64(at: 3), scale: select.int64(at: 4))
                guard select.isInteger(at: 3) || select.isText(at: 3),
                    let quality = Reading.Quality(rawValue: select.int64(at: 5))
                else { throw StoreError(.corrupt, "reading \(rowSeq) has an unreadable value or quality") }
                let reading = Reading(
                    tag: key.tag, unit: key.unit, time: Reading.date(milliseconds: select.int64(at: 2)),
                    value: try stored.decimal(), quality: quality)
                result.append(StoredReading(seq: rowSeq, reading: reading))
            }
        }
        return result
    }

    func seriesKey(_ id: Int64, seq: Int64) throws(StoreError) -> SeriesKey {
        if let key = seriesKeys[id] { return key }
        let key = try connection.withStatement("SELECT tag, unit FROM series WHERE id = ?") {
            select throws(StoreError) -> SeriesKey? in
            try select.bind(id, at: 1)
            return try select.step() ? SeriesKey(tag: select.text(at: 0), unit: select.text(at: 1)) : nil
        }
        guard let key else { throw StoreError(.corrupt, "reading \(seq) refers to series \(id), which does not exist") }
        seriesKeys[id] = key
        seriesIDs[key] = id
        return key
    }

    // MARK: Acknowledging and pruning

    /// Every seq <= cursor is acknowledged: the cursor is the mark, so acknowledging rewrites one
    /// small row instead of every acknowledged reading's page (that would double the flash writes).
    func acknowledge(through seq: Int64) throws(StoreError) {
        try connection.transaction { () throws(StoreError) in
            let highest = try highestSequence()
            guard seq <= highest else {
                throw StoreError(
                    .invalidArgument, "cannot acknowledge \(seq): the highest sequence assigned is \(highest)")
            }
            // Acknowledgements are cumulative and may arrive twice (a re-send after a restart): never move back.
            try connection.run("UPDATE meta SET acked_through = max(acked_through, ?) WHERE id = 1", seq)
        }
    }

    func cursor() throws(StoreError) -> Int64 {
        try connection.scalar("SELECT acked_through FROM meta WHERE id = 1") ?? 0
    }

    /// Deletes acknowledged readings, oldest first, at most `limit` of them when given (a big
    /// backlog can then be pruned in small transactions). Returns how many were deleted.
    func pruneAcknowledged(limit: Int?) throws(StoreError) -> Int {
        try connection.transaction { () throws(StoreError) in
            let cursor = try cursor()
            try connection.run(  // LIMIT -1: no limit
                "DELETE FROM readings WHERE seq IN (SELECT seq FROM readings WHERE seq <= ? ORDER BY seq LIMIT ?)",
                cursor, Int64(limit ?? -1))
            let deleted = connection.changes
            // Roll-ups and gaps wholly acknowledged go too (schema 2); they are not counted as readings.
            try connection.run("DELETE FROM rollups WHERE last_seq <= ?", cursor)
            try connection.run("DELETE FROM gaps WHERE last_seq <= ?", cursor)
            if deleted > 0 {
                // Every deleted seq is <= cursor, so the cursor is a safe floor for future sequences.
                try connection.run("UPDATE meta SET seq_floor = max(seq_floor, ?) WHERE id = 1", cursor)
            }
            return deleted
        }
    }

    // MARK: Counting

    func count() throws(StoreError) -> Int {
        Int(try connection.scalar("SELECT count(*) FROM readings") ?? 0)
    }

    func unsentCount() throws(StoreError) -> Int {
        Int(try connection.scalar("SELECT count(*) FROM readings WHERE seq > ?", try cursor()) ?? 0)
    }

    func size() throws(StoreError) -> StoreSize {
        StoreSize(
            pageSize: try connection.scalar("PRAGMA page_size") ?? 0,
            pageCount: try connection.scalar("PRAGMA page_count") ?? 0,
            freePages: try connection.scalar("PRAGMA freelist_count") ?? 0)
    }

    /// Copies the WAL into the database file and truncates the WAL.
    func checkpoint() throws(StoreError) {
        _ = try connection.scalar("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}

/// The store's size in pages, as SQLite sees it (WAL content included).
struct StoreSize: Sendable, Hashable {
    var pageSize: Int64
    var pageCount: Int64
    /// Pages freed by pruning; SQLite reuses them before growing the file.
    var freePages: Int64
    /// The database file's size once the WAL is checkpointed.
    var bytes: Int64 { pageSize * pageCount }
    var usedBytes: Int64 { pageSize * (pageCount - freePages) }
}
