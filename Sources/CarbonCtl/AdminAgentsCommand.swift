import ArgumentParser
import Foundation

/// `carbonctl admin agents`: edge agents and their credentials. A token is printed once, when it
/// is issued; the API never shows it again.
struct AdminAgentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents", abstract: "Register edge agents and rotate or revoke their credentials.",
        subcommands: [List.self, Create.self, Rotate.self, Revoke.self])

    static let columns = [("ID", "id"), ("NAME", "name"), ("SITE", "site_id"), ("STATUS", "status"),
                          ("CREATED", "created_at")]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The edge agents of your sites.")
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let reply = try client.json("GET", "/api/v1/agents")
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.table(AdminOutput.rows(reply), columns: AdminAgentsCommand.columns, empty: "no agents")
                }
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an agent at a site and print its first token (shown only now).")
        @Option(help: "The agent's name: the agent_id in its configuration.") var name: String
        @Option(help: "The site's organisation id.") var site: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let reply = try client.json("POST", "/api/v1/agents", body: ["name": name, "site_id": site])
                let object = reply as? [String: Any] ?? [:]
                let agent = object["agent"] as? [String: Any] ?? [:]
                let credential = object["credential"] as? [String: Any] ?? [:]
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.record([
                        ("agent", AdminOutput.cell(agent["id"])), ("name", AdminOutput.cell(agent["name"])),
                        ("site", AdminOutput.cell(agent["site_id"])),
                        ("credential", AdminOutput.cell(credential["id"])),
                        ("token", AdminOutput.cell(credential["token"])),
                    ]) + "store the token now: it is not shown again\n"
                }
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new token; the old ones keep working for --overlap seconds.")
        @Argument(help: "The agent's id.") var agent: String
        @Option(help: "Seconds the earlier tokens stay valid (0–604800, default 86400).") var overlap: Int?
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                if let overlap, !(0...604_800).contains(overlap) {
                    throw Failure("--overlap: \(overlap) is not from 0 to 604800 seconds")
                }
                let (client, format) = try connection.start()
                let body: [String: Any] = overlap.map { ["overlap_seconds": $0] } ?? [:]
                let reply = try client.json(
                    "POST", "/api/v1/agents/\(try pathSegment(agent, field: "agent"))/credentials", body: body)
                let credential = reply as? [String: Any] ?? [:]
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.record([
                        ("credential", AdminOutput.cell(credential["id"])),
                        ("token", AdminOutput.cell(credential["token"])),
                        ("old tokens valid for", "\(overlap ?? 86_400) s"),
                    ]) + "store the token now: it is not shown again\n"
                }
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke one credential at once.")
        @Argument(help: "The agent's id.") var agent: String
        @Argument(help: "The credential's id.") var credential: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                _ = try client.send(
                    "DELETE",
                    "/api/v1/agents/\(try pathSegment(agent, field: "agent"))/credentials/"
                        + (try pathSegment(credential, field: "credential")))
                AdminOutput.emit(["revoked": credential], format: format) { "revoked \(credential)\n" }
            }
        }
    }
}
