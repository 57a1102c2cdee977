import Foundation
import Hummingbird

/// Reads the items of a bulk bind or unbind. The content type decides the format: `text/csv`
/// (header `username,organisation_id,role`, for spreadsheets) or JSON (`{"items": [...]}`).
/// Shape errors of single items become their `problem`, so the report lists every bad item at
/// once; only errors of the whole body (not JSON, no header, too many items) throw.
enum BulkInput {
    static let maximumItems = 10_000
    /// 10,000 JSON items with ids are about 1.5 MB.
    static let bodyLimit = 4 * 1024 * 1024
    static let csvHeader = ["username", "organisation_id", "role"]

    enum Parsed: Sendable {
        case items([BulkItem])
        /// The body is unusable as a whole at a known CSV line (unterminated quote, bad header).
        case refused(BulkReportEntry)
    }

    static func read(_ request: Request, context: AppRequestContext) async throws -> Parsed {
        let contentType = request.headers[.contentType]?.lowercased() ?? "application/json"
        let buffer = try await JSONBody.collect(request, limit: bodyLimit)
        let data = Data(buffer.readableBytesView)
        if contentType.hasPrefix("text/csv") {
            guard let text = String(bytes: data, encoding: .utf8) else {
                throw APIError.badRequest("the CSV is not UTF-8 text", code: "invalid_csv")
            }
            return try csv(text)
        }
        guard contentType.hasPrefix("application/json") else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type",
                           "send application/json ({\"items\": [...]}) or text/csv (username,organisation_id,role)")
        }
        return .items(try json(data))
    }

    static func json(_ data: Data) throws -> [BulkItem] {
        guard !data.isEmpty, let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw APIError.badRequest("the body is not valid JSON", code: "invalid_json")
        }
        guard let dictionary = object as? [String: Any] else {
            throw APIError.badRequest("the body must be a JSON object", code: "invalid_json")
        }
        if let unknown = dictionary.keys.sorted().first(where: { $0 != "items" }) {
            throw APIError(.unprocessableContent, "unknown_field", "unknown field '\(unknown)'; accepted: items", field: unknown)
        }
        guard let value = dictionary["items"] else { throw APIError(.unprocessableContent, "missing_field", "'items' is required", field: "items") }
        guard let list = value as? [Any] else { throw APIError.invalidField("items", "'items' must be an array") }
        try checkCount(list.count)
        return list.enumerated().map { index, element in item(element, index: index) }
    }

    private static func item(_ element: Any, index: Int) -> BulkItem {
        var item = BulkItem(position: .index(index))
        guard let object = element as? [String: Any] else {
            item.problem = "an item must be an object"
            return item
        }
        if let unknown = object.keys.sorted().first(where: { !BulkItem.jsonKeys.contains($0) }) {
            item.problem = "unknown field '\(unknown)'; accepted: \(BulkItem.jsonKeys.joined(separator: ", "))"
            return item
        }
        var values: [String: String] = [:]
        for (key, value) in object where !(value is NSNull) {
            guard let text = value as? String else {
                item.problem = "'\(key)' must be a string"
                return item
            }
            values[key] = text
        }
        item.userID = values["user_id"]
        item.username = values["username"]
        item.organisationID = values["organisation_id"]
        item.roleID = values["role_id"]
        item.role = values["role"]
        return item
    }

    static func csv(_ text: String) throws -> Parsed {
        let records: [CSVRecord]
        switch Result(catching: { try CSVReader.records(text) }) {
        case .success(let parsed):
            records = parsed
        case .failure(let error):
            let failure = error as? CSVReader.Failure ?? CSVReader.Failure(line: 1, message: "the CSV cannot be read")
            return .refused(BulkReportEntry(position: .line(failure.line), status: "error", message: failure.message))
        }
        guard let header = records.first,
              header.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) == csvHeader
        else {
            return .refused(BulkReportEntry(position: .line(records.first?.line ?? 1), status: "error",
                                            message: "the first line must be the header \(csvHeader.joined(separator: ","))"))
        }
        try checkCount(records.count - 1)
        return .items(records.dropFirst().map { record in
            var item = BulkItem(position: .line(record.line))
            guard record.fields.count == csvHeader.count else {
                item.problem = "expected \(csvHeader.count) fields (\(csvHeader.joined(separator: ","))), found \(record.fields.count)"
                return item
            }
            let fields = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            item.username = fields[0].isEmpty ? nil : fields[0]
            item.organisationID = fields[1].isEmpty ? nil : fields[1]
            item.role = fields[2].isEmpty ? nil : fields[2]
            return item
        })
    }

    private static func checkCount(_ count: Int) throws {
        guard count > 0 else { throw APIError.invalidField("items", "give at least one item") }
        guard count <= maximumItems else {
            throw APIError.invalidField("items", "at most \(maximumItems) items per request; split the file")
        }
    }
}

struct CSVRecord: Sendable, Equatable {
    /// The line the record starts on (1 is the header); a quoted field may span lines.
    let line: Int
    let fields: [String]
}

/// RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double quotes may
/// hold commas, line breaks and doubled quotes (`"Zhang ""Wei"""`). Blank lines are skipped.
enum CSVReader {
    struct Failure: Error, Sendable {
        let line: Int
        let message: String
    }

    static func records(_ text: String) throws -> [CSVRecord] {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }  // the byte-order mark spreadsheets write
        var records: [CSVRecord] = []
        var fields: [String] = [], field = String.UnicodeScalarView()
        var line = 1, recordLine = 1, quoted = false, closedQuote = false
        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            closedQuote = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(CSVRecord(line: recordLine, fields: fields)) }
            fields = []
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if quoted {
                if scalar == "\"" {
                    if index < scalars.count, scalars[index] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                        closedQuote = true
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                endField()
            case "\r", "\n":
                if scalar == "\r", index < scalars.count, scalars[index] == "\n" { index += 1 }
                endRecord()
                line += 1
                recordLine = line
            case "\"":
                // Spaces before the opening quote are padding (`alice, "Wei, Zhang"`), anything else is not.
                guard !closedQuote, field.allSatisfy({ $0 == " " }) else {
                    throw Failure(line: line, message: "a quote inside an unquoted field; quote the whole field and double the quote")
                }
                field = String.UnicodeScalarView()
                quoted = true
            default:
                if closedQuote, scalar != " " {
                    throw Failure(line: line, message: "text after a closing quote; a quoted field must end at the comma")
                }
                if !closedQuote { field.append(scalar) }
            }
        }
        if quoted { throw Failure(line: recordLine, message: "a quoted field is not closed") }
        if !fields.isEmpty || !field.isEmpty || closedQuote { endRecord() }
        return records
    }
}
