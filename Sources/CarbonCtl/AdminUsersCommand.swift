import ArgumentParser
import Foundation

/// `carbonctl admin users`: list accounts and registrations, create accounts, approve or reject
/// registrations, disable and enable accounts, reset passwords.
struct AdminUsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "List, create, approve, reject, disable and enable user accounts.",
        subcommands: [List.self, Create.self, Approve.self, Reject.self, Disable.self, Enable.self, ResetPassword.self])

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
        @Option(name: .customLong("role"), help: "A role to give there, its id or name (repeat for several).")
        var roles: [String] = []
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                guard !roles.isEmpty else { throw Failure("--role: give at least one role") }
                let (client, format) = try connection.start()
                let reply = try client.json(
                    "POST", "/api/v1/users/\(try pathSegment(user, field: "user"))/approve",
                    body: ["organisation_id": organisation, "role_ids": try AdminRolesCommand.roleIDs(roles, client: client)])
                AdminUsersCommand.printUser(reply, format: format)
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an active account with a password and a role at one organisation.",
            discussion: "The password is read from --password-file, else as one line from standard input.")
        @Option(help: "3 to 64 characters: lowercase letters, digits, '.', '_' or '-'.") var username: String
        @Option(name: .customLong("display-name"), help: "The person's name as others see it.") var displayName: String
        @Option(help: "An e-mail address.") var email: String?
        @Option(help: "The organisation the user joins.") var organisation: String
        @Option(help: "The role there: its id or name.") var role: String
        @Option(name: .customLong("password-file"), help: "A file whose first line is the password.")
        var passwordFile: String?
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let password = try AdminCommand.password(file: passwordFile)
                var body: [String: Any] = [
                    "username": username, "display_name": displayName, "password": password,
                    "organisation_id": organisation, "role_id": try AdminRolesCommand.roleID(role, client: client),
                ]
                if let email { body["email"] = email }
                AdminUsersCommand.printUser(try client.json("POST", "/api/v1/users", body: body), format: format)
            }
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a pending registration.")
        @Argument(help: "The user's id.") var user: String
        @OptionGroup var connection: AdminConnection
        func run() throws { try reportingFailures { try AdminUsersCommand.transition("reject", user, connection) } }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions.")
        @Argument(help: "The user's id.") var user: String
        @OptionGroup var connection: AdminConnection
        func run() throws { try reportingFailures { try AdminUsersCommand.transition("disable", user, connection) } }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")
        @Argument(help: "The user's id.") var user: String
        @OptionGroup var connection: AdminConnection
        func run() throws { try reportingFailures { try AdminUsersCommand.transition("enable", user, connection) } }
    }

    struct ResetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password", abstract: "Set a user's password; their sessions end.",
            discussion: "The new password is read from --password-file, else as one line from standard input.")
        @Argument(help: "The user's id.") var user: String
        @Option(name: .customLong("password-file"), help: "A file whose first line is the new password.")
        var passwordFile: String?
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let password = try AdminCommand.password(file: passwordFile)
                _ = try client.send("POST", "/api/v1/users/\(try pathSegment(user, field: "user"))/password",
                                    body: ["new_password": password])
                AdminOutput.emit(["password_reset": user], format: format) {
                    "password of \(user) reset; their sessions have ended\n"
                }
            }
        }
    }

    /// `POST /api/v1/users/:id/VERB` (reject, disable, enable) and the user it returns.
    static func transition(_ verb: String, _ user: String, _ connection: AdminConnection) throws(Failure) {
        let (client, format) = try connection.start()
        printUser(try client.json("POST", "/api/v1/users/\(try pathSegment(user, field: "user"))/\(verb)"), format: format)
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
