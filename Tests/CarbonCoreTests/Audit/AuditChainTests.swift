import CarbonCore
import Foundation
import Testing

@Suite struct AuditChainTests {
    static let key = Array("checkpoint key kept outside the database".utf8)

    /// A chain of `count` records as the aggregator writes them.
    static func chain(_ count: Int) -> [AuditRecord] {
        var records: [AuditRecord] = []
        var previous = AuditChain.genesisHash
        for sequence in 1...Int64(count) {
            let draft = AuditRecord(
                sequence: sequence, id: "id-\(sequence)", time: 1_764_064_800_000_000 + sequence, actorID: "user-\(sequence % 3)",
                actorKind: "user", organisationID: sequence % 2 == 0 ? "org-a" : nil, action: "organisations.update",
                target: "org-\(sequence)", outcome: "success", requestID: "req-\(sequence)", sourceAddress: "127.0.0.1",
                details: ["name": "n\(sequence)", "kind": "site"], previousHash: "", hash: "")
            let record = AuditChain.seal(draft, after: previous)
            records.append(record)
            previous = record.hash
        }
        return records
    }

    static func checkpoint(at record: AuditRecord) -> AuditCheckpoint {
        AuditCheckpoint.signed(sequence: record.sequence, hash: record.hash, time: record.time, key: key)
    }

    @Test func anUntouchedChainVerifies() {
        let records = Self.chain(50)
        let result = AuditChain.verify(records: records, checkpoints: [Self.checkpoint(at: records[49])], key: Self.key)
        #expect(result == .intact(count: 50, lastSequence: 50, lastHash: records[49].hash))
    }

    /// Each field in turn, edited in record 17: the chain names record 17.
    @Test(arguments: 0..<12)
    func editingAnyFieldIsDetectedAtThatRecord(fieldIndex: Int) {
        var records = Self.chain(30)
        var record = records[16]
        switch fieldIndex {
        case 0: record.id += "x"
        case 1: record.time += 1
        case 2: record.actorID = nil
        case 3: record.actorKind = "agent"
        case 4: record.organisationID = "org-b"
        case 5: record.action = "organisations.delete"
        case 6: record.target = nil
        case 7: record.outcome = "denied"
        case 8: record.requestID += "1"
        case 9: record.sourceAddress = "10.0.0.1"
        case 10: record.details["name"] = "other"
        default: record.details["extra"] = ""
        }
        records[16] = record
        let result = AuditChain.verify(records: records, checkpoints: [], key: Self.key)
        #expect(result == .broken(sequence: 17, code: .edited, message: "record 17 was changed after it was written"))
    }

    @Test func aRecomputedEditBreaksTheNextLink() {
        var records = Self.chain(30)
        records[9].outcome = "denied"
        records[9] = AuditChain.seal(records[9], after: records[8].hash)  // the forger recomputes this hash
        guard case .broken(11, .brokenLink, _) = AuditChain.verify(records: records, checkpoints: [], key: Self.key) else {
            Issue.record("a recomputed record went unnoticed")
            return
        }
    }

    @Test func deletingARecordNamesTheGap() {
        var records = Self.chain(30)
        records.remove(at: 12)
        #expect(AuditChain.verify(records: records, checkpoints: [], key: Self.key)
            == .broken(sequence: 13, code: .sequenceGap, message: "records 13…13 are missing"))
    }

    @Test func deletingAndRenumberingIsStillCaught() {
        var records = Self.chain(30)
        records.remove(at: 12)
        for index in 12..<records.count { records[index].sequence -= 1 }
        guard case .broken(13, _, _) = AuditChain.verify(records: records, checkpoints: [], key: Self.key) else {
            Issue.record("renumbering after a deletion went unnoticed")
            return
        }
    }

    @Test func swappingTwoRecordsIsCaught() {
        var records = Self.chain(30)
        records.swapAt(20, 21)
        guard case .broken(21, .outOfOrder, _) = AuditChain.verify(records: records, checkpoints: [], key: Self.key) else {
            Issue.record("a swap went unnoticed")
            return
        }
    }

    @Test func truncatingTheTailIsCaughtByTheCheckpoint() {
        let records = Self.chain(40)
        let checkpoints = [Self.checkpoint(at: records[19]), Self.checkpoint(at: records[39])]
        #expect(AuditChain.verify(records: Array(records.prefix(40)), checkpoints: checkpoints, key: Self.key)
            == .intact(count: 40, lastSequence: 40, lastHash: records[39].hash))
        guard case .broken(36, .truncated, _) = AuditChain.verify(records: Array(records.prefix(35)),
                                                                   checkpoints: checkpoints, key: Self.key)
        else {
            Issue.record("truncation went unnoticed")
            return
        }
    }

    @Test func aForgedOrMismatchedCheckpointIsCaught() {
        let records = Self.chain(10)
        var forged = Self.checkpoint(at: records[9])
        forged.sequence = 12
        guard case .broken(12, .badCheckpointSignature, _) = AuditChain.verify(records: records, checkpoints: [forged],
                                                                                key: Self.key) else {
            Issue.record("a forged checkpoint was accepted")
            return
        }
        // A whole chain rewritten from record 5 on (every hash recomputed) contradicts the checkpoint at 8.
        var rewritten = records
        rewritten[4].outcome = "failure"
        for index in 4..<rewritten.count { rewritten[index] = AuditChain.seal(rewritten[index], after: rewritten[index - 1].hash) }
        guard case .broken(8, .truncated, _) = AuditChain.verify(records: rewritten, checkpoints: [Self.checkpoint(at: records[7])],
                                                                  key: Self.key) else {
            Issue.record("a rewritten chain matched an old checkpoint")
            return
        }
    }

    @Test func theEncodingIsUnambiguous() {
        let base = Self.chain(1)[0]
        var a = base, b = base
        a.action = "users.x"
        a.target = "y"
        b.action = "users.xy"
        b.target = ""
        #expect(AuditChain.hash(of: a, previousHash: AuditChain.genesisHash)
            != AuditChain.hash(of: b, previousHash: AuditChain.genesisHash))
        var c = base, d = base
        c.target = nil
        d.target = ""
        #expect(AuditChain.hash(of: c, previousHash: AuditChain.genesisHash)
            != AuditChain.hash(of: d, previousHash: AuditChain.genesisHash))
    }

    @Test func checkpointLinesRoundTrip() throws {
        let records = Self.chain(3)
        let lines = records.map { Self.checkpoint(at: $0).line }.joined(separator: "\n") + "\n"
        #expect(try AuditCheckpoint.parseLines(lines) == records.map(Self.checkpoint(at:)))
    }
}

/// RFC 4231 test vectors for HMAC-SHA-256.
@Suite struct HMACSHA256Tests {
    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    @Test(arguments: [
        (String(repeating: "0b", count: 20), "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (String(repeating: "aa", count: 20), String(repeating: "dd", count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (String(repeating: "aa", count: 131),
         "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ])
    func rfc4231(key: String, message: String, expected: String) {
        #expect(HMACSHA256.hex(key: Self.bytes(key), message: Self.bytes(message)) == expected)
    }
}
