/// A storage failure, with the backend's own code kept (SQLite result code or PostgreSQL SQLSTATE)
/// so a log line can be matched to the backend's documentation.
struct DatabaseError: Error, Sendable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        var description: String { name }

        /// Another writer holds the lock, or the pool is exhausted: retryable (503).
        static let busy = Code("busy")
        /// The server cannot be reached or the connection broke: retryable (503).
        static let unavailable = Code("unavailable")
        /// A unique or primary key constraint refused the row.
        static let uniqueViolation = Code("unique_violation")
        /// A foreign key refused the change (e.g. deleting an organisation that still owns data).
        static let foreignKeyViolation = Code("foreign_key_violation")
        static let constraint = Code("constraint")
        static let diskFull = Code("disk_full")
        static let corrupt = Code("corrupt")
        /// A row did not have the shape the repository expected.
        static let decoding = Code("decoding")
        static let migration = Code("migration")
        static let sql = Code("sql")
    }

    let code: Code
    let message: String
    /// SQLite extended result code or PostgreSQL SQLSTATE, when the backend produced one.
    var backendCode: String?

    init(_ code: Code, _ message: String, backendCode: String? = nil) {
        self.code = code
        self.message = message
        self.backendCode = backendCode
    }

    var isRetryable: Bool { code == .busy || code == .unavailable }

    var description: String {
        "database \(code): \(message)" + (backendCode.map { " [\($0)]" } ?? "")
    }
}
