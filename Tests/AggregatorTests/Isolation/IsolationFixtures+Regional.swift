import Foundation
import HTTPTypes

@testable import Aggregator

extension IsolationFixtures {
    static var regional: [String: RouteFixture] {
        func accounts(_ t: IsolationTenant) -> [String] { t.ids("regional_account") + random }
        return [
            "GET /api/v1/regional-accounts": RouteFixture(
                probes: { _ in [Probe(uri: "/api/v1/regional-accounts")] },
                listsOnly: true, positive: (.ok, { _ in Probe(uri: "/api/v1/regional-accounts") })),
            "POST /api/v1/regional-accounts": RouteFixture(
                probes: { t in (t.organisationIDs + random).map {
                    Probe(uri: "/api/v1/regional-accounts",
                          body: ["organisation_id": $0, "name": "intruder", "model": IsolationWorld.regionalModel("intruder")])
                } },
                positive: (.created, { own in
                    Probe(uri: "/api/v1/regional-accounts",
                          body: ["organisation_id": own.groupID, "name": "own", "model": IsolationWorld.regionalModel("own")])
                })),
            "GET /api/v1/regional-accounts/:id": RouteFixture(
                probes: { t in accounts(t).map { Probe(uri: "/api/v1/regional-accounts/\($0)") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/regional-accounts/\(own.id("regional_account"))") })),
            "POST /api/v1/regional-accounts/:id/calculate": RouteFixture(
                probes: { t in accounts(t).map { Probe(uri: "/api/v1/regional-accounts/\($0)/calculate") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/regional-accounts/\(own.id("regional_account"))/calculate") })),
            "GET /api/v1/regional-accounts/:id/versions": RouteFixture(
                probes: { t in accounts(t).map { Probe(uri: "/api/v1/regional-accounts/\($0)/versions") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/regional-accounts/\(own.id("regional_account"))/versions") })),
            "GET /api/v1/regional-accounts/:id/versions/:number": RouteFixture(
                probes: { t in accounts(t).map { Probe(uri: "/api/v1/regional-accounts/\($0)/versions/1") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/regional-accounts/\(own.id("regional_account"))/versions/1") })),
        ]
    }
}
