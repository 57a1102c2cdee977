import HTTPTypes
@testable import Aggregator

extension IsolationFixtures {
    static func importBody(_ tenant: IsolationTenant, site: String) -> [String: Any] {
        ["site_id": site,
         "readings": [["tag": "\(tenant.lower).co2", "time": "2025-11-25T09:30:00Z", "value": "412", "unit": "ppm"]]]
    }

    static var imports: [String: RouteFixture] { [
        "POST /api/v1/readings/imports": RouteFixture(
            probes: { t in t.organisationIDs.map { Probe(uri: "/api/v1/readings/imports", body: importBody(t, site: $0)) } },
            positive: (.created, { own in Probe(uri: "/api/v1/readings/imports", body: importBody(own, site: own.siteIDs[0])) })),
        "GET /api/v1/readings/imports": RouteFixture(
            probes: { t in [Probe(uri: "/api/v1/readings/imports")]
                + t.siteIDs.map { Probe(uri: "/api/v1/readings/imports?site_id=\($0)") } },
            listsOnly: true, positive: (.ok, { _ in Probe(uri: "/api/v1/readings/imports") })),
        "GET /api/v1/readings/imports/:id": RouteFixture(
            probes: { t in (t.ids("import") + random).map { Probe(uri: "/api/v1/readings/imports/\($0)") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/readings/imports/\(own.id("import"))") })),
        "GET /api/v1/organisations/:id/import-rules": RouteFixture(
            probes: { t in (t.organisationIDs + random).map { Probe(uri: "/api/v1/organisations/\($0)/import-rules") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/organisations/\(own.siteIDs[0])/import-rules") })),
        "PUT /api/v1/organisations/:id/import-rules": RouteFixture(
            probes: { t in t.organisationIDs.map {
                Probe(uri: "/api/v1/organisations/\($0)/import-rules", body: ["future_window_seconds": 1])
            } },
            positive: (.ok, { own in Probe(uri: "/api/v1/organisations/\(own.siteIDs[0])/import-rules",
                                           body: ["intervals": ["*": 60]]) })),
        "GET /api/v1/series/:id/compare": RouteFixture(
            probes: { t in (t.ids("series") + ["999999"]).map { Probe(uri: "/api/v1/series/\($0)/compare?period=month&at=2025-11") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/series/\(own.id("series"))/compare?period=month&at=2025-11") })),
    ] }
}
