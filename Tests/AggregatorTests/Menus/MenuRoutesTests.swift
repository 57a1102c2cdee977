import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct MenuRoutesTests {
    static let systemID = MenuSeed.id(8)

    @Test func theSeededTreeIsValidAndAdministratorsSeeAllOfIt() async throws {
        for item in MenuSeed.items {
            if let permission = item.permission {
                #expect(PermissionCatalogue.permissions.contains(Permission(stringLiteral: permission)), "\(permission)")
            }
            _ = try MenuValidation.link(item.link)
            _ = try MenuValidation.category(item.category)
            _ = try MenuValidation.theme(item.theme)
        }
        let app = try await TestApp.make()
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let reply = try await client.json(.get, "/api/v1/menus", token: admin)
            #expect(reply.status == .ok)
            let top = try #require(field(reply.body, "menus") as? [[String: Any]])
            #expect(top.map { $0["name_en"] as? String } == [
                "Monitoring", "Accounting", "Reduction", "Assets", "Trading", "Knowledge", "Dashboard", "System",
            ])
            #expect(top.map { $0["name_zh"] as? String }.first == "监测")
            let system = try #require(top.last?["children"] as? [[String: Any]])
            #expect(system.map { $0["link"] as? String }.contains("/system/audit"))
            #expect(system.first?["permission"] as? String == "users:read")
            #expect(top.first?["parent_id"] is NSNull)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func anOperatorSeesOnlyWhatTheirRoleAllows(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let tenant = try await app.organisation("Tenant", under: app.rootID)
        try await app.person("op", .operator, at: tenant)
        try await app.application().test(.router) { client in
            let token = try await client.login("op", TestApp.adminPassword)
            let reply = try await client.json(.get, "/api/v1/menus", token: token)
            let top = try #require(field(reply.body, "menus") as? [[String: Any]])
            // Operators hold organisations:read (to find their way around), so System keeps that one entry.
            #expect(top.map { $0["name_en"] as? String } == ["Monitoring", "Dashboard", "System"])
            let monitoring = top.first?["children"] as? [[String: Any]] ?? []
            #expect(monitoring.map { $0["name_en"] as? String } == ["Readings", "Alarms"])
            let system = top.last?["children"] as? [[String: Any]] ?? []
            #expect(system.map { $0["name_en"] as? String } == ["Organisations"])

            let applications = try await client.json(.get, "/api/v1/applications", token: token)
            #expect(applications.status == .ok)
            let categories = try #require(field(applications.body, "categories") as? [[String: Any]])
            #expect(categories.map { $0["category"] as? String } == ["monitoring", "cockpit", "system"])
            let themes = categories.first?["themes"] as? [[String: Any]] ?? []
            #expect(themes.map { $0["theme"] as? String } == ["telemetry", "alarms"])
            #expect(field(themes, "1", "applications", "0", "link") as? String == "/monitoring/alarms")
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func anAdministratorOfARootEditsTheTree(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let created = try await client.json(.post, "/api/v1/menu-items", token: admin, body: [
                "parent_id": Self.systemID, "name_zh": "设置", "name_en": "Settings", "icon": "cog", "link": "/system/settings",
                "permission": "organisations:update", "category": "system", "theme": "access",
            ])
            #expect(created.status == .created, "\(created.raw)")
            let id = try #require(field(created.body, "id") as? String)
            #expect(field(created.body, "sort_order") as? Int == 80)
            let child = try await client.json(.post, "/api/v1/menu-items", token: admin, body: [
                "parent_id": id, "name_zh": "时区", "name_en": "Time zones", "link": "/system/settings/zones",
                "category": "system",
            ])
            let childID = try #require(field(child.body, "id") as? String)

            let cycle = try await client.json(.patch, "/api/v1/menu-items/\(id)", token: admin, body: ["parent_id": childID])
            #expect(cycle.status == .unprocessableContent && field(cycle.body, "error", "field") as? String == "parent_id")
            let itself = try await client.json(.patch, "/api/v1/menu-items/\(id)", token: admin, body: ["parent_id": id])
            #expect(itself.status == .unprocessableContent)

            let moved = try await client.json(.patch, "/api/v1/menu-items/\(id)", token: admin,
                                              body: ["parent_id": NSNull(), "sort_order": 5, "permission": NSNull()])
            #expect(moved.status == .ok, "\(moved.raw)")
            #expect(field(moved.body, "parent_id") is NSNull && field(moved.body, "permission") is NSNull)
            #expect(field(moved.body, "name_en") as? String == "Settings")
            let tree = try await client.json(.get, "/api/v1/menus", token: admin)
            #expect(field(tree.body, "menus", "0", "name_en") as? String == "Settings")

            let refused = try await client.json(.delete, "/api/v1/menu-items/\(id)", token: admin)
            #expect(refused.status == .conflict)
            #expect(try await client.json(.delete, "/api/v1/menu-items/\(childID)", token: admin).status == .noContent)
            #expect(try await client.json(.delete, "/api/v1/menu-items/\(id)", token: admin).status == .noContent)
            #expect(try await client.json(.delete, "/api/v1/menu-items/\(id)", token: admin).status == .notFound)
            let flat = try await client.json(.get, "/api/v1/menu-items", token: admin)
            #expect((flat.body as? [Any])?.count == MenuSeed.items.count)
        }
        #expect(try await app.auditRecords("menus.create").count == 2)
        #expect(try await app.auditRecords("menus.update").first?.details["parent_id"] == "\(Self.systemID) -> null")
        #expect(try await app.auditRecords("menus.delete").count == 2)
        await app.close()
    }

    @Test(arguments: [
        (#"{"name_zh": "x", "name_en": "X", "link": "system", "category": "system"}"#, "link"),
        (#"{"name_zh": "x", "name_en": "X", "link": "/a b", "category": "system"}"#, "link"),
        (#"{"name_zh": "x", "name_en": "X", "link": "/x", "category": "system", "permission": "menus:fly"}"#, "permission"),
        (#"{"name_zh": "x", "name_en": "X", "link": "/x", "category": "system", "parent_id": "6f1c2c84-5a8e-4c0e-9a55-3d0f5e9b2a11"}"#,
         "parent_id"),
        (#"{"name_zh": "x", "name_en": "X", "link": "/x", "category": "System"}"#, "category"),
        (#"{"name_zh": "  ", "name_en": "X", "link": "/x", "category": "system"}"#, "name_zh"),
        (#"{"name_zh": "x", "name_en": "X", "link": "/x", "category": "system", "sort_order": -1}"#, "sort_order"),
        (#"{"name_zh": "x", "name_en": "X", "link": "/x", "category": "system", "owner": "me"}"#, "owner"),
        (#"{"name_zh": "x", "link": "/x", "category": "system"}"#, "name_en"),
    ])
    func invalidItemsAreRefusedByFieldAndNothingIsWritten(_ json: String, _ name: String) async throws {
        let app = try await TestApp.make()
        let before = try await app.count("menu_items")
        try await app.application().test(.router) { client in
            let body = try JSONSerialization.jsonObject(with: Data(json.utf8))
            let admin = try await client.login("admin", TestApp.adminPassword)
            let reply = try await client.json(.post, "/api/v1/menu-items", token: admin, body: body)
            #expect(reply.status == .unprocessableContent, "\(reply.raw)")
            #expect(field(reply.body, "error", "field") as? String == name, "\(reply.raw)")
        }
        #expect(try await app.count("menu_items") == before)
        #expect(try await app.auditRecords("menus.create").isEmpty)
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aTenantAdministratorCannotEditThePlatformsMenus(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let tenant = try await app.organisation("Tenant", under: app.rootID)
        try await app.person("tenant.admin", .administrator, at: tenant)
        try await app.person("op", .operator, at: tenant)
        try await app.application().test(.router) { client in
            let tenantAdmin = try await client.login("tenant.admin", TestApp.adminPassword)
            let body: [String: Any] = ["name_zh": "x", "name_en": "X", "link": "/x", "category": "system"]
            #expect(try await client.json(.get, "/api/v1/menu-items", token: tenantAdmin).status == .forbidden)
            #expect(try await client.json(.post, "/api/v1/menu-items", token: tenantAdmin, body: body).status == .forbidden)
            let patch = try await client.json(.patch, "/api/v1/menu-items/\(Self.systemID)", token: tenantAdmin,
                                              body: ["name_en": "Mine"])
            #expect(patch.status == .forbidden)
            #expect(try await client.json(.delete, "/api/v1/menu-items/\(MenuSeed.id(87))", token: tenantAdmin).status
                        == .forbidden)
            let op = try await client.login("op", TestApp.adminPassword)
            #expect(try await client.json(.post, "/api/v1/menu-items", token: op, body: body).status == .forbidden)
            // The tenant's administrator still sees the whole tree: every screen is usable in their subtree.
            let tree = try await client.json(.get, "/api/v1/menus", token: tenantAdmin)
            #expect((field(tree.body, "menus") as? [Any])?.count == 8)
        }
        #expect(try await app.count("menu_items") == Int64(MenuSeed.items.count))
        #expect(try await app.auditRecords("menus.edit").count == 4)
        await app.close()
    }
}
