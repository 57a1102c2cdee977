import CarbonCore
import Foundation

/// Turns the oldest unsent records (readings, and the quota policy's roll-ups and gap records)
/// into one `ReadingBatch`. Pure: the records, the cursor and the time are passed in.
///
/// When to send: as soon as `maximumReadings` sequences are waiting, when the oldest waiting
/// reading is at least `maximumAge` old (by the time passed in), or at once when the oldest record
/// is a roll-up or a gap (the quota policy made them from the oldest data), so a quiet plant still
/// uploads promptly and a busy one uploads full batches. A batch always covers cursor+1 … last
/// contiguously: roll-ups and gaps travel as explicit records over their sequence ranges, and a
/// sequence the store holds in no form goes in as a gap `absent_at_edge`, never silently skipped.
struct BatchBuilder: Sendable {
    struct Limits: Sendable, Hashable {
        /// Sequences per batch (readings plus gaps); the aggregator accepts up to 1,000,000.
        var maximumReadings: Int
        var maximumAge: Duration

        init(maximumReadings: Int = 1000, maximumAge: Duration = .seconds(5)) {
            self.maximumReadings = min(max(1, maximumReadings), 1_000_000)
            self.maximumAge = maximumAge
        }
    }

    static let absentReason = "absent_at_edge"

    let agentID: String
    let storeEpoch: UUID
    let limits: Limits

    /// `batch(after:records:now:)` for a store that holds readings only.
    func batch(after cursor: Int64, readings: [StoredReading], now: Date) throws(SyncError) -> ReadingBatch? {
        try batch(after: cursor, records: readings.map(BufferRecord.reading), now: now)
    }

    /// The batch to send now, or nil when there is nothing to send yet. `records` must be the
    /// store's records after `cursor`, in sequence order (what `peekUnsentRecords` returns).
    func batch(after cursor: Int64, records: [BufferRecord], now: Date) throws(SyncError) -> ReadingBatch? {
        guard let oldest = records.first else { return nil }
        let span = (records.last?.lastSeq ?? cursor) - cursor
        let due: Bool = switch oldest {
        case .reading(let stored): now.timeIntervalSince(stored.reading.time) >= Self.seconds(limits.maximumAge)
        case .rollup, .gap: true
        }
        guard span >= Int64(limits.maximumReadings) || due else { return nil }

        var wire: [ReadingBatch.Reading] = []
        var gaps: [ReadingBatch.Gap] = []
        var rollups: [ReadingBatch.Rollup] = []
        var next = cursor + 1
        let limit = Int64(limits.maximumReadings)
        for record in records {
            guard record.firstSeq >= next, record.lastSeq >= record.firstSeq else {
                throw SyncError(.buildBatch, "records are not in increasing order after \(cursor) (seq \(record.firstSeq))")
            }
            let hole = record.firstSeq > next
            // A hole counts against the size limit too: the batch's range is what the server checks.
            if record.lastSeq - cursor > limit {
                guard wire.isEmpty, gaps.isEmpty, rollups.isEmpty else { break }
                if hole {
                    // The hole alone fills a batch: send the gap by itself so the cursor can move on.
                    gaps = [.init(firstSeq: next, lastSeq: min(record.firstSeq - 1, cursor + limit), reason: Self.absentReason)]
                    break
                }
                // A roll-up or gap record wider than a batch travels alone (it cannot be split).
            }
            if hole { gaps.append(.init(firstSeq: next, lastSeq: record.firstSeq - 1, reason: Self.absentReason)) }
            switch record {
            case .reading(let stored): wire.append(try Self.wire(stored))
            case .rollup(let rollup): rollups.append(Self.wire(rollup))
            case .gap(let gap): gaps.append(.init(firstSeq: gap.firstSeq, lastSeq: gap.lastSeq, reason: gap.reason))
            }
            next = record.lastSeq + 1
        }
        do {
            return try ReadingBatch(agentID: agentID, storeEpoch: storeEpoch, readings: wire, gaps: gaps, rollups: rollups)
        } catch {
            throw SyncError(.buildBatch, "batch after \(cursor): \(error)")
        }
    }

    /// A quota roll-up as the wire has it: exact decimals as plain text.
    static func wire(_ rollup: StoredRollup) -> ReadingBatch.Rollup {
        ReadingBatch.Rollup(
            firstSeq: rollup.firstSeq, lastSeq: rollup.lastSeq, tag: rollup.tag, unit: rollup.unit,
            fromMilliseconds: rollup.fromMilliseconds, toMilliseconds: rollup.toMilliseconds, count: rollup.count,
            sum: DecimalText.plain(rollup.sum), min: DecimalText.plain(rollup.min), max: DecimalText.plain(rollup.max),
            first: DecimalText.plain(rollup.first), last: DecimalText.plain(rollup.last))
    }

    /// One buffered reading as the wire has it: UTC milliseconds, CarbonCore's quality names.
    static func wire(_ stored: StoredReading) throws(SyncError) -> ReadingBatch.Reading {
        let reading = stored.reading
        let milliseconds: Int64
        do { milliseconds = try reading.milliseconds } catch { throw SyncError(.buildBatch, "seq \(stored.seq): \(error)") }
        return ReadingBatch.Reading(
            seq: stored.seq, tag: reading.tag, unit: reading.unit, timeMilliseconds: milliseconds,
            value: reading.value, quality: ReadingQuality(reading.quality))
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
