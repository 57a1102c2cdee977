import CarbonCore
import Foundation

/// Turns the oldest unsent readings into one `ReadingBatch`. Pure: the readings, the cursor and
/// the time are passed in.
///
/// When to send: as soon as `maximumReadings` are waiting, or when the oldest waiting reading is
/// at least `maximumAge` old (by the time passed in), so a quiet plant still uploads promptly and
/// a busy one uploads full batches. A batch always covers cursor+1 … last contiguously: a
/// sequence the store no longer holds (never expected today; a future quota policy may drop
/// some) goes in as a gap record with reason `absent_at_edge`, never silently skipped.
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

    /// The batch to send now, or nil when there is nothing to send yet (no readings, or fewer
    /// than a full batch and none old enough). `readings` must be the store's readings after
    /// `cursor`, oldest first (what `peek(after: cursor, limit: maximumReadings)` returns).
    func batch(after cursor: Int64, readings: [StoredReading], now: Date) throws(SyncError) -> ReadingBatch? {
        guard let oldest = readings.first else { return nil }
        let full = readings.count >= limits.maximumReadings
        let age = now.timeIntervalSince(oldest.reading.time)
        guard full || age >= Self.seconds(limits.maximumAge) else { return nil }

        var wire: [ReadingBatch.Reading] = []
        var gaps: [ReadingBatch.Gap] = []
        var next = cursor + 1
        for stored in readings {
            guard stored.seq >= next else {
                throw SyncError(.buildBatch, "readings are not in increasing order after \(cursor) (seq \(stored.seq))")
            }
            // A hole counts against the size limit too: the batch's range is what the server checks.
            let span = stored.seq - (cursor + 1) + 1
            if span > Int64(limits.maximumReadings) { break }
            if stored.seq > next { gaps.append(.init(firstSeq: next, lastSeq: stored.seq - 1, reason: Self.absentReason)) }
            wire.append(try Self.wire(stored))
            next = stored.seq + 1
        }
        if wire.isEmpty, let first = readings.first {
            // The hole alone fills a batch: send the gap by itself so the cursor can move on.
            let last = min(first.seq - 1, cursor + Int64(limits.maximumReadings))
            gaps = [.init(firstSeq: cursor + 1, lastSeq: last, reason: Self.absentReason)]
        }
        do {
            return try ReadingBatch(agentID: agentID, storeEpoch: storeEpoch, readings: wire, gaps: gaps)
        } catch {
            throw SyncError(.buildBatch, "batch after \(cursor): \(error)")
        }
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
