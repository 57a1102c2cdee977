import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

/// M2: a backup taken while writers run is a consistent, intact copy; restoring it gives the same
/// data and an audit chain that verifies; the commands refuse to overwrite anything.
@Suite struct BackupRestoreTests {
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = AggregatorProcess.binary("aggregator")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    @Test func aBackupUnderWritesRestoresToTheSameDataAndAVerifiableChain() async throws {
        let app = try await TestApp.make()
        let database = try #require(app.database as? SQLiteDatabase)
        // Outside the app's directory, which `close` removes.
        let backupPath = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString).sqlite").path
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            // Writers keep creating organisations while the backup runs.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for index in 0..<40 {
                        _ = try await client.json(.post, "/api/v1/organisations", token: token,
                                                  body: ["parent_id": app.rootID, "name": "org \(index)", "kind": "group"])
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(50))
                    try await database.backup(to: backupPath)
                }
                try await group.waitForAll()
            }
        }
        // A second backup to the same file is refused: a backup never overwrites.
        await #expect(throws: DatabaseError.self) { try await database.backup(to: backupPath) }
        await app.close()

        let restored = FileManager.default.temporaryDirectory.appendingPathComponent("restore-\(UUID().uuidString)")
        let result = try run(["restore", "--state-dir", restored.path, "--from", backupPath])
        #expect(result.status == 0, "\(result.stderr)")
        let copy = try SQLiteDatabase(path: restored.appendingPathComponent("aggregator.sqlite").path)
        let source = try SQLiteDatabase(path: backupPath)
        for table in ["organisations", "users", "memberships", "roles", "audit_log"] {
            let left = try await source.read { try $0.query("SELECT * FROM \(table) ORDER BY 1").map { "\($0.values)" } }
            let right = try await copy.read { try $0.query("SELECT * FROM \(table) ORDER BY 1").map { "\($0.values)" } }
            #expect(left == right && !left.isEmpty, "\(table) differs after restore")
        }
        let records = try await copy.read { try $0.query("SELECT * FROM audit_log ORDER BY sequence").map(Auditor.decodeRecord) }
        guard case .intact = AuditChain.verify(records: records, checkpoints: [], key: []) else {
            Issue.record("the restored audit chain does not verify")
            return
        }
        // Restoring over a database that exists is refused with one line and exit 2.
        let again = try run(["restore", "--state-dir", restored.path, "--from", backupPath])
        #expect(again.status == 2 && again.stderr.hasPrefix("aggregator: ") && again.stderr.split(separator: "\n").count == 1)
        await copy.close()
        await source.close()
        try? FileManager.default.removeItem(at: restored)
        try? FileManager.default.removeItem(atPath: backupPath)
    }

    @Test func aPostgresBackupPointsToTheServersTools() throws {
        let result = try run(["backup", "--database", "postgres://carbon@127.0.0.1:1/carbon", "--to", "/tmp/never"])
        #expect(result.status == 2 && result.stderr.contains("pg_dump"))
    }
}
