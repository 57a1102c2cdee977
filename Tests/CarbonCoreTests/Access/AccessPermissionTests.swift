import CarbonCore
import Foundation
import Testing

/// Permission names, patterns, the catalogue and the built-in roles.
@Suite struct AccessPermissionTests {
    @Test(arguments: ["readings:read", "alarms:ack", "users:reset-password", "a:b", "trades:submit"])
    func wellFormedNamesParseIntoResourceAndAction(_ text: String) throws {
        let permission = try Permission(text)
        #expect(permission.name == text)
        #expect("\(permission.resource):\(permission.action)" == text)
    }

    @Test(arguments: ["", "readings", "readings:", ":read", "Readings:read", "readings:read:all", "read ings:read",
                      "-readings:read", "readings:-read", "readings:*", "réadings:read", "readings_x:read", "1a:read"])
    func malformedNamesAreRefused(_ text: String) {
        let error = #expect(throws: AccessError.self) { try Permission(text) }
        #expect(error?.code == .invalidPermission)
    }

    @Test func permissionsAreCodableAsTheirNameAndRefuseBadNamesWithTheirPath() throws {
        let data = try JSONEncoder().encode(["a": Permission("alarms:ack")])
        #expect(String(decoding: data, as: UTF8.self) == #"{"a":"alarms:ack"}"#)
        #expect(try JSONDecoder().decode([String: Permission].self, from: data)["a"] == "alarms:ack")
        do {
            _ = try JSONDecoder().decode([String: [Permission]].self, from: Data(#"{"list": ["a:b", "A:b"]}"#.utf8))
            Issue.record("accepted A:b")
        } catch let error as AccessError {
            #expect(error.field == "list[1]")
        }
    }

    static let patternCases: [(pattern: String, permission: String, matches: Bool)] = [
        ("*:read", "readings:read", true), ("*:read", "audit:read", true), ("*:read", "readings:write", false),
        ("trades:*", "trades:submit", true), ("trades:*", "trades:read", true), ("trades:*", "projects:read", false),
        ("*:*", "users:reset-password", true), ("alarms:ack", "alarms:ack", true), ("alarms:ack", "alarms:shelve", false),
        ("*:export", "readings:export", true), ("*:export", "readings:read", false),
    ]

    @Test(arguments: patternCases)
    func patternsMatchByEitherHalf(_ pattern: String, _ permission: String, _ matches: Bool) throws {
        #expect(try PermissionPattern(pattern).matches(Permission(permission)) == matches)
        #expect(try PermissionPattern(pattern).text == pattern)
    }

    @Test(arguments: ["*", "**:read", "*:re*", "trades", "trades:*:*", "TRADES:*", ""])
    func malformedPatternsAreRefused(_ text: String) {
        #expect(throws: AccessError.self) { try PermissionPattern(text) }
    }

    @Test func theCatalogueHasEveryPermissionTheRequirementNamesOnceWithADescription() throws {
        let required = """
            organisations:read organisations:create organisations:update organisations:delete organisations:move
            users:read users:create users:update users:approve users:disable users:reset-password
            memberships:bind memberships:unbind roles:read roles:create roles:update roles:delete
            policies:read policies:create policies:update policies:delete menus:read menus:update applications:read
            audit:read audit:export agents:read agents:create agents:rotate agents:revoke sites:read
            devices:read devices:create readings:read readings:write readings:export ingest:write
            alarms:read alarms:ack alarms:shelve alarms:comment alarms:configure
            inventories:read inventories:create inventories:calculate inventories:approve factors:read factors:create
            reports:read reports:create reports:publish verification:read verification:create verification:review
            products:read products:create products:update products:delete trades:read trades:submit projects:read
            projects:create projects:approve
            """.split(whereSeparator: \.isWhitespace).map(String.init)
        let names = PermissionCatalogue.all.map(\.permission.name)
        #expect(Set(names).count == names.count, "a permission listed twice")
        #expect(Set(names) == Set(required))
        for entry in PermissionCatalogue.all {
            #expect(entry.description.hasSuffix(".") && entry.description.count > 10, "\(entry.permission)")
        }
        #expect(PermissionCatalogue.description(of: "alarms:ack") == "Acknowledge alarms.")
        #expect(PermissionCatalogue.matching("*:approve").map(\.name)
                == ["users:approve", "inventories:approve", "projects:approve"])
    }

    @Test func theAuditorReadsAndExportsEverythingAndWritesNothing() {
        let auditor = BuiltInRole.auditor.permissions
        #expect(auditor.allSatisfy { $0.action == "read" || $0.action == "export" })
        #expect(auditor.isSuperset(of: ["audit:read", "audit:export", "users:read", "policies:read", "readings:export"]))
        #expect(auditor == PermissionCatalogue.permissions.filter { $0.action == "read" || $0.action == "export" })
    }

    @Test func builtInRolesHoldWhatTheirJobNeedsAndNoMore() {
        #expect(BuiltInRole.administrator.permissions == PermissionCatalogue.permissions)
        let operatorRole = BuiltInRole.operator.permissions
        #expect(operatorRole.isSuperset(of: ["readings:read", "alarms:read", "alarms:ack", "alarms:shelve",
                                             "alarms:comment", "devices:read"]))
        #expect(!operatorRole.contains("alarms:configure") && !operatorRole.contains("readings:write"))
        #expect(operatorRole.allSatisfy { $0.action == "read" || $0.resource == "alarms" })
        let analyst = BuiltInRole.analyst.permissions
        #expect(analyst.isSuperset(of: ["readings:read", "inventories:create", "inventories:calculate",
                                        "reports:create", "factors:read"]))
        #expect(!analyst.contains("inventories:approve") && !analyst.contains("factors:create")
                && !analyst.contains("reports:publish"))
        for role in BuiltInRole.allCases {
            #expect(role.permissions.isSubset(of: PermissionCatalogue.permissions), "\(role)")
        }
    }
}
