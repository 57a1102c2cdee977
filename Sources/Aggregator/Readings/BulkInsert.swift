import Synchronization

/// Multi-row `INSERT … VALUES (…), (…)` in chunks of a few fixed sizes. Fixed sizes because both
/// connections cache a prepared statement per SQL text: a batch of 1,234 rows reuses the
/// statements for 64, 16, 4 and 1 rows instead of preparing one for its own size.
enum BulkInsert {
    /// SQLite binds by number (SQLiteConnection rewrites `$n` as `?n`), so a statement's size no
    /// longer costs a name search per parameter; 128 rows × 6 columns stays far below its limit
    /// of 32,766 parameters.
    static let sqliteChunks = [128, 16, 4, 1]
    static let postgresChunks = [512, 64, 8, 1]

    static func insert(into table: String, columns: [String], rows: [[SQLValue]], suffix: String = "",
                       on connection: any SQLConnection) throws {
        let sizes = connection.dialect == .sqlite ? sqliteChunks : postgresChunks
        var start = rows.startIndex
        while start < rows.endIndex {
            let remaining = rows.endIndex - start
            let size = sizes.first { $0 <= remaining } ?? 1
            var parameters: [SQLValue] = []
            parameters.reserveCapacity(size * columns.count)
            for row in rows[start..<(start + size)] { parameters.append(contentsOf: row) }
            try connection.execute(sql(table, columns, rows: size, suffix: suffix), parameters)
            start += size
        }
    }

    /// Statement texts by shape: building one with 768 placeholders was 5 % of an ingest profile.
    private static let texts = Mutex<[String: String]>([:])

    static func sql(_ table: String, _ columns: [String], rows: Int, suffix: String) -> String {
        let key = "\(table)|\(rows)|\(columns.joined(separator: ","))|\(suffix)"
        if let text = texts.withLock({ $0[key] }) { return text }
        let text = build(table, columns, rows: rows, suffix: suffix)
        texts.withLock { $0[key] = text }
        return text
    }

    private static func build(_ table: String, _ columns: [String], rows: Int, suffix: String) -> String {
        var text = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        var n = 0
        for row in 0..<rows {
            if row > 0 { text += ", " }
            text += "("
            for column in 0..<columns.count {
                n += 1
                text += column == 0 ? "$\(n)" : ", $\(n)"
            }
            text += ")"
        }
        return suffix.isEmpty ? text : text + " " + suffix
    }

    /// `column IN ($k, …)` padded to a power of two (repeating the last value) so lookups of a
    /// varying number of keys reuse a handful of statements.
    static func inList(_ column: String, _ values: [SQLValue], parameters: inout [SQLValue]) -> String {
        guard let last = values.last else { return "1 = 0" }
        var size = 1
        while size < values.count { size *= 2 }
        let padded = values + Array(repeating: last, count: size - values.count)
        let placeholders = padded.map { value -> String in
            parameters.append(value)
            return "$\(parameters.count)"
        }
        return "\(column) IN (\(placeholders.joined(separator: ", ")))"
    }
}
