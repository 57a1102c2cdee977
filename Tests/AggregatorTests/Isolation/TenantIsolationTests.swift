import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

/// Walks the route table: every authenticated route has a fixture; with it, each of tenant A's
/// people tries to read or change tenant B's objects (by id, by guessed id, through bodies that
/// reference them, through lists). None may succeed, and nothing of B's may appear in any reply.
/// The positive control shows that the same route works for A on A's own objects, so a route that
/// refuses everything cannot pass for an isolated one.
@Suite struct TenantIsolationTests {
    @Test(arguments: TestBackend.enabled)
    func noRouteLetsOneTenantReadOrChangeAnothersObjects(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let catalogue = try app.catalogue()
        try await app.application().test(.router) { client in
            let world = try await IsolationWorld.build(app: app, client: client)
            let before = try await snapshot(app, world.bravo)

            var missing: [String] = []
            var attempts = 0, succeeded: [String] = [], leaks: [String] = []
            let routes = catalogue.specs.filter { $0.access != .publicRoute }
            for spec in routes {
                let key = "\(spec.method.rawValue) \(spec.path)"
                guard let fixture = IsolationFixtures.all[key] else {
                    missing.append(key)
                    continue
                }
                for (username, token) in world.alpha.tokens.sorted(by: { $0.key < $1.key }) {
                    for probe in fixture.probes(world.bravo) {
                        attempts += 1
                        let reply = try await client.json(spec.method, probe.uri, token: token, body: probe.body)
                        if !fixture.listsOnly && (200..<300).contains(reply.status.code) {
                            succeeded.append("\(username): \(key) \(probe.uri) → \(reply.status.code)")
                        }
                        if reply.status.code >= 500 { succeeded.append("\(username): \(key) → \(reply.status.code)") }
                        if let leaked = leak(in: reply.raw, of: world.bravo) {
                            leaks.append("\(username): \(key) \(probe.uri) shows \(leaked)")
                        }
                    }
                }
            }
            #expect(missing.isEmpty, "routes without an isolation fixture: \(missing)")
            #expect(succeeded.isEmpty, "cross-tenant requests that succeeded: \(succeeded.prefix(20))")
            #expect(leaks.isEmpty, "tenant B's data in tenant A's replies: \(leaks.prefix(20))")
            #expect(attempts >= 500, "only \(attempts) attempts")
            print("tenant isolation (\(backend)): \(routes.count) routes, \(attempts) cross-tenant attempts, \(succeeded.count) succeeded, \(leaks.count) leaks")
            #expect(try await snapshot(app, world.bravo) == before, "tenant B's objects changed")

            // Positive controls, destructive ones last so they do not disturb the others.
            let ordered = routes.sorted { ($0.method == .delete ? 1 : 0) < ($1.method == .delete ? 1 : 0) }
            for spec in ordered {
                guard let positive = IsolationFixtures.all["\(spec.method.rawValue) \(spec.path)"]?.positive else { continue }
                let probe = positive.probe(world.alpha)
                let reply = try await client.json(spec.method, probe.uri, token: world.alpha.adminToken, body: probe.body)
                #expect(reply.status == positive.status, "positive control \(spec.method) \(probe.uri): \(reply.raw)")
            }
        }
        await app.close()
    }

    /// B's ids and the `BRAVO` marker; the reply to A must contain neither.
    private func leak(in raw: String, of bravo: IsolationTenant) -> String? {
        if raw.range(of: "bravo", options: .caseInsensitive) != nil { return "the BRAVO marker" }
        // UUIDs are matched anywhere; short numeric ids (series) only as a JSON id value.
        return bravo.allIDs.first { id in
            guard id.allSatisfy(\.isNumber) else { return raw.contains(id) }
            return raw.range(of: #""(id|series_id)":\s*"?\#(id)"?[,}\]]"#, options: .regularExpression) != nil
        }
    }

    /// Every row of B's organisations, users and memberships, to show nothing of B's changed.
    private func snapshot(_ app: TestApp, _ bravo: IsolationTenant) async throws -> [String] {
        try await app.database.read { connection in
            var rows: [String] = []
            for id in bravo.organisationIDs {
                rows += try connection.query("SELECT id, parent_id, path, name, kind, time_zone FROM organisations WHERE id = $1",
                                             .text(id)).map { "\($0.values)" }
            }
            for id in bravo.userIDs {
                rows += try connection.query("SELECT id, username, status, password_hash FROM users WHERE id = $1", .text(id))
                    .map { "\($0.values)" }
                rows += try connection.query("SELECT * FROM memberships WHERE user_id = $1 ORDER BY role_id", .text(id))
                    .map { "\($0.values)" }
            }
            return rows
        }
    }
}
