/// Which SQL the connection speaks. Repositories write one SQL text for both where they can
/// (`$1` placeholders, `ON CONFLICT`, `RETURNING` work on both) and branch on this where they cannot.
enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

/// A connection lent to one transaction or read. Not Sendable: it never leaves the thread the
/// database runs the body on.
protocol SQLConnection {
    var dialect: SQLDialect { get }
    /// Runs a statement and returns every row. Parameters are `$1`, `$2`, … in the SQL.
    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [SQLRow]
    /// Runs a statement that returns no rows; the result is the number of rows changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int
}

extension SQLConnection {
    func query(_ sql: String, _ parameters: SQLValue...) throws -> [SQLRow] { try query(sql, parameters) }
    @discardableResult
    func execute(_ sql: String, _ parameters: SQLValue...) throws -> Int { try execute(sql, parameters) }
    func first(_ sql: String, _ parameters: SQLValue...) throws -> SQLRow? { try query(sql, parameters).first }
}

/// The storage engine behind every repository: SQLite (embedded default) or PostgreSQL. Both run
/// their blocking C calls on a thread pool of their own, never on Swift's cooperative pool.
protocol Database: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` in one transaction; commits when it returns, rolls back when it throws.
    /// Everything a request changes goes through one call. SQLite takes the write lock up front
    /// (writers are serialised); PostgreSQL runs READ COMMITTED, so a read-then-write that must
    /// not interleave takes a lock (`FOR UPDATE` or `pg_advisory_xact_lock`), as the audit chain does.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T
    /// Runs `body` on a connection for reading (a consistent snapshot on both backends).
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T
    /// True when the database answers a trivial query (for `/readyz`).
    func isReachable() async -> Bool
    func close() async
}
