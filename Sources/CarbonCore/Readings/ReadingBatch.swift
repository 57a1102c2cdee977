import Foundation

/// The agent → aggregator wire format, one Codable module both sides share (so they read and
/// write it identically; golden files in the tests pin it). A batch covers a contiguous range of
/// one store's sequences: readings, plus explicit gap and roll-up records for sequences the agent
/// could not keep raw, so nothing is silently missing. Idempotency key: (agent, store epoch,
/// sequence range); the content hash tells a replay from a conflicting re-use of the range.
///
/// JSON (keys snake_case, decimals as strings, times as integer milliseconds since 1970 UTC):
/// ```json
/// {"format": "carbon-batch/1", "agent_id": "gw-1", "store_epoch": "UUID", "first_seq": 1, "last_seq": 3,
///  "readings": [{"seq": 1, "tag": "stack1.co2", "unit": "ppm", "time_ms": 1764064800123, "value": "92120", "quality": "good"}],
///  "gaps": [{"first_seq": 2, "last_seq": 2, "reason": "quota_dropped"}],
///  "rollups": [{"first_seq": 3, "last_seq": 3, "tag": "...", "unit": "kWh", "from_ms": …, "to_ms": …, "count": 1,
///               "sum": "…", "min": "…", "max": "…", "first": "…", "last": "…"}],
///  "content_sha256": "…"}
/// ```
public struct ReadingBatch: Codable, Hashable, Sendable {
    public static let format = "carbon-batch/1"

    public struct Reading: Codable, Hashable, Sendable {
        public var seq: Int64
        public var tag: String
        public var unit: String
        public var timeMilliseconds: Int64
        public var value: Decimal { didSet { knownText = nil } }
        public var quality: ReadingQuality
        /// `value`'s plain text when it is known without formatting the `Decimal` (the decoder
        /// builds it from the digits it read): formatting was an eighth of the aggregator's ingest
        /// time. Not part of the reading's identity.
        private var knownText: String?

        public init(seq: Int64, tag: String, unit: String, timeMilliseconds: Int64, value: Decimal, quality: ReadingQuality) {
            self.seq = seq
            self.tag = tag
            self.unit = unit
            self.timeMilliseconds = timeMilliseconds
            self.value = value
            self.quality = quality
        }

        init(seq: Int64, tag: String, unit: String, timeMilliseconds: Int64, value: Decimal, valueText: String,
             quality: ReadingQuality) {
            self.init(seq: seq, tag: tag, unit: unit, timeMilliseconds: timeMilliseconds, value: value, quality: quality)
            knownText = valueText
        }

        /// `DecimalText.plain(value)`, without formatting when the decoder already knows it.
        public var valueText: String { knownText ?? DecimalText.plain(value) }

        public static func == (a: Reading, b: Reading) -> Bool {
            a.seq == b.seq && a.tag == b.tag && a.unit == b.unit && a.timeMilliseconds == b.timeMilliseconds
                && a.value == b.value && a.quality == b.quality
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(seq)
            hasher.combine(tag)
            hasher.combine(unit)
            hasher.combine(timeMilliseconds)
            hasher.combine(value)
            hasher.combine(quality)
        }

        enum CodingKeys: String, CodingKey { case seq, tag, unit, value, quality, timeMilliseconds = "time_ms" }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            seq = try c.decode(Int64.self, forKey: .seq)
            tag = try c.decode(String.self, forKey: .tag)
            unit = try c.decode(String.self, forKey: .unit)
            timeMilliseconds = try c.decode(Int64.self, forKey: .timeMilliseconds)
            (value, knownText) = try ReadingBatch.decimalWithText(c, .value)
            quality = try c.decode(ReadingQuality.self, forKey: .quality)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(seq, forKey: .seq)
            try c.encode(tag, forKey: .tag)
            try c.encode(unit, forKey: .unit)
            try c.encode(timeMilliseconds, forKey: .timeMilliseconds)
            try c.encode(valueText, forKey: .value)
            try c.encode(quality, forKey: .quality)
        }
    }

    /// Sequences the agent no longer holds in any form, and why (quota, corrupt store salvage).
    public struct Gap: Codable, Hashable, Sendable {
        public var firstSeq: Int64
        public var lastSeq: Int64
        public var reason: String

        public init(firstSeq: Int64, lastSeq: Int64, reason: String) {
            self.firstSeq = firstSeq
            self.lastSeq = lastSeq
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey { case reason, firstSeq = "first_seq", lastSeq = "last_seq" }
    }

    /// Raw readings of one tag replaced by their aggregate (quota policy): sum, count, extremes,
    /// and first/last so cumulative counters (energy) stay exact.
    public struct Rollup: Codable, Hashable, Sendable {
        public var firstSeq: Int64
        public var lastSeq: Int64
        public var tag: String
        public var unit: String
        public var fromMilliseconds: Int64
        public var toMilliseconds: Int64
        public var count: Int64
        public var sum: String
        public var min: String
        public var max: String
        public var first: String
        public var last: String

        public init(firstSeq: Int64, lastSeq: Int64, tag: String, unit: String, fromMilliseconds: Int64,
                    toMilliseconds: Int64, count: Int64, sum: String, min: String, max: String, first: String,
                    last: String) {
            self.firstSeq = firstSeq
            self.lastSeq = lastSeq
            self.tag = tag
            self.unit = unit
            self.fromMilliseconds = fromMilliseconds
            self.toMilliseconds = toMilliseconds
            self.count = count
            self.sum = sum
            self.min = min
            self.max = max
            self.first = first
            self.last = last
        }

        enum CodingKeys: String, CodingKey {
            case tag, unit, count, sum, min, max, first, last
            case firstSeq = "first_seq", lastSeq = "last_seq", fromMilliseconds = "from_ms", toMilliseconds = "to_ms"
        }
    }

    public var format: String = ReadingBatch.format
    public var agentID: String
    public var storeEpoch: UUID
    public var firstSeq: Int64
    public var lastSeq: Int64
    public var readings: [Reading]
    public var gaps: [Gap]
    public var rollups: [Rollup]
    public var contentSHA256: String

    enum CodingKeys: String, CodingKey {
        case format, readings, gaps, rollups
        case agentID = "agent_id", storeEpoch = "store_epoch", firstSeq = "first_seq", lastSeq = "last_seq"
        case contentSHA256 = "content_sha256"
    }

    /// A batch with its content hash computed.
    public init(agentID: String, storeEpoch: UUID, readings: [Reading], gaps: [Gap] = [], rollups: [Rollup] = [])
        throws(CalculationError)
    {
        let seqs = readings.map(\.seq) + gaps.flatMap { [$0.firstSeq, $0.lastSeq] } + rollups.flatMap { [$0.firstSeq, $0.lastSeq] }
        guard let first = seqs.min(), let last = seqs.max() else {
            throw CalculationError(.missingInput, "a batch needs at least one reading, gap or roll-up", field: "readings")
        }
        self.agentID = agentID
        self.storeEpoch = storeEpoch
        self.firstSeq = first
        self.lastSeq = last
        self.readings = readings
        self.gaps = gaps
        self.rollups = rollups
        self.contentSHA256 = ""
        contentSHA256 = canonicalHash()
        try validate()
    }

    /// A batch as read off the wire (the fast reader), its hash not yet checked.
    init(format: String, agentID: String, storeEpoch: UUID, firstSeq: Int64, lastSeq: Int64, readings: [Reading],
         contentSHA256: String) {
        self.format = format
        self.agentID = agentID
        self.storeEpoch = storeEpoch
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.readings = readings
        self.gaps = []
        self.rollups = []
        self.contentSHA256 = contentSHA256
    }

    /// Checks what the receiver relies on: the format, every sequence in range exactly once
    /// (readings, gaps and roll-ups together tile first…last), and the hash.
    public func validate() throws(CalculationError) {
        guard format == Self.format else {
            throw CalculationError(.invalidInput, "unknown format '\(format)'; expected \(Self.format)", field: "format")
        }
        guard firstSeq >= 1, lastSeq >= firstSeq, lastSeq - firstSeq < 1_000_000 else {
            throw CalculationError(.invalidInput, "first_seq…last_seq must be a range of 1 to 1000000 sequences from 1", field: "first_seq")
        }
        // One flag per sequence of the range (at most a million): a set hashed every sequence.
        var seen = [Bool](repeating: false, count: Int(lastSeq - firstSeq + 1))
        var coveredCount = 0
        func cover(_ range: ClosedRange<Int64>, _ field: String) throws(CalculationError) {
            guard range.lowerBound >= firstSeq, range.upperBound <= lastSeq else {
                throw CalculationError(.invalidInput, "sequence \(range) is outside first_seq…last_seq", field: field)
            }
            for seq in range {
                let slot = Int(seq - firstSeq)
                guard !seen[slot] else {
                    throw CalculationError(.invalidInput, "sequence \(seq) appears twice", field: field)
                }
                seen[slot] = true
                coveredCount += 1
            }
        }
        for (index, reading) in readings.enumerated() { try cover(reading.seq...reading.seq, "readings[\(index)].seq") }
        for (index, gap) in gaps.enumerated() {
            guard gap.firstSeq <= gap.lastSeq else { throw CalculationError(.invalidInput, "an empty range", field: "gaps[\(index)]") }
            try cover(gap.firstSeq...gap.lastSeq, "gaps[\(index)]")
        }
        for (index, rollup) in rollups.enumerated() {
            guard rollup.firstSeq <= rollup.lastSeq else { throw CalculationError(.invalidInput, "an empty range", field: "rollups[\(index)]") }
            try cover(rollup.firstSeq...rollup.lastSeq, "rollups[\(index)]")
        }
        guard coveredCount == seen.count else {
            throw CalculationError(.invalidInput, "sequences \(firstSeq)…\(lastSeq) are not all accounted for (send a gap record)", field: "readings")
        }
        guard contentSHA256 == canonicalHash() else {
            throw CalculationError(.invalidInput, "content_sha256 does not match the content", field: "content_sha256")
        }
    }

    /// SHA-256 of a canonical text of the content (not of the JSON, whose spacing and key order
    /// differ between encoders): one line per record, fields separated by tabs, in sequence order.
    public func canonicalHash() -> String {
        var text: [UInt8] = []
        text.reserveCapacity(128 + readings.count * 64)
        func put(_ string: String) { text.append(contentsOf: string.utf8) }
        func put(_ number: Int64) { put(String(number)) }
        put("\(format)\n\(agentID)\n\(storeEpoch.uuidString.lowercased())\n\(firstSeq)\n\(lastSeq)\n")
        let ordered = readings.indices.allSatisfy { $0 == 0 || readings[$0 - 1].seq < readings[$0].seq }
            ? readings : readings.sorted { $0.seq < $1.seq }
        for r in ordered {
            text.append(UInt8(ascii: "R")); text.append(9); put(r.seq); text.append(9)
            put(r.tag); text.append(9); put(r.unit); text.append(9); put(r.timeMilliseconds); text.append(9)
            put(r.valueText); text.append(9); put(r.quality.rawValue); text.append(10)
        }
        for g in gaps.sorted(by: { $0.firstSeq < $1.firstSeq }) { put("G\t\(g.firstSeq)\t\(g.lastSeq)\t\(g.reason)\n") }
        for u in rollups.sorted(by: { $0.firstSeq < $1.firstSeq }) {
            put("U\t\(u.firstSeq)\t\(u.lastSeq)\t\(u.tag)\t\(u.unit)\t\(u.fromMilliseconds)\t\(u.toMilliseconds)\t\(u.count)\t\(u.sum)\t\(u.min)\t\(u.max)\t\(u.first)\t\(u.last)\n")
        }
        var hasher = SHA256()
        hasher.update(text)
        return hasher.finalize()
    }

    /// A decimal string field and its plain text (nil when the fast path did not apply).
    static func decimalWithText<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> (Decimal, String?) {
        let text: String
        do { text = try c.decode(String.self, forKey: key) } catch DecodingError.typeMismatch {
            throw CalculationError(.invalidNumber, "write decimal values as strings", field: InputDecoding.path(c.codingPath + [key]))
        }
        var bytes = text
        if let fast = bytes.withUTF8({ DecimalText.parsePlain(UnsafeRawBufferPointer($0)) }) { return (fast.value, fast.text) }
        do { return (try DecimalText.parse(text), nil) } catch { throw error.at(InputDecoding.path(c.codingPath + [key]) ?? key.stringValue) }
    }
}

/// The aggregator's answer to a batch: the outcome for this batch's range (identical on every
/// replay) and the durable watermark (everything up to it is stored upstream, gaps included).
public struct BatchReply: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Sendable { case accepted, duplicate }

    public struct Rejected: Codable, Hashable, Sendable {
        public var seq: Int64
        public var reason: String
    }

    public var status: Status
    public var firstSeq: Int64
    public var lastSeq: Int64
    public var contentSHA256: String
    /// Readings stored apart as rejected (e.g. a time far in the future): acknowledged, not lost.
    public var rejected: [Rejected]
    public var watermark: Int64

    enum CodingKeys: String, CodingKey {
        case status, rejected, watermark
        case firstSeq = "first_seq", lastSeq = "last_seq", contentSHA256 = "content_sha256"
    }
}
