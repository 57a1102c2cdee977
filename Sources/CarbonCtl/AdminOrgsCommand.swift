import ArgumentParser
import Foundation

/// `carbonctl admin orgs`: the organisation tree.
struct AdminOrgsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orgs", abstract: "List and create organisations.", subcommands: [List.self, Create.self])

    static let columns = [("ID", "id"), ("NAME", "name"), ("KIND", "kind"), ("TIME ZONE", "time_zone"),
                          ("PARENT", "parent_id")]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The organisations you may see, as a tree (names indented by depth).")
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let reply = try client.json("GET", "/api/v1/organisations")
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.table(AdminOrgsCommand.indented(AdminOutput.rows(reply)),
                                      columns: AdminOrgsCommand.columns, empty: "no organisations")
                }
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organisation under a parent.")
        @Option(help: "The parent organisation's id.") var parent: String
        @Option(help: "The name.") var name: String
        @Option(help: "group, subsidiary, site or unit.") var kind: String
        @Option(name: .customLong("time-zone"), help: "An IANA time zone (default: the parent's).")
        var timeZone: String?
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                var body: [String: Any] = ["parent_id": parent, "name": name, "kind": kind]
                if let timeZone { body["time_zone"] = timeZone }
                let reply = try client.json("POST", "/api/v1/organisations", body: body)
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.table([reply as? [String: Any] ?? [:]], columns: AdminOrgsCommand.columns,
                                      empty: "done")
                }
            }
        }
    }

    /// Names indented two spaces per level below the shallowest organisation listed.
    static func indented(_ rows: [[String: Any]]) -> [[String: Any]] {
        let depths = rows.map { (($0["path"] as? [Any])?.count ?? 1) }
        let top = depths.min() ?? 1
        return zip(rows, depths).map { row, depth in
            var row = row
            row["name"] = String(repeating: "  ", count: max(0, depth - top)) + AdminOutput.cell(row["name"])
            return row
        }
    }
}
