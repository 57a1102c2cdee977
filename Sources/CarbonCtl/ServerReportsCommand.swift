import ArgumentParser
import Foundation

/// `carbonctl reports …`: generated reports on the aggregator (see ServerInventoriesCommand.swift
/// for the command lines). `get` writes the rendered HTML, CSV or PDF to a file, byte for byte.
struct ServerReportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports", abstract: "Reports on the aggregator: list, create from a source, fetch as HTML, CSV or PDF.",
        subcommands: [List.self, Templates.self, Show.self, Create.self, Get.self])

    static let columns = [("ID", "id"), ("TITLE", "title"), ("SOURCE", "source_kind"), ("STATE", "state"),
                          ("RENDERED", "rendered_at")]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reports you may see.")
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                try connection.show("/api/v1/reports", columns: ServerReportsCommand.columns, empty: "no reports")
            }
        }
    }

    struct Templates: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Report templates you may use (built-in and your organisations').")
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                try connection.show("/api/v1/report-templates", columns: [("ID", "id"), ("NAME", "name"),
                                                                          ("SOURCE", "source_kind")], empty: "no templates")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One report's metadata (state, digests).")
        @Argument(help: "The report's id.") var id: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                try connection.show("/api/v1/reports/\(try pathSegment(id, field: "id"))",
                                    columns: ServerReportsCommand.columns, empty: "", single: true)
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a report from a template and a source (inventory ID:VERSION, product_footprint ID, verification ID).")
        @Option(help: "The template's id (see GET /api/v1/report-templates).") var template: String
        @Option(name: .customLong("source-kind"), help: "inventory, product_footprint or verification.") var sourceKind: String
        @Option(name: .customLong("source-id"), help: "For an inventory: INVENTORY_ID:VERSION.") var sourceID: String
        @Option(help: "The report's title.") var title: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let reply = try client.json("POST", "/api/v1/reports", body: [
                    "template_id": template, "source_kind": sourceKind, "source_id": sourceID, "title": title,
                ])
                AdminOutput.emit(reply, format: format) {
                    AdminOutput.table([reply as? [String: Any] ?? [:]], columns: ServerReportsCommand.columns, empty: "")
                }
            }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a report's rendered content to a file.")
        @Argument(help: "The report's id.") var id: String
        @Option(name: .customLong("as"), help: "html, csv or pdf.") var kind: String
        @Option(help: "The file to write (replaced).") var output: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                guard ["html", "csv", "pdf"].contains(kind) else { throw Failure("--as: '\(kind)' is not one of html, csv, pdf") }
                let (client, _) = try connection.start()
                let data = try client.send("GET", "/api/v1/reports/\(try pathSegment(id, field: "id"))/content.\(kind)")
                do {
                    try data.write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw Failure("\(output): cannot write: \(error.localizedDescription)")
                }
                print("wrote \(data.count) bytes of \(kind.uppercased()) to \(output)")
            }
        }
    }
}
