/// One versioned schema change. Most statements read the same on both backends; where they do
/// not, `statements(for:)` branches on the dialect.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: @Sendable (SQLDialect) -> [String]
}

/// Applies migrations in order, each in its own transaction, and records them in
/// `schema_migrations`. Several aggregator replicas may start at once against one PostgreSQL
/// database, so the PostgreSQL path takes a transaction-level advisory lock first.
struct Migrator: Sendable {
    let migrations: [Migration]

    static let all = Migrator(migrations: IdentitySchema.migrations + IngestSchema.migrations + AdminSchema.migrations + ExtrasSchema.migrations + ProductSchema.migrations + VerificationSchema.migrations + AlarmSchema.migrations + ImportSchema.migrations + AccountingSchema.migrations + RegionalSchema.migrations + AlarmRuleSchema.migrations)

    var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// Returns the versions applied by this call (empty when the schema was current).
    @discardableResult
    func migrate(_ database: any Database, now: Int64) async throws -> [Int] {
        var applied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            let didApply = try await database.write { connection in
                if connection.dialect == .postgres {
                    try connection.execute("SELECT pg_advisory_xact_lock(7402024)")
                }
                try connection.execute(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                    """)
                let done = try connection.first(
                    "SELECT version FROM schema_migrations WHERE version = $1", .integer(Int64(migration.version)))
                guard done == nil else { return false }
                for statement in migration.statements(connection.dialect) {
                    try connection.execute(statement, [])
                }
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    .integer(Int64(migration.version)), .text(migration.name), .integer(now))
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        return applied
    }

    /// The newest version the database has, or 0 for an empty one.
    func currentVersion(_ database: any Database) async throws -> Int {
        try await database.read { connection in
            let rows = try connection.query("SELECT max(version) AS version FROM schema_migrations")
            return Int(try rows.first?.optionalInt64("version") ?? 0)
        }
    }
}
