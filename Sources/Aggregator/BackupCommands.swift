import ArgumentParser
import Foundation

extension AggregatorCommand {
    /// `aggregator backup`: a consistent copy of the SQLite database while the service runs.
    /// PostgreSQL deployments use the server's own tools (see README, "Backup and restore").
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the SQLite database to a new file while the service keeps running.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "The backup file to create (never overwritten).") var to: String

        func run() async throws {
            guard case .sqlite(let path) = try storage.location else {
                fail("backup copies SQLite databases; for PostgreSQL use pg_dump -Fc (README, \"Backup and restore\")")
            }
            guard FileManager.default.fileExists(atPath: path) else { fail("no database at '\(path)'") }
            let database = try SQLiteDatabase(path: path, readers: 1)
            do {
                try await database.backup(to: to)
            } catch let error as DatabaseError {
                await database.close()
                fail(error.message)
            }
            await database.close()
            print("backup written to \(to) (integrity check ok)")
        }
    }

    /// `aggregator restore`: puts a backup in place of a database that is not there (the operator
    /// moves the old one aside first, with the service stopped), after checking it.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a SQLite backup into the state directory (the service must be stopped).")
        @OptionGroup var storage: StorageOptions
        @Option(help: "The backup file made by `aggregator backup`.") var from: String

        func run() async throws {
            guard case .sqlite(let path) = try storage.location else {
                fail("restore handles SQLite backups; for PostgreSQL use pg_restore (README, \"Backup and restore\")")
            }
            let files = FileManager.default
            guard !files.fileExists(atPath: path) else {
                fail("'\(path)' exists: stop the service and move it aside first; restore never overwrites a database")
            }
            guard files.fileExists(atPath: from) else { fail("no backup at '\(from)'") }
            let check = try SQLiteConnection(path: from, readOnly: true).integrityCheck()
            guard check == "ok" else { fail("the backup is damaged: \(check)") }
            try files.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                      withIntermediateDirectories: true)
            try files.copyItem(atPath: from, toPath: path)
            // The checkpoints name records the backup may not have: keep them aside, start afresh,
            // so verification of the restored chain is not reported as a truncation.
            let checkpoints = URL(fileURLWithPath: storage.stateDirectory).appendingPathComponent("audit-checkpoints.jsonl")
            if files.fileExists(atPath: checkpoints.path) {
                let aside = checkpoints.path + ".before-restore-\(Int(Date().timeIntervalSince1970))"
                try files.moveItem(atPath: checkpoints.path, toPath: aside)
                print("audit checkpoints of the replaced database kept as \(aside)")
            }
            let database = try SQLiteDatabase(path: path, readers: 1)
            let applied = try await Migrator.all.migrate(database, now: ServiceClock.system.micros)
            await database.close()
            print("restored \(from) to \(path)" + (applied.isEmpty ? "" : "; migrations applied: \(applied)"))
        }
    }
}

/// One readable line on standard error and exit status 2: the CLI's error contract.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("aggregator: \(message)\n".utf8))
    exit(2)
}
