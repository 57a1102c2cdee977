import ArgumentParser
import Foundation

/// `carbonctl admin roles`: the built-in roles and the custom roles of your organisations.
struct AdminRolesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles", abstract: "List, create and delete roles.", subcommands: [List.self, Create.self, Delete.self])

    static let columns = [("ID", "id"), ("NAME", "name"), ("BUILT IN", "built_in"), ("ORGANISATION", "organisation_id"),
                          ("PERMISSIONS", "permissions"), ("DESCRIPTION", "description")]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Built-in roles and the custom roles usable in your organisations.")
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let reply = try client.json("GET", "/api/v1/roles")
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.table(AdminOutput.rows(reply).map(AdminRolesCommand.summarised),
                                      columns: AdminRolesCommand.columns, empty: "no roles")
                }
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a custom role, usable in an organisation and below it.",
            discussion: "You must hold every permission you give the role at that organisation.")
        @Option(help: "Lowercase letters, digits, '.', '_' or '-' (policies name roles).") var name: String
        @Option(help: "What the role is for.") var description: String
        @Option(help: "The organisation that owns the role.") var organisation: String
        @Option(name: .customLong("permission"), help: "A catalogue permission, e.g. alarms:ack (repeat for several).")
        var permissions: [String] = []
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                guard !permissions.isEmpty else { throw Failure("--permission: give at least one permission") }
                let (client, format) = try connection.start()
                let reply = try client.json("POST", "/api/v1/roles", body: [
                    "name": name, "description": description, "organisation_id": organisation, "permissions": permissions,
                ])
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.table([reply as? [String: Any] ?? [:]], columns: AdminRolesCommand.columns, empty: "done")
                }
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a custom role that nobody holds.")
        @Argument(help: "The role's id or name.") var role: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let id = try AdminRolesCommand.roleID(role, field: "role", client: client)
                _ = try client.send("DELETE", "/api/v1/roles/\(try pathSegment(id, field: "role"))")
                AdminOutput.emit(["deleted": id], format: format) { "deleted role \(role)\n" }
            }
        }
    }

    /// A built-in role holds dozens of permissions: the table shows how many; a custom role's are listed.
    static func summarised(_ row: [String: Any]) -> [String: Any] {
        var row = row
        if let permissions = row["permissions"] as? [Any], permissions.count > 6 {
            row["permissions"] = "\(permissions.count) permissions"
        }
        return row
    }

    /// A role given by id is used as is; a name is looked up among the roles the caller can see.
    static func roleID(_ text: String, field: String = "--role", client: AdminClient) throws(Failure) -> String {
        try roleIDs([text], field: field, client: client)[0]
    }

    /// Several at once: the roles are listed once, and only if a name needs looking up.
    static func roleIDs(_ texts: [String], field: String = "--role", client: AdminClient) throws(Failure) -> [String] {
        guard !texts.allSatisfy(isUUID) else { return texts }
        let roles = AdminOutput.rows(try client.json("GET", "/api/v1/roles"))
        return try texts.map { text throws(Failure) in
            if isUUID(text) { return text }
            guard let id = roles.first(where: { ($0["name"] as? String) == text })?["id"] as? String else {
                throw Failure("\(field): no role named '\(text)' that you can see (`carbonctl admin roles list`)")
            }
            return id
        }
    }
}

/// The API's ids are UUIDs; anything else the user typed is a name to look up.
func isUUID(_ text: String) -> Bool { UUID(uuidString: text) != nil }
