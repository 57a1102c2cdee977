import CarbonCore
import Foundation
import Testing

/// The fast reader and the plain-decimal fast path must agree with the general ones exactly: the
/// content hash is computed from their output, so one differing digit would turn a replay into a
/// conflict.
@Suite struct ReadingBatchFastDecodingTests {
    /// What `DecimalText.parse` and `plain` give, through the general path only.
    func general(_ text: String) -> (Decimal, String)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return (value, DecimalText.plain(value))
    }

    func fast(_ text: String) -> (value: Decimal, text: String)? {
        var text = text
        return text.withUTF8 { DecimalText.parsePlain(UnsafeRawBufferPointer($0)) }
    }

    @Test(arguments: ["0", "-0", "+0", "0.000", "-0.000", "1", "1.50", "0.001", "-12.345", "92120", "100.000",
                      "00012.3400", "+3.25", "-0.5", "9999999999999999999", "0.0000000000000000001",
                      "184467440737095.5161", "123456789.123456789"])
    func plainDecimalsMatchTheGeneralPath(_ text: String) throws {
        let quick = try #require(fast(text), "\(text) should take the fast path")
        let slow = try #require(general(text))
        #expect(quick.value == slow.0 && quick.text == slow.1, "\(text): \(quick.text) vs \(slow.1)")
        #expect(DecimalText.plain(quick.value) == quick.text)
    }

    @Test(arguments: ["", "-", "1.", ".5", "1e3", "1.5E-2", " 42", "42 ", "1,000", "0x10", "nan", "١٢", "12abc",
                      "99999999999999999999", "--1", "1..2"])
    func otherFormsTakeTheGeneralPath(_ text: String) {
        #expect(fast(text) == nil, "\(text) must be left to the general parser")
    }

    @Test func randomDecimalsMatchTheGeneralPath() throws {
        var generator = SeededGenerator(seed: 20261125)
        for _ in 0..<20_000 {
            let digits = "0123456789"
            let whole = String((0..<Int.random(in: 1...8, using: &generator)).map { _ in digits.randomElement(using: &generator)! })
            let fraction = String((0..<Int.random(in: 0...8, using: &generator)).map { _ in digits.randomElement(using: &generator)! })
            let sign = ["", "-", "+"].randomElement(using: &generator)!
            let text = sign + whole + (fraction.isEmpty ? "" : "." + fraction)
            let quick = try #require(fast(text))
            let slow = try #require(general(text))
            #expect(quick.value == slow.0 && quick.text == slow.1, "\(text)")
            if quick.value != slow.0 || quick.text != slow.1 { return }
        }
    }

    func batch(readings count: Int, seed: UInt64) throws -> ReadingBatch {
        var generator = SeededGenerator(seed: seed)
        let readings = (1...Int64(count)).map { seq in
            ReadingBatch.Reading(
                seq: seq, tag: "stack\(seq % 3).co2", unit: seq % 2 == 0 ? "ppm" : "",
                timeMilliseconds: 1_764_064_800_000 + seq * 1000,
                value: Decimal(Int.random(in: -100_000...100_000, using: &generator)) / 100,
                quality: ReadingQuality.allCases.randomElement(using: &generator)!)
        }
        return try ReadingBatch(agentID: "gw-1", storeEpoch: UUID(), readings: readings)
    }

    @Test func theFastReaderAgreesWithJSONDecoder() throws {
        for (count, seed) in [(1, UInt64(1)), (7, 2), (500, 3)] {
            let original = try batch(readings: count, seed: seed)
            for formatting in [JSONEncoder.OutputFormatting(), [.prettyPrinted, .sortedKeys]] {
                let encoder = JSONEncoder()
                encoder.outputFormatting = formatting
                let data = try encoder.encode(original)
                let quick = try #require(data.withUnsafeBytes(ReadingBatch.decodeCommonShape))
                let slow = try JSONDecoder().decode(ReadingBatch.self, from: data)
                #expect(quick == slow)
                #expect(quick.readings.map(\.valueText) == slow.readings.map { DecimalText.plain($0.value) })
                #expect(quick.canonicalHash() == original.contentSHA256)
                try quick.validate()
            }
        }
    }

    @Test func theGoldenBatchWithGapsAndRollupsIsLeftToJSONDecoder() throws {
        let data = try Fixture.data("wire/batch-v1.json")
        #expect(data.withUnsafeBytes(ReadingBatch.decodeCommonShape) == nil)
    }

    @Test(arguments: [
        #"{"format":"carbon-batch/1","agent_id":"gw\u002d1","store_epoch":"E","first_seq":1,"last_seq":1,"readings":[],"gaps":[],"rollups":[],"content_sha256":"x"}"#,
        #"{"format":"carbon-batch/1","agent_id":"gw-1","agent_id":"gw-2","store_epoch":"5F3C0D52-8C1E-4F6B-9C51-6C2E8C5C9A10","first_seq":1,"last_seq":1,"readings":[],"gaps":[],"rollups":[],"content_sha256":"x"}"#,
        #"{"format":"carbon-batch/1","agent_id":"gw-1","extra":1,"store_epoch":"5F3C0D52-8C1E-4F6B-9C51-6C2E8C5C9A10","first_seq":1,"last_seq":1,"readings":[],"gaps":[],"rollups":[],"content_sha256":"x"}"#,
        #"{"format":"carbon-batch/1","agent_id":"gw-1","store_epoch":"5F3C0D52-8C1E-4F6B-9C51-6C2E8C5C9A10","first_seq":1.0,"last_seq":1,"readings":[],"gaps":[],"rollups":[],"content_sha256":"x"}"#,
        #"{"format":"carbon-batch/1","agent_id":"gw-1","store_epoch":"5F3C0D52-8C1E-4F6B-9C51-6C2E8C5C9A10","first_seq":1,"last_seq":1,"readings":[{"seq":1,"tag":"t","unit":"","time_ms":1,"value":1,"quality":"good"}],"gaps":[],"rollups":[],"content_sha256":"x"}"#,
        #"{"format":"carbon-batch/1","agent_id":"gw-1","store_epoch":"5F3C0D52-8C1E-4F6B-9C51-6C2E8C5C9A10","first_seq":1,"last_seq":1,"readings":[],"gaps":[],"content_sha256":"x"}"#,
        #"{"format":"carbon-batch/1","agent_id":"gw-1","store_epoch":"5F3C0D52-8C1E-4F6B-9C51-6C2E8C5C9A10","first_seq":1,"last_seq":1,"readings":[],"gaps":[],"rollups":[],"content_sha256":"x"} x"#,
        #"{"format":"carbon-batch/1","agent_id":"gw-1","store_epoch":"5F3C0D52-8C1E-4F6B-9C51-6C2E8C5C9A10","first_seq":99999999999999999999,"last_seq":1,"readings":[],"gaps":[],"rollups":[],"content_sha256":"x"}"#,
    ])
    func unusualShapesAreLeftToJSONDecoder(_ json: String) {
        let data = Data(json.utf8)
        #expect(data.withUnsafeBytes(ReadingBatch.decodeCommonShape) == nil)
    }
}

/// SplitMix64: reproducible random cases from a fixed seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
