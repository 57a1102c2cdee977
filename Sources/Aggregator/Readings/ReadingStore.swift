import CarbonCore
import Foundation

/// Writes the new part of an accepted batch: raw readings (bulk), quarantined readings, gap and
/// roll-up records (each in its own table, never mixed with raw readings), and the downsampled
/// aggregates. Runs inside the ingest transaction; decides nothing about idempotency.
struct ReadingStore {
    /// How raw readings reach PostgreSQL. COPY is the default: bench/ingest measures both.
    enum PostgresLoad: String, Sendable { case copy, insert }

    struct Owner: Sendable {
        let agentID: String
        let siteID: String
        let timeZone: TimeZone
    }

    struct Result: Sendable {
        var rejected: [IngestReply.Rejected] = []
        var createdSeries: [SeriesRegistry.Created] = []
        var storedReadings = 0
    }

    let owner: Owner
    let epochText: String
    let epochID: Int64
    let receivedAt: Int64
    var postgresLoad: PostgresLoad = .copy

    static let readingColumns = ["series_id", "time_ms", "store_epoch", "seq", "value", "quality"]

    /// `screened` holds the readings already refused by rule (time out of bounds), by sequence.
    func store(readings: [ReadingBatch.Reading], gaps: [ReadingBatch.Gap], rollups: [ReadingBatch.Rollup],
               screened: [Int64: String], series: inout [String: SeriesRegistry.Entry],
               on connection: any SQLConnection) throws -> Result {
        var result = Result()
        var wanted: [(tag: String, unit: String)] = readings.map { ($0.tag, $0.unit) }
        wanted += rollups.map { ($0.tag, $0.unit) }
        result.createdSeries = try SeriesRegistry.ensure(
            wanted, agentID: owner.agentID, siteID: owner.siteID, now: receivedAt, entries: &series, on: connection)

        var rows: [[SQLValue]] = []
        rows.reserveCapacity(readings.count)
        var folded: [(seriesID: Int64, timeMs: Int64, value: Decimal)] = []
        folded.reserveCapacity(readings.count)
        var quarantined: [[SQLValue]] = []
        for reading in readings {
            let value = reading.valueText
            var reason = screened[reading.seq]
            if reason == nil, let entry = series[reading.tag], entry.unit != reading.unit {
                reason = IngestReply.Reason.unitChanged
            }
            if let reason {
                result.rejected.append(.init(seq: reading.seq, reason: reason))
                quarantined.append([
                    .text(owner.agentID), .text(epochText), .integer(reading.seq), .text(reading.tag),
                    .text(reading.unit), .integer(reading.timeMilliseconds), .text(value),
                    .text(reading.quality.rawValue), .text(reason), .integer(receivedAt),
                ])
                continue
            }
            guard let entry = series[reading.tag] else { throw DatabaseError(.sql, "series '\(reading.tag)' missing") }
            rows.append([.integer(entry.id), .integer(reading.timeMilliseconds), .integer(epochID),
                         .integer(reading.seq), .text(value), .text(reading.quality.rawValue)])
            folded.append((entry.id, reading.timeMilliseconds, reading.value))
        }

        try BulkInsert.insert(
            into: "ingest_quarantine",
            columns: ["agent_id", "store_epoch", "seq", "tag", "unit", "time_ms", "value", "quality", "reason",
                      "received_at"],
            rows: quarantined, on: connection)
        try insertReadings(rows, on: connection)
        result.storedReadings = rows.count

        try BulkInsert.insert(
            into: "ingest_gaps", columns: ["agent_id", "store_epoch", "first_seq", "last_seq", "reason", "received_at"],
            rows: gaps.map {
                [.text(owner.agentID), .text(epochText), .integer($0.firstSeq), .integer($0.lastSeq), .text($0.reason),
                 .integer(receivedAt)]
            }, on: connection)
        try BulkInsert.insert(
            into: "reading_rollups",
            columns: ["agent_id", "store_epoch", "first_seq", "last_seq", "series_id", "tag", "unit", "from_ms", "to_ms",
                      "count", "sum", "min", "max", "first", "last", "received_at"],
            rows: rollups.map { rollup in
                // A roll-up in another unit than its series is kept, unlinked, rather than lost.
                let entry = series[rollup.tag].flatMap { $0.unit == rollup.unit ? $0 : nil }
                return [.text(owner.agentID), .text(epochText), .integer(rollup.firstSeq), .integer(rollup.lastSeq),
                        SQLValue(entry?.id), .text(rollup.tag), .text(rollup.unit), .integer(rollup.fromMilliseconds),
                        .integer(rollup.toMilliseconds), .integer(rollup.count), .text(rollup.sum), .text(rollup.min),
                        .text(rollup.max), .text(rollup.first), .text(rollup.last), .integer(receivedAt)]
            }, on: connection)

        try ReadingAggregates.apply(ReadingAggregates.fold(folded, timeZone: owner.timeZone), on: connection)
        result.rejected.sort { $0.seq < $1.seq }
        return result
    }

    func insertReadings(_ rows: [[SQLValue]], on connection: any SQLConnection) throws {
        guard !rows.isEmpty else { return }
        try Self.insertReadings(rows, load: postgresLoad, on: connection)
    }

    /// The bulk load of raw rows (`readingColumns` order), also used by the benchmark's baseline.
    static func insertReadings(_ rows: [[SQLValue]], load: PostgresLoad, on connection: any SQLConnection) throws {
        guard !rows.isEmpty else { return }
        if connection.dialect == .postgres {
            try ReadingPartitions.ensure(monthsOf: rows.lazy.map { row -> Int64 in
                if case .integer(let time) = row[1] { return time }
                return 0
            }, on: connection)
            if load == .copy, let postgres = connection as? PostgresConnection {
                try postgres.copy(table: "readings", columns: readingColumns, rows: rows)
                return
            }
        }
        try BulkInsert.insert(into: "readings", columns: readingColumns, rows: rows, on: connection)
    }
}
