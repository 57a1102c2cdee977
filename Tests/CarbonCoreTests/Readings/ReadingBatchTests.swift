import CarbonCore
import Foundation
import Testing

/// The wire format, pinned by golden files that the agent and the aggregator must both read and
/// write identically (Fixtures/wire; the hash there was computed independently, in Python).
@Suite struct ReadingBatchTests {
    func golden(_ name: String) throws -> Data { try Fixture.data("wire/\(name)") }

    @Test(arguments: [("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                      ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                      ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")])
    func sha256KnownVectors(_ input: String, _ digest: String) {
        #expect(SHA256.hex(input) == digest)
    }

    @Test func sha256OfAMillionA() {
        var hasher = SHA256()
        hasher.update([UInt8](repeating: 0x61, count: 1_000_000))
        #expect(hasher.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func goldenBatchReadsValidatesAndWritesBackIdentically() throws {
        let data = try golden("batch-v1.json")
        let batch = try JSONDecoder().decode(ReadingBatch.self, from: data)
        try batch.validate()
        #expect(batch.readings.map(\.value) == ["92120", "152000.5", "1234567.89", "-0.1"].map { Decimal(string: $0)! })
        #expect(batch.gaps.first?.reason == "quota_dropped" && batch.rollups.first?.first == "1234567.9")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let again = String(decoding: try encoder.encode(batch), as: UTF8.self) + "\n"
        let normalise = { (text: String) in text.replacingOccurrences(of: " ", with: "") }
        #expect(normalise(again) == normalise(String(decoding: data, as: UTF8.self)))
        // Built from its parts, the same batch gets the same hash.
        let rebuilt = try ReadingBatch(agentID: batch.agentID, storeEpoch: batch.storeEpoch, readings: batch.readings,
                                       gaps: batch.gaps, rollups: batch.rollups)
        #expect(rebuilt.contentSHA256 == batch.contentSHA256)
    }

    @Test func goldenReplyReads() throws {
        let reply = try JSONDecoder().decode(BatchReply.self, from: try golden("reply-v1.json"))
        #expect(reply.status == .accepted && reply.watermark == 106 && reply.rejected.first?.seq == 106)
    }

    @Test func tamperedContentIsDetected() throws {
        var batch = try JSONDecoder().decode(ReadingBatch.self, from: try golden("batch-v1.json"))
        batch.readings[0].value = Decimal(string: "92121")!
        let error = #expect(throws: CalculationError.self) { try batch.validate() }
        #expect(error?.field == "content_sha256")
    }

    @Test func everySequenceMustBeAccountedFor() throws {
        let epoch = UUID()
        let reading = { (seq: Int64) in ReadingBatch.Reading(seq: seq, tag: "t", unit: "", timeMilliseconds: 0, value: 1, quality: .good) }
        let hole = #expect(throws: CalculationError.self) {
            try ReadingBatch(agentID: "a", storeEpoch: epoch, readings: [reading(1), reading(3)])
        }
        #expect(hole?.message.contains("gap") == true)
        let twice = #expect(throws: CalculationError.self) {
            try ReadingBatch(agentID: "a", storeEpoch: epoch, readings: [reading(1), reading(1)])
        }
        #expect(twice?.field == "readings[1].seq")
        let filled = try ReadingBatch(agentID: "a", storeEpoch: epoch, readings: [reading(1), reading(3)],
                                      gaps: [.init(firstSeq: 2, lastSeq: 2, reason: "quota_dropped")])
        #expect(filled.firstSeq == 1 && filled.lastSeq == 3)
    }

    @Test func aJSONNumberValueIsRefused() throws {
        var text = String(decoding: try golden("batch-v1.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"value\": \"92120\"", with: "\"value\": 92120")
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ReadingBatch.self, from: Data(text.utf8)) }
    }
}
