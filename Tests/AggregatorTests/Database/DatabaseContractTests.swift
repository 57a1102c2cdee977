import Foundation
import Testing

@testable import Aggregator

/// One suite, both backends: whatever a repository may rely on must hold for SQLite and for
/// PostgreSQL alike, against the real engines. PostgreSQL cases need `CARBON_TEST_POSTGRES_URL`
/// (`scripts/test` starts a private server and sets it) and are skipped without it. Every test
/// works in a place of its own (a fresh SQLite file, a fresh PostgreSQL schema), so runs and
/// parallel tests never see each other's tables.
@Suite struct DatabaseContractTests {
    enum Backend: String, CaseIterable, Sendable {
        case sqlite, postgres
    }

    struct Abort: Error {}

    @Test(arguments: Backend.allCases)
    func everyValueKindRoundTripsUnchanged(_ backend: Backend) async throws {
        let rows: [[SQLValue]] = [
            [.integer(.min), .text("Grüße, 二氧化碳, émissions 🌍"), .blob([])],
            [.integer(.max), .text(""), .blob(Array(0...255))],
            [.integer(0), .text("quote ' double \" backslash \\ tab \t newline \n end"), .null],
            [.null, .null, .blob([0])],
        ]
        let stored = try await withDatabase(backend) { database in
            try await database.write { connection in
                try connection.execute(
                    "CREATE TABLE kinds (id BIGINT PRIMARY KEY, i BIGINT, t TEXT, b \(blobType(connection)))")
                for (id, row) in rows.enumerated() {
                    try connection.execute(
                        "INSERT INTO kinds (id, i, t, b) VALUES ($1, $2, $3, $4)", [.integer(Int64(id))] + row)
                }
            }
            return try await database.read { try $0.query("SELECT i, t, b FROM kinds ORDER BY id").map(\.values) }
        }
        #expect(stored == rows)
    }

    @Test(arguments: Backend.allCases)
    func aPlaceholderCanBeReusedAndAppearOutOfOrder(_ backend: Backend) async throws {
        let found = try await withDatabase(backend) { database in
            try await database.write { connection in
                try connection.execute("CREATE TABLE pairs (a BIGINT, b TEXT, c BIGINT)")
                try connection.execute("INSERT INTO pairs (a, b, c) VALUES ($2, $1, $2)", "x", 7)
                try connection.execute("INSERT INTO pairs (a, b, c) VALUES ($2, $1, $2)", "y", 8)
                return try connection.query("SELECT a, b, c FROM pairs WHERE c = $2 AND b = $1 AND a = $2", "x", 7)
            }
        }
        #expect(found.map(\.values) == [[7, "x", 7]])
    }

    @Test(arguments: Backend.allCases)
    func dollarDigitsInsideTextAndCommentsAreNotPlaceholders(_ backend: Backend) async throws {
        let found = try await withDatabase(backend) { database in
            try await database.write { connection in
                try connection.execute("CREATE TABLE prices (label TEXT, amount BIGINT)")
                try connection.execute(
                    """
                    -- the agent's $1 in a comment
                    INSERT INTO prices (label, amount) VALUES ('costs $1', $1) /* and $2 here */
                    """, 5)
                return try connection.query("SELECT label, amount FROM prices WHERE amount = $1", 5)
            }
        }
        #expect(found.map(\.values) == [["costs $1", 5]])
    }

    @Test func sqliteNumbersPlaceholdersOutsideQuotesOnly() {
        #expect(SQLiteConnection.numbered("SELECT $1, '$2', \"$3\", $10 -- $4\n/* $5 */ $6")
            == "SELECT ?1, '$2', \"$3\", ?10 -- $4\n/* $5 */ ?6")
    }

    @Test(arguments: Backend.allCases)
    func aThrowingWriteLeavesNothingBehind(_ backend: Backend) async throws {
        let count = try await withDatabase(backend) { database in
            _ = try await database.write { try $0.execute("CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT)") }
            await #expect(throws: Abort.self) {
                try await database.write { connection in
                    try connection.execute("INSERT INTO notes (id, body) VALUES ($1, $2)", 1, "first")
                    try connection.execute("UPDATE notes SET body = $1", "changed")
                    throw Abort()
                }
            }
            return try await database.read { try $0.first("SELECT count(*) AS n FROM notes")?.int64("n") }
        }
        #expect(count == 0)
    }

    @Test(arguments: Backend.allCases)
    func aDuplicateKeyIsAUniqueViolation(_ backend: Backend) async throws {
        let (error, count) = try await withDatabase(backend) { database in
            try await database.write { connection in
                try connection.execute("CREATE TABLE plants (id BIGINT PRIMARY KEY, name TEXT UNIQUE)")
                try connection.execute("INSERT INTO plants (id, name) VALUES ($1, $2)", 1, "Kiln 1")
            }
            let error = await #expect(throws: DatabaseError.self) {
                try await database.write { try $0.execute("INSERT INTO plants (id, name) VALUES (2, 'Kiln 1')") }
            }
            let count = try await database.read { try $0.first("SELECT count(*) AS n FROM plants")?.int64("n") }
            return (error, count)
        }
        #expect(error?.code == .uniqueViolation)
        if backend == .postgres { #expect(error?.backendCode == "23505") }
        #expect(count == 1)
    }

    @Test(arguments: Backend.allCases)
    func aMissingOrStillReferencedParentIsAForeignKeyViolation(_ backend: Backend) async throws {
        let (orphan, referenced) = try await withDatabase(backend) { database in
            try await database.write { connection in
                try connection.execute("CREATE TABLE orgs (id BIGINT PRIMARY KEY)")
                try connection.execute(
                    "CREATE TABLE sites (id BIGINT PRIMARY KEY, org BIGINT NOT NULL REFERENCES orgs (id))")
                try connection.execute("INSERT INTO orgs (id) VALUES (1)")
                try connection.execute("INSERT INTO sites (id, org) VALUES (1, 1)")
            }
            let orphan = await #expect(throws: DatabaseError.self) {
                try await database.write { try $0.execute("INSERT INTO sites (id, org) VALUES ($1, $2)", 2, 99) }
            }
            let referenced = await #expect(throws: DatabaseError.self) {
                try await database.write { try $0.execute("DELETE FROM orgs WHERE id = $1", 1) }
            }
            return (orphan, referenced)
        }
        #expect(orphan?.code == .foreignKeyViolation)
        #expect(referenced?.code == .foreignKeyViolation)
    }

    @Test(arguments: Backend.allCases)
    func returningGivesGeneratedIdsAndUpsertedValues(_ backend: Backend) async throws {
        let (ids, counts) = try await withDatabase(backend) { database in
            try await database.write { connection in
                let key = connection.dialect == .postgres
                    ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY"
                try connection.execute("CREATE TABLE items (id \(key), name TEXT NOT NULL)")
                try connection.execute("CREATE TABLE tallies (name TEXT PRIMARY KEY, n BIGINT NOT NULL)")
                let ids = try ["a", "b"].map { name in
                    try connection.first("INSERT INTO items (name) VALUES ($1) RETURNING id", .text(name))?.int64("id")
                }
                let upsert = """
                    INSERT INTO tallies (name, n) VALUES ($1, 1)
                    ON CONFLICT (name) DO UPDATE SET n = tallies.n + 1 RETURNING n
                    """
                let counts = try (0..<3).map { _ in try connection.first(upsert, "kiln")?.int64("n") }
                return (ids, counts)
            }
        }
        #expect(ids == [1, 2])
        #expect(counts == [1, 2, 3])
    }

    @Test(arguments: Backend.allCases)
    func migrationsApplyOnceEvenWhenTwoMigratorsRace(_ backend: Backend) async throws {
        let migrator = Migrator(migrations: [
            Migration(version: 2, name: "names", statements: { _ in ["CREATE INDEX plants_name ON plants (name)"] }),
            Migration(version: 1, name: "plants", statements: { _ in ["CREATE TABLE plants (id BIGINT, name TEXT)"] }),
        ])
        let (raced, again, version) = try await withDatabase(backend) { database in
            async let first = migrator.migrate(database, now: 1)
            async let second = migrator.migrate(database, now: 2)
            let raced = try await first + second
            return (raced, try await migrator.migrate(database, now: 3), try await migrator.currentVersion(database))
        }
        #expect(raced.sorted() == [1, 2])
        #expect(again.isEmpty)
        #expect(version == 2)
    }

    @Test(arguments: Backend.allCases)
    func concurrentWritersLoseNoUpdate(_ backend: Backend) async throws {
        let total = try await withDatabase(backend) { database in
            try await database.write { connection in
                try connection.execute("CREATE TABLE counters (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
                try connection.execute("INSERT INTO counters (id, n) VALUES (1, 0)")
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        for _ in 0..<5 {
                            _ = try await database.write { connection in
                                try connection.execute("UPDATE counters SET n = n + $1 WHERE id = 1", 1)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            return try await database.read { try $0.first("SELECT n FROM counters WHERE id = 1")?.int64("n") }
        }
        #expect(total == 100)
    }

    @Test(arguments: Backend.allCases)
    func anUnreachableDatabaseIsUnavailable(_ backend: Backend) async throws {
        switch backend {
        case .sqlite:
            let error = #expect(throws: DatabaseError.self) {
                try SQLiteDatabase(path: "/nonexistent-\(UUID().uuidString)/carbon.sqlite")
            }
            #expect(error?.code == .unavailable)
        case .postgres:
            guard PostgresTestEnvironment.isConfigured else { try Test.cancel("CARBON_TEST_POSTGRES_URL is not set") }
            // Nothing listens on a port just handed out by the kernel and released.
            let url = "postgres://carbon:s3cret-pw@127.0.0.1:\(try freeLoopbackPort())/carbon_test?sslmode=disable"
            let refused = await #expect(throws: DatabaseError.self) { try await PostgresDatabase.connect(url: url) }
            #expect(refused?.code == .unavailable)
            #expect(refused.map { !$0.message.contains("s3cret") && $0.message.contains("carbon:***@") } == true)

            let lazy = try PostgresDatabase(url: url, poolSize: 2)
            #expect(await lazy.isReachable() == false)
            let write = await #expect(throws: DatabaseError.self) {
                try await lazy.write { try $0.execute("SELECT 1") }
            }
            #expect(write?.code == .unavailable)

            let invalid = #expect(throws: DatabaseError.self) {
                try PostgresDatabase(url: "postgres://carbon:s3cret-pw@127.0.0.1/carbon_test?no_such_option=1")
            }
            #expect(invalid?.code == .unavailable)
            #expect(invalid.map { !$0.message.contains("s3cret") && $0.message.contains("no_such_option") } == true)
        }
    }
}

// MARK: - Fixtures

extension DatabaseContractTests {
    /// Runs `body` with a database of its own and removes it afterwards, whether `body` threw or
    /// not. PostgreSQL: a fresh schema, made the only one on the pool's search path through the
    /// URL's `options`, so every pooled connection sees it.
    func withDatabase<T: Sendable>(
        _ backend: Backend, poolSize: Int = 8, _ body: (any Database) async throws -> T
    ) async throws -> T {
        switch backend {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("contract-\(UUID()).sqlite").path
            let database = try SQLiteDatabase(path: path)
            let result = await outcome { try await body(database) }
            await database.close()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            return try result.get()
        case .postgres:
            guard let base = PostgresTestEnvironment.url else { try Test.cancel("CARBON_TEST_POSTGRES_URL is not set") }
            let schema = "t_" + UUID().uuidString.lowercased().filter { $0 != "-" }
            let admin = try PostgresDatabase(url: base, poolSize: 1)
            _ = try await admin.write { try $0.execute("CREATE SCHEMA \(schema)") }
            let url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
            let database = try PostgresDatabase(url: url, poolSize: poolSize)
            let result = await outcome { try await body(database) }
            await database.close()
            _ = try await admin.write { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
            await admin.close()
            return try result.get()
        }
    }

    private func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    /// The one column type the two dialects spell differently for the same storage class.
    func blobType(_ connection: any SQLConnection) -> String {
        connection.dialect == .postgres ? "BYTEA" : "BLOB"
    }
}
