import CarbonCore
import Foundation
import HTTPTypes
@testable import Aggregator

/// The isolation fixture of every authenticated route, keyed "METHOD path". The isolation test
/// fails for a route without one, so each module that adds a route adds its fixture here.
enum IsolationFixtures {
    static let random = ["00000000-0000-4000-8000-00000000beef", "7f1b7c86-1d0e-4c8e-9a53-3f1f0c8d2a11"]

    /// Every route's fixture: identity's below, then each module's (`IsolationFixtures+Module.swift`).
    static var all: [String: RouteFixture] {
        modules.reduce(into: identity) { all, module in all.merge(module) { first, _ in first } }
    }

    static var modules: [[String: RouteFixture]] { [products, reports, alarms, imports, accounting, regional, alarmRules] }

    static var identity: [String: RouteFixture] { [
        // Identity: sessions and profile (self routes: nothing of B's may show).
        "POST /api/v1/auth/logout": RouteFixture(probes: { _ in [] }, listsOnly: true),
        "GET /api/v1/me": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/me")] }, listsOnly: true,
                                       positive: (.ok, { _ in Probe(uri: "/api/v1/me") })),
        "GET /api/v1/me/permissions": RouteFixture(
            probes: { _ in [Probe(uri: "/api/v1/me/permissions")] }, listsOnly: true,
            positive: (.ok, { _ in Probe(uri: "/api/v1/me/permissions") })),

        // Organisations.
        "GET /api/v1/organisations": RouteFixture(
            probes: { _ in [Probe(uri: "/api/v1/organisations")] }, listsOnly: true,
            positive: (.ok, { _ in Probe(uri: "/api/v1/organisations") })),
        "GET /api/v1/organisations/:id": RouteFixture(
            probes: { t in (t.organisationIDs + random).map { Probe(uri: "/api/v1/organisations/\($0)") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/organisations/\(own.siteIDs[0])") })),
        "POST /api/v1/organisations": RouteFixture(
            probes: { t in (t.organisationIDs + random).map {
                Probe(uri: "/api/v1/organisations", body: ["parent_id": $0, "name": "intruder", "kind": "site"])
            } },
            positive: (.created, { own in
                Probe(uri: "/api/v1/organisations", body: ["parent_id": own.siteIDs[0], "name": "unit", "kind": "unit"])
            })),
        "PATCH /api/v1/organisations/:id": RouteFixture(
            probes: { t in (t.organisationIDs + random).map {
                Probe(uri: "/api/v1/organisations/\($0)", body: ["name": "renamed by intruder"])
            } },
            positive: (.ok, { own in Probe(uri: "/api/v1/organisations/\(own.siteIDs[1])", body: ["name": "renamed"]) })),
        "DELETE /api/v1/organisations/:id": RouteFixture(
            probes: { t in (t.organisationIDs + random).map { Probe(uri: "/api/v1/organisations/\($0)") } },
            positive: (.noContent, { own in Probe(uri: "/api/v1/organisations/\(own.siteIDs[4])") })),
        "POST /api/v1/organisations/:id/move": RouteFixture(
            probes: { t in t.siteIDs.flatMap { site in
                // B's site under A's group, and B's site under another of B's: both refused.
                [Probe(uri: "/api/v1/organisations/\(site)/move", body: ["parent_id": t.groupID])]
            } },
            positive: (.ok, { own in Probe(uri: "/api/v1/organisations/\(own.siteIDs[3])/move",
                                           body: ["parent_id": own.siteIDs[2]]) })),
        // Users (B2).
        "GET /api/v1/users": RouteFixture(
            probes: { t in [Probe(uri: "/api/v1/users"), Probe(uri: "/api/v1/users?status=pending"),
                            Probe(uri: "/api/v1/users?q=\(t.lower)")] }, listsOnly: true,
            positive: (.ok, { _ in Probe(uri: "/api/v1/users") })),
        "POST /api/v1/users": RouteFixture(
            probes: { t in t.organisationIDs.map {
                Probe(uri: "/api/v1/users", body: ["username": "intruder-\($0.prefix(8))", "display_name": "x",
                                                   "password": TestApp.adminPassword, "organisation_id": $0,
                                                   "role_id": RoleRecord.builtInID(.administrator)])
            } + [Probe(uri: "/api/v1/users", body: ["username": "intruder-role", "display_name": "x",
                                                    "password": TestApp.adminPassword, "organisation_id": t.siteIDs[0],
                                                    "role_id": t.id("role")])] },
            positive: (.created, { own in
                Probe(uri: "/api/v1/users", body: ["username": "\(own.lower)-new", "display_name": "new",
                                                   "password": TestApp.adminPassword, "organisation_id": own.siteIDs[1],
                                                   "role_id": RoleRecord.builtInID(.operator)])
            })),
        "GET /api/v1/users/:id": RouteFixture(
            probes: { t in (t.userIDs + t.ids("pending") + random).map { Probe(uri: "/api/v1/users/\($0)") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/users/\(own.userIDs[1])") })),
        "PATCH /api/v1/users/:id": RouteFixture(
            probes: { t in (t.userIDs + t.ids("pending")).map { Probe(uri: "/api/v1/users/\($0)", body: ["display_name": "pwned"]) } },
            positive: (.ok, { own in Probe(uri: "/api/v1/users/\(own.userIDs[1])", body: ["display_name": "renamed"]) })),
        "POST /api/v1/users/:id/approve": RouteFixture(
            probes: { t in t.ids("pending").flatMap { id in t.organisationIDs.prefix(2).map {
                Probe(uri: "/api/v1/users/\(id)/approve",
                      body: ["organisation_id": $0, "role_ids": [RoleRecord.builtInID(.administrator)]])
            } } },
            positive: (.ok, { own in Probe(uri: "/api/v1/users/\(own.id("pending"))/approve",
                                           body: ["organisation_id": own.siteIDs[0],
                                                  "role_ids": [RoleRecord.builtInID(.operator)]]) })),
        "POST /api/v1/users/:id/reject": RouteFixture(
            probes: { t in t.ids("pending").map { Probe(uri: "/api/v1/users/\($0)/reject") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/users/\(own.id("pending", 1))/reject") })),
        "POST /api/v1/users/:id/disable": RouteFixture(
            probes: { t in t.userIDs.map { Probe(uri: "/api/v1/users/\($0)/disable") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/users/\(own.userIDs[2])/disable") })),
        "POST /api/v1/users/:id/enable": RouteFixture(
            probes: { t in t.userIDs.map { Probe(uri: "/api/v1/users/\($0)/enable") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/users/\(own.userIDs[2])/enable") })),
        "POST /api/v1/users/:id/password": RouteFixture(
            probes: { t in t.userIDs.map { Probe(uri: "/api/v1/users/\($0)/password",
                                                 body: ["new_password": "taken over by intruder"]) } },
            positive: (.noContent, { own in Probe(uri: "/api/v1/users/\(own.userIDs[3])/password",
                                                  body: ["new_password": "a brand new password"]) })),
        "POST /api/v1/me/password": RouteFixture(probes: { _ in [] }, listsOnly: true),

        // Memberships (B2, bulk).
        "GET /api/v1/organisations/:id/members": RouteFixture(
            probes: { t in t.organisationIDs.map { Probe(uri: "/api/v1/organisations/\($0)/members") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/organisations/\(own.groupID)/members") })),
        "POST /api/v1/memberships/bind": RouteFixture(
            probes: { t in t.organisationIDs.map { org in
                Probe(uri: "/api/v1/memberships/bind", body: ["items": [["username": "alpha-operator", "organisation_id": org,
                                                                          "role": "administrator"]]])
            } + t.userIDs.map { user in
                Probe(uri: "/api/v1/memberships/bind", body: ["items": [["user_id": user, "organisation_id": t.groupID,
                                                                          "role": "administrator"]]])
            } },
            positive: (.ok, { own in Probe(uri: "/api/v1/memberships/bind", body: [
                "items": [["user_id": own.userIDs[2], "organisation_id": own.siteIDs[1], "role": "operator"]]]) })),
        "POST /api/v1/memberships/unbind": RouteFixture(
            probes: { t in t.userIDs.map { user in
                Probe(uri: "/api/v1/memberships/unbind", body: ["items": [["user_id": user, "organisation_id": t.groupID,
                                                                            "role": "administrator"]]])
            } },
            positive: (.ok, { own in Probe(uri: "/api/v1/memberships/unbind", body: [
                "items": [["user_id": own.userIDs[2], "organisation_id": own.siteIDs[1], "role": "operator"]]]) })),

        // Roles and policies (B3).
        "GET /api/v1/roles": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/roles")] }, listsOnly: true,
                                          positive: (.ok, { _ in Probe(uri: "/api/v1/roles") })),
        "POST /api/v1/roles": RouteFixture(
            probes: { t in t.organisationIDs.map {
                Probe(uri: "/api/v1/roles", body: ["name": "intruder-\($0.prefix(8))", "description": "x",
                                                   "permissions": ["readings:read"], "organisation_id": $0])
            } },
            positive: (.created, { own in Probe(uri: "/api/v1/roles", body: [
                "name": "\(own.lower)-writer", "description": "writers", "permissions": ["readings:read"],
                "organisation_id": own.groupID]) })),
        "GET /api/v1/roles/:id": RouteFixture(
            probes: { t in (t.ids("role") + random).map { Probe(uri: "/api/v1/roles/\($0)") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/roles/\(own.id("role"))") })),
        "PATCH /api/v1/roles/:id": RouteFixture(
            probes: { t in t.ids("role").map { Probe(uri: "/api/v1/roles/\($0)", body: ["permissions": ["audit:export"]]) }
                + [Probe(uri: "/api/v1/roles/\(RoleRecord.builtInID(.operator))", body: ["description": "x"])] },
            positive: (.ok, { own in Probe(uri: "/api/v1/roles/\(own.id("role"))", body: ["description": "renamed"]) })),
        "DELETE /api/v1/roles/:id": RouteFixture(
            probes: { t in (t.ids("role") + [RoleRecord.builtInID(.auditor)]).map { Probe(uri: "/api/v1/roles/\($0)") } },
            positive: (.noContent, { own in Probe(uri: "/api/v1/roles/\(own.id("role"))") })),
        "GET /api/v1/policies": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/policies")] }, listsOnly: true,
                                             positive: (.ok, { _ in Probe(uri: "/api/v1/policies") })),
        "POST /api/v1/policies": RouteFixture(
            probes: { t in t.organisationIDs.map {
                Probe(uri: "/api/v1/policies", body: ["organisation_id": $0, "policy": [
                    "id": "intruder-\($0.prefix(8))", "description": "x", "effect": "deny", "permissions": ["*:*"],
                ] as [String: Any]])
            } },
            positive: (.created, { own in Probe(uri: "/api/v1/policies", body: ["organisation_id": own.siteIDs[1], "policy": [
                "id": "\(own.lower)-second", "description": "second", "effect": "deny", "permissions": ["alarms:shelve"],
                "roles": ["operator"],
            ] as [String: Any]]) })),
        "GET /api/v1/policies/:id": RouteFixture(
            probes: { t in (t.ids("policy") + random).map { Probe(uri: "/api/v1/policies/\($0)") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/policies/\(own.id("policy"))") })),
        "PUT /api/v1/policies/:id": RouteFixture(
            probes: { t in t.ids("policy").map { Probe(uri: "/api/v1/policies/\($0)", body: ["policy": [
                "id": "\(t.lower)-late-ack", "description": "x", "effect": "permit", "permissions": ["*:*"],
            ] as [String: Any]]) } },
            positive: (.ok, { own in Probe(uri: "/api/v1/policies/\(own.id("policy"))", body: ["policy": [
                "id": "\(own.lower)-late-ack", "description": "still late", "effect": "deny", "permissions": ["alarms:ack"],
            ] as [String: Any]]) })),
        "DELETE /api/v1/policies/:id": RouteFixture(
            probes: { t in t.ids("policy").map { Probe(uri: "/api/v1/policies/\($0)") } },
            positive: (.noContent, { own in Probe(uri: "/api/v1/policies/\(own.id("policy"))") })),

        // Menus and applications (B1): platform-wide, edited only at a root.
        "GET /api/v1/menus": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/menus")] }, listsOnly: true,
                                          positive: (.ok, { _ in Probe(uri: "/api/v1/menus") })),
        "GET /api/v1/applications": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/applications")] }, listsOnly: true,
                                                 positive: (.ok, { _ in Probe(uri: "/api/v1/applications") })),
        "GET /api/v1/menu-items": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/menu-items")] }),
        "POST /api/v1/menu-items": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/menu-items", body: [
            "name_zh": "入侵", "name_en": "intrusion", "link": "/x", "category": "system"])] }),
        "PATCH /api/v1/menu-items/:id": RouteFixture(
            probes: { t in (t.shared["menu"] ?? []).prefix(5).map { Probe(uri: "/api/v1/menu-items/\($0)", body: ["link": "/evil"]) } }),
        "DELETE /api/v1/menu-items/:id": RouteFixture(
            probes: { t in (t.shared["menu"] ?? []).suffix(5).map { Probe(uri: "/api/v1/menu-items/\($0)") } }),

        // Edge agents and their credentials (B2, S3).
        "GET /api/v1/agents": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/agents")] }, listsOnly: true,
                                           positive: (.ok, { _ in Probe(uri: "/api/v1/agents") })),
        "POST /api/v1/agents": RouteFixture(
            probes: { t in t.organisationIDs.map {
                Probe(uri: "/api/v1/agents", body: ["name": "intruder-\($0.prefix(8))", "site_id": $0])
            } },
            positive: (.created, { own in Probe(uri: "/api/v1/agents", body: ["name": "\(own.lower)-gw-2",
                                                                              "site_id": own.siteIDs[1]]) })),
        "GET /api/v1/agents/:id": RouteFixture(
            probes: { t in (t.ids("agent") + random).map { Probe(uri: "/api/v1/agents/\($0)") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/agents/\(own.id("agent"))") })),
        "POST /api/v1/agents/:id/credentials": RouteFixture(
            probes: { t in t.ids("agent").map { Probe(uri: "/api/v1/agents/\($0)/credentials", body: ["overlap_seconds": 0]) } },
            positive: (.created, { own in Probe(uri: "/api/v1/agents/\(own.id("agent"))/credentials",
                                                body: ["overlap_seconds": 3600]) })),
        "GET /api/v1/agents/:id/credentials": RouteFixture(
            probes: { t in t.ids("agent").map { Probe(uri: "/api/v1/agents/\($0)/credentials") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/agents/\(own.id("agent"))/credentials") })),
        "DELETE /api/v1/agents/:id/credentials/:credential": RouteFixture(
            probes: { t in [Probe(uri: "/api/v1/agents/\(t.id("agent"))/credentials/\(t.id("credential"))")] },
            positive: (.noContent, { own in Probe(uri: "/api/v1/agents/\(own.id("agent"))/credentials/\(own.id("credential"))") })),
        "POST /api/v1/agents/:id/disable": RouteFixture(
            probes: { t in t.ids("agent").map { Probe(uri: "/api/v1/agents/\($0)/disable") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/agents/\(own.id("agent"))/disable") })),
        "GET /api/v1/agent/whoami": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/agent/whoami")] }, listsOnly: true),

        // Audit (B4).
        "GET /api/v1/audit": RouteFixture(
            probes: { t in [Probe(uri: "/api/v1/audit")] + t.organisationIDs.map { Probe(uri: "/api/v1/audit?organisation_id=\($0)") }
                + t.userIDs.map { Probe(uri: "/api/v1/audit?actor_id=\($0)") } }, listsOnly: true,
            positive: (.ok, { own in Probe(uri: "/api/v1/audit?organisation_id=\(own.groupID)") })),
        "GET /api/v1/audit/export": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/audit/export")] }),
        // Ingest and history (M1, M2).
        "POST /api/v1/ingest/batches": RouteFixture(
            probes: { t in
                // The target tenant's agent's batch, replayed or altered by someone else: refused.
                guard let batch = try? IsolationWorld.batch(for: t),
                      let json = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(batch)) else { return [] }
                return [Probe(uri: "/api/v1/ingest/batches", body: json)]
            }),
        "GET /api/v1/series": RouteFixture(
            probes: { t in [Probe(uri: "/api/v1/series")] + t.siteIDs.map { Probe(uri: "/api/v1/series?site_id=\($0)") } },
            listsOnly: true, positive: (.ok, { _ in Probe(uri: "/api/v1/series") })),
        "GET /api/v1/readings": RouteFixture(
            probes: { t in t.ids("series").map { Probe(uri: "/api/v1/readings?series_id=\($0)&from=2025-11-25T00:00:00Z") }
                + ["co2", "flow"].map { Probe(uri: "/api/v1/readings?site_id=\(t.siteIDs[0])&tag=\(t.lower).\($0)&from=2025-11-25T00:00:00Z") }
                + t.ids("series").map { Probe(uri: "/api/v1/readings?series_id=\($0)&interval=1h&agg=sum&from=2025-11-25T00:00:00Z") } },
            positive: (.ok, { own in Probe(uri: "/api/v1/readings?series_id=\(own.id("series"))&from=2025-11-25T00:00:00Z") })),
        "GET /api/v1/readings/export": RouteFixture(
            probes: { t in t.ids("series").flatMap { id in ["csv", "json"].map {
                Probe(uri: "/api/v1/readings/export?series_id=\(id)&format=\($0)&from=2025-11-25T00:00:00Z")
            } } },
            positive: (.ok, { own in Probe(uri: "/api/v1/readings/export?series_id=\(own.id("series"))&format=csv&from=2025-11-25T00:00:00Z") })),
    ] }
}
