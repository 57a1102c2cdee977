import HTTPTypes
import CarbonCore
import Foundation
import Hummingbird

/// HTTP for imports of third-party readings and for period comparison: read the body or the
/// query string, call the services, encode.
struct ImportController {
    let imports: ImportService
    let comparison: ComparisonService
    let scopes: ScopeFactory

    /// 8 MiB: about 100,000 CSV rows; beyond it 413.
    static let bodyLimit = 8 * 1024 * 1024

    func register(in routes: RouteRegistry) {
        let imports = self.imports, comparison = self.comparison, scopes = self.scopes
        routes.add(.post, "/api/v1/readings/imports", access: .permission(.readingsWrite), tag: "readings",
                   summary: "Import readings of one site from a third-party system: JSON, or text/csv with the header "
                       + "site,device,tag,time,value,unit (device optional; site_id may be given as a parameter). "
                       + "Rows are cleaned (units normalised to the series' unit, ranges, future times, duplicates, "
                       + "gaps) and the accepted ones stored all together; the validation report is returned and kept",
                   request: ImportRequest.schema, response: ImportReport.schema, status: 201, errors: [415],
                   query: [QueryParameter("site_id", .uuid, "CSV only: the site (default: the first row's)")],
                   otherBodies: ["text/csv": .string()]) { request, context in
            let input = try await Self.input(request, context: context)
            return JSONReply(try await imports.create(input, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/readings/imports", access: .permission(.readingsRead), tag: "readings",
                   summary: "Imports of the sites the caller may read, newest first",
                   response: .array(ImportSummary.schema),
                   query: [QueryParameter("site_id", .uuid),
                           QueryParameter("limit", .integer(minimum: 1, maximum: 1000), "default 100")]) {
            request, context in
            var siteID: String?, limit = 100
            for (key, value) in HistoryQuery.pairs(request.uri.queryParameters) {
                switch key {
                case "site_id":
                    guard UUIDText.isValid(value) else { throw APIError.invalidField("site_id", "'site_id' must be a UUID") }
                    siteID = value
                default:
                    guard let number = Int(value), (1...1000).contains(number) else {
                        throw APIError.invalidField("limit", "'limit' is an integer from 1 to 1000")
                    }
                    limit = number
                }
            }
            return JSONReply(try await imports.list(siteID: siteID, limit: limit, scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/readings/imports/:id", access: .permission(.readingsRead), tag: "readings",
                   summary: "One import with its validation report", response: ImportReport.schema) { _, context in
            JSONReply(try await imports.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/organisations/:id/import-rules", access: .permission(.readingsRead), tag: "readings",
                   summary: "A site's standing cleaning rules for imports (defaults when none are stored)",
                   response: ImportRules.replySchema) { _, context in
            JSONReply(try await imports.rules(siteID: try context.parameters.require("id"),
                                              scope: try await scopes.scope(for: context)))
        }
        routes.add(.put, "/api/v1/organisations/:id/import-rules", access: .permission(.readingsWrite), tag: "readings",
                   summary: "Store a site's cleaning rules, used by imports that bring none (every CSV import)",
                   request: ImportRules.schema, response: ImportRules.replySchema) { request, context in
            let rules = try await JSONBody.decode(ImportRules.self, from: request, context: context, limit: 65536)
            return JSONReply(try await imports.setRules(siteID: try context.parameters.require("id"), rules,
                                                        scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.get, "/api/v1/series/:id/compare", access: .permission(.readingsRead), tag: "readings",
                   summary: "One series' aggregate over a day, month or year of its site's time zone against the "
                       + "previous period (MoM, DoD) or the same period a year earlier (YoY)",
                   response: PeriodComparison.schema, query: ComparisonQuery.parameters) { request, context in
            let query = try ComparisonQuery.parse(HistoryQuery.pairs(request.uri.queryParameters))
            return JSONReply(try await comparison.compare(series: try context.parameters.require("id"), query,
                                                          scope: try await scopes.scope(for: context)))
        }
    }

    /// JSON or CSV by content type; anything else is 415.
    static func input(_ request: Request, context: AppRequestContext) async throws -> ImportService.Input {
        let type = (request.headers[.contentType] ?? "application/json").lowercased()
        if type.hasPrefix("text/csv") {
            var siteID: String?
            for (key, value) in HistoryQuery.pairs(request.uri.queryParameters) where key == "site_id" {
                guard UUIDText.isValid(value) else { throw APIError.invalidField("site_id", "'site_id' must be a UUID") }
                siteID = value.lowercased()
            }
            let body = try await JSONBody.collect(request, limit: bodyLimit)
            let rows = try ImportCSV.rows(body.readableBytesView, maximumRows: ImportService.maximumRows)
            guard let site = siteID ?? rows.first?.site, UUIDText.isValid(site) else {
                throw APIError.invalidField("site", "the first row's 'site' (or the 'site_id' parameter) must be a site's id")
            }
            return .init(format: "csv", siteID: site.lowercased(), rows: rows, rules: nil)
        }
        guard type.hasPrefix("application/json") else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send application/json or text/csv")
        }
        if request.uri.queryParameters.contains(where: { $0.key == "site_id" }) {
            throw APIError.invalidField("site_id", "a JSON import names its site in the body")
        }
        let body = try await JSONBody.decode(ImportRequest.self, from: request, context: context, limit: bodyLimit)
        guard UUIDText.isValid(body.siteID) else { throw APIError.invalidField("site_id", "'site_id' must be a UUID") }
        guard body.readings.count <= ImportService.maximumRows else {
            throw APIError(.contentTooLarge, "too_many_rows", "an import holds at most \(ImportService.maximumRows) rows")
        }
        return .init(format: "json", siteID: body.siteID.lowercased(), rows: body.rows, rules: body.rules)
    }
}

/// Wires imports and period comparison into the route table (one line in `buildRouter`).
struct ImportModule {
    let dependencies: AppDependencies
    let auditor: Auditor

    func register(in routes: RouteRegistry) {
        let database = dependencies.database, clock = dependencies.clock
        ImportController(imports: ImportService(database: database, auditor: auditor, clock: clock),
                         comparison: ComparisonService(database: database),
                         scopes: ScopeFactory(database: database, clock: clock)).register(in: routes)
    }
}
