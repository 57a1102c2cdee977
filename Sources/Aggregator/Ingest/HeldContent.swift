import CarbonCore

/// The check behind a re-cut batch (an agent that crashed between sending and recording the
/// reply may cut its next batch differently): sequences the aggregator already holds must carry
/// exactly the content it holds for them, or the batch is a conflict. Compared record by record
/// against what was stored (readings, quarantined readings, gaps, roll-ups), not by hash, because
/// the stored ranges were hashed as parts of other batches.
struct HeldContent {
    let agentID: String
    let epochText: String
    let epochID: Int64
    let held: [ClosedRange<Int64>]
    let connection: any SQLConnection

    private func isHeld(_ seq: Int64) -> Bool { held.contains { $0.contains(seq) } }

    /// nil when every held sequence matches; otherwise what differs, for the 409 and the audit.
    func firstDifference(in batch: ReadingBatch, series: [String: SeriesRegistry.Entry]) throws -> String? {
        for reading in batch.readings where isHeld(reading.seq) {
            guard try matches(reading, series: series[reading.tag]) else {
                return "sequence \(reading.seq) is already held with other content"
            }
        }
        for gap in batch.gaps {
            let seqs = gap.firstSeq...gap.lastSeq
            for part in held.filter({ $0.overlaps(seqs) }).map({ $0.clamped(to: seqs) }) {
                guard try gapCovers(part, reason: gap.reason) else {
                    return "sequences \(part.lowerBound)…\(part.upperBound) are already held with other content"
                }
            }
        }
        for rollup in batch.rollups {
            let seqs = rollup.firstSeq...rollup.lastSeq
            let heldCount = held.reduce(Int64(0)) { total, range in
                total + (range.overlaps(seqs) ? Int64(range.clamped(to: seqs).count) : 0)
            }
            guard heldCount > 0 else { continue }
            guard heldCount == Int64(seqs.count), try rollupMatches(rollup) else {
                return "roll-up \(rollup.firstSeq)…\(rollup.lastSeq) differs from the one already held"
            }
        }
        return nil
    }

    private func matches(_ reading: ReadingBatch.Reading, series: SeriesRegistry.Entry?) throws -> Bool {
        let value = reading.valueText
        if let series, series.unit == reading.unit,
           let row = try connection.first(
               """
               SELECT value, quality FROM readings
               WHERE series_id = $1 AND time_ms = $2 AND store_epoch = $3 AND seq = $4
               """, .integer(series.id), .integer(reading.timeMilliseconds), .integer(epochID), .integer(reading.seq)) {
            return try row.text("value") == value && row.text("quality") == reading.quality.rawValue
        }
        guard let row = try connection.first(
            """
            SELECT tag, unit, time_ms, value, quality FROM ingest_quarantine
            WHERE agent_id = $1 AND store_epoch = $2 AND seq = $3
            """, .text(agentID), .text(epochText), .integer(reading.seq))
        else { return false }
        return try row.text("tag") == reading.tag && row.text("unit") == reading.unit
            && row.int64("time_ms") == reading.timeMilliseconds && row.text("value") == value
            && row.text("quality") == reading.quality.rawValue
    }

    /// True when stored gaps with the same reason cover every sequence of `part`.
    private func gapCovers(_ part: ClosedRange<Int64>, reason: String) throws -> Bool {
        var rows = try connection.query(
            """
            SELECT first_seq, last_seq, reason FROM ingest_gaps
            WHERE agent_id = $1 AND store_epoch = $2 AND first_seq < $3 ORDER BY first_seq DESC LIMIT 1
            """, .text(agentID), .text(epochText), .integer(part.lowerBound))
        rows += try connection.query(
            """
            SELECT first_seq, last_seq, reason FROM ingest_gaps
            WHERE agent_id = $1 AND store_epoch = $2 AND first_seq >= $3 AND first_seq <= $4 ORDER BY first_seq
            """, .text(agentID), .text(epochText), .integer(part.lowerBound), .integer(part.upperBound))
        var next = part.lowerBound
        for row in rows {
            let first = try row.int64("first_seq"), last = try row.int64("last_seq")
            guard last >= next else { continue }
            guard first <= next, try row.text("reason") == reason else { return false }
            next = last + 1
            if next > part.upperBound { return true }
        }
        return false
    }

    private func rollupMatches(_ rollup: ReadingBatch.Rollup) throws -> Bool {
        guard let row = try connection.first(
            """
            SELECT last_seq, tag, unit, from_ms, to_ms, count, sum, min, max, first, last FROM reading_rollups
            WHERE agent_id = $1 AND store_epoch = $2 AND first_seq = $3
            """, .text(agentID), .text(epochText), .integer(rollup.firstSeq))
        else { return false }
        return try row.int64("last_seq") == rollup.lastSeq && row.text("tag") == rollup.tag
            && row.text("unit") == rollup.unit && row.int64("from_ms") == rollup.fromMilliseconds
            && row.int64("to_ms") == rollup.toMilliseconds && row.int64("count") == rollup.count
            && row.text("sum") == rollup.sum && row.text("min") == rollup.min && row.text("max") == rollup.max
            && row.text("first") == rollup.first && row.text("last") == rollup.last
    }
}
