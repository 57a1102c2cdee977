import ArgumentParser
import Foundation
import Testing

@testable import CarbonCtl

/// `carbonctl alarms --server URL …`: the argument rewrite, and end to end against a real
/// aggregator process (list, and a refusal as one line with exit status 2).
@Suite struct ServerAlarmsCommandTests {
    @Test func serverModeIsRoutedToTheServerCommandsAndSocketModeStays() throws {
        #expect(ServerModeArguments.rewrite(["alarms", "--server", "http://h:1", "ack", "id1", "--comment", "c"])
                == ["alarms-server", "ack", "--server", "http://h:1", "id1", "--comment", "c"])
        #expect(ServerModeArguments.rewrite(["alarms", "--server=http://h", "--format", "json", "list"])
                == ["alarms-server", "list", "--server=http://h", "--format", "json"])
        #expect(ServerModeArguments.rewrite(["alarms", "ack", "tag", "HH"]) == ["alarms", "ack", "tag", "HH"])
        let ack = try #require(try CarbonCtl.parseAsRoot(
            ServerModeArguments.rewrite(["alarms", "--server", "http://h:1", "ack", "id1"])) as? ServerAlarmsCommand.Ack)
        #expect(ack.id == "id1" && ack.connection.server == "http://h:1")
        #expect(try CarbonCtl.parseAsRoot(["alarms", "list"]) is AlarmsCommand.List)
    }

    @Test(.enabled(if: FileManager.default.fileExists(
        atPath: CommandRun.productsDirectory.appendingPathComponent("aggregator").path)))
    func listsAndRefusesAgainstARealAggregator() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("carbonctl-alarms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let passwordFile = directory.appendingPathComponent("password").path
        try "a long enough password 1\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let boot = try CommandRun.run("aggregator", ["bootstrap-admin", "--state-dir", directory.path,
                                                     "--password-file", passwordFile])
        #expect(boot.status == 0, "\(boot.stderr)")
        let server = try AggregatorProcess(stateDirectory: directory.path)
        defer { try? server.stop() }
        let tokenFile = directory.appendingPathComponent("config/token").path
        let login = try CommandRun.run("carbonctl", ["admin", "login", "--server", server.url, "--username", "admin",
                                                     "--token-file", tokenFile], stdin: "a long enough password 1\n")
        #expect(login.status == 0, "\(login.stderr)")
        let server_ = ["alarms", "--server", server.url, "--token-file", tokenFile]
        let list = try CommandRun.run("carbonctl", server_ + ["list"])
        #expect(list.status == 0 && list.stdout == "no alarms\n", "\(list.stdout) \(list.stderr)")
        let json = try CommandRun.run("carbonctl", server_ + ["list", "--format", "json"])
        #expect(json.status == 0 && json.stdout.hasPrefix("["), "\(json.stderr)")
        let missing = try CommandRun.run("carbonctl", server_ + ["ack", UUID().uuidString, "--comment", "seen"])
        #expect(missing.status == 2 && missing.stdout.isEmpty && missing.stderr.contains("alarm not found")
                && missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
        let badState = try CommandRun.run("carbonctl", server_ + ["list", "--state", "sleepy"])
        #expect(badState.status == 2 && badState.stderr.split(separator: "\n").count == 1, "\(badState.stderr)")
    }
}
