import ArgumentParser
import Foundation

/// `carbonctl admin users`: list accounts and registrations, approve them, disable them.
struct AdminUsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "List, approve and disable user accounts.",
        subcommands: [List.self, Approve.self, Disable.self])

    static let columns = [("ID", "id"), ("USERNAME", "username"), ("NAME", "display_name"), ("STATUS", "status")]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Users of the organisations you administer.")
        @Option(help: "Only this status: pending, active, disabled or rejected.") var status: String?
        @Option(help: "Only user names or display names containing this.") var query: String?
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                var items: [URLQueryItem] = []
                if let status { items.append(URLQueryItem(name: "status", value: status)) }
                if let query { items.append(URLQueryItem(name: "q", value: query)) }
                let reply = try client.json("GET", "/api/v1/users", query: items)
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.table(AdminOutput.rows(reply), columns: AdminUsersCommand.columns, empty: "no users")
                }
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a pending registration, with roles at one organisation.")
        @Argument(help: "The user's id.") var user: String
        @Option(help: "The organisation the user joins.") var organisation: String
        @Option(name: .customLong("role"), help: "A role id to give there (repeat for several).")
        var roles: [String] = []
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                guard !roles.isEmpty else { throw Failure("--role: give at least one role") }
                let (client, format) = try connection.start()
                let reply = try client.json(
                    "POST", "/api/v1/users/\(try pathSegment(user, field: "user"))/approve",
                    body: ["organisation_id": organisation, "role_ids": roles])
                AdminUsersCommand.printUser(reply, format: format)
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions.")
        @Argument(help: "The user's id.") var user: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let reply = try client.json("POST", "/api/v1/users/\(try pathSegment(user, field: "user"))/disable")
                AdminUsersCommand.printUser(reply, format: format)
            }
        }
    }

    /// A user reply may be the user itself or wrap it (`{"user": {...}}`).
    static func printUser(_ reply: Any, format: AdminOutput.Format) {
        let object = reply as? [String: Any] ?? [:]
        let user = object["user"] as? [String: Any] ?? object
        AdminOutput.emit(reply, format: format) {
            AdminOutput.table([user], columns: columns, empty: "done")
        }
    }
}
