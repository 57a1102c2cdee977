import CarbonCore
import Foundation
import Testing

/// `carbonctl audit verify` end to end: the built binary on export files it did not write.
@Suite struct AuditVerifyTests {
    let key: [UInt8] = Array(0..<32)

    /// A sealed chain of `count` records and a signed checkpoint at its head.
    func chain(_ count: Int) -> (records: [AuditRecord], checkpoint: AuditCheckpoint) {
        var previous = AuditChain.genesisHash
        let records = (1...count).map { sequence -> AuditRecord in
            let record = AuditChain.seal(
                AuditRecord(sequence: Int64(sequence), id: UUID().uuidString.lowercased(), time: 1_764_064_800_000_000,
                            actorID: sequence == 1 ? nil : "u-\(sequence)", actorKind: "user", organisationID: nil,
                            action: "organisations.create", target: "t\(sequence)", outcome: "success", requestID: "r",
                            sourceAddress: "127.0.0.1", details: ["name": "Site \(sequence)"], previousHash: "", hash: ""),
                after: previous)
            previous = record.hash
            return record
        }
        return (records, AuditCheckpoint.signed(sequence: Int64(count), hash: previous, time: 1, key: key))
    }

    /// Writes the export, checkpoints and key into a fresh directory; returns the arguments.
    func files(_ records: [AuditRecord], checkpoints: [AuditCheckpoint], exportText: String? = nil) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = try exportText ?? records.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
        let export = directory.appendingPathComponent("export.jsonl")
        let checkpointFile = directory.appendingPathComponent("audit-checkpoints.jsonl")
        let keyFile = directory.appendingPathComponent("audit-checkpoint.key")
        try text.write(to: export, atomically: true, encoding: .utf8)
        try checkpoints.map { $0.line + "\n" }.joined().write(to: checkpointFile, atomically: true, encoding: .utf8)
        try (Data(key).base64EncodedString() + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
        return ["audit", "verify", "--export", export.path, "--checkpoints", checkpointFile.path, "--key", keyFile.path]
    }

    @Test func aGoodChainVerifies() throws {
        let (records, checkpoint) = chain(5)
        let run = try CommandRun.run("carbonctl", try files(records, checkpoints: [checkpoint]))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "ok: 5 records, last sequence 5\n")
    }

    @Test func aGoodChainVerifiesFromStandardInput() throws {
        let (records, checkpoint) = chain(3)
        var arguments = try files(records, checkpoints: [checkpoint])
        let export = try String(contentsOfFile: arguments[3], encoding: .utf8)
        arguments[3] = "-"
        let run = try CommandRun.run("carbonctl", arguments, stdin: export)
        #expect(run.status == 0 && run.stdout == "ok: 3 records, last sequence 3\n", "\(run.stderr)")
    }

    @Test func anEditedRecordIsNamed() throws {
        var (records, checkpoint) = chain(5)
        records[2].details["name"] = "Site X"
        let run = try CommandRun.run("carbonctl", try files(records, checkpoints: [checkpoint]))
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("broken at sequence 3: edited: "), "\(run.stdout)")
    }

    @Test func aDeletedRecordIsNamed() throws {
        var (records, checkpoint) = chain(5)
        records.remove(at: 1)
        let run = try CommandRun.run("carbonctl", try files(records, checkpoints: [checkpoint]))
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("broken at sequence 2: sequence_gap: "), "\(run.stdout)")
    }

    @Test func aTruncatedExportIsNamed() throws {
        let (records, checkpoint) = chain(5)
        let run = try CommandRun.run("carbonctl", try files(Array(records.prefix(3)), checkpoints: [checkpoint]))
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("broken at sequence 4: truncated: "), "\(run.stdout)")
    }

    @Test func anExportCutMidLineIsNamed() throws {
        let (records, checkpoint) = chain(4)
        let encoder = JSONEncoder()
        let whole = try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
        let run = try CommandRun.run("carbonctl", try files(records, checkpoints: [checkpoint],
                                                            exportText: String(whole.dropLast(40))))
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("broken at sequence 4: malformed: line 4 "), "\(run.stdout)")
    }

    @Test func aForgedCheckpointAndAMissingKeyAreReported() throws {
        let (records, checkpoint) = chain(2)
        var forged = checkpoint
        forged.hash = String(repeating: "a", count: 64)
        let run = try CommandRun.run("carbonctl", try files(records, checkpoints: [forged]))
        #expect(run.status == 1 && run.stdout.contains("bad_checkpoint_signature"), "\(run.stdout)")

        var arguments = try files(records, checkpoints: [checkpoint])
        arguments[arguments.count - 1] = "/nonexistent/audit-checkpoint.key"
        let missing = try CommandRun.run("carbonctl", arguments)
        #expect(missing.status == 2 && missing.stdout.isEmpty)
        #expect(missing.stderr.hasPrefix("carbonctl: /nonexistent/audit-checkpoint.key: cannot read the file"))
    }
}
