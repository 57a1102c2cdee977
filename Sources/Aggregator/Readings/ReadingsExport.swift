import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A streamed export of one series: pages of `pageSize` points are read (each in its own short
/// read transaction, so a long download never pins a snapshot) and written to the response body
/// as they come, so memory stays flat however long the range.
struct ReadingsExport: Sendable {
    static let pageSize = 5000

    let service: ReadingsService
    let series: Series
    let query: HistoryQuery

    func response() -> Response {
        var headers = HTTPFields()
        let name = "series-\(series.id)-\(query.interval.rawValue).\(query.format.rawValue)"
        headers[.contentType] = query.format == .csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        let export = self
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await export.write(to: &writer)
            try await writer.finish(nil)
        })
    }

    private func write(to writer: inout any ResponseBodyWriter) async throws {
        try await writer.write(ByteBuffer(string: header))
        var cursor: ReadingsService.Cursor?
        var first = true
        while true {
            let points = try await service.page(of: series, query, after: cursor, limit: Self.pageSize)
            guard let last = points.last else { break }
            var text = ""
            text.reserveCapacity(points.count * 64)
            for point in points {
                text += line(point, first: first)
                first = false
            }
            try await writer.write(ByteBuffer(string: text))
            cursor = last.cursor
            if points.count < Self.pageSize { break }
        }
        if query.format == .json { try await writer.write(ByteBuffer(string: "]}\n")) }
    }

    private var header: String {
        switch query.format {
        case .csv:
            return query.interval == .raw ? "time,series_id,tag,unit,value,quality\n"
                : "time,series_id,tag,unit,\(query.aggregate.rawValue),count\n"
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let seriesJSON = (try? encoder.encode(series)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            let agg = query.interval == .raw ? "null" : "\"\(query.aggregate.rawValue)\""
            return "{\"series\":\(seriesJSON),\"interval\":\"\(query.interval.rawValue)\",\"agg\":\(agg),\"points\":["
        }
    }

    private func line(_ point: ReadingsService.Point, first: Bool) -> String {
        let time = ServiceClock.iso(point.timeMs * 1000)
        switch query.format {
        case .csv:
            let tail = point.quality ?? point.count.map(String.init) ?? ""
            let tag = Self.csvField(series.tag), unit = Self.csvField(series.unit)
            return "\(time),\(series.id),\(tag),\(unit),\(point.value),\(tail)\n"
        case .json:
            let extra = point.quality.map { ",\"quality\":\"\($0)\"" } ?? point.count.map { ",\"count\":\($0)" } ?? ""
            return (first ? "" : ",") + "{\"time\":\"\(time)\",\"value\":\"\(point.value)\"\(extra)}"
        }
    }

    /// RFC 4180 quoting for fields that need it (tags may contain commas or quotes).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
