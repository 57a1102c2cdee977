import CarbonCore
import Foundation

/// One batch, decided and stored in ONE write transaction: lock the epoch, compare with the ranges
/// already accepted, then either answer from the ledger (replay), refuse (conflict, with only the
/// audit record written), or store the sequences not yet held and move the watermark.
struct IngestTransaction: Sendable {
    enum Outcome: Sendable {
        case reply(IngestReply)
        /// Nothing was stored; the audit record of the refusal was.
        case conflict(String)
    }

    let batch: ReadingBatch
    /// The agent (its UUID, from the credential) and the site it is bound to.
    let agentID: String
    let siteID: String
    /// Readings refused by rule before the transaction (times out of bounds), by sequence.
    let screened: [Int64: String]
    let now: Int64
    let postgresLoad: ReadingStore.PostgresLoad
    /// Appends an audit event in this transaction.
    let audit: @Sendable (Auditor.Event, any SQLConnection) throws -> Void

    var epochText: String { batch.storeEpoch.uuidString.lowercased() }

    func run(on connection: any SQLConnection) throws -> Outcome {
        let agentID = self.agentID, epochText = self.epochText
        let epoch = try IngestLedger.lockEpoch(agentID: agentID, epoch: epochText, firstSeq: batch.firstSeq, now: now,
                                               on: connection)
        let range = batch.firstSeq...batch.lastSeq
        let overlaps = try IngestLedger.overlapping(range, agentID: agentID, epoch: epochText, on: connection)

        // The same range as a batch accepted whole: a replay, or a different batch reusing it.
        if let same = overlaps.first(where: { $0.firstSeq == range.lowerBound && $0.lastSeq == range.upperBound }) {
            let stored = try IngestReply.decodeStored(same.reply)
            if stored.firstSeq == same.firstSeq, stored.lastSeq == same.lastSeq {
                guard same.contentSHA256 == batch.contentSHA256 else {
                    return try conflict("sequences \(range.lowerBound)…\(range.upperBound) were already accepted with "
                                        + "other content (content_sha256 \(same.contentSHA256.prefix(12))…)",
                                        on: connection)
                }
                var reply = stored
                reply.status = IngestReply.duplicate
                reply.watermark = epoch.watermark
                return .reply(reply)
            }
        }

        let pieces = IngestLedger.uncovered(range, by: overlaps)
        var series = try SeriesRegistry.load(agentID: agentID, on: connection)
        var heldRejected: [IngestReply.Rejected] = []
        if !overlaps.isEmpty {
            let held = overlaps.map { $0.seqs.clamped(to: range) }
            let content = HeldContent(agentID: agentID, epochText: epochText, epochID: epoch.id, held: held,
                                      connection: connection)
            if let difference = try content.firstDifference(in: batch, series: series) {
                return try conflict(difference, on: connection)
            }
            heldRejected = try quarantined(in: held, on: connection)
            if pieces.isEmpty {
                return .reply(reply(IngestReply.duplicate, rejected: heldRejected, watermark: epoch.watermark))
            }
        }

        if connection.dialect == .postgres {
            // Aggregates and series are per agent, shared by its epochs: one agent's batches merge
            // into them one at a time (other agents are not held up).
            try connection.execute("SELECT pg_advisory_xact_lock(7402027, hashtext($1))", .text(agentID))
        }
        let isNew = { (seq: Int64) in pieces.contains { $0.contains(seq) } }
        let gaps = batch.gaps.flatMap { gap in
            pieces.filter { $0.overlaps(gap.firstSeq...gap.lastSeq) }.map { piece in
                let part = piece.clamped(to: gap.firstSeq...gap.lastSeq)
                return ReadingBatch.Gap(firstSeq: part.lowerBound, lastSeq: part.upperBound, reason: gap.reason)
            }
        }
        // The site's time zone defines its days (the 1d aggregates).
        let timeZone = try OrganisationRef.load(id: siteID, on: connection)?.timeZone ?? OrganisationRef.defaultTimeZone
        let owner = ReadingStore.Owner(agentID: agentID, siteID: siteID, timeZone: timeZone)
        let store = ReadingStore(owner: owner, epochText: epochText, epochID: epoch.id, receivedAt: now,
                                 postgresLoad: postgresLoad)
        let result = try store.store(
            readings: overlaps.isEmpty ? batch.readings : batch.readings.filter { isNew($0.seq) }, gaps: gaps,
            rollups: batch.rollups.filter { isNew($0.firstSeq) }, screened: screened, series: &series, on: connection)
        for created in result.createdSeries {
            try audit(.init(action: "series.create", target: String(created.id), organisationID: owner.siteID,
                            details: ["tag": created.tag, "unit": created.unit, "agent_id": agentID]), connection)
        }

        let watermark = try IngestLedger.advanceWatermark(epoch, adding: pieces, agentID: agentID, epochText: epochText,
                                                          now: now, on: connection)
        let accepted = reply(IngestReply.accepted, rejected: (heldRejected + result.rejected).sorted { $0.seq < $1.seq },
                             watermark: watermark)
        try IngestLedger.record(pieces, agentID: agentID, epoch: epochText, contentSHA256: batch.contentSHA256,
                                reply: accepted.stored, now: now, on: connection)
        return .reply(accepted)
    }

    private func reply(_ status: String, rejected: [IngestReply.Rejected], watermark: Int64) -> IngestReply {
        IngestReply(status: status, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq,
                    contentSHA256: batch.contentSHA256, rejected: rejected, watermark: watermark)
    }

    private func conflict(_ message: String, on connection: any SQLConnection) throws -> Outcome {
        try audit(.init(action: "ingest.conflict", target: "\(agentID)/\(epochText)", outcome: "refused",
                        organisationID: siteID,
                        details: ["first_seq": String(batch.firstSeq), "last_seq": String(batch.lastSeq),
                                  "content_sha256": batch.contentSHA256, "reason": message]), connection)
        return .conflict(message)
    }

    /// Readings of the held ranges that were quarantined when first received: a replay lists them
    /// again, so the agent hears the same outcome for the same sequences.
    private func quarantined(in held: [ClosedRange<Int64>], on connection: any SQLConnection) throws
        -> [IngestReply.Rejected]
    {
        try held.flatMap { range in
            try connection.query(
                """
                SELECT seq, reason FROM ingest_quarantine
                WHERE agent_id = $1 AND store_epoch = $2 AND seq >= $3 AND seq <= $4 ORDER BY seq
                """, .text(agentID), .text(epochText), .integer(range.lowerBound), .integer(range.upperBound)
            ).map { IngestReply.Rejected(seq: try $0.int64("seq"), reason: try $0.text("reason")) }
        }
    }

    /// Readings no transaction could ever store: outside [2000-01-01, now + 10 min].
    static func screen(_ readings: [ReadingBatch.Reading], nowMs: Int64) -> [Int64: String] {
        var refused: [Int64: String] = [:]
        for reading in readings {
            if reading.timeMilliseconds > nowMs + futureToleranceMs {
                refused[reading.seq] = IngestReply.Reason.timeInFuture
            } else if reading.timeMilliseconds < earliestMs {
                refused[reading.seq] = IngestReply.Reason.timeTooOld
            }
        }
        return refused
    }

    static let futureToleranceMs: Int64 = 10 * 60 * 1000
    /// 2000-01-01T00:00:00Z: earlier times come from a device clock that was never set.
    static let earliestMs: Int64 = 946_684_800_000
}
