import CSQLite

/// The one type that owns an aggregator `sqlite3*` handle and its prepared statements. It is
/// confined to one thread at a time by `SQLiteDatabase` (which lends it under a lock), so SQLite
/// is opened with `SQLITE_OPEN_NOMUTEX`.
final class SQLiteConnection: SQLConnection {
    let dialect = SQLDialect.sqlite
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    init(path: String, readOnly: Bool = false) throws(DatabaseError) {
        var db: OpaquePointer?
        let access = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let rc = sqlite3_open_v2(path, &db, access | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw Self.error(rc, "cannot open '\(path)': \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        if let handle { sqlite3_close_v2(handle) }
    }

    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [SQLRow] {
        try run(sql, parameters, collect: true).rows
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws -> Int {
        try run(sql, parameters, collect: false).changes
    }

    /// Runs SQL text that may hold several statements and no parameters (DDL, PRAGMA, BEGIN).
    func executeScript(_ sql: String) throws(DatabaseError) {
        guard let handle else { throw DatabaseError(.unavailable, "connection closed") }
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw lastError(rc, sql) }
    }

    var isInTransaction: Bool { handle.map { sqlite3_get_autocommit($0) == 0 } ?? false }

    private func run(_ sql: String, _ parameters: [SQLValue], collect: Bool) throws(DatabaseError)
        -> (rows: [SQLRow], changes: Int)
    {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(parameters, to: statement, sql: sql)
        var rows: [SQLRow] = []
        var columns: [String]?
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw lastError(rc, sql) }
            guard collect else { continue }
            let count = sqlite3_column_count(statement)
            if columns == nil {
                columns = (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }
            }
            rows.append(SQLRow(columns: columns ?? [], values: (0..<count).map { column(statement, $0) }))
        }
        return (rows, Int(sqlite3_changes64(handle)))
    }

    private func prepared(_ sql: String) throws(DatabaseError) -> OpaquePointer {
        guard let handle else { throw DatabaseError(.unavailable, "connection closed") }
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, Self.numbered(sql), -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw lastError(rc, sql) }
        // Binding by number is only right if every placeholder was numbered.
        for index in 0..<sqlite3_bind_parameter_count(statement) {
            if let name = sqlite3_bind_parameter_name(statement, index + 1), name.pointee != CChar(UInt8(ascii: "?")) {
                sqlite3_finalize(statement)
                throw DatabaseError(.sql, "placeholder \(String(cString: name)) is not of the form $n: \(sql)")
            }
        }
        statements[sql] = statement
        return statement
    }

    /// `$n` (PostgreSQL's placeholders, shared SQL text) rewritten as SQLite's `?n`, which binds by
    /// number: SQLite treats `$n` as a name and finds it by a linear string search per parameter
    /// (strncmp was the top symbol of an ingest profile). Quoted text and identifiers are left alone.
    static func numbered(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            // Skip quoted text, identifiers and comments whole: a `$1` inside them is not a placeholder.
            let closer: [UInt8]? = switch byte {
            case UInt8(ascii: "'"): [UInt8(ascii: "'")]
            case UInt8(ascii: "\""): [UInt8(ascii: "\"")]
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"): [10]
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                [UInt8(ascii: "*"), UInt8(ascii: "/")]
            default: nil
            }
            if let closer {
                var end = index + 1
                while end < bytes.count, !bytes[end...].starts(with: closer) { end += 1 }
                end = min(bytes.count, end + closer.count)
                out.append(contentsOf: bytes[index..<end])
                index = end
                continue
            }
            if byte == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] &- 0x30 < 10 {
                out.append(UInt8(ascii: "?"))
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Binds parameter n to `?n` (see `numbered`); a parameter the statement does not use is skipped.
    private func bind(_ parameters: [SQLValue], to statement: OpaquePointer, sql: String) throws(DatabaseError) {
        let used = Int(sqlite3_bind_parameter_count(statement))
        for (offset, value) in parameters.enumerated() where offset < used {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .integer(let integer): rc = sqlite3_bind_int64(statement, index, integer)
            case .text(let text):
                rc = sqlite3_bind_text(statement, index, text, Int32(text.utf8.count), csqlite_transient())
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes {
                    sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), csqlite_transient())
                }
            }
            guard rc == SQLITE_OK else { throw lastError(rc, sql) }
        }
    }

    private func column(_ statement: OpaquePointer, _ index: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            guard let bytes = sqlite3_column_text(statement, index) else { return .text("") }
            let count = Int(sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
        }
    }

    private func lastError(_ rc: Int32, _ sql: String) -> DatabaseError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        let extended = handle.map { sqlite3_extended_errcode($0) } ?? rc
        return Self.error(extended, "\(message) (in: \(sql.prefix(120)))")
    }

    private static func error(_ rc: Int32, _ message: String) -> DatabaseError {
        let code: DatabaseError.Code
        // Extended codes are C macros Swift cannot import: SQLITE_CONSTRAINT | (n << 8).
        let unique = SQLITE_CONSTRAINT | (8 << 8), primaryKey = SQLITE_CONSTRAINT | (6 << 8)
        let foreignKey = SQLITE_CONSTRAINT | (3 << 8)
        switch rc {
        case unique, primaryKey: code = .uniqueViolation
        case foreignKey: code = .foreignKeyViolation
        default:
            switch rc & 0xff {
            case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
            case SQLITE_CONSTRAINT: code = .constraint
            case SQLITE_FULL: code = .diskFull
            case SQLITE_CORRUPT, SQLITE_NOTADB: code = .corrupt
            case SQLITE_CANTOPEN: code = .unavailable
            default: code = .sql
            }
        }
        return DatabaseError(code, message, backendCode: "SQLITE_\(rc)")
    }
}

extension SQLiteConnection {
    /// Copies the whole database into a new file at `path` with SQLite's online backup API: a
    /// consistent snapshot taken while other connections keep reading and writing (pages that
    /// change during the copy make it restart the changed steps, as the API documents).
    func backup(to path: String) throws(DatabaseError) {
        guard let handle else { throw DatabaseError(.unavailable, "connection closed") }
        let target = try SQLiteConnection(path: path)
        guard let targetHandle = target.handle else { throw DatabaseError(.unavailable, "cannot open '\(path)'") }
        guard let backup = sqlite3_backup_init(targetHandle, "main", handle, "main") else {
            throw DatabaseError(.sql, String(cString: sqlite3_errmsg(targetHandle)), backendCode: "sqlite3_backup_init")
        }
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(backup, 256)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { sqlite3_sleep(5) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE, finish == SQLITE_OK else {
            throw DatabaseError(.sql, String(cString: sqlite3_errmsg(targetHandle)), backendCode: "SQLITE_\(finish)")
        }
        try target.executeScript("PRAGMA journal_mode=WAL")
    }

    /// `PRAGMA integrity_check` (every page): "ok" or the first problems SQLite reports.
    func integrityCheck() throws -> String {
        try query("PRAGMA integrity_check", []).map { try $0.text("integrity_check") }.joined(separator: "; ")
    }
}
