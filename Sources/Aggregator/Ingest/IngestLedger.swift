/// The record of what each agent's store epoch has delivered: `ingest_epochs` (one row per agent
/// and epoch, locked by every batch of that epoch) and `ingest_ranges` (disjoint sequence ranges,
/// keyed by their first sequence, each with the content hash and reply of the batch that brought
/// it). Everything here runs inside the ingest write transaction.
enum IngestLedger {
    struct Epoch: Sendable {
        /// The integer id `readings.store_epoch` holds.
        let id: Int64
        let firstSeq: Int64
        var watermark: Int64
    }

    struct Range: Sendable {
        let firstSeq: Int64
        let lastSeq: Int64
        let contentSHA256: String
        let reply: String

        var seqs: ClosedRange<Int64> { firstSeq...lastSeq }
    }

    /// Creates the epoch on its first batch, then locks its row until commit, so two batches of
    /// one epoch (retries racing on two replicas) never interleave. PostgreSQL: the upsert waits
    /// on a concurrent creator's commit, then `FOR UPDATE` takes the row lock; SQLite's writer
    /// lock already serialises every write transaction.
    static func lockEpoch(agentID: String, epoch: String, firstSeq: Int64, now: Int64,
                          on connection: any SQLConnection) throws -> Epoch {
        switch connection.dialect {
        case .sqlite:
            try connection.execute(
                """
                INSERT INTO ingest_epochs (agent_id, store_epoch, id, first_seq, watermark, created_at, updated_at)
                VALUES ($1, $2, (SELECT coalesce(max(id), 0) + 1 FROM ingest_epochs), $3, $4, $5, $5)
                ON CONFLICT (agent_id, store_epoch) DO NOTHING
                """, .text(agentID), .text(epoch), .integer(firstSeq), .integer(firstSeq - 1), .integer(now))
        case .postgres:
            try connection.execute(
                """
                INSERT INTO ingest_epochs (agent_id, store_epoch, first_seq, watermark, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $5)
                ON CONFLICT (agent_id, store_epoch) DO NOTHING
                """, .text(agentID), .text(epoch), .integer(firstSeq), .integer(firstSeq - 1), .integer(now))
        }
        let lock = connection.dialect == .postgres ? " FOR UPDATE" : ""
        guard let row = try connection.first(
            "SELECT id, first_seq, watermark FROM ingest_epochs WHERE agent_id = $1 AND store_epoch = $2" + lock,
            .text(agentID), .text(epoch))
        else { throw DatabaseError(.sql, "the ingest epoch row vanished inside its transaction") }
        return Epoch(id: try row.int64("id"), firstSeq: try row.int64("first_seq"),
                     watermark: try row.int64("watermark"))
    }

    /// Accepted ranges that share a sequence with `seqs`, in order. Ranges are disjoint, so these
    /// are the last one starting before `seqs` (if it reaches in) and those starting inside: two
    /// index range scans, however many ranges the epoch holds.
    static func overlapping(_ seqs: ClosedRange<Int64>, agentID: String, epoch: String,
                            on connection: any SQLConnection) throws -> [Range] {
        let columns = "first_seq, last_seq, content_sha256, reply"
        var rows = try connection.query(
            """
            SELECT \(columns) FROM ingest_ranges
            WHERE agent_id = $1 AND store_epoch = $2 AND first_seq < $3 ORDER BY first_seq DESC LIMIT 1
            """, .text(agentID), .text(epoch), .integer(seqs.lowerBound))
        rows += try connection.query(
            """
            SELECT \(columns) FROM ingest_ranges
            WHERE agent_id = $1 AND store_epoch = $2 AND first_seq >= $3 AND first_seq <= $4 ORDER BY first_seq
            """, .text(agentID), .text(epoch), .integer(seqs.lowerBound), .integer(seqs.upperBound))
        return try rows.map { row in
            Range(firstSeq: try row.int64("first_seq"), lastSeq: try row.int64("last_seq"),
                  contentSHA256: try row.text("content_sha256"), reply: try row.text("reply"))
        }.filter { $0.seqs.overlaps(seqs) }
    }

    /// The parts of `seqs` no range covers, in order.
    static func uncovered(_ seqs: ClosedRange<Int64>, by ranges: [Range]) -> [ClosedRange<Int64>] {
        var pieces: [ClosedRange<Int64>] = []
        var next = seqs.lowerBound
        for range in ranges.sorted(by: { $0.firstSeq < $1.firstSeq }) where range.lastSeq >= next {
            if range.firstSeq > next { pieces.append(next...min(range.firstSeq - 1, seqs.upperBound)) }
            next = range.lastSeq + 1
            if next > seqs.upperBound { break }
        }
        if next <= seqs.upperBound { pieces.append(next...seqs.upperBound) }
        return pieces
    }

    static func record(_ pieces: [ClosedRange<Int64>], agentID: String, epoch: String, contentSHA256: String,
                       reply: String, now: Int64, on connection: any SQLConnection) throws {
        for piece in pieces {
            try connection.execute(
                """
                INSERT INTO ingest_ranges (agent_id, store_epoch, first_seq, last_seq, content_sha256, reply, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, .text(agentID), .text(epoch), .integer(piece.lowerBound), .integer(piece.upperBound),
                .text(contentSHA256), .text(reply), .integer(now))
        }
    }

    /// Moves the watermark over every range that continues it without a hole: `adding` (ranges
    /// about to be recorded) or those already recorded. Ranges are disjoint, so the next one, if
    /// any, starts exactly one past the watermark.
    static func advanceWatermark(_ epoch: Epoch, adding pending: [ClosedRange<Int64>], agentID: String,
                                 epochText: String, now: Int64, on connection: any SQLConnection) throws -> Int64 {
        var watermark = epoch.watermark
        while true {
            if let piece = pending.first(where: { $0.lowerBound == watermark + 1 }) {
                watermark = piece.upperBound
            } else if let row = try connection.first(
                "SELECT last_seq FROM ingest_ranges WHERE agent_id = $1 AND store_epoch = $2 AND first_seq = $3",
                .text(agentID), .text(epochText), .integer(watermark + 1)) {
                watermark = try row.int64("last_seq")
            } else {
                break
            }
        }
        if watermark != epoch.watermark {
            try connection.execute(
                "UPDATE ingest_epochs SET watermark = $3, updated_at = $4 WHERE agent_id = $1 AND store_epoch = $2",
                .text(agentID), .text(epochText), .integer(watermark), .integer(now))
        }
        return watermark
    }
}
