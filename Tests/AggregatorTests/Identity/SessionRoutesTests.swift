import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct SessionRoutesTests {
    @Test(arguments: TestBackend.enabled)
    func theAdministratorLogsInAndSeesTheirProfileAndPermissions(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            #expect(token.hasPrefix("cps_"))
            let me = try await client.json(.get, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            #expect(field(me.body, "user", "username") as? String == "admin")
            #expect(field(me.body, "memberships", "0", "role") as? String == "administrator")
            let permissions = try await client.json(.get, "/api/v1/me/permissions", token: token)
            let all = field(permissions.body, "all") as? [String] ?? []
            #expect(all.contains("organisations:create") && all.contains("audit:read"))
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aWrongPasswordAndAnUnknownUserGetTheSameAnswer(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let wrong = try await client.json(.post, "/api/v1/auth/login", body: ["username": "admin", "password": "nope nope nope"])
            let unknown = try await client.json(.post, "/api/v1/auth/login", body: ["username": "ghost", "password": "nope nope nope"])
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(field(wrong.body, "error", "message") as? String == field(unknown.body, "error", "message") as? String)
            #expect(field(wrong.body, "error", "code") as? String == "invalid_credentials")
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func repeatedFailuresLockTheAccountEvenForTheRightPassword(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            for _ in 0..<5 {
                try await client.json(.post, "/api/v1/auth/login", body: ["username": "admin", "password": "wrong password!"])
            }
            let locked = try await client.json(.post, "/api/v1/auth/login",
                                               body: ["username": "admin", "password": TestApp.adminPassword])
            #expect(locked.status == .tooManyRequests)
            #expect(field(locked.body, "error", "code") as? String == "locked_out")
            app.clock.advance(seconds: 16 * 60)
            _ = try await client.login("admin", TestApp.adminPassword)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func sessionsExpireAndLogoutRevokesThem(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            #expect(try await client.json(.get, "/api/v1/me", token: token).status == .ok)
            #expect(try await client.json(.post, "/api/v1/auth/logout", token: token).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/me", token: token).status == .unauthorized)

            let second = try await client.login("admin", TestApp.adminPassword)
            app.clock.advance(seconds: 12 * 3600 + 1)
            let expired = try await client.json(.get, "/api/v1/me", token: second)
            #expect(expired.status == .unauthorized)
            #expect(field(expired.body, "error", "code") as? String == "unauthenticated")
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func registrationCreatesAPendingUserWhoCannotLogIn(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let reply = try await client.json(.post, "/api/v1/auth/register", body: [
                "username": "li.wei", "display_name": "Li Wei", "password": "a long enough secret",
            ])
            #expect(reply.status == .accepted)
            #expect(field(reply.body, "status") as? String == "pending")
            let login = try await client.json(.post, "/api/v1/auth/login",
                                              body: ["username": "li.wei", "password": "a long enough secret"])
            #expect(login.status == .unauthorized)
            let taken = try await client.json(.post, "/api/v1/auth/register", body: [
                "username": "li.wei", "display_name": "Other", "password": "a long enough secret",
            ])
            #expect(taken.status == .conflict && field(taken.body, "error", "field") as? String == "username")
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aBodyCannotAssignStatusOrRole(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            for key in ["status", "role", "organisation", "owner"] {
                let reply = try await client.json(.post, "/api/v1/auth/register", body: [
                    "username": "mallory", "display_name": "M", "password": "a long enough secret", key: "active",
                ])
                #expect(reply.status == .unprocessableContent)
                #expect(field(reply.body, "error", "field") as? String == key)
            }
            let count = try await app.database.read { try $0.first("SELECT count(*) AS n FROM users")?.int64("n") }
            #expect(count == 1)
        }
        await app.close()
    }
}
