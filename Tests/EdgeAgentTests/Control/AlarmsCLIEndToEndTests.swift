import CarbonCore
import Foundation
import Testing

@testable import EdgeAgent

/// `carbonctl alarms` end to end: the built carbonctl binary against a real AlarmService and
/// ControlServer started in this test process on a temporary socket. (It lives here because
/// CarbonCtlTests cannot import EdgeAgent: both are executables.)
@Suite struct AlarmsCLIEndToEndTests {
    typealias F = AlarmFixtures

    struct Run: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the carbonctl next to this test bundle, on a thread of its own.
    static func carbonctl(_ arguments: [String]) async throws -> Run {
        try await ControlTestClient.run {
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
                .appendingPathComponent("carbonctl")
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["USER"] = "shift-lead"
            process.environment = environment
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Run(
                status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    /// Fails the test with a clear message while carbonctl does not list `alarms` among its subcommands.
    static func requireAlarmsSubcommand() async throws {
        let help = try await carbonctl(["alarms", "--help"])
        try #require(
            help.status == 0 && help.stdout.contains("shelve"),
            "carbonctl has no `alarms` subcommand yet: add AlarmsCommand.self to CarbonCtl's subcommands")
    }

    @Test func listAckShelveAndHistoryFromTheCommandLine() async throws {
        try await Self.requireAlarmsSubcommand()
        let fixture = try await ControlFixture.start()
        try await fixture.service.evaluate(tag: F.stack, value: 125, at: F.at(0))
        let socket = fixture.server.path

        let list = try await Self.carbonctl(["alarms", "list", "--socket", socket])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("TAG") == true)
        #expect(
            lines.contains { $0.hasPrefix("stack1.co2") && $0.contains("HH") && $0.contains("unacknowledged_active") })

        let json = try await Self.carbonctl(["alarms", "list", "--socket", socket, "--format", "json"])
        #expect(json.status == 0)
        let alarms = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(alarms.first?["kind"] as? String == "HH" && alarms.first?["value"] as? String == "125")

        let ack = try await Self.carbonctl([
            "alarms", "ack", F.stack, "hh", "--comment", "fan 2 tripped", "--socket", socket,
        ])
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect(ack.stdout.contains("acknowledged_active") && ack.stdout.contains("shift-lead (uid \(getuid()))"))
        #expect(await fixture.service.engine(for: F.stack)?.state(of: .hh) == .acknowledgedActive)

        let again = try await Self.carbonctl(["alarms", "ack", F.stack, "all", "--socket", socket])
        #expect(again.status == 0 && again.stdout == "nothing to acknowledge\n")

        let shelve = try await Self.carbonctl([
            "alarms", "shelve", F.flow, "L", "--for", "1h30m", "--operator", "wang",
            "--socket", socket, "--format", "json",
        ])
        #expect(shelve.status == 0, "\(shelve.stderr)")
        let shelved = try #require(try JSONSerialization.jsonObject(with: Data(shelve.stdout.utf8)) as? [[String: Any]])
        #expect(shelved.first?["to"] as? String == "shelved" && shelved.first?["operator"] as? String == "wang")
        let listing = try await fixture.service.list(AlarmFilter(tag: F.flow, states: .shelved))
        #expect(listing.first?.status.shelf?.until == ControlFixture.now.addingTimeInterval(5_400))

        let history = try await Self.carbonctl([
            "alarms", "history", "--limit", "2", "--socket", socket, "--format", "json",
        ])
        #expect(history.status == 0)
        let transitions = try #require(
            try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(transitions.map { $0["cause"] as? String } == ["shelve", "acknowledge"])
        await fixture.stop()
    }

    @Test func refusalsAndBadInputAreOneLineOnStderrWithStatusTwo() async throws {
        try await Self.requireAlarmsSubcommand()
        let fixture = try await ControlFixture.start()
        let socket = fixture.server.path
        let cases: [([String], String)] = [
            (
                ["alarms", "ack", "nowhere", "HH", "--socket", socket],
                "tag: no alarm rule watches tag 'nowhere' (unknown_tag)"
            ),
            (["alarms", "ack", F.stack, "XX", "--socket", socket], "kind: unknown alarm kind 'XX'"),
            (
                ["alarms", "shelve", F.stack, "H", "--for", "soon", "--socket", socket],
                "--for: 'soon' is not a duration"
            ),
            (["alarms", "shelve", F.stack, "H", "--socket", socket], "shelve needs --for or --until"),
            (["alarms", "list", "--format", "xml", "--socket", socket], "--format: 'xml' is not one of table, json"),
            (["alarms", "list", "--socket", fixture.dir.path("nobody-here.sock")], "cannot connect"),
        ]
        for (arguments, message) in cases {
            let run = try await Self.carbonctl(arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.stdout.isEmpty, "\(arguments)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)")
            #expect(run.stderr.hasPrefix("carbonctl: ") && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        await fixture.stop()
    }
}
