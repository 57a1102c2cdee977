import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

/// Every permission denial is audited: route-level refusals and object-level ones, even when the
/// reply is a 404 so that ids cannot be probed.
@Suite struct DenialAuditTests {
    @Test(arguments: TestBackend.enabled)
    func anObjectLevelRefusalAnswers404AndIsAudited(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let alpha = try await app.organisation("Alpha", under: app.rootID)
        let bravo = try await app.organisation("Bravo", under: app.rootID)
        try await app.person("alice", .administrator, at: alpha)
        try await app.application().test(.router) { client in
            let token = try await client.login("alice", TestApp.adminPassword)
            let hidden = try await client.json(.get, "/api/v1/organisations/\(bravo)", token: token)
            let missing = try await client.json(.get, "/api/v1/organisations/\(UUID().uuidString.lowercased())", token: token)
            #expect(hidden.status == .notFound && missing.status == .notFound)
            #expect(field(hidden.body, "error", "message") as? String == field(missing.body, "error", "message") as? String)
            let refusedRename = try await client.json(.patch, "/api/v1/organisations/\(bravo)", token: token,
                                                      body: ["name": "mine now"])
            #expect(refusedRename.status == .notFound)
        }
        let denials = try await app.database.read { connection in
            try connection.query("SELECT * FROM audit_log WHERE outcome = 'denied' ORDER BY sequence").map(Auditor.decodeRecord)
        }
        #expect(denials.map(\.action) == ["GET /api/v1/organisations/:id", "PATCH /api/v1/organisations/:id"])
        #expect(denials.allSatisfy { $0.actorKind == "user" && ($0.details["reason"] ?? "").isEmpty == false })
        await app.close()
    }
}
