import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import Aggregator

/// Two tenant subtrees under the platform root, each with its own administrator, for the
/// identity administration suites:
///
///     root (platform admin "admin")
///     ├── tenant A (admin "alice")  └── site A1
///     └── tenant B (admin "bob")    └── site B1
struct Tenants {
    static let password = "a long enough secret"
    let rootToken: String
    let tenantA: String, siteA: String
    let tenantB: String, siteB: String
    let aliceID: String, aliceToken: String
    let bobID: String, bobToken: String

    static func make(_ client: some TestClientProtocol, _ app: TestApp) async throws -> Tenants {
        let root = try await client.login("admin", TestApp.adminPassword)
        let tenantA = try await client.organisation(root, parent: app.rootID, name: "Tenant A", kind: "group")
        let tenantB = try await client.organisation(root, parent: app.rootID, name: "Tenant B", kind: "group")
        let siteA = try await client.organisation(root, parent: tenantA, name: "Site A1", kind: "site")
        let siteB = try await client.organisation(root, parent: tenantB, name: "Site B1", kind: "site")
        let alice = try await client.user(root, "alice", at: tenantA, role: .administrator)
        let bob = try await client.user(root, "bob", at: tenantB, role: .administrator)
        return Tenants(rootToken: root, tenantA: tenantA, siteA: siteA, tenantB: tenantB, siteB: siteB,
                       aliceID: alice, aliceToken: try await client.login("alice", password),
                       bobID: bob, bobToken: try await client.login("bob", password))
    }
}

extension TestClientProtocol {
    func organisation(_ token: String, parent: String, name: String, kind: String, timeZone: String? = nil) async throws
        -> String
    {
        var body: [String: Any] = ["parent_id": parent, "name": name, "kind": kind]
        body["time_zone"] = timeZone
        let reply = try await json(.post, "/api/v1/organisations", token: token, body: body)
        #expect(reply.status == .created, "organisation \(name): \(reply.raw)")
        return field(reply.body, "id") as? String ?? ""
    }

    func user(_ token: String, _ username: String, at organisation: String, role: BuiltInRole) async throws -> String {
        try await user(token, username, at: organisation, roleID: RoleRecord.builtInID(role))
    }

    func user(_ token: String, _ username: String, at organisation: String, roleID: String) async throws -> String {
        let reply = try await json(.post, "/api/v1/users", token: token, body: [
            "username": username, "display_name": username.capitalized, "password": Tenants.password,
            "organisation_id": organisation, "role_id": roleID,
        ])
        #expect(reply.status == .created, "user \(username): \(reply.raw)")
        return field(reply.body, "id") as? String ?? ""
    }

    func csv(_ uri: String, token: String, _ text: String) async throws -> (status: HTTPResponse.Status, body: Any, raw: String) {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        headers[.contentType] = "text/csv; charset=utf-8"
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: text)) { response in
            let raw = String(buffer: response.body)
            return (response.status, (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) ?? NSNull(), raw)
        }
    }
}

extension TestApp {

    func auditActions() async throws -> [String] {
        try await database.read { try $0.query("SELECT action FROM audit_log ORDER BY sequence").map { try $0.text("action") } }
    }
}

/// `ids` of the objects in a JSON array reply.
func ids(_ body: Any) -> [String] {
    (body as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
}
