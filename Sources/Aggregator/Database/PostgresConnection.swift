import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one type that owns a libpq `PGconn*`. libpq connections are not thread-safe; the pool lends
/// each to one task at a time, which uses it on one `NIOThreadPool` thread at a time (every call
/// here blocks on the network). Every `PGresult*` is cleared before the method that got it returns.
final class PostgresConnection: SQLConnection {
    let dialect = SQLDialect.postgres
    let handle: OpaquePointer

    /// Connects to `url` (`postgres://user:pass@host:port/db?sslmode=disable`, or a libpq keyword
    /// string). A refused or failed connection throws `.unavailable` with the password redacted.
    init(url: String) throws(DatabaseError) {
        // Keywords before `dbname` are defaults the URL may override (without a connect timeout a
        // black-holed host would hold a thread-pool thread for minutes); `client_encoding` comes
        // after it and always wins, because every string is decoded here as UTF-8.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname", "client_encoding"]
        let values = ["10", "carbon-aggregator", url, "UTF8"]
        let connection = withCStringArray(keywords) { keywords in
            withCStringArray(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection else { throw DatabaseError(.unavailable, "libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.lastMessage(connection)
            PQfinish(connection)
            throw DatabaseError(.unavailable, "cannot connect to \(Self.redacted(url)): \(message)")
        }
        // libpq prints NOTICEs (e.g. "relation already exists, skipping") to stderr by default.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    deinit { PQfinish(handle) }

    func query(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> [SQLRow] {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        let count = PQnfields(result)
        let columns = (0..<count).map { String(cString: PQfname(result, $0)) }
        let types = (0..<count).map { PQftype(result, $0) }
        var rows: [SQLRow] = []
        rows.reserveCapacity(Int(PQntuples(result)))
        for row in 0..<PQntuples(result) {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for column in 0..<count {
                values.append(try value(result, row, column, type: types[Int(column)], name: columns[Int(column)]))
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> Int {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        return Self.affectedRows(result)
    }

    /// True while the server end is alive as far as libpq knows (it notices after a failed call).
    var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }
    var isInTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

    /// COMMIT of a transaction in which a statement failed answers "ROLLBACK" without an error: a
    /// body that caught that statement's error would otherwise look committed when nothing was.
    func commit() throws(DatabaseError) {
        if PQtransactionStatus(handle) == PQTRANS_INERROR {
            throw DatabaseError(
                .sql, "a statement failed inside the transaction; it was rolled back", backendCode: "25P02")
        }
        try execute("COMMIT", [])
    }

    /// Ends a transaction after a failure; a broken connection has none left to end.
    func rollbackIfNeeded() {
        if isConnected, isInTransaction { _ = try? execute("ROLLBACK", []) }
    }

    // MARK: - Statements

    /// libpq's type OIDs (catalog/pg_type_d.h is a server header, not shipped with libpq-fe.h).
    enum TypeOID {
        static let bool: Oid = 16, bytea: Oid = 17, int8: Oid = 20, int2: Oid = 21, int4: Oid = 23
    }

    /// Runs one statement with text parameters (blobs binary) and text results. Integers are sent
    /// typed `int8` so `SELECT $1 + $2` resolves; text and NULL stay untyped, so the server infers
    /// the column's type (a timestamp, a numeric) as it would for a literal.
    private func run(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> OpaquePointer {
        var types: [Oid] = [], lengths: [Int32] = [], formats: [Int32] = []
        var buffers: [UnsafeMutableRawPointer?] = []
        defer { buffers.forEach { free($0) } }
        for value in parameters {
            switch value {
            case .null:
                types.append(0); lengths.append(0); formats.append(0); buffers.append(nil)
            case .integer(let integer):
                types.append(TypeOID.int8); lengths.append(0); formats.append(0)
                buffers.append(UnsafeMutableRawPointer(strdup(String(integer))))
            case .text(let text):
                guard !text.utf8.contains(0) else { throw DatabaseError(.sql, "PostgreSQL text cannot hold NUL") }
                types.append(0); lengths.append(0); formats.append(0)
                buffers.append(UnsafeMutableRawPointer(strdup(text)))
            case .blob(let bytes):
                guard bytes.count <= Int32.max else { throw DatabaseError(.sql, "a blob over 2 GiB cannot be sent") }
                // Binary format: the bytes as they are, no hex round trip. malloc(0) may return NULL,
                // which libpq would read as SQL NULL, hence at least one byte.
                let buffer = malloc(max(1, bytes.count))
                bytes.withUnsafeBytes { source in
                    if let base = source.baseAddress { buffer?.copyMemory(from: base, byteCount: source.count) }
                }
                types.append(TypeOID.bytea); lengths.append(Int32(bytes.count)); formats.append(1)
                buffers.append(buffer)
            }
        }
        let pointers = buffers.map { $0.map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) } }
        let result = PQexecParams(handle, sql, Int32(parameters.count), types, pointers, lengths, formats, 0)
        return try checked(result, sql, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY])
    }

    /// Returns `result` when its status is expected; otherwise clears it and throws the mapped error.
    func checked(_ result: OpaquePointer?, _ sql: String, expecting: [ExecStatusType]) throws(DatabaseError)
        -> OpaquePointer
    {
        guard let result else { throw error(nil, sql) }  // NULL: out of memory, or no connection
        let status = PQresultStatus(result)
        if expecting.contains(status) { return result }
        let failure = status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR
            ? error(result, sql)
            : DatabaseError(.sql, "unexpected result \(String(cString: PQresStatus(status))) (in: \(sql.prefix(120)))")
        PQclear(result)
        if status == PGRES_COPY_IN || status == PGRES_COPY_OUT { abandonCopy() }
        throw failure
    }

    /// A COPY started through `query`/`execute` would leave the connection stuck in copy mode.
    private func abandonCopy() {
        _ = PQputCopyEnd(handle, "COPY runs only through copy(table:columns:rows:)")
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COPY_OUT {
                var buffer: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(handle, &buffer, 0) > 0 { PQfreemem(buffer) }
            }
            PQclear(result)
        }
    }

    /// Maps a text-format value by its column type: integers and booleans to `.integer`, bytea to
    /// `.blob`, everything else (numeric, timestamps, text) to `.text` for the repository to parse.
    private func value(_ result: OpaquePointer, _ row: Int32, _ column: Int32, type: Oid, name: String)
        throws(DatabaseError) -> SQLValue
    {
        if PQgetisnull(result, row, column) != 0 { return .null }
        guard let raw = PQgetvalue(result, row, column) else { return .null }
        switch type {
        case TypeOID.int8, TypeOID.int4, TypeOID.int2:
            guard let integer = Int64(String(cString: raw)) else {
                throw DatabaseError(.decoding, "column '\(name)' is not an integer")
            }
            return .integer(integer)
        case TypeOID.bool:
            return .integer(raw.pointee == CChar(UInt8(ascii: "t")) ? 1 : 0)
        case TypeOID.bytea:
            // PQunescapeBytea reads both the hex (`\x…`, the default) and the old escape format.
            var length = 0
            let bytes = raw.withMemoryRebound(to: UInt8.self, capacity: 1) { PQunescapeBytea($0, &length) }
            guard let bytes else {
                throw DatabaseError(.decoding, "column '\(name)' is not valid bytea")
            }
            defer { PQfreemem(bytes) }
            return .blob(Array(UnsafeBufferPointer(start: bytes, count: length)))
        default:
            let length = Int(PQgetlength(result, row, column))
            return .text(raw.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            })
        }
    }

    static func affectedRows(_ result: OpaquePointer) -> Int {
        guard let text = PQcmdTuples(result) else { return 0 }
        return Int(String(cString: text)) ?? 0  // "" for commands that report no count
    }

    // MARK: - Errors

    /// Maps a failed result by SQLSTATE; a connection that broke is `.unavailable` whatever the
    /// state said, so the pool discards it.
    func error(_ result: OpaquePointer?, _ sql: String) -> DatabaseError {
        let field = { (code: Int32) in result.flatMap { PQresultErrorField($0, code) }.map { String(cString: $0) } }
        let state = field(clibpq_diag_sqlstate)
        let message = field(clibpq_diag_message_primary) ?? Self.lastMessage(handle)
        let code = isConnected ? Self.code(sqlState: state) : .unavailable
        return DatabaseError(code, "\(message) (in: \(sql.prefix(120)))", backendCode: state)
    }

    static func code(sqlState: String?) -> DatabaseError.Code {
        guard let state = sqlState else { return .sql }
        switch state {
        case "23505": return .uniqueViolation
        case "23503": return .foreignKeyViolation
        case "40001", "40P01", "55P03": return .busy  // serialization failure, deadlock, lock not available
        case "57P01", "57P02", "57P03": return .unavailable  // the server is shutting down or starting
        case "53100": return .diskFull
        case "XX001", "XX002": return .corrupt
        default:
            if state.hasPrefix("23") { return .constraint }
            if state.hasPrefix("08") { return .unavailable }
            return .sql
        }
    }

    static func lastMessage(_ connection: OpaquePointer) -> String {
        guard let text = PQerrorMessage(connection) else { return "unknown libpq error" }
        return String(cString: text).split(separator: "\n").joined(separator: "; ")
    }

    /// The URL with its password replaced by `***`, both `user:secret@host` and `password=secret`.
    static func redacted(_ url: String) -> String {
        var text = url
        if let scheme = text.firstRange(of: "://") {
            let rest = text[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? text.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        return text.replacing(/password=[^&\s]*/, with: "password=***")
    }
}

/// Calls `body` with a C array of C strings, valid only during the call.
private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } } + [nil])
}
