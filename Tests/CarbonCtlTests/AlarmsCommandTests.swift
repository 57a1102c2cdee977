import ArgumentParser
import Foundation
import Testing

@testable import CarbonCtl

/// `carbonctl alarms` through its types: parsing, argument checks, the request it would send and
/// the tables it prints. (Against a real agent: EdgeAgentTests/Control/AlarmsCLIEndToEndTests.)
@Suite struct AlarmsCommandTests {
    @Test func parsesEverySubcommandWithItsDefaults() throws {
        let list = try #require(try AlarmsCommand.parseAsRoot(["list"]) as? AlarmsCommand.List)
        #expect(list.connection.socket == "/run/edge-agent/control.sock" && list.connection.format == "table")
        let ack = try #require(
            try AlarmsCommand.parseAsRoot([
                "ack", "stack1.co2", "HH", "--operator", "li", "--comment", "fan", "--socket", "/tmp/s",
            ])
                as? AlarmsCommand.Ack)
        #expect(ack.tag == "stack1.co2" && ack.kind == "HH" && ack.acting.operatorName == "li")
        #expect(ack.acting.comment == "fan" && ack.connection.socket == "/tmp/s")
        let shelve = try #require(
            try AlarmsCommand.parseAsRoot(["shelve", "t", "h", "--for", "2h", "--format", "json"])
                as? AlarmsCommand.Shelve)
        #expect(shelve.duration == "2h" && shelve.until == nil && shelve.connection.format == "json")
        #expect(try AlarmsCommand.parseAsRoot(["unshelve", "t", "H"]) is AlarmsCommand.Unshelve)
        let history = try #require(try AlarmsCommand.parseAsRoot(["history", "--tag", "t"]) as? AlarmsCommand.History)
        #expect(history.limit == "50" && history.tag == "t")
    }

    @Test(arguments: [
        ("2h", 7_200), ("90m", 5_400), ("1h30m", 5_400), ("45s", 45), ("1d", 86_400), ("7200", 7_200),
        ("1H", 3_600),
    ])
    func durations(_ text: String, seconds: Int) throws {
        #expect(try AlarmsArguments.seconds(text) == seconds)
    }

    @Test(arguments: ["", "0", "0h", "2x", "h", "1h30", "-5m", "1.5h"])
    func badDurations(_ text: String) {
        #expect(throws: Failure.self) { _ = try AlarmsArguments.seconds(text) }
    }

    @Test func kindsOperatorsTimesAndLimitsAreCheckedBeforeSending() throws {
        #expect(try AlarmsArguments.kind("roc") == "ROC")
        #expect(try AlarmsArguments.kind("ALL", allowAll: true) == "all")
        #expect(throws: Failure.self) { _ = try AlarmsArguments.kind("all") }
        #expect(try AlarmsArguments.operatorName(nil, environment: ["USER": "li"]) == "li")
        #expect(try AlarmsArguments.operatorName("wang", environment: ["USER": "li"]) == "wang")
        #expect(throws: Failure.self) { _ = try AlarmsArguments.operatorName(nil, environment: [:]) }
        #expect(try AlarmsArguments.until("2024-06-01T10:00:00Z") == "2024-06-01T10:00:00Z")
        #expect(try AlarmsArguments.until("2024-06-01T10:00:00.5+08:00") == "2024-06-01T10:00:00.5+08:00")
        #expect(throws: Failure.self) { _ = try AlarmsArguments.until("2024-06-01 10:00") }
        #expect(try AlarmsArguments.limit("1000") == 1_000)
        #expect(throws: Failure.self) { _ = try AlarmsArguments.limit("1001") }
    }

    @Test func theRequestLeavesOutWhatWasNotGiven() throws {
        let request = AlarmsRequest(command: "shelve", tag: "t", kind: "H", duration: "7200", operatorName: "li")
        let json = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(request)) as? [String: String])
        #expect(json == ["command": "shelve", "tag": "t", "kind": "H", "duration": "7200", "operator": "li"])
    }

    @Test func anUnreachableSocketIsAFailureLine() {
        let client = AlarmsClient(path: "/tmp/carbonctl-no-such-socket-\(UUID().uuidString.prefix(8))")
        let failure = #expect(throws: Failure.self) { _ = try client.send(AlarmsRequest(command: "list")) }
        #expect(failure?.line.contains("cannot connect: No such file or directory") == true)
    }

    @Test func theAgentsErrorReplyBecomesOneLine() throws {
        let reply = #"{"error":{"code":"unknown_tag","field":"tag","message":"no alarm rule watches tag 'x'"}}"#
        let error = try JSONDecoder().decode(AlarmsWire.ErrorReply.self, from: Data(reply.utf8))
        #expect(error.error.line == "tag: no alarm rule watches tag 'x' (unknown_tag)")
    }

    @Test func tablesAreAlignedAndSayWhyAnAlarmIsQuiet() {
        let alarms = [
            AlarmsWire.Alarm(
                tag: "stack1.co2", kind: "HH", state: "unacknowledged_active", priority: "critical",
                value: "125", limit: "120", since: "2024-06-01T00:00:00.000Z", conditionActive: true,
                latched: false),
            AlarmsWire.Alarm(
                tag: "flow", kind: "L", state: "shelved", priority: "high", value: "3", limit: "5",
                since: nil, conditionActive: true, latched: false,
                shelf: AlarmsWire.Shelf(
                    by: "wang", since: "s", until: "2024-06-01T02:00:00.000Z",
                    comment: "pump\nswap")),
        ]
        #expect(
            AlarmsTable.alarms(alarms) == """
                TAG         KIND  STATE                  PRIORITY  VALUE  LIMIT  SINCE                     NOTE
                stack1.co2  HH    unacknowledged_active  critical  125    120    2024-06-01T00:00:00.000Z
                flow        L     shelved                high      3      5      -                         shelved by wang until 2024-06-01T02:00:00.000Z: pump swap

                """)
        #expect(AlarmsTable.alarms([]) == "no alarms\n")
        #expect(AlarmsTable.transitions([], emptyMessage: "not shelved") == "not shelved\n")
    }
}
