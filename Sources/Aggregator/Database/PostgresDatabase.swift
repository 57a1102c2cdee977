import CLibPQ
import NIOPosix

/// The server backend: a pool of libpq connections whose blocking calls run on an `NIOThreadPool`.
///
/// `write` runs at PostgreSQL's default READ COMMITTED level, so unlike SQLite's `BEGIN IMMEDIATE`
/// it does not serialise writers: a read-modify-write must be one statement (`SET n = n + 1`,
/// `ON CONFLICT … DO UPDATE`) or guarded by a constraint. Deadlocks and lock timeouts surface as
/// `.busy` and are not retried here: the HTTP layer answers 503 with Retry-After.
struct PostgresDatabase: Database {
    let dialect = SQLDialect.postgres
    private let pool: ConnectionPool<PostgresConnection>
    private let poolSize: Int

    /// Checks the URL and opens no connection yet, so the aggregator can start (and report not
    /// ready) while the server is down. An invalid URL throws `.unavailable`, password redacted.
    init(url: String, poolSize: Int = 8, threadPool: NIOThreadPool = .singleton) throws(DatabaseError) {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &message) else {
            let reason = message.map { String(cString: $0).split(separator: "\n").joined(separator: "; ") }
            PQfreemem(message)
            throw DatabaseError(
                .unavailable, "invalid database URL \(PostgresConnection.redacted(url)): \(reason ?? "out of memory")")
        }
        PQconninfoFree(options)
        self.poolSize = max(1, poolSize)
        pool = ConnectionPool(maximum: poolSize, threadPool: threadPool) { try PostgresConnection(url: url) }
    }

    /// Like `init`, and also connects once, for callers that must fail at start-up on a wrong URL,
    /// a refused connection or a bad password (`.unavailable`, with the server's reason).
    static func connect(url: String, poolSize: Int = 8, threadPool: NIOThreadPool = .singleton) async throws
        -> PostgresDatabase
    {
        let database = try PostgresDatabase(url: url, poolSize: poolSize, threadPool: threadPool)
        _ = try await database.read { try $0.query("SELECT 1 AS one") }
        return database
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN", body)
    }

    /// REPEATABLE READ gives the body one snapshot across its statements, as SQLite's deferred
    /// transaction does; a read-only transaction at that level never fails to serialise.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    func isReachable() async -> Bool {
        (try? await read { try $0.query("SELECT 1 AS one").count == 1 }) ?? false
    }

    func close() async { await pool.close() }

    /// A pooled connection whose server end went away (restart, idle timeout, admin kill) is only
    /// found out when it is used. When `BEGIN` itself fails that way nothing has run yet, so the
    /// transaction starts over on another connection: at most once per pooled connection, and the
    /// last attempt opens a fresh one, which fails plainly when the server is really down.
    private func transaction<T: Sendable>(
        begin: String, _ body: @escaping @Sendable (any SQLConnection) throws -> T
    ) async throws -> T {
        var attempts = 0
        while true {
            do {
                return try await attempt(begin: begin, body)
            } catch let stale as StaleConnection {
                attempts += 1
                if attempts > poolSize { throw stale.error }
            }
        }
    }

    private func attempt<T: Sendable>(
        begin: String, _ body: @escaping @Sendable (any SQLConnection) throws -> T
    ) async throws -> T {
        try await pool.withConnection(isBroken: Self.isBroken) { connection in
            do {
                try connection.execute(begin, [])
            } catch let error as DatabaseError where error.code == .unavailable {
                throw StaleConnection(error: error)
            }
            do {
                let result = try body(connection)
                try connection.commit()
                return result
            } catch {
                connection.rollbackIfNeeded()
                throw error
            }
        }
    }

    /// Unavailable errors mean the connection is gone: the pool drops it instead of lending it again.
    @Sendable private static func isBroken(_ error: any Error) -> Bool {
        error is StaleConnection || (error as? DatabaseError)?.code == .unavailable
    }
}

/// `BEGIN` failed because the connection had died while idle in the pool.
private struct StaleConnection: Error {
    let error: DatabaseError
}
