import HTTPTypes
import Foundation

/// One row of an import as the client wrote it, before any checking: every cell is text, so a bad
/// value is a rejected row with a reason rather than a refused request.
struct ImportRow: Sendable, Equatable {
    /// 1-based among the data rows (the CSV header is not counted; JSON: the index in `readings` + 1).
    let number: Int
    var site: String?
    var device: String?
    let tag: String
    let time: String
    let value: String
    let unit: String
}

/// `POST /api/v1/readings/imports` with `Content-Type: application/json`.
struct ImportRequest: RequestBody {
    struct Reading: Decodable, Sendable {
        let device: String?
        let tag: String
        let time: String
        let value: String
        let unit: String

        enum CodingKeys: String, CodingKey, CaseIterable { case device, tag, time, value, unit }

        init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            device = try c.decodeIfPresent(String.self, forKey: .device)
            tag = try c.decode(String.self, forKey: .tag)
            time = try c.decode(String.self, forKey: .time)
            value = try c.decode(String.self, forKey: .value)
            unit = try c.decode(String.self, forKey: .unit)
        }
    }

    let siteID: String
    let rules: ImportRules?
    let readings: [Reading]

    typealias Keys = CodingKeys
    enum CodingKeys: String, CodingKey, CaseIterable {
        case rules, readings
        case siteID = "site_id"
    }

    var rows: [ImportRow] {
        readings.enumerated().map { index, reading in
            ImportRow(number: index + 1, site: nil, device: reading.device, tag: reading.tag, time: reading.time,
                      value: reading.value, unit: reading.unit)
        }
    }

    /// Cells are plain strings: their content is judged per row and reported, never a 4xx.
    static let schema = JSONSchema.object(
        ["site_id": .uuid, "rules": ImportRules.schema,
         "readings": .array(.object(["device": .string(), "tag": .string(), "time": .string(), "value": .string(),
                                     "unit": .string()], required: ["tag", "time", "value", "unit"]))],
        required: ["site_id", "readings"])
}

/// `POST /api/v1/readings/imports` with `Content-Type: text/csv` (RFC 4180): a header naming the
/// columns `site`, `device`, `tag`, `time`, `value`, `unit` in any order (`device` may be left out;
/// other columns are refused), then one reading per record. Quoted cells may hold commas, quotes
/// (doubled) and line breaks; a UTF-8 byte-order mark and CRLF line ends are accepted.
///
///     site,device,tag,time,value,unit
///     6f1c…,gw-1,boiler.gas,2025-11-25T08:00:00+08:00,125.5,Nm3/h
///
/// The reader walks the bytes once and hands out one record at a time, so nothing but the rows
/// themselves is held.
enum ImportCSV {
    static let columns = ["site", "device", "tag", "time", "value", "unit"]
    static let required = ["site", "tag", "time", "value", "unit"]
    static let maximumCellBytes = 1024

    static func rows(_ bytes: some Collection<UInt8>, maximumRows: Int) throws -> [ImportRow] {
        var reader = Reader(bytes: Array(bytes))
        guard let header = try reader.next() else {
            throw APIError.invalidField("header", "the CSV needs a header line: \(columns.joined(separator: ","))")
        }
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() {
            let name = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard columns.contains(name) else {
                throw APIError.invalidField("header", "unknown column '\(name)'; the columns are \(columns.joined(separator: ", "))")
            }
            guard index[name] == nil else { throw APIError.invalidField("header", "column '\(name)' appears twice") }
            index[name] = position
        }
        if let missing = required.first(where: { index[$0] == nil }) {
            throw APIError.invalidField("header", "the header lacks column '\(missing)'")
        }
        var rows: [ImportRow] = []
        while let record = try reader.next() {
            if record.count == 1, record[0].isEmpty { continue }  // a blank line
            guard rows.count < maximumRows else {
                throw APIError(.contentTooLarge, "too_many_rows", "an import holds at most \(maximumRows) rows")
            }
            let cell = { (name: String) -> String in
                guard let position = index[name], position < record.count else { return "" }
                return record[position].trimmingCharacters(in: .whitespaces)
            }
            let device = cell("device")
            rows.append(ImportRow(number: rows.count + 1, site: cell("site"), device: device.isEmpty ? nil : device,
                                  tag: cell("tag"), time: cell("time"), value: cell("value"), unit: cell("unit")))
        }
        return rows
    }

    /// RFC 4180 records, one at a time.
    struct Reader {
        let bytes: [UInt8]
        var position = 0
        var line = 1

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }

        mutating func next() throws -> [String]? {
            guard position < bytes.count else { return nil }
            var fields: [String] = []
            var cell: [UInt8] = []
            var quoted = false, wasQuoted = false
            let startLine = line
            func finish() throws {
                guard let text = String(validating: cell, as: UTF8.self) else {
                    throw APIError.invalidField("body", "line \(startLine) is not UTF-8")
                }
                fields.append(text)
                cell.removeAll(keepingCapacity: true)
                wasQuoted = false
            }
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if quoted {
                    if byte == UInt8(ascii: "\"") {
                        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                            cell.append(byte)
                            position += 1
                        } else {
                            quoted = false
                        }
                    } else {
                        if byte == UInt8(ascii: "\n") { line += 1 }
                        cell.append(byte)
                    }
                } else if byte == UInt8(ascii: "\"") && cell.isEmpty && !wasQuoted {
                    quoted = true
                    wasQuoted = true
                } else if byte == UInt8(ascii: ",") {
                    try finish()
                } else if byte == UInt8(ascii: "\n") {
                    line += 1
                    if cell.last == UInt8(ascii: "\r") { cell.removeLast() }
                    try finish()
                    return fields
                } else {
                    guard !wasQuoted || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: " ") else {
                        throw APIError.invalidField("body", "line \(startLine): text after a closing quote")
                    }
                    if !wasQuoted { cell.append(byte) }
                }
                guard cell.count <= maximumCellBytes else {
                    throw APIError.invalidField("body", "line \(startLine): a cell is longer than \(maximumCellBytes) bytes")
                }
            }
            guard !quoted else { throw APIError.invalidField("body", "line \(startLine): a quote is never closed") }
            if cell.last == UInt8(ascii: "\r") { cell.removeLast() }
            try finish()
            return fields
        }
    }
}
