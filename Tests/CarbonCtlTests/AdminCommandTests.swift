import ArgumentParser
import Foundation
import Testing

@testable import CarbonCtl

/// `carbonctl admin` through its types, and end to end against a real aggregator process.
@Suite struct AdminCommandTests {
    @Test func parsesTheSubcommandsAndChecksArgumentsBeforeSending() throws {
        let login = try #require(
            try AdminCommand.parseAsRoot(["login", "--server", "http://h:1", "--username", "li"]) as? AdminCommand.Login)
        #expect(login.passwordFile == nil && login.tokenFile == nil)
        let approve = try #require(
            try AdminCommand.parseAsRoot(["users", "approve", "u1", "--organisation", "o1", "--role", "r1", "--role", "r2"])
                as? AdminUsersCommand.Approve)
        #expect(approve.roles == ["r1", "r2"] && approve.connection.format == "table")
        let rotate = try #require(
            try AdminCommand.parseAsRoot(["agents", "rotate", "a1", "--overlap", "0", "--format", "json"])
                as? AdminAgentsCommand.Rotate)
        #expect(rotate.overlap == 0 && rotate.connection.format == "json")
        #expect(throws: Failure.self) { _ = try AdminOutput.format("yaml") }
        #expect(throws: Failure.self) { _ = try AdminClient(server: "ftp://h", token: nil) }
        #expect(try pathSegment("a/b?c", field: "agent") == "a%2Fb%3Fc")
        let noServer = try AdminConnection.parse([])
        #expect(throws: Failure.self) { _ = try noServer.client(environment: [:]) }
    }

    @Test func parsesTheIdentityCommandsAndBuildsBulkBodies() throws {
        let create = try #require(try AdminCommand.parseAsRoot(
            ["roles", "create", "--name", "n", "--description", "d", "--organisation", "o", "--permission", "a:b",
             "--permission", "c:d"]) as? AdminRolesCommand.Create)
        #expect(create.permissions == ["a:b", "c:d"])
        #expect(try AdminCommand.parseAsRoot(["users", "reset-password", "u1"]) is AdminUsersCommand.ResetPassword)
        #expect(try AdminCommand.parseAsRoot(["menus", "--format", "json"]) is AdminMenusCommand)
        let single = try AdminMembershipsCommand.Items.parse(
            ["--user", "wei", "--organisation", "o1", "--role", "00000000-0000-4000-8000-000000000001"]).body()
        #expect(single.1 == "application/json")
        let items = try #require((try JSONSerialization.jsonObject(with: single.0) as? [String: Any])?["items"] as? [[String: String]])
        #expect(items == [["username": "wei", "organisation_id": "o1", "role_id": "00000000-0000-4000-8000-000000000001"]])
        #expect(throws: Failure.self) { _ = try AdminMembershipsCommand.Items.parse(["--user", "wei"]).body() }
        #expect(throws: Failure.self) { _ = try AdminMembershipsCommand.Items.parse(["--csv", "f", "--user", "wei"]).body() }
        let report: [String: Any] = ["bound": 1, "already": 0, "report": [["line": 2, "status": "bound"]]]
        #expect(AdminMembershipsCommand.table(report, verb: "bind") == "ITEM    STATUS  MESSAGE\nline 2  bound   -\n1 bound, 0 already\n")
    }

    @Test func theMenuTreeIsIndentedAndAlignedByDisplayWidth() {
        #expect(AdminMenusCommand.displayWidth("系统") == 4 && AdminMenusCommand.displayWidth("System") == 6)
        let tree: [[String: Any]] = [["name_zh": "系统", "name_en": "System", "link": "/system",
                                      "children": [["name_zh": "菜单", "name_en": "Menus", "link": "/system/menus", "children": []]]]]
        #expect(AdminMenusCommand.tree(tree) == """
            NAME    ENGLISH  LINK
            系统    System   /system
              菜单  Menus    /system/menus

            """)
        #expect(AdminMenusCommand.tree([]) == "no menu entries\n")
        let flat = AdminPoliciesCommand.flattened(["id": "p", "policy": ["id": "doc", "effect": "deny"]])
        #expect(flat["policy_id"] as? String == "doc" && flat["effect"] as? String == "deny")
    }

    @Test func theAPIsErrorBecomesOneLine() {
        let body = Data(#"{"error":{"code":"invalid_field","field":"kind","message":"kind must be one of: group","request_id":"x"}}"#.utf8)
        let failure = AdminClient.failure(status: 422, data: body, url: URL(string: "http://h/api/v1/organisations")!)
        #expect(failure.line == "kind: kind must be one of: group (HTTP 422)")
        let plain = AdminClient.failure(status: 502, data: Data("<html>".utf8), url: URL(string: "http://h/x")!)
        #expect(plain.line == "/x: the server answered HTTP 502")
    }

    @Test func tablesShowNullsBooleansAndIndentTheTree() {
        let rows: [[String: Any]] = [
            ["id": "r", "name": "Root", "path": ["r"], "parent_id": NSNull(), "kind": "platform", "time_zone": "UTC"],
            ["id": "s", "name": "Site", "path": ["r", "s"], "parent_id": "r", "kind": "site", "time_zone": "UTC"],
        ]
        let text = AdminOutput.table(AdminOrgsCommand.indented(rows), columns: AdminOrgsCommand.columns, empty: "none")
        #expect(text.contains("Root  ") && text.contains("  Site") && text.contains("-"))
        let parsed = try? JSONSerialization.jsonObject(with: Data(#"{"a":true,"b":1}"#.utf8)) as? [String: Any]
        #expect(AdminOutput.cell(parsed?["a"]) == "true" && AdminOutput.cell(parsed?["b"]) == "1")
    }

    @Test(.enabled(if: FileManager.default.fileExists(
        atPath: CommandRun.productsDirectory.appendingPathComponent("aggregator").path)))
    func logsInAndAdministersARealAggregator() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("carbonctl-admin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let passwordFile = directory.appendingPathComponent("password").path
        try "a long enough password 1\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let boot = try CommandRun.run("aggregator", ["bootstrap-admin", "--state-dir", directory.path,
                                                     "--password-file", passwordFile])
        #expect(boot.status == 0, "\(boot.stderr)")
        let rootID = try #require(boot.stdout.split(separator: "\n").first?.split(separator: " ").last.map(String.init))

        var server = try AggregatorProcess(stateDirectory: directory.path)
        let tokenFile = directory.appendingPathComponent("config/token").path
        let connection = ["--server", server.url, "--token-file", tokenFile]
        func carbonctl(_ arguments: [String], stdin: String? = nil) throws -> CommandRun {
            try CommandRun.run("carbonctl", arguments, stdin: stdin)
        }

        let login = try carbonctl(["admin", "login", "--server", server.url, "--username", "admin", "--token-file", tokenFile],
                                  stdin: "a long enough password 1\n")
        #expect(login.status == 0, "\(login.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: tokenFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let created = try carbonctl(["admin", "orgs", "create", "--parent", rootID, "--name", "Plant 7", "--kind", "site",
                                     "--format", "json"] + connection)
        #expect(created.status == 0, "\(created.stderr)")
        let siteID = try #require((try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["id"]
                                    as? String)
        let list = try carbonctl(["admin", "orgs", "list"] + connection)
        #expect(list.stdout.hasPrefix("ID ") && list.stdout.contains("  Plant 7") && list.stdout.contains("Platform"))

        let bad = try carbonctl(["admin", "orgs", "create", "--parent", rootID, "--name", "X", "--kind", "castle"] + connection)
        #expect(bad.status == 2 && bad.stdout.isEmpty)
        #expect(bad.stderr.hasPrefix("carbonctl: kind: kind must be one of") && bad.stderr.split(separator: "\n").count == 1)

        let agent = try carbonctl(["admin", "agents", "create", "--name", "plant7-gw1", "--site", siteID, "--format", "json"]
                                  + connection)
        #expect(agent.status == 0, "\(agent.stderr)")
        let reply = try JSONSerialization.jsonObject(with: Data(agent.stdout.utf8)) as? [String: Any]
        let agentID = try #require((reply?["agent"] as? [String: Any])?["id"] as? String)
        let credentialID = try #require((reply?["credential"] as? [String: Any])?["id"] as? String)
        let rotated = try carbonctl(["admin", "agents", "rotate", agentID, "--overlap", "60"] + connection)
        #expect(rotated.status == 0 && rotated.stdout.contains("cpa_"), "\(rotated.stderr)")
        let revoked = try carbonctl(["admin", "agents", "revoke", agentID, credentialID] + connection)
        #expect(revoked.status == 0 && revoked.stdout == "revoked \(credentialID)\n", "\(revoked.stderr)")
        let agents = try carbonctl(["admin", "agents", "list"] + connection)
        #expect(agents.stdout.contains("plant7-gw1"))

        // A graceful stop writes the last checkpoint; the restarted server's export must match it.
        try server.stop()
        server = try AggregatorProcess(stateDirectory: directory.path)
        defer { try? server.stop() }
        let verify = try carbonctl([
            "audit", "verify", "--server", server.url, "--token-file", tokenFile,
            "--checkpoints", directory.appendingPathComponent("audit-checkpoints.jsonl").path,
            "--key", directory.appendingPathComponent("audit-checkpoint.key").path,
        ])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        #expect(verify.stdout.hasPrefix("ok: "))
    }
}

/// `aggregator serve` on a free loopback port, for the end-to-end test.
struct AggregatorProcess {
    let process: Process
    let url: String

    init(stateDirectory: String) throws {
        for _ in 0..<5 {
            let port = Int.random(in: 30_000...60_000)
            let process = Process()
            process.executableURL = CommandRun.productsDirectory.appendingPathComponent("aggregator")
            process.arguments = ["serve", "--state-dir", stateDirectory, "--listen", "127.0.0.1:\(port)", "--log-level", "error",
                                 "--metrics-listen", "off"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let url = "http://127.0.0.1:\(port)"
            let client = try AdminClient(server: url, token: nil)
            for _ in 0..<200 where process.isRunning {
                if (try? client.send("GET", "/readyz")) != nil {
                    self.process = process
                    self.url = url
                    return
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        throw Failure("the aggregator did not start")
    }

    func stop() throws {
        guard process.isRunning else { return }
        process.interrupt()  // SIGINT: graceful shutdown, which writes the final audit checkpoint
        process.waitUntilExit()
    }
}

/// A real aggregator whose first administrator (password `password`) is logged in through
/// `carbonctl admin login`: what the server-mode command tests start from.
final class AdminSession {
    static let password = "a long enough password 1"
    let directory: URL
    let server: AggregatorProcess
    let tokenFile: String
    /// The platform's root organisation (printed by bootstrap-admin).
    let rootID: String

    init(_ label: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let passwordFile = directory.appendingPathComponent("password").path
        try (Self.password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let boot = try CommandRun.run("aggregator", ["bootstrap-admin", "--state-dir", directory.path,
                                                     "--password-file", passwordFile])
        guard boot.status == 0, let root = boot.stdout.split(separator: "\n").first?.split(separator: " ").last else {
            throw Failure("bootstrap-admin failed: \(boot.stderr)")
        }
        rootID = String(root)
        server = try AggregatorProcess(stateDirectory: directory.path)
        tokenFile = directory.appendingPathComponent("config/token").path
        let login = try CommandRun.run("carbonctl", ["admin", "login", "--server", server.url, "--username", "admin",
                                                     "--token-file", tokenFile], stdin: Self.password + "\n")
        guard login.status == 0 else { throw Failure("carbonctl admin login failed: \(login.stderr)") }
    }

    /// `carbonctl ARGUMENTS --server URL --token-file FILE`.
    func carbonctl(_ arguments: [String], stdin: String? = nil) throws -> CommandRun {
        try CommandRun.run("carbonctl", arguments + ["--server", server.url, "--token-file", tokenFile], stdin: stdin)
    }

    deinit {
        try? server.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
