import ArgumentParser
import Foundation

// `carbonctl alarms`: the edge agent's alarms through its control socket.
//
//   carbonctl alarms list [--tag T|PREFIX*] [--state not_normal|active|unacknowledged|shelved|suppressed|all]
//                         [--priority low|medium|high|critical]
//   carbonctl alarms history [--limit N] [--tag T]                   newest first
//   carbonctl alarms ack TAG KIND|all [--operator NAME] [--comment TEXT]
//   carbonctl alarms shelve TAG KIND (--for 2h | --until 2024-06-01T10:00:00Z) [--operator NAME] [--comment TEXT]
//   carbonctl alarms unshelve TAG KIND [--operator NAME] [--comment TEXT]
//   every subcommand: [--socket PATH] (default /run/edge-agent/control.sock) [--format table|json]
//
// `--operator` defaults to $USER; the agent records it with the uid it sees on the socket. Output
// goes to standard output (json: the agent's objects, pretty-printed, keys sorted). Bad input, an
// unreachable socket or a refusal by the agent: one line on standard error, exit status 2, nothing
// on standard output.

struct AlarmsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alarms",
        abstract: "List, acknowledge and shelve the edge agent's alarms.",
        discussion: "Talks to a running edge-agent through its control socket (root, the agent's user, or its group).",
        subcommands: [List.self, History.self, Ack.self, Shelve.self, Unshelve.self])

    struct Connection: ParsableArguments {
        @Option(help: "The agent's control socket.") var socket = "/run/edge-agent/control.sock"
        @Option(help: "table (default) or json.") var format = "table"

        func send(_ request: AlarmsRequest) throws -> (Data, AlarmsFormat) {
            let format = try AlarmsArguments.format(self.format)
            return (try AlarmsClient(path: socket).send(request), format)
        }
    }

    struct Acting: ParsableArguments {
        @Option(name: .customLong("operator"), help: "Who acts (default: $USER).") var operatorName: String?
        @Option(help: "Why, for the record.") var comment: String?
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Alarms that are not normal (or as --state says), highest priority first.")
        @Option(help: "A tag, or a prefix ending in * (boiler-1/*).") var tag: String?
        @Option(help: "not_normal (default), active, unacknowledged, shelved, suppressed or all.") var state: String?
        @Option(help: "Only this priority and higher: low, medium, high, critical.") var priority: String?
        @OptionGroup var connection: Connection

        func run() throws {
            try reportingFailures {
                let (reply, format) = try connection.send(
                    AlarmsRequest(command: "list", tag: tag, state: state, priority: priority))
                let alarms = try AlarmsWire.decode(AlarmsWire.AlarmsReply.self, reply).alarms
                switch format {
                case .json: try printJSON(alarms)
                case .table: print(AlarmsTable.alarms(alarms), terminator: "")
                }
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The latest transitions, newest first.")
        @Option(help: "How many (1–1000, default 50).") var limit = "50"
        @Option(help: "Only this tag.") var tag: String?
        @OptionGroup var connection: Connection

        func run() throws {
            try reportingFailures {
                let request = AlarmsRequest(command: "history", tag: tag, limit: try AlarmsArguments.limit(limit))
                try AlarmsCommand.printTransitions(try connection.send(request), empty: "no transitions")
            }
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Acknowledge one alarm of a tag, or all of them.",
            discussion: "Prints the transitions it caused; nothing to acknowledge is not an error.")
        @Argument(help: "The tag.") var tag: String
        @Argument(help: "HH, H, L, LL, ROC, STALE, COMM, or all.") var kind: String
        @OptionGroup var acting: Acting
        @OptionGroup var connection: Connection

        func run() throws {
            try reportingFailures {
                let request = AlarmsRequest(
                    command: "ack", tag: tag, kind: try AlarmsArguments.kind(kind, allowAll: true),
                    operatorName: try AlarmsArguments.operatorName(acting.operatorName), comment: acting.comment)
                try AlarmsCommand.printTransitions(try connection.send(request), empty: "nothing to acknowledge")
            }
        }
    }

    struct Shelve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hide an alarm for a while (it comes back by itself at the end).")
        @Argument(help: "The tag.") var tag: String
        @Argument(help: "HH, H, L, LL, ROC, STALE or COMM.") var kind: String
        @Option(name: .customLong("for"), help: "How long: 2h, 90m, 1h30m, 45s, 1d.") var duration: String?
        @Option(help: "Until when: ISO 8601 with a zone, e.g. 2024-06-01T10:00:00Z.") var until: String?
        @OptionGroup var acting: Acting
        @OptionGroup var connection: Connection

        func run() throws {
            try reportingFailures {
                var request = AlarmsRequest(
                    command: "shelve", tag: tag, kind: try AlarmsArguments.kind(kind),
                    operatorName: try AlarmsArguments.operatorName(acting.operatorName), comment: acting.comment)
                switch (duration, until) {
                case (let duration?, nil): request.duration = String(try AlarmsArguments.seconds(duration))
                case (nil, let until?): request.until = try AlarmsArguments.until(until)
                case (nil, nil): throw Failure("shelve needs --for or --until")
                case (.some, .some): throw Failure("give --for or --until, not both")
                }
                try AlarmsCommand.printTransitions(try connection.send(request), empty: "already shelved; end moved")
            }
        }
    }

    struct Unshelve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a shelved alarm again.")
        @Argument(help: "The tag.") var tag: String
        @Argument(help: "HH, H, L, LL, ROC, STALE or COMM.") var kind: String
        @OptionGroup var acting: Acting
        @OptionGroup var connection: Connection

        func run() throws {
            try reportingFailures {
                let request = AlarmsRequest(
                    command: "unshelve", tag: tag, kind: try AlarmsArguments.kind(kind),
                    operatorName: try AlarmsArguments.operatorName(acting.operatorName), comment: acting.comment)
                try AlarmsCommand.printTransitions(try connection.send(request), empty: "not shelved")
            }
        }
    }

    static func printTransitions(_ sent: (Data, AlarmsFormat), empty: String) throws {
        let transitions = try AlarmsWire.decode(AlarmsWire.TransitionsReply.self, sent.0).transitions
        switch sent.1 {
        case .json: try printJSON(transitions)
        case .table: print(AlarmsTable.transitions(transitions, emptyMessage: empty), terminator: "")
        }
    }
}
