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
        let session = try AdminSession("carbonctl-alarms")
        let server_ = ["alarms", "--server", session.server.url, "--token-file", session.tokenFile]
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
