import Foundation

// A reader for the common shape of a batch, straight from the bytes: JSONDecoder's generic
// machinery was a third of the aggregator's ingest time. It accepts only what it fully
// understands (the keys of this format once each, strings without escapes, ASCII, plain decimal
// strings, integers, and no gap or roll-up records) and answers nil for anything else, so the
// caller falls back to JSONDecoder, which accepts the same batches and words every error.
// `ReadingBatchFastDecodingTests` checks both readers agree, record for record.

extension ReadingBatch {
    /// The batch in `bytes`, or nil when it is not in the common shape (decode it with JSONDecoder).
    public static func decodeCommonShape(_ bytes: UnsafeRawBufferPointer) -> ReadingBatch? {
        var reader = BatchReader(bytes: bytes)
        return reader.batch()
    }
}

private struct BatchReader {
    let bytes: UnsafeRawBufferPointer
    var i = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func batch() -> ReadingBatch? {
        var format: String?, agentID: String?, epoch: UUID?, firstSeq: Int64?, lastSeq: Int64?, hash: String?
        var readings: [ReadingBatch.Reading]?
        var sawGaps = false, sawRollups = false
        guard byte(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = string() else { return nil }
            guard byte(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "format" where format == nil: guard let v = string() else { return nil }; format = v
            case "agent_id" where agentID == nil: guard let v = string() else { return nil }; agentID = v
            case "store_epoch" where epoch == nil:
                guard let v = string().flatMap(UUID.init(uuidString:)) else { return nil }
                epoch = v
            case "first_seq" where firstSeq == nil: guard let v = integer() else { return nil }; firstSeq = v
            case "last_seq" where lastSeq == nil: guard let v = integer() else { return nil }; lastSeq = v
            case "content_sha256" where hash == nil: guard let v = string() else { return nil }; hash = v
            case "readings" where readings == nil: guard let v = readingArray() else { return nil }; readings = v
            case "gaps" where !sawGaps: guard emptyArray() else { return nil }; sawGaps = true
            case "rollups" where !sawRollups: guard emptyArray() else { return nil }; sawRollups = true
            default: return nil
            }
        } while byte(UInt8(ascii: ","))
        guard byte(UInt8(ascii: "}")), atEnd(), sawGaps, sawRollups,
              let format, let agentID, let epoch, let firstSeq, let lastSeq, let hash, let readings
        else { return nil }
        return ReadingBatch(format: format, agentID: agentID, storeEpoch: epoch, firstSeq: firstSeq,
                            lastSeq: lastSeq, readings: readings, contentSHA256: hash)
    }

    private mutating func readingArray() -> [ReadingBatch.Reading]? {
        guard byte(UInt8(ascii: "[")) else { return nil }
        var readings: [ReadingBatch.Reading] = []
        readings.reserveCapacity(bytes.count / 96)
        if byte(UInt8(ascii: "]")) { return readings }
        repeat {
            guard let reading = reading() else { return nil }
            readings.append(reading)
        } while byte(UInt8(ascii: ","))
        return byte(UInt8(ascii: "]")) ? readings : nil
    }

    private mutating func reading() -> ReadingBatch.Reading? {
        var seq: Int64?, tag: String?, unit: String?, time: Int64?, quality: ReadingQuality?
        var value: (value: Decimal, text: String)?
        guard byte(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = string(), byte(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "seq" where seq == nil: guard let v = integer() else { return nil }; seq = v
            case "tag" where tag == nil: guard let v = string() else { return nil }; tag = v
            case "unit" where unit == nil: guard let v = string() else { return nil }; unit = v
            case "time_ms" where time == nil: guard let v = integer() else { return nil }; time = v
            case "value" where value == nil: guard let v = decimal() else { return nil }; value = v
            case "quality" where quality == nil:
                guard let v = string().flatMap(ReadingQuality.init(rawValue:)) else { return nil }
                quality = v
            default: return nil
            }
        } while byte(UInt8(ascii: ","))
        guard byte(UInt8(ascii: "}")), let seq, let tag, let unit, let time, let value, let quality else { return nil }
        return ReadingBatch.Reading(seq: seq, tag: tag, unit: unit, timeMilliseconds: time, value: value.value,
                                    valueText: value.text, quality: quality)
    }

    private mutating func emptyArray() -> Bool {
        byte(UInt8(ascii: "[")) && byte(UInt8(ascii: "]"))
    }

    // MARK: Tokens

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    /// Consumes `expected` (after whitespace) if it is next.
    private mutating func byte(_ expected: UInt8) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == expected else { return false }
        i += 1
        return true
    }

    private mutating func atEnd() -> Bool {
        skipSpace()
        return i == bytes.count
    }

    /// The bytes between quotes: printable ASCII without escapes (anything else → nil).
    private mutating func stringBytes() -> UnsafeRawBufferPointer? {
        guard byte(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return UnsafeRawBufferPointer(rebasing: bytes[start..<(i - 1)])
            }
            guard b >= 0x20, b < 0x7F, b != UInt8(ascii: "\\") else { return nil }
            i += 1
        }
        return nil
    }

    /// A string of printable ASCII; of the escapes only `\/` (JSONEncoder writes "carbon-batch\/1").
    private mutating func string() -> String? {
        let start = i
        if let plain = stringBytes() { return String(decoding: plain, as: UTF8.self) }
        i = start
        guard byte(UInt8(ascii: "\"")) else { return nil }
        var text: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { return String(decoding: text, as: UTF8.self) }
            if b == UInt8(ascii: "\\") {
                guard i < bytes.count, bytes[i] == UInt8(ascii: "/") else { return nil }
                text.append(UInt8(ascii: "/"))
                i += 1
                continue
            }
            guard b >= 0x20, b < 0x7F else { return nil }
            text.append(b)
        }
        return nil
    }

    private mutating func decimal() -> (value: Decimal, text: String)? {
        stringBytes().flatMap(DecimalText.parsePlain)
    }

    /// A JSON integer that fits Int64: no fraction, exponent or leading zero (JSONDecoder reads
    /// `1.0` as 1; this reader leaves such forms to it).
    private mutating func integer() -> Int64? {
        skipSpace()
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        let start = i
        var value: Int64 = 0
        while i < bytes.count, bytes[i] &- 0x30 < 10 {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int64(bytes[i] &- 0x30))
            guard !o1, !o2 else { return nil }
            value = sum
            i += 1
        }
        guard i > start, !(bytes[start] == 0x30 && i - start > 1) else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            return nil
        }
        return negative ? -value : value
    }
}
