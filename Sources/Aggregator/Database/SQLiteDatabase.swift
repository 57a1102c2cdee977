import Foundation
import NIOPosix

/// The embedded default backend: one SQLite file in WAL mode. One writer connection (SQLite
/// allows one writer at a time; queuing in the pool is cheaper than spinning on SQLITE_BUSY) and a
/// few readers, which WAL lets run alongside the writer.
struct SQLiteDatabase: Database {
    let dialect = SQLDialect.sqlite
    let path: String
    private let writer: ConnectionPool<SQLiteConnection>
    private let readers: ConnectionPool<SQLiteConnection>

    /// Opens (creating if needed) the database at `path`. `synchronous=FULL`: a committed change
    /// survives power loss, which the ingest reply promises to agents.
    init(path: String, readers: Int = 4, threadPool: NIOThreadPool = .singleton) throws {
        self.path = path
        let setup = try SQLiteConnection(path: path)
        try setup.executeScript("PRAGMA journal_mode=WAL")
        let open: @Sendable () throws -> SQLiteConnection = {
            let connection = try SQLiteConnection(path: path)
            try connection.executeScript("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY")
            return connection
        }
        writer = ConnectionPool(maximum: 1, threadPool: threadPool, factory: open)
        self.readers = ConnectionPool(maximum: readers, threadPool: threadPool, factory: open)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await writer.withConnection { connection in
            try connection.executeScript("BEGIN IMMEDIATE")
            do {
                let result = try body(connection)
                try connection.executeScript("COMMIT")
                return result
            } catch {
                if connection.isInTransaction { try? connection.executeScript("ROLLBACK") }
                throw error
            }
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await readers.withConnection { connection in
            // A deferred transaction gives the body one snapshot across its statements.
            try connection.executeScript("BEGIN")
            defer { if connection.isInTransaction { try? connection.executeScript("ROLLBACK") } }
            return try body(connection)
        }
    }

    /// A consistent copy of the live database at `path` (which must not exist), taken without
    /// stopping writers, then checked page by page.
    func backup(to path: String) async throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw DatabaseError(.sql, "'\(path)' exists; a backup never overwrites a file")
        }
        try await readers.withConnection { connection in
            try connection.backup(to: path)
        }
        let check = try SQLiteConnection(path: path, readOnly: true).integrityCheck()
        guard check == "ok" else { throw DatabaseError(.corrupt, "the backup failed its integrity check: \(check)") }
    }

    func isReachable() async -> Bool {
        (try? await read { try $0.query("SELECT 1 AS one").count == 1 }) ?? false
    }

    func close() async {
        await writer.close()
        await readers.close()
    }
}
