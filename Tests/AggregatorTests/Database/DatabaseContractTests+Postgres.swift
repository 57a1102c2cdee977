import Foundation
import Testing

@testable import Aggregator

/// The PostgreSQL-only part of the contract: bulk COPY, and what happens when the server end of
/// a pooled connection goes away.
extension DatabaseContractTests {
    @Test(.enabled(if: PostgresTestEnvironment.isConfigured))
    func copyLoadsTenThousandAwkwardRowsExactly() async throws {
        // Every character COPY's text format treats specially, including its end-of-data line `\.`
        // and its NULL marker `\N` as literal text.
        let awkward = ["tab\there", "new\nline", "back\\slash", "\\N", "\\.", "cr\r\nlf", "二氧化碳 🌍", "end\\"]
        let rows: [[SQLValue]] = (0..<10_000).map { index in
            let text: SQLValue = index % 7 == 0 ? .null : .text(index % 13 == 1 ? "" : "\(awkward[index % 8])#\(index)")
            let blob: SQLValue = index % 11 == 0 ? .null : .blob([UInt8(index & 0xff), 0, 0x5c, 0x09, 0x0a])
            return [.integer(Int64(index)), text, blob, .integer(Int64(index) * -1_000_000_007)]
        }
        let (copied, stored) = try await withDatabase(.postgres) { database in
            try await database.write { connection in
                try connection.execute("CREATE TABLE bulk (id BIGINT PRIMARY KEY, t TEXT, b BYTEA, n BIGINT)")
                guard let postgres = connection as? PostgresConnection else { throw Abort() }
                let copied = try postgres.copy(table: "bulk", columns: ["id", "t", "b", "n"], rows: rows)
                return (copied, try connection.query("SELECT id, t, b, n FROM bulk ORDER BY id").map(\.values))
            }
        }
        #expect(copied == 10_000)
        #expect(stored.count == rows.count)
        #expect(rows.indices.first { stored.indices.contains($0) && stored[$0] != rows[$0] } == nil)
    }

    @Test(.enabled(if: PostgresTestEnvironment.isConfigured))
    func aCopyWithAMalformedRowKeepsNothingAndLeavesTheConnectionUsable() async throws {
        let (error, count) = try await withDatabase(.postgres, poolSize: 1) { database in
            _ = try await database.write { try $0.execute("CREATE TABLE bulk (id BIGINT, t TEXT)") }
            let error = await #expect(throws: DatabaseError.self) {
                try await database.write { connection in
                    guard let postgres = connection as? PostgresConnection else { throw Abort() }
                    try postgres.copy(table: "bulk", columns: ["id", "t"], rows: [[1, "ok"], [2]])
                }
            }
            // The same (only) connection answers the next statement.
            let count = try await database.read { try $0.first("SELECT count(*) AS n FROM bulk")?.int64("n") }
            return (error, count)
        }
        #expect(error?.code == .sql)
        #expect(count == 0)
    }

    /// PostgreSQL aborts the whole transaction when one statement fails; COMMIT would then quietly
    /// roll back, so `write` reports it instead of returning as if the body's work were saved.
    @Test(.enabled(if: PostgresTestEnvironment.isConfigured))
    func aSwallowedStatementErrorIsNotReportedAsCommitted() async throws {
        let (error, count) = try await withDatabase(.postgres) { database in
            _ = try await database.write { try $0.execute("CREATE TABLE notes (id BIGINT PRIMARY KEY)") }
            let error = await #expect(throws: DatabaseError.self) {
                try await database.write { connection in
                    try connection.execute("INSERT INTO notes (id) VALUES (1)")
                    _ = try? connection.execute("INSERT INTO notes (id) VALUES (1)")
                }
            }
            return (error, try await database.read { try $0.first("SELECT count(*) AS n FROM notes")?.int64("n") })
        }
        #expect(error?.backendCode == "25P02")
        #expect(count == 0)
    }

    @Test(.enabled(if: PostgresTestEnvironment.isConfigured))
    func aKilledConnectionIsUnavailableAndReplaced() async throws {
        let (killed, afterKill, before, after) = try await withDatabase(.postgres, poolSize: 1) { database in
            // Killed mid-transaction: the body's statement fails, and the pool drops the connection.
            let killed = await #expect(throws: DatabaseError.self) {
                try await database.write { try $0.execute("SELECT pg_terminate_backend(pg_backend_pid())") }
            }
            let afterKill = try await database.write { try $0.first("SELECT 1 AS one")?.int64("one") }

            // Killed while idle in the pool (a server restart, an idle timeout): found at BEGIN and
            // replaced before the body runs, so the caller sees no error at all.
            let pid = "SELECT pg_backend_pid() AS pid"
            let before = try await database.read { try $0.first(pid)?.int64("pid") }
            let admin = try PostgresDatabase(url: PostgresTestEnvironment.url ?? "", poolSize: 1)
            _ = try await admin.write { connection in
                try connection.execute("SELECT pg_terminate_backend($1::integer, 5000)", SQLValue(before))  // waits
            }
            await admin.close()
            let after = try await database.read { try $0.first(pid)?.int64("pid") }
            return (killed, afterKill, before, after)
        }
        #expect(killed?.code == .unavailable)
        #expect(afterKill == 1)
        #expect(before != nil && after != nil && before != after)
    }

    /// A real stop of a second, private server (stopping the shared one would break other tests).
    /// The script runs as a child process and blocks this task for the ~1 s it takes.
    @Test(.enabled(if: PostgresTestEnvironment.isConfigured), .timeLimit(.minutes(2)))
    func aStoppedServerIsUnavailableAndThePoolRecoversAfterRestart() async throws {
        let server = try PostgresTestServer.start()
        defer { try? server.stop() }
        let database = try PostgresDatabase(url: server.url, poolSize: 2)
        #expect(await database.isReachable())

        try server.stop()
        #expect(await database.isReachable() == false)
        let error = await #expect(throws: DatabaseError.self) {
            try await database.write { try $0.execute("SELECT 1") }
        }
        #expect(error?.code == .unavailable)

        try server.restart()
        #expect(await database.isReachable())
        await database.close()
    }
}
