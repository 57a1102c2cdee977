import Foundation
import Testing

@testable import CarbonCtl

/// `carbonctl admin users|roles|memberships|policies|menus` end to end against a real aggregator.
extension AdminCommandTests {
    @Test(.enabled(if: FileManager.default.fileExists(
        atPath: CommandRun.productsDirectory.appendingPathComponent("aggregator").path)))
    func administersUsersRolesMembershipsPoliciesAndMenus() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("carbonctl-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ name: String, _ text: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        func object(_ text: String) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }
        let passwordFile = try file("password", "a long enough password 1\n")
        let boot = try CommandRun.run("aggregator", ["bootstrap-admin", "--state-dir", directory.path,
                                                     "--password-file", passwordFile])
        #expect(boot.status == 0, "\(boot.stderr)")
        let rootID = try #require(boot.stdout.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        let server = try AggregatorProcess(stateDirectory: directory.path)
        defer { try? server.stop() }
        let tokenFile = directory.appendingPathComponent("admin-token").path
        func carbonctl(_ arguments: [String], stdin: String? = nil, token: String? = nil) throws -> CommandRun {
            try CommandRun.run("carbonctl", ["admin"] + arguments + ["--server", server.url, "--token-file", token ?? tokenFile],
                               stdin: stdin)
        }
        let login = try carbonctl(["login", "--username", "admin"], stdin: "a long enough password 1\n")
        #expect(login.status == 0, "\(login.stderr)")
        let site = try carbonctl(["orgs", "create", "--parent", rootID, "--name", "Plant 7", "--kind", "site", "--format", "json"])
        let siteID = try #require(object(site.stdout)["id"] as? String, "\(site.stderr)")

        // Roles: a custom role at the site, listed next to the built-ins.
        let role = try carbonctl(["roles", "create", "--name", "shift-lead", "--description", "Leads a shift",
                                  "--organisation", siteID, "--permission", "alarms:read", "--permission", "alarms:ack"])
        #expect(role.status == 0 && role.stdout.contains("shift-lead") && role.stdout.contains("alarms:ack"), "\(role.stderr)")
        let roles = try carbonctl(["roles", "list"])
        #expect(roles.stdout.hasPrefix("ID ") && roles.stdout.contains("shift-lead") && roles.stdout.contains("administrator"))

        // Users: created with a role given by name, found in the list; a registration rejected.
        let created = try carbonctl(["users", "create", "--username", "wei.zhang", "--display-name", "Zhang Wei",
                                     "--email", "wei@example.com", "--organisation", siteID, "--role", "operator",
                                     "--format", "json"], stdin: "another long password 2\n")
        #expect(created.status == 0, "\(created.stderr)")
        let weiID = try #require(object(created.stdout)["id"] as? String)
        let users = try carbonctl(["users", "list", "--query", "wei"])
        #expect(users.stdout.contains("wei.zhang") && users.stdout.contains("active"), "\(users.stderr)")
        let registration = try AdminClient(server: server.url, token: nil).json("POST", "/api/v1/auth/register", body: [
            "username": "li.na", "display_name": "Li Na", "password": "a third long password 3",
            "requested_organisation_id": siteID,
        ])
        let liID = try #require((registration as? [String: Any])?["id"] as? String)
        let rejected = try carbonctl(["users", "reject", liID])
        #expect(rejected.status == 0 && rejected.stdout.contains("rejected"), "\(rejected.stderr)")
        let disabled = try carbonctl(["users", "disable", weiID])
        let enabled = try carbonctl(["users", "enable", weiID])
        #expect(disabled.stdout.contains("disabled") && enabled.stdout.contains("active"), "\(enabled.stderr)")
        let reset = try carbonctl(["users", "reset-password", weiID], stdin: "a new long password 4\n")
        #expect(reset.status == 0 && reset.stdout.contains("reset"), "\(reset.stderr)")

        // Memberships: a CSV with one bad line binds nothing and names the line; without it, binds.
        let header = "username,organisation_id,role\n", good = "wei.zhang,\(siteID),shift-lead\n"
        let bad = try carbonctl(["memberships", "bind", "--csv", try file("bad.csv", header + good + "nobody,\(siteID),operator\n")])
        #expect(bad.status == 2 && bad.stdout.isEmpty)
        let lines = bad.stderr.split(separator: "\n")
        #expect(lines.count == 2 && lines.first?.contains("1 of 2 items are invalid") == true, "\(bad.stderr)")
        #expect(lines.last == "carbonctl: line 3: unknown user", "\(bad.stderr)")
        func weiRoles() throws -> [String] {
            let list = try carbonctl(["users", "list", "--query", "wei", "--format", "json"])
            let user = AdminOutput.rows(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8))).first
            return (user?["memberships"] as? [[String: Any]] ?? []).compactMap { $0["role"] as? String }.sorted()
        }
        #expect(try weiRoles() == ["operator"])
        let bound = try carbonctl(["memberships", "bind", "--csv", "-"], stdin: header + good)
        #expect(bound.status == 0 && bound.stdout.contains("line 2") && bound.stdout.hasSuffix("1 bound, 0 already\n"),
                "\(bound.stdout) \(bound.stderr)")
        #expect(try weiRoles() == ["operator", "shift-lead"])
        let unbound = try carbonctl(["memberships", "unbind", "--user", "wei.zhang", "--organisation", siteID,
                                     "--role", "shift-lead"])
        #expect(unbound.status == 0 && unbound.stdout.contains("item 0") && unbound.stdout.hasSuffix("1 unbound, 0 absent\n"),
                "\(unbound.stdout) \(unbound.stderr)")
        let deleted = try carbonctl(["roles", "delete", "shift-lead"])
        #expect(deleted.status == 0 && deleted.stdout == "deleted role shift-lead\n", "\(deleted.stderr)")

        // Policies: added from a file, listed by the document's id, deleted by it.
        let policy = try file("policy.json", #"""
            {"id": "ack-office-hours", "description": "Acknowledge only in office hours", "effect": "deny",
             "permissions": ["alarms:ack"], "roles": ["operator"], "conditions": [{"local_time": {"from": "18:00", "to": "08:00"}}]}
            """#)
        let added = try carbonctl(["policies", "create", "--organisation", siteID, "--file", policy])
        #expect(added.status == 0 && added.stdout.contains("ack-office-hours"), "\(added.stderr)")
        let policies = try carbonctl(["policies", "list"])
        #expect(policies.stdout.contains("ack-office-hours") && policies.stdout.contains("deny"))
        let removed = try carbonctl(["policies", "delete", "ack-office-hours"])
        let remaining = try carbonctl(["policies", "list"])
        #expect(removed.status == 0 && remaining.stdout == "no policies\n", "\(removed.stderr)")

        // Menus: the administrator's whole tree; the operator's without what an operator may not use.
        let menus = try carbonctl(["menus"])
        #expect(menus.status == 0 && menus.stdout.hasPrefix("NAME "), "\(menus.stderr)")
        let menuLines = menus.stdout.split(separator: "\n").map(String.init)
        #expect(menuLines.contains { $0.hasPrefix("系统 ") && $0.contains("System") })
        #expect(menuLines.contains { $0.hasPrefix("  菜单 ") && $0.contains("Menus") && $0.hasSuffix("/system/menus") })
        let weiToken = directory.appendingPathComponent("wei-token").path
        let weiLogin = try CommandRun.run("carbonctl", ["admin", "login", "--server", server.url, "--username", "wei.zhang",
                                                        "--token-file", weiToken], stdin: "a new long password 4\n")
        #expect(weiLogin.status == 0, "\(weiLogin.stderr)")
        let operatorMenus = try carbonctl(["menus"], token: weiToken)
        #expect(operatorMenus.status == 0 && operatorMenus.stdout.contains("报警") && !operatorMenus.stdout.contains("菜单"),
                "\(operatorMenus.stdout) \(operatorMenus.stderr)")
    }
}
