/// Why the reading buffer could not do what was asked. The CalculationError shape: a struct with
/// an opaque `Code`, so codes can be added without breaking anyone's `switch`. When SQLite said
/// no, the error keeps what SQLite said: the function, its (extended) result code and
/// `sqlite3_errmsg`, because "disk I/O error" alone does not tell an operator which call failed.
struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case sqlite, busy, diskFull, corrupt, notABufferStore, newerSchema, invalidArgument, closed
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A SQLite call failed for a reason without a code of its own here.
        static let sqlite = Code(.sqlite)
        /// Another connection held the write lock for longer than the busy timeout.
        static let busy = Code(.busy)
        /// The disk (or `max_page_count`) is full: the seam for the quota policy.
        static let diskFull = Code(.diskFull)
        /// The file or a stored row is damaged (SQLITE_CORRUPT, or a row that cannot be decoded).
        static let corrupt = Code(.corrupt)
        /// The file is not a reading buffer (another application's database, or not SQLite at all).
        static let notABufferStore = Code(.notABufferStore)
        /// The store was written by a newer agent (its schema version is above what this one knows).
        static let newerSchema = Code(.newerSchema)
        /// The call itself was wrong (acknowledging a sequence never assigned, a NaN value, ...).
        static let invalidArgument = Code(.invalidArgument)
        /// The store was closed.
        static let closed = Code(.closed)
        var description: String { base.rawValue }
    }

    var code: Code
    var message: String
    /// The SQLite function that failed, e.g. `sqlite3_step`.
    var function: String?
    /// Its extended result code, e.g. 1546 (SQLITE_IOERR_FSYNC).
    var resultCode: Int32?
    /// `sqlite3_errmsg` (or `sqlite3_errstr`) right after the failure.
    var sqliteMessage: String?

    init(
        _ code: Code, _ message: String, function: String? = nil, resultCode: Int32? = nil, sqliteMessage: String? = nil
    ) {
        self.code = code
        self.message = message
        self.function = function
        self.resultCode = resultCode
        self.sqliteMessage = sqliteMessage
    }

    var description: String {
        guard let function, let resultCode else { return "\(code): \(message)" }
        return "\(code): \(message) (\(function) returned \(resultCode): \(sqliteMessage ?? "no message"))"
    }
}
