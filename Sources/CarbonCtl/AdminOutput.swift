import Foundation

/// How `carbonctl admin` prints what the API returned: aligned tables for people (the default),
/// or the API's own JSON, pretty-printed with sorted keys, for scripts.
enum AdminOutput {
    enum Format: String, CaseIterable {
        case table, json
    }

    static func format(_ text: String) throws(Failure) -> Format {
        guard let format = Format(rawValue: text.lowercased()) else {
            throw Failure("--format: '\(text)' is not one of table, json")
        }
        return format
    }

    /// The API's value as JSON text.
    static func json(_ value: Any) -> String {
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: options.union(.fragmentsAllowed))
        else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The rows of a list reply: a bare array, or the first array member of an object
    /// (`{"users": [...]}`), so the client does not break when a list gains paging fields.
    static func rows(_ value: Any) -> [[String: Any]] {
        if let array = value as? [[String: Any]] { return array }
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() {
                if let array = object[key] as? [[String: Any]] { return array }
            }
        }
        return []
    }

    /// A cell: text as is, numbers and booleans as JSON writes them, null and absence as "-".
    static func cell(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return "-"
        case let text as String: return String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
        case let array as [Any]: return array.map { cell($0) }.joined(separator: ",")
        case let number as NSNumber:
            // JSONSerialization's booleans are NSNumbers of type "c" (char).
            return String(cString: number.objCType) == "c" ? (number.boolValue ? "true" : "false") : number.stringValue
        default: return "\(value!)"
        }
    }

    /// One row per object, with the given (header, key) columns.
    static func table(_ rows: [[String: Any]], columns: [(String, String)], empty: String) -> String {
        guard !rows.isEmpty else { return empty + "\n" }
        return AlarmsTable.table(columns.map(\.0), rows.map { row in columns.map { cell(row[$0.1]) } })
    }

    /// A single object as `KEY  value` lines.
    static func record(_ pairs: [(String, String)]) -> String {
        AlarmsTable.table(["FIELD", "VALUE"], pairs.map { [$0.0, $0.1] })
    }

    static func emit(_ value: Any, format: Format, table: () -> String) {
        switch format {
        case .json: print(json(value))
        case .table: print(table(), terminator: "")
        }
    }
}
