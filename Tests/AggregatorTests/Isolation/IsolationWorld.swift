import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

/// Two tenants under one platform root, each with a group, several sites and people in several
/// roles. Everything tenant B owns carries the marker `BRAVO` in its name, so a leak shows up as
/// that word (or one of B's ids) in a response to one of A's people.
struct IsolationTenant {
    let label: String
    var groupID = ""
    var siteIDs: [String] = []
    var organisationIDs: [String] { [groupID] + siteIDs }
    var userIDs: [String] = []
    /// username → session token, for the tenant's administrator, operator, analyst and auditor.
    var tokens: [String: String] = [:]
    /// Ids of other kinds of objects, filled by modules' fixtures (roles, policies, agents, …).
    var objects: [String: [String]] = [:]
    /// Platform-wide objects both tenants see (menu items): probed, but not leaks when shown.
    var shared: [String: [String]] = [:]

    var adminToken: String { tokens["\(label.lowercased())-admin"] ?? "" }
    var allIDs: [String] { organisationIDs + userIDs + objects.values.flatMap { $0 } }
    func ids(_ kind: String) -> [String] { objects[kind] ?? [] }
    func id(_ kind: String, _ index: Int = 0) -> String { ids(kind).count > index ? ids(kind)[index] : "" }
    var lower: String { label.lowercased() }
}

struct IsolationWorld {
    var alpha = IsolationTenant(label: "ALPHA")
    var bravo = IsolationTenant(label: "BRAVO")
    let app: TestApp

    /// Builds both tenants through the API, as an administrator would.
    static func build(app: TestApp, client: some TestClientProtocol) async throws -> IsolationWorld {
        var world = IsolationWorld(app: app)
        let root = try await client.login("admin", TestApp.adminPassword)
        world.alpha = try await tenant("ALPHA", app: app, root: root, client: client)
        world.bravo = try await tenant("BRAVO", app: app, root: root, client: client)
        let menu = try await client.json(.get, "/api/v1/menu-items", token: root)
        let menuIDs = (menu.body as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        world.alpha.shared["menu"] = menuIDs
        world.bravo.shared["menu"] = menuIDs
        return world
    }

    private static func tenant(_ label: String, app: TestApp, root: String, client: some TestClientProtocol) async throws
        -> IsolationTenant
    {
        var tenant = IsolationTenant(label: label)
        let group = try await client.json(.post, "/api/v1/organisations", token: root,
                                          body: ["parent_id": app.rootID, "name": "\(label) group", "kind": "group"])
        tenant.groupID = try #require(field(group.body, "id") as? String, "\(group.raw)")
        for index in 1...5 {
            let site = try await client.json(.post, "/api/v1/organisations", token: root,
                                             body: ["parent_id": tenant.groupID, "name": "\(label) site \(index)", "kind": "site"])
            tenant.siteIDs.append(try #require(field(site.body, "id") as? String))
        }
        // People are created directly in the database (the users API is tested on its own): the
        // isolation test must not depend on it to set up its world.
        for role in [BuiltInRole.administrator, .operator, .analyst, .auditor] {
            let username = "\(label.lowercased())-\(role == .administrator ? "admin" : role.rawValue)"
            let organisation = role == .operator ? tenant.siteIDs[0] : tenant.groupID
            let id = try await app.person(username, role, at: organisation, displayName: "\(label) \(role.rawValue)")
            tenant.userIDs.append(id)
            tenant.tokens[username] = try await client.login(username, TestApp.adminPassword)
        }
        try await objects(of: &tenant, root: root, client: client)
        return tenant
    }
}

extension IsolationWorld {
    /// The tenant's other objects, created through the API by the platform administrator: a custom
    /// role, an ABAC policy, an edge agent with its credential, and two pending registrations.
    fileprivate static func objects(of tenant: inout IsolationTenant, root: String, client: some TestClientProtocol)
        async throws
    {
        let label = tenant.label, lower = tenant.lower
        let role = try await client.json(.post, "/api/v1/roles", token: root, body: [
            "name": "\(lower)-reader", "description": "\(label) readers", "permissions": ["readings:read"],
            "organisation_id": tenant.groupID,
        ])
        tenant.objects["role"] = [try #require(field(role.body, "id") as? String, "\(role.raw)")]
        let policy = try await client.json(.post, "/api/v1/policies", token: root, body: [
            "organisation_id": tenant.groupID,
            "policy": ["id": "\(lower)-late-ack", "description": "\(label) no late acknowledgements", "effect": "deny",
                       "permissions": ["alarms:ack"], "roles": ["operator"],
                       "conditions": [["local_time": ["from": "23:00", "to": "23:30"]]]] as [String: Any],
        ])
        tenant.objects["policy"] = [try #require(field(policy.body, "id") as? String, "\(policy.raw)")]
        let agent = try await client.json(.post, "/api/v1/agents", token: root,
                                          body: ["name": "\(lower)-gw-1", "site_id": tenant.siteIDs[0]])
        tenant.objects["agent"] = [try #require(field(agent.body, "agent", "id") as? String, "\(agent.raw)")]
        tenant.objects["credential"] = [try #require(field(agent.body, "credential", "id") as? String)]
        tenant.tokens["\(lower)-gw-1"] = try #require(field(agent.body, "credential", "token") as? String)
        var pending: [String] = []
        for suffix in ["pending", "pending-two"] {
            let registered = try await client.json(.post, "/api/v1/auth/register", body: [
                "username": "\(lower)-\(suffix)", "display_name": "\(label) \(suffix)", "password": TestApp.adminPassword,
                "requested_organisation_id": tenant.groupID,
            ])
            pending.append(try #require(field(registered.body, "id") as? String, "\(registered.raw)"))
        }
        tenant.objects["pending"] = pending

        // Telemetry: the agent delivers one batch, so the tenant has series and readings.
        let batch = try Self.batch(for: tenant)
        let delivered = try await client.json(.post, "/api/v1/ingest/batches", token: tenant.tokens["\(lower)-gw-1"],
                                              body: try JSONSerialization.jsonObject(with: JSONEncoder().encode(batch)))
        #expect(delivered.status == .ok, "\(delivered.raw)")
        let series = try await client.json(.get, "/api/v1/series", token: root)
        tenant.objects["series"] = (series.body as? [[String: Any]] ?? []).filter {
            ($0["tag"] as? String)?.hasPrefix(lower) == true
        }.compactMap { $0["id"].map { "\($0)" } }
        #expect(tenant.ids("series").count == 2, "\(series.raw)")
        for seed in moduleSeeds { try await seed(&tenant, root, client) }
    }

    /// A module's own objects for a tenant (alarms, inventories, products, ...), created after the
    /// identity objects above. Each module adds one seed here, in its own `IsolationWorld+Module.swift`.
    typealias Seed = (inout IsolationTenant, _ root: String, _ client: any TestClientProtocol) async throws -> Void
    static var moduleSeeds: [Seed] { [productsSeed, reportsSeed, alarmSeed, importsSeed, accountingSeed, regionalSeed, alarmRulesSeed] }

    /// Two tags of ten readings each, stamped an hour before the test clock.
    static func batch(for tenant: IsolationTenant, epoch: UUID = UUID()) throws -> ReadingBatch {
        let start: Int64 = 1_764_061_200_000
        var readings: [ReadingBatch.Reading] = []
        for seq in Int64(1)...20 {
            let even = seq % 2 == 0
            let tag = tenant.lower + (even ? ".co2" : ".flow")
            let value = Decimal(seq) * 10
            readings.append(ReadingBatch.Reading(seq: seq, tag: tag, unit: even ? "ppm" : "Nm3/h",
                                                 timeMilliseconds: start + seq * 1000, value: value, quality: .good))
        }
        return try ReadingBatch(agentID: "\(tenant.lower)-gw-1", storeEpoch: epoch, readings: readings)
    }
}

/// One request a fixture builds against a target tenant's objects.
struct Probe {
    let uri: String
    var body: Any? = nil
}

/// How to exercise one route across tenants.
struct RouteFixture {
    /// Requests aimed at `target`'s objects. Run with A's people against B: every one must fail
    /// (or, for list and self routes, succeed without showing B's data).
    let probes: (_ target: IsolationTenant) -> [Probe]
    /// True for routes whose success is fine as long as nothing of B's shows (lists, own profile).
    var listsOnly = false
    /// The positive control: A's administrator on A's objects gets this status.
    var positive: (status: HTTPResponse.Status, probe: (_ own: IsolationTenant) -> Probe)? = nil
}
