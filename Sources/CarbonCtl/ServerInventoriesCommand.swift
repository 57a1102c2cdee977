import ArgumentParser
import Foundation

// `carbonctl inventories --server URL …` and `carbonctl reports --server URL …`: accounting results
// and generated reports through the aggregator's API, with the token of `carbonctl admin login`.
// The figures are the server's (exact decimal strings); nothing is recomputed here.
//
//   carbonctl inventories list [--organisation ID] [--year N]
//   carbonctl inventories create --organisation ID --name N --year Y --file INPUT.json   (the `account` format's
//       sources, production and gwp; activity from telemetry comes from the organisation's mappings)
//   carbonctl inventories show ID | versions ID | calculate ID | version ID N | approve ID N
//   carbonctl reports list | show ID | create --template ID --source-kind K --source-id S --title T
//   carbonctl reports get ID --as html|csv|pdf --output FILE
//
// Errors (refusals, bad input, an unreachable server): one line on standard error, exit status 2.

struct ServerInventoriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventories", abstract: "Organisations' inventories on the aggregator (results with formula trails).",
        subcommands: [List.self, Create.self, Show.self, Versions.self, Calculate.self, Version.self, Approve.self])

    static let inventoryColumns = [("ID", "id"), ("NAME", "name"), ("YEAR", "reporting_year"),
                                   ("LATEST", "latest_version"), ("APPROVED", "approved_version")]
    static let versionColumns = [("VERSION", "number"), ("TOTAL tCO2e", "total_tco2e"), ("CALCULATED", "calculated_at"),
                                 ("APPROVED", "approved_at")]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Inventories you may see.")
        @Option(help: "Only this organisation (and its subtree).") var organisation: String?
        @Option(help: "Only this reporting year.") var year: String?
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                var query: [URLQueryItem] = []
                if let organisation { query.append(URLQueryItem(name: "organisation_id", value: organisation)) }
                if let year { query.append(URLQueryItem(name: "year", value: year)) }
                try connection.show("/api/v1/inventories", query: query, columns: ServerInventoriesCommand.inventoryColumns,
                                    empty: "no inventories")
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an inventory with manual sources from a file.")
        @Option(help: "The organisation it accounts for.") var organisation: String
        @Option(help: "Its name.") var name: String
        @Option(help: "The reporting year (in the organisation's time zone).") var year: Int
        @Option(help: "A `carbonctl account` input: its sources, production and gwp are sent.") var file: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures(file: file) {
                let (client, format) = try connection.start()
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                    throw Failure("\(file): cannot read it")
                }
                guard let input = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                    throw Failure("\(file): not a JSON object")
                }
                var body: [String: Any] = ["organisation_id": organisation, "name": name, "reporting_year": year]
                for key in ["sources", "production", "gwp"] { if let value = input[key] { body[key] = value } }
                let reply = try client.json("POST", "/api/v1/inventories", body: body)
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.table([reply as? [String: Any] ?? [:]], columns: ServerInventoriesCommand.inventoryColumns,
                                      empty: "")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One inventory's definition.")
        @Argument(help: "The inventory's id.") var id: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                try connection.show("/api/v1/inventories/\(try pathSegment(id, field: "id"))",
                                    columns: ServerInventoriesCommand.inventoryColumns, empty: "", single: true)
            }
        }
    }

    struct Versions: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An inventory's calculated versions.")
        @Argument(help: "The inventory's id.") var id: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                try connection.show("/api/v1/inventories/\(try pathSegment(id, field: "id"))/versions",
                                    columns: ServerInventoriesCommand.versionColumns, empty: "no versions yet")
            }
        }
    }

    struct Calculate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Calculate from telemetry and manual entries (a new version only when inputs or factors changed).")
        @Argument(help: "The inventory's id.") var id: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let reply = try client.json("POST", "/api/v1/inventories/\(try pathSegment(id, field: "id"))/calculate",
                                            body: [:])
                AdminOutput.emit(reply, format: format) { ServerInventoriesCommand.summary(reply) }
            }
        }
    }

    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One version's result: totals and per-source figures.")
        @Argument(help: "The inventory's id.") var id: String
        @Argument(help: "The version number.") var number: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let path = "/api/v1/inventories/\(try pathSegment(id, field: "id"))/versions/\(try pathSegment(number, field: "number"))"
                let reply = try client.json("GET", path)
                AdminOutput.emit(reply, format: format) { ServerInventoriesCommand.summary(reply) }
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a version (someone other than who calculated it).")
        @Argument(help: "The inventory's id.") var id: String
        @Argument(help: "The version number.") var number: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let path = "/api/v1/inventories/\(try pathSegment(id, field: "id"))/versions/"
                    + "\(try pathSegment(number, field: "number"))/approve"
                let reply = try client.json("POST", path, body: [:])
                AdminOutput.emit(reply, format: format) { "approved version \(number) of inventory \(id)\n" }
            }
        }
    }

    /// A version as people read it: its number, total and one line per source. The server's
    /// figures are printed as they came (decimal strings), never re-rounded here.
    static func summary(_ reply: Any) -> String {
        let object = reply as? [String: Any] ?? [:]
        let version = object["version"] as? [String: Any] ?? object
        var text = "version \(version["number"] ?? "?"): \(version["total_tco2e"] ?? "?") tCO2e"
        if let created = object["created"] as? Bool { text += created ? " (new)" : " (unchanged inputs: existing version)" }
        text += "\n"
        let report = (version["result"] as? [String: Any])?["report"] as? [String: Any]
        let sources = report?["sources"] as? [[String: Any]] ?? []
        if !sources.isEmpty {
            text += AdminOutput.table(sources, columns: [("SOURCE", "id"), ("KIND", "kind"), ("tCO2e", "tco2e")], empty: "")
        }
        return text
    }
}
