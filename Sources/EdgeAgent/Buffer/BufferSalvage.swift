import CSQLite
import Foundation

/// What opening a damaged store did: where the damaged file went, and how many of its unsent
/// readings were rescued into the new store's `salvaged` table (under their old epoch and sequences).
struct SalvageReport: Sendable, Hashable {
    /// Why the file was judged damaged (the SQLite error, or `PRAGMA quick_check`'s first line).
    var reason: String
    /// Where the damaged file now is (`buffer.sqlite.corrupt-<UTC timestamp>`, its WAL beside it).
    var damagedPath: String
    /// The damaged store's epoch; nil when unreadable, and then nothing can be rescued (the
    /// aggregator could not tell its sequences from anyone else's).
    var oldEpoch: UUID?
    /// Its sync cursor: readings at or below it were upstream already and are not rescued.
    var oldCursor: Int64
    var rowsRecovered: Int
    /// Unsent sequences (old cursor + 1 up to the highest sequence seen) not rescued; nil when
    /// the highest sequence could not be read.
    var rowsLost: Int?
}

/// Opening with damage detection, and rescuing what can be read. SQLite says SQLITE_CORRUPT or
/// SQLITE_NOTADB on the pages it touches, so a store damaged where start-up does not look is
/// found by `PRAGMA quick_check` (it reads every page: roughly proportional to the file's size).
enum BufferSalvage {
    static func open(path: String, maximumBytes: Int64?, reserveBytes: Int64, now: Date)
        throws(StoreError) -> (database: BufferDatabase, salvage: SalvageReport?)
    {
        let reason: String
        do {
            let database = try BufferDatabase(path: path, maximumBytes: maximumBytes, reserveBytes: reserveBytes)
            do {
                guard let problem = try quickCheck(database.connection) else { return (database, nil) }
                reason = problem
            } catch where isDamage(error) {
                reason = error.description
            }
            database.close()
        } catch where isDamage(error) {
            reason = error.description
        }
        let damagedPath = try moveAside(path, now: now)
        let database = try BufferDatabase(path: path, maximumBytes: maximumBytes, reserveBytes: reserveBytes)
        let report = salvage(from: damagedPath, into: database, reason: reason)
        return (database, report)
    }

    /// Damage, as opposed to a file that is fine but not ours (`.notABufferStore` without
    /// SQLITE_NOTADB), which is refused and left alone.
    static func isDamage(_ error: StoreError) -> Bool {
        error.code == .corrupt || (error.resultCode.map { $0 & 0xff == SQLITE_NOTADB } ?? false)
    }

    /// nil when `PRAGMA quick_check` says "ok", else its first complaint.
    static func quickCheck(_ connection: SQLiteConnection) throws(StoreError) -> String? {
        let first = try connection.scalarText("PRAGMA quick_check")
        return first == "ok" ? nil : (first ?? "quick_check returned nothing")
    }

    /// Renames the file and its WAL to `<path>.corrupt-<timestamp>[-wal]`; the shared-memory
    /// index is only a cache of the WAL and is deleted.
    private static func moveAside(_ path: String, now: Date) throws(StoreError) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        let damaged = "\(path).corrupt-\(formatter.string(from: now))"
        let manager = FileManager.default
        do {
            try manager.moveItem(atPath: path, toPath: damaged)
            if manager.fileExists(atPath: path + "-wal") { try manager.moveItem(atPath: path + "-wal", toPath: damaged + "-wal") }
            if manager.fileExists(atPath: path + "-shm") { try manager.removeItem(atPath: path + "-shm") }
        } catch {
            throw StoreError(.sqlite, "cannot move the damaged store '\(path)' aside: \(error)")
        }
        return damaged
    }

    /// Reads every unsent reading it can from the damaged file into `database.salvaged`. Never
    /// throws: whatever cannot be read is counted as lost.
    static func salvage(from damagedPath: String, into database: BufferDatabase, reason: String) -> SalvageReport {
        var report = SalvageReport(
            reason: reason, damagedPath: damagedPath, oldEpoch: nil, oldCursor: 0, rowsRecovered: 0, rowsLost: nil)
        guard let old = try? SQLiteConnection(path: damagedPath) else { return report }
        defer { old.close() }
        guard let epochText = try? old.scalarText("SELECT epoch FROM meta WHERE id = 1"),
            let epoch = UUID(uuidString: epochText)
        else { return report }
        report.oldEpoch = epoch
        report.oldCursor = (try? old.scalar("SELECT acked_through FROM meta WHERE id = 1")) ?? 0
        var series: [Int64: (tag: String, unit: String)] = [:]
        _ = try? old.withStatement("SELECT id, tag, unit FROM series") { select throws(StoreError) in
            while try select.step() { series[select.int64(at: 0)] = (select.text(at: 1), select.text(at: 2)) }
        }
        let highest: Int64? = try? old.scalar("SELECT max(seq) FROM readings")
        // Stored a batch at a time, so a big store is not held in memory.
        var lastSeq: Int64 = 0
        scan(old, after: report.oldCursor, highest: highest, series: series) { rows in
            guard (try? database.insertSalvaged(epoch: epoch, rows)) != nil else { return false }
            report.rowsRecovered += rows.count
            lastSeq = rows.last?.seq ?? lastSeq
            return true
        }
        let top = max(highest ?? 0, lastSeq)
        if top > 0 { report.rowsLost = Int(max(0, top - report.oldCursor)) - report.rowsRecovered }
        return report
    }

    /// Walks the readings above `cursor` in sequence order. Where a page cannot be read, it
    /// probes further and further ahead (1, 2, 4, … sequences) for the next readable row, so one
    /// damaged page costs its rows and perhaps a few around it, not the rest of the table.
    /// `store` gets each batch of rescued rows and says whether it kept them (false stops the walk).
    private static func scan(
        _ old: SQLiteConnection, after cursor: Int64, highest: Int64?, series: [Int64: (tag: String, unit: String)],
        store: ([StoredReading]) -> Bool
    ) {
        var rows: [StoredReading] = []
        defer { if !rows.isEmpty { _ = store(rows) } }
        var after = cursor
        let limit = highest ?? Int64.max
        while after < limit {
            if !rows.isEmpty {
                guard store(rows) else {
                    rows = []
                    return
                }
                rows = []
            }
            let before = after
            var finished = false
            do {
                try old.withStatement(
                    "SELECT seq, series, time_ms, value, scale, quality FROM readings WHERE seq > ? ORDER BY seq LIMIT 1000"
                ) { select throws(StoreError) in
                    try select.bind(after, at: 1)
                    var count = 0
                    while try select.step() {
                        count += 1
                        let seq = select.int64(at: 0)
                        after = seq
                        // A damaged cell can decode as garbage rather than fail: keep only rows that make sense.
                        guard let key = series[select.int64(at: 1)],
                            let quality = Reading.Quality(rawValue: select.int64(at: 5)),
                            let value = try? BufferDatabase.value(select, seq: seq)
                        else { continue }
                        let reading = Reading(
                            tag: key.tag, unit: key.unit, time: Reading.date(milliseconds: select.int64(at: 2)),
                            value: value, quality: quality)
                        rows.append(StoredReading(seq: seq, reading: reading))
                    }
                    finished = count < 1000
                }
                if finished { break }
            } catch {
                guard let next = probe(old, after: after, limit: limit) else { break }
                // No row read and the probe landed where this pass started: skip one sequence, so the walk ends.
                after = next == before ? before + 1 : next
            }
        }
    }

    /// The smallest `after + 2^k` (k ≥ 0) from which a read succeeds, as the new scan start
    /// (minus one); nil when no read up to `limit` succeeds or there is nothing more.
    private static func probe(_ old: SQLiteConnection, after: Int64, limit: Int64) -> Int64? {
        var step: Int64 = 1
        while step < 1 << 40, after + step <= limit {
            let start = after + step
            let found = try? old.withStatement("SELECT seq FROM readings WHERE seq >= ? ORDER BY seq LIMIT 1") {
                select throws(StoreError) -> Bool in
                try select.bind(start, at: 1)
                return try select.step()
            }
            if let found { return found ? start - 1 : nil }
            step *= 2
        }
        return nil
    }
}

extension BufferDatabase {
    /// Stores rescued readings under their old epoch and sequences, in one transaction.
    func insertSalvaged(epoch: UUID, _ rows: [StoredReading]) throws(StoreError) {
        guard !rows.isEmpty else { return }
        try connection.transaction { () throws(StoreError) in
            try connection.withStatement(
                """
                INSERT OR IGNORE INTO salvaged (epoch, seq, tag, unit, time_ms, value, scale, quality)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
            ) { insert throws(StoreError) in
                for row in rows {
                    try insert.bind(epoch.uuidString, at: 1)
                    try insert.bind(row.seq, at: 2)
                    try insert.bind(row.reading.tag, at: 3)
                    try insert.bind(row.reading.unit, at: 4)
                    try insert.bind(try row.reading.milliseconds, at: 5)
                    switch try StoredValue(row.reading.value) {
                    case .scaled(let mantissa, let scale):
                        try insert.bind(mantissa, at: 6)
                        try insert.bind(scale, at: 7)
                    case .text(let text):
                        try insert.bind(text, at: 6)
                        try insert.bind(0, at: 7)
                    }
                    try insert.bind(row.reading.quality.rawValue, at: 8)
                    _ = try insert.step()
                    insert.reset()
                }
            }
        }
    }

    /// Rescued readings, oldest epoch-and-sequence first (for an upstream send; see ReadingStore).
    func peekSalvaged(limit: Int) throws(StoreError) -> [(epoch: UUID, reading: StoredReading)] {
        var result: [(epoch: UUID, reading: StoredReading)] = []
        try connection.withStatement(
            "SELECT epoch, seq, tag, unit, time_ms, value, scale, quality FROM salvaged ORDER BY epoch, seq LIMIT ?"
        ) { select throws(StoreError) in
            try select.bind(Int64(limit), at: 1)
            while try select.step() {
                guard let epoch = UUID(uuidString: select.text(at: 0)),
                    let quality = Reading.Quality(rawValue: select.int64(at: 7))
                else { throw StoreError(.corrupt, "a salvaged row has an unreadable epoch or quality") }
                let seq = select.int64(at: 1)
                let value: Decimal =
                    select.isText(at: 5)
                    ? try StoredValue.text(select.text(at: 5)).decimal()
                    : try StoredValue.scaled(mantissa: select.int64(at: 5), scale: select.int64(at: 6)).decimal()
                let reading = Reading(
                    tag: select.text(at: 2), unit: select.text(at: 3),
                    time: Reading.date(milliseconds: select.int64(at: 4)), value: value, quality: quality)
                result.append((epoch, StoredReading(seq: seq, reading: reading)))
            }
        }
        return result
    }

    /// Deletes rescued readings of `epoch` with seq <= `seq` once the aggregator has them.
    func acknowledgeSalvaged(epoch: UUID, through seq: Int64) throws(StoreError) -> Int {
        try connection.transaction { () throws(StoreError) in
            try connection.withStatement("DELETE FROM salvaged WHERE epoch = ? AND seq <= ?") {
                delete throws(StoreError) in
                try delete.bind(epoch.uuidString, at: 1)
                try delete.bind(seq, at: 2)
                _ = try delete.step()
            }
            return connection.changes
        }
    }
}
