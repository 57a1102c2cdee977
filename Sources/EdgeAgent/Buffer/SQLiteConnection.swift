import CSQLite

/// The only type that calls SQLite: it owns one `sqlite3*` and the statements prepared on it, and
/// finalizes and closes them. Not Sendable on purpose: `ReadingStore` confines it to its serial
/// queue (behind a mutex), so SQLite is opened with `SQLITE_OPEN_NOMUTEX` and does no locking of its own.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    /// Prepared once per SQL text and reused: the buffer runs a handful of statements millions of times.
    private var statements: [String: OpaquePointer] = [:]

    init(path: String) throws(StoreError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            // sqlite3_open_v2 returns a handle even on failure (except out of memory); it holds the message.
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw Self.error(rc, "sqlite3_open_v2", message, context: "cannot open '\(path)'")
        }
        handle = db
    }

    deinit { close() }

    /// Finalizes every statement and closes the handle; later calls throw `.closed`.
    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    var isClosed: Bool { handle == nil }

    private func open() throws(StoreError) -> OpaquePointer {
        guard let handle else { throw StoreError(.closed, "the reading buffer is closed") }
        return handle
    }

    /// Runs SQL that returns no rows (DDL, PRAGMA assignments, BEGIN/COMMIT).
    func execute(_ sql: String) throws(StoreError) {
        let db = try open()
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, "sqlite3_exec", context: sql) }
    }

    /// Milliseconds SQLite keeps retrying when another connection holds the lock.
    func setBusyTimeout(milliseconds: Int32) throws(StoreError) {
        let rc = sqlite3_busy_timeout(try open(), milliseconds)
        guard rc == SQLITE_OK else { throw error(rc, "sqlite3_busy_timeout", context: "busy_timeout") }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { handle.map { Int(sqlite3_changes64($0)) } ?? 0 }

    var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    /// Runs `body` in `BEGIN IMMEDIATE … COMMIT`; rolls back if it throws or the commit fails.
    /// IMMEDIATE takes the write lock up front, so a writer never fails half-way on a lock upgrade.
    /// With `synchronous=FULL` the WAL is fsynced before COMMIT returns: that is the durability point.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if let handle, sqlite3_get_autocommit(handle) == 0 { sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
            throw error
        }
    }

    /// Lends the prepared statement for `sql` to `body` and resets it afterwards, even on error: a
    /// SELECT left un-reset would hold its read snapshot and stop WAL checkpoints.
    func withStatement<T>(_ sql: String, _ body: (Statement) throws(StoreError) -> T) throws(StoreError) -> T {
        let db = try open()
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var prepared: OpaquePointer?
            let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
            guard rc == SQLITE_OK, let prepared else { throw error(rc, "sqlite3_prepare_v3", context: sql) }
            statements[sql] = prepared
            statement = prepared
        }
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        return try body(Statement(handle: statement, connection: self, sql: sql))
    }

    /// The first column of the first row, for `PRAGMA x` and `SELECT count(*)`-style queries.
    func scalar(_ sql: String, _ arguments: Int64...) throws(StoreError) -> Int64? {
        try withStatement(sql) { statement throws(StoreError) in
            for (index, argument) in arguments.enumerated() { try statement.bind(argument, at: Int32(index + 1)) }
            guard try statement.step(), !statement.isNull(at: 0) else { return nil }
            return statement.int64(at: 0)
        }
    }

    /// Runs a statement with integer parameters to completion (UPDATE, DELETE).
    func run(_ sql: String, _ arguments: Int64...) throws(StoreError) {
        try withStatement(sql) { statement throws(StoreError) in
            for (index, argument) in arguments.enumerated() { try statement.bind(argument, at: Int32(index + 1)) }
            while try statement.step() {}
        }
    }

    func scalarText(_ sql: String) throws(StoreError) -> String? {
        try withStatement(sql) { statement throws(StoreError) in
            guard try statement.step(), !statement.isNull(at: 0) else { return nil }
            return statement.text(at: 0)
        }
    }

    fileprivate func error(_ rc: Int32, _ function: String, context: String) -> StoreError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        return Self.error(rc, function, message, context: context)
    }

    private static func error(_ rc: Int32, _ function: String, _ message: String, context: String) -> StoreError {
        let code: StoreError.Code
        switch rc & 0xff {  // the primary code; the extended one (e.g. SQLITE_IOERR_FSYNC) stays in resultCode
        case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
        case SQLITE_FULL: code = .diskFull
        case SQLITE_CORRUPT: code = .corrupt
        case SQLITE_NOTADB: code = .notABufferStore
        default: code = .sqlite
        }
        return StoreError(code, context, function: function, resultCode: rc, sqliteMessage: message)
    }
}

extension SQLiteConnection {
    /// A prepared statement lent by `withStatement`; valid only inside that call. Column and
    /// parameter indexes follow SQLite: parameters from 1, columns from 0.
    struct Statement {
        fileprivate let handle: OpaquePointer
        fileprivate unowned let connection: SQLiteConnection
        let sql: String

        func bind(_ value: Int64, at index: Int32) throws(StoreError) {
            try check(sqlite3_bind_int64(handle, index, value), "sqlite3_bind_int64")
        }

        func bind(_ value: String, at index: Int32) throws(StoreError) {
            // TRANSIENT: SQLite copies the bytes, because Swift's temporary C string dies after the call.
            let rc = sqlite3_bind_text(handle, index, value, Int32(value.utf8.count), csqlite_transient())
            try check(rc, "sqlite3_bind_text")
        }

        /// Steps once: true when a row is available, false when the statement is done.
        func step() throws(StoreError) -> Bool {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_ROW { return true }
            if rc == SQLITE_DONE { return false }
            throw connection.error(rc, "sqlite3_step", context: sql)
        }

        /// Makes the statement runnable again (bindings are kept), e.g. to insert the next row.
        func reset() { sqlite3_reset(handle) }

        func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

        func text(at column: Int32) -> String {
            guard let bytes = sqlite3_column_text(handle, column) else { return "" }
            let count = Int(sqlite3_column_bytes(handle, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }

        func isNull(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
        func isText(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_TEXT }
        func isInteger(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_INTEGER }

        private func check(_ rc: Int32, _ function: String) throws(StoreError) {
            guard rc == SQLITE_OK else { throw connection.error(rc, function, context: sql) }
        }
    }
}
