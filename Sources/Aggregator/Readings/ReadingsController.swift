import CarbonCore
import Foundation
import Hummingbird

/// HTTP for series and reading history: parse the query string, call the service, encode.
struct ReadingsController {
    let service: ReadingsService
    let scopes: ScopeFactory
    let auditor: Auditor
    let clock: ServiceClock

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes, auditor = self.auditor, clock = self.clock
        routes.add(.get, "/api/v1/series", access: .permission(.readingsRead), tag: "readings",
                   summary: "List the series (agent tags) the caller may see; filters: site_id, tag",
                   response: .array(Series.schema),
                   query: [QueryParameter("site_id", .uuid), QueryParameter("tag", .string())]) { request, context in
            var siteID: String?, tag: String?
            for (key, value) in HistoryQuery.pairs(request.uri.queryParameters) {
                switch key {
                case "site_id":
                    guard UUIDText.isValid(value) else {
                        throw APIError.invalidField("site_id", "'site_id' must be a UUID")
                    }
                    siteID = value
                case "tag": tag = value
                default: throw APIError.invalidField(key, "unknown parameter '\(key)'; accepted: site_id, tag")
                }
            }
            return JSONReply(try await service.listSeries(siteID: siteID, tag: tag,
                                                          scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/readings", access: .permission(.readingsRead), tag: "readings",
                   summary: "Readings of one series (series_id, or site_id and tag) from..to, raw or per 1m/1h/1d "
                       + "with agg avg|min|max|sum|last", response: History.schema,
                   query: HistoryQuery.parameters()) { request, context in
            let query = try HistoryQuery.parse(HistoryQuery.pairs(request.uri.queryParameters),
                                               nowMs: clock.micros / 1000)
            return JSONReply(try await service.history(query, scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/readings/export", access: .permission(.readingsExport), tag: "readings",
                   summary: "Stream one series' readings as CSV or JSON (format=csv|json; same filters as /readings)",
                   query: HistoryQuery.parameters(export: true)) {
            request, context in
            let query = try HistoryQuery.parse(HistoryQuery.pairs(request.uri.queryParameters),
                                               nowMs: clock.micros / 1000, export: true)
            let series = try await service.series(query.selector, scope: try await scopes.scope(for: context),
                                                  permission: .readingsExport)
            // A bulk download of measured data is a sensitive read: it is audited before it starts.
            try await auditor.record(
                .init(action: "readings.export", target: String(series.id), organisationID: series.siteID,
                      details: ["format": query.format.rawValue, "interval": query.interval.rawValue,
                                "from": String(query.fromMs), "to": String(query.toMs)]),
                context: context)
            return ReadingsExport(service: service, series: series, query: query).response()
        }
    }
}

enum UUIDText {
    static func isValid(_ text: String) -> Bool { UUID(uuidString: text) != nil }
}
