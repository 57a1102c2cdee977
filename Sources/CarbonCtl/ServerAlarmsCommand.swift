import ArgumentParser
import Foundation

// `carbonctl alarms --server URL …`: central alarms through the aggregator's API, with the token
// of `carbonctl admin login`. Without --server, `carbonctl alarms` keeps talking to the edge
// agent's socket. `CarbonCtl.main` routes `alarms --server URL SUB …` here (`alarms-server SUB
// --server URL …`, a hidden command), since the socket mode's subcommands take other arguments.
//
//   carbonctl alarms --server URL list [--site ID] [--state S] [--priority P] [--tag T] [--kind K] [--limit N]
//   carbonctl alarms --server URL show ID
//   carbonctl alarms --server URL ack ID [--comment TEXT]
//   carbonctl alarms --server URL shelve ID (--for 2h | --until TIME) [--comment TEXT]
//   carbonctl alarms --server URL unshelve ID [--comment TEXT]
//   carbonctl alarms --server URL comment ID TEXT
//
// Errors (refusals, bad input, an unreachable server): one line on standard error, exit status 2.

struct ServerAlarmsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alarms-server", abstract: "Central alarms through the aggregator (carbonctl alarms --server URL …).",
        shouldDisplay: false,
        subcommands: [List.self, Show.self, Ack.self, Shelve.self, Unshelve.self, Comment.self])

    static let columns = [("ID", "id"), ("TAG", "tag"), ("KIND", "kind"), ("PRIORITY", "priority"), ("STATE", "state"),
                          ("VALUE", "last_value"), ("LIMIT", "limit"), ("SINCE", "since"), ("ORIGIN", "origin")]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Current alarms you may see, newest first.")
        @Option(help: "Only this site.") var site: String?
        @Option(help: "Only this state (normal, unacknowledged_active, …).") var state: String?
        @Option(help: "Only this priority.") var priority: String?
        @Option(help: "Only this tag.") var tag: String?
        @Option(help: "Only this kind (HH, H, …).") var kind: String?
        @Option(help: "How many (1–1000).") var limit: String?
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                var query: [URLQueryItem] = []
                for (name, value) in [("site_id", site), ("state", state), ("priority", priority), ("tag", tag),
                                      ("kind", kind), ("limit", limit)] {
                    if let value { query.append(URLQueryItem(name: name, value: value)) }
                }
                try connection.show("/api/v1/alarms", query: query, columns: ServerAlarmsCommand.columns, empty: "no alarms")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One alarm with its history and comments.")
        @Argument(help: "The alarm's id.") var id: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                let (client, format) = try connection.start()
                let reply = try client.json("GET", "/api/v1/alarms/\(try pathSegment(id, field: "id"))")
                AdminOutput.emit(reply, format: format) {
                    let alarm = (reply as? [String: Any])?["alarm"] ?? [:]
                    let events = ((reply as? [String: Any])?["events"] as? [[String: Any]]) ?? []
                    return AdminOutput.table(AdminOutput.rows([alarm]), columns: ServerAlarmsCommand.columns, empty: "")
                        + "\n" + AdminOutput.table(events, columns: [
                            ("TIME", "time"), ("ORIGIN", "origin"), ("ACTION", "action"), ("FROM", "from"), ("TO", "to"),
                            ("CAUSE", "cause"), ("VALUE", "value"), ("OPERATOR", "operator"), ("COMMENT", "comment"),
                        ], empty: "no history")
                }
            }
        }
    }

    /// ack, unshelve and comment: POST with an optional comment, print the alarm (or the entry).
    static func act(_ connection: AdminConnection, _ id: String, _ action: String, body: [String: Any]) throws {
        let (client, format) = try connection.start()
        let reply = try client.json("POST", "/api/v1/alarms/\(try pathSegment(id, field: "id"))/\(action)", body: body)
        AdminOutput.emit(reply, format: format) {
            if action == "comments" { return "comment added to alarm \(id)\n" }
            return AdminOutput.table(AdminOutput.rows([reply]), columns: ServerAlarmsCommand.columns, empty: "")
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge an alarm.")
        @Argument(help: "The alarm's id.") var id: String
        @Option(help: "Why, for the record.") var comment: String?
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                try ServerAlarmsCommand.act(connection, id, "ack", body: comment.map { ["comment": $0] } ?? [:])
            }
        }
    }

    struct Shelve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Shelve an alarm (at most 30 days).")
        @Argument(help: "The alarm's id.") var id: String
        @Option(name: .customLong("for"), help: "How long: 2h, 90m, 1h30m, 45s, 1d.") var duration: String?
        @Option(help: "Until when: ISO 8601 with a zone.") var until: String?
        @Option(help: "Why, for the record.") var comment: String?
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                var body: [String: Any] = [:]
                switch (duration, until) {
                case (let duration?, nil):
                    let end = Date().addingTimeInterval(Double(try AlarmsArguments.seconds(duration)))
                    body["until"] = end.formatted(.iso8601)
                case (nil, let until?): body["until"] = try AlarmsArguments.until(until)
                case (nil, nil): throw Failure("shelve needs --for or --until")
                case (.some, .some): throw Failure("give --for or --until, not both")
                }
                body["comment"] = comment
                try ServerAlarmsCommand.act(connection, id, "shelve", body: body)
            }
        }
    }

    struct Unshelve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a shelved alarm again.")
        @Argument(help: "The alarm's id.") var id: String
        @Option(help: "Why, for the record.") var comment: String?
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures {
                try ServerAlarmsCommand.act(connection, id, "unshelve", body: comment.map { ["comment": $0] } ?? [:])
            }
        }
    }

    struct Comment: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Comment on an alarm.")
        @Argument(help: "The alarm's id.") var id: String
        @Argument(help: "The comment.") var text: String
        @OptionGroup var connection: AdminConnection

        func run() throws {
            try reportingFailures { try ServerAlarmsCommand.act(connection, id, "comments", body: ["comment": text]) }
        }
    }
}

/// `carbonctl alarms --server URL SUB …` → `carbonctl alarms-server SUB --server URL …`: the
/// server mode's options belong to its subcommands, whose arguments differ from the socket mode's.
enum ServerModeArguments {
    static let commands = ["alarms": "alarms-server"]

    static func rewrite(_ arguments: [String]) -> [String] {
        guard arguments.count >= 2, let target = commands[arguments[0]] else { return arguments }
        var rest = Array(arguments.dropFirst())
        var moved: [String] = []
        // Leading --server URL / --server=URL / --token-file PATH / --format F before the subcommand.
        while let first = rest.first, first.hasPrefix("--") {
            let name = first.split(separator: "=", maxSplits: 1).first.map(String.init) ?? first
            guard ["--server", "--token-file", "--format"].contains(name) else { break }
            if first.contains("=") { moved.append(first); rest.removeFirst() } else if rest.count >= 2 {
                moved += rest.prefix(2); rest.removeFirst(2)
            } else { break }
        }
        guard moved.contains(where: { $0.hasPrefix("--server") }), let sub = rest.first else { return arguments }
        return [target, sub] + moved + rest.dropFirst()
    }
}
