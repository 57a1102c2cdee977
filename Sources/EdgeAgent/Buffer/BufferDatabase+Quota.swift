import FaultPoints
import Foundation

// The quota policy's operations. Layout they rely on and keep: above the cursor, every sequence
// is covered by exactly one record, and all roll-ups and gaps come before the first raw reading
// (both are made from the oldest unsent data, appends add raw readings at the end). Each
// operation raises `meta.seq_floor` to the highest sequence it removes, so sequences are never
// reused even when it empties the readings table.
extension BufferDatabase {
    // MARK: Measuring

    func quotaUsage() throws(StoreError) -> QuotaUsage {
        let cursor = try cursor()
        let acknowledged =
            try connection.scalar(
                """
                SELECT (SELECT count(*) FROM readings WHERE seq <= ?1) + (SELECT count(*) FROM rollups WHERE last_seq <= ?1)
                     + (SELECT count(*) FROM gaps WHERE last_seq <= ?1)
                """, cursor) ?? 0
        let unsentReadings = try connection.scalar("SELECT count(*) FROM readings WHERE seq > ?", cursor) ?? 0
        let unsentRollups = try connection.scalar("SELECT count(*) FROM rollups WHERE last_seq > ?", cursor) ?? 0
        return QuotaUsage(
            usedBytes: try size().usedBytes, acknowledgedRecords: Int(acknowledged),
            unsentReadings: Int(unsentReadings), unsentRecords: Int(unsentReadings + unsentRollups))
    }

    // MARK: Enforcing

    /// Applies `policy` step by step, measuring after each, until it asks for nothing more.
    func enforceQuota(_ policy: QuotaPolicy) throws(StoreError) -> QuotaReport {
        var usage = try quotaUsage()
        var report = QuotaReport(maxBytes: policy.maxBytes, usedBytesBefore: usage.usedBytes, usedBytesAfter: 0)
        var reducing = false
        var rollupHelped = true
        // Every step removes at least one record, so this bound is never the reason to stop in practice.
        steps: for _ in 0..<10_000 {
            guard let step = policy.nextStep(usage, reducing: reducing, rollupHelped: rollupHelped) else { break }
            report.steps.append(step)
            let before = usage.usedBytes
            switch step {
            case .pruneAcknowledged:
                report.prunedAcknowledged += try pruneAcknowledged(limit: nil)
            case .rollUp(let count):
                reducing = true
                let result = try rollUpOldest(count, intervalMilliseconds: policy.rollupIntervalMilliseconds)
                report.rolledUpReadings += result.readings
                report.rollupsWritten += result.rollups
                usage = try quotaUsage()
                if result.readings == 0 || usage.usedBytes >= before { rollupHelped = false }
                continue
            case .dropOldest(let count):
                reducing = true
                let result = try dropOldest(count)
                report.droppedReadings += result.readings
                report.droppedRecords += result.records
                report.droppedSequences += result.sequences
                report.gapsWritten += result.sequences > 0 ? 1 : 0
                if result.records == 0 { break steps }
            }
            usage = try quotaUsage()
        }
        report.usedBytesAfter = usage.usedBytes
        report.warning = policy.isWarning(usage.usedBytes)
        report.stillOver = policy.isOver(usage.usedBytes)
        return report
    }

    // MARK: Rolling up

    /// Replaces the oldest `count` unsent raw readings by one aggregate per tag and interval, in
    /// one transaction. Returns how many readings went and how many roll-ups replaced them.
    func rollUpOldest(_ count: Int, intervalMilliseconds: Int64) throws(StoreError) -> (readings: Int, rollups: Int) {
        guard count > 0, intervalMilliseconds > 0 else { return (0, 0) }
        return try connection.transaction { () throws(StoreError) in
            struct Group {
                var series: Int64
                var count: Int64 = 0
                var from = Int64.max, to = Int64.min
                var sum = Decimal.zero, min: Decimal?, max: Decimal?
                var first: (time: Int64, value: Decimal)?, last: (time: Int64, value: Decimal)?
            }
            var groups: [Int64: [Int64: Int]] = [:]  // series -> bucket -> index in `ordered`
            var ordered: [Group] = []
            var firstSeq: Int64?
            var lastSeq: Int64 = 0
            try connection.withStatement(
                "SELECT seq, series, time_ms, value, scale FROM readings WHERE seq > ? ORDER BY seq LIMIT ?"
            ) { select throws(StoreError) in
                try select.bind(try shedFloor(), at: 1)
                try select.bind(Int64(count), at: 2)
                while try select.step() {
                    let seq = select.int64(at: 0)
                    // Only a contiguous block can be replaced by records that tile it.
                    if firstSeq != nil, seq != lastSeq + 1 { break }
                    if firstSeq == nil { firstSeq = seq }
                    lastSeq = seq
                    let series = select.int64(at: 1)
                    let time = select.int64(at: 2)
                    let value = try Self.value(select, seq: seq)
                    let bucket = Self.floorDivide(time, intervalMilliseconds)
                    let index: Int
                    if let existing = groups[series]?[bucket] {
                        index = existing
                    } else {
                        index = ordered.count
                        groups[series, default: [:]][bucket] = index
                        ordered.append(Group(series: series))
                    }
                    var group = ordered[index]
                    group.count += 1
                    group.from = Swift.min(group.from, time)
                    group.to = Swift.max(group.to, time)
                    group.sum += value
                    group.min = group.min.map { Swift.min($0, value) } ?? value
                    group.max = group.max.map { Swift.max($0, value) } ?? value
                    // Ties in time keep sequence order: the first stored is first, the last stored last.
                    if group.first == nil || time < group.first!.time { group.first = (time, value) }
                    if group.last == nil || time >= group.last!.time { group.last = (time, value) }
                    ordered[index] = group
                }
            }
            guard let firstSeq else { return (0, 0) }
            var next = firstSeq
            try connection.withStatement(
                """
                INSERT INTO rollups (first_seq, last_seq, series, from_ms, to_ms, count, sum, min, max, first, last)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ) { insert throws(StoreError) in
                for group in ordered {
                    try insert.bind(next, at: 1)
                    try insert.bind(next + group.count - 1, at: 2)
                    try insert.bind(group.series, at: 3)
                    try insert.bind(group.from, at: 4)
                    try insert.bind(group.to, at: 5)
                    try insert.bind(group.count, at: 6)
                    try insert.bind(group.sum.storedText, at: 7)
                    try insert.bind(group.min!.storedText, at: 8)
                    try insert.bind(group.max!.storedText, at: 9)
                    try insert.bind(group.first!.value.storedText, at: 10)
                    try insert.bind(group.last!.value.storedText, at: 11)
                    _ = try insert.step()
                    insert.reset()
                    next += group.count
                }
            }
            FaultPoint.hit("agent.buffer.mid-rollup")
            try connection.run("DELETE FROM readings WHERE seq BETWEEN ? AND ?", firstSeq, lastSeq)
            try connection.run("UPDATE meta SET seq_floor = max(seq_floor, ?) WHERE id = 1", lastSeq)
            return (Int(lastSeq - firstSeq + 1), ordered.count)
        }
    }

    // MARK: Dropping

    /// Deletes the oldest `count` unsent readings and roll-ups (and any gap among them) and
    /// records one `quota_dropped` gap over their whole range, in one transaction.
    func dropOldest(_ count: Int) throws(StoreError) -> (readings: Int, records: Int, sequences: Int64) {
        guard count > 0 else { return (0, 0, 0) }
        return try connection.transaction { () throws(StoreError) in
            let floor = try shedFloor()
            // Whole records above the floor only: one straddling it may be in a batch on its way.
            let bounds = try unsentBounds(after: floor, limit: count, countingGaps: false).filter { $0.first > floor }
            guard let first = bounds.first?.first, let last = bounds.last?.last else { return (0, 0, 0) }
            try connection.run("DELETE FROM readings WHERE seq BETWEEN ? AND ?", first, last)
            let readings = connection.changes
            try connection.run("DELETE FROM rollups WHERE last_seq >= ? AND first_seq <= ?", first, last)
            let rollups = connection.changes
            try connection.run("DELETE FROM gaps WHERE last_seq >= ? AND first_seq <= ?", first, last)
            try connection.withStatement("INSERT INTO gaps (first_seq, last_seq, reason) VALUES (?, ?, ?)") {
                insert throws(StoreError) in
                try insert.bind(first, at: 1)
                try insert.bind(last, at: 2)
                try insert.bind(StoredGap.quotaDropped, at: 3)
                _ = try insert.step()
            }
            try connection.run("UPDATE meta SET seq_floor = max(seq_floor, ?) WHERE id = 1", last)
            return (readings, readings + rollups, last - first + 1)
        }
    }

    /// The ranges of the oldest unsent records, in order, until `limit` of them (gaps counted or
    /// not) are included. Read per table through its primary key: no sort over the whole backlog,
    /// which would need temporary space a full disk may not have.
    /// What the quota may shed starts above this: the cursor, or what the sync holds in a batch.
    func shedFloor() throws(StoreError) -> Int64 { max(try cursor(), protectedThrough) }

    private func unsentBounds(after cursor: Int64, limit: Int, countingGaps: Bool) throws(StoreError)
        -> [(first: Int64, last: Int64, isGap: Bool)]
    {
        var all: [(first: Int64, last: Int64, isGap: Bool)] = []
        for (sql, isGap) in [
            ("SELECT seq, seq FROM readings WHERE seq > ? ORDER BY seq LIMIT ?", false),
            ("SELECT first_seq, last_seq FROM rollups WHERE last_seq > ? ORDER BY first_seq LIMIT ?", false),
            ("SELECT first_seq, last_seq FROM gaps WHERE last_seq > ? ORDER BY first_seq LIMIT ?", true),
        ] {
            try connection.withStatement(sql) { select throws(StoreError) in
                try select.bind(cursor, at: 1)
                try select.bind(Int64(limit), at: 2)
                while try select.step() { all.append((select.int64(at: 0), select.int64(at: 1), isGap)) }
            }
        }
        all.sort { $0.first < $1.first }
        var result: [(first: Int64, last: Int64, isGap: Bool)] = []
        var counted = 0
        for bound in all where counted < limit {
            result.append(bound)
            if countingGaps || !bound.isGap { counted += 1 }
        }
        return result
    }

    // MARK: Reading records

    /// Up to `limit` records (readings, roll-ups, gaps) ending above `seq`, in sequence order.
    func peekRecords(after seq: Int64, limit: Int) throws(StoreError) -> [BufferRecord] {
        var records = try peek(after: seq, limit: limit).map(BufferRecord.reading)
        try connection.withStatement(
            """
            SELECT first_seq, last_seq, series, from_ms, to_ms, count, sum, min, max, first, last
            FROM rollups WHERE last_seq > ? ORDER BY first_seq LIMIT ?
            """
        ) { select throws(StoreError) in
            try select.bind(seq, at: 1)
            try select.bind(Int64(limit), at: 2)
            while try select.step() {
                let first = select.int64(at: 0)
                let key = try seriesKey(select.int64(at: 2), seq: first)
                records.append(
                    .rollup(
                        StoredRollup(
                            firstSeq: first, lastSeq: select.int64(at: 1), tag: key.tag, unit: key.unit,
                            fromMilliseconds: select.int64(at: 3), toMilliseconds: select.int64(at: 4),
                            count: select.int64(at: 5), sum: try .stored(select.text(at: 6)),
                            min: try .stored(select.text(at: 7)), max: try .stored(select.text(at: 8)),
                            first: try .stored(select.text(at: 9)), last: try .stored(select.text(at: 10)))))
            }
        }
        try connection.withStatement(
            "SELECT first_seq, last_seq, reason FROM gaps WHERE last_seq > ? ORDER BY first_seq LIMIT ?"
        ) { select throws(StoreError) in
            try select.bind(seq, at: 1)
            try select.bind(Int64(limit), at: 2)
            while try select.step() {
                records.append(.gap(StoredGap(firstSeq: select.int64(at: 0), lastSeq: select.int64(at: 1), reason: select.text(at: 2))))
            }
        }
        records.sort { $0.firstSeq < $1.firstSeq }
        return Array(records.prefix(max(0, limit)))
    }

    // MARK: Helpers

    /// A stored value (columns 3 and 4 of a readings SELECT), decoded exactly.
    static func value(_ select: SQLiteConnection.Statement, seq: Int64) throws(StoreError) -> Decimal {
        if select.isText(at: 3) { return try StoredValue.text(select.text(at: 3)).decimal() }
        guard select.isInteger(at: 3) else { throw StoreError(.corrupt, "reading \(seq) has an unreadable value") }
        return try StoredValue.scaled(mantissa: select.int64(at: 3), scale: select.int64(at: 4)).decimal()
    }

    /// Rounds towards minus infinity, so readings before 1970 fall in the right interval too.
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient
    }
}
