import CarbonCore
import Foundation
import Glibc
import Testing

@testable import EdgeAgent

/// Notifications: one per committed transition, a flood summary instead of many, and the hook
/// command receiving the transition as JSON on its standard input.
@Suite struct AlarmNotificationTests {
    typealias F = AlarmFixtures

    @Test func theLogNotifierWritesOneLinePerTransition() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let log = LineCollector()
        let service = try await AlarmService.open(path: dir.store, rules: try F.rules(), notifiers: [log.notifier])
        try await service.evaluate(tag: F.stack, value: 125, at: F.at(0))
        _ = try await service.acknowledge(tag: F.stack, kind: .hh, operatorName: "li", comment: "seen\nit", at: F.at(1))
        await service.notificationsDelivered()
        #expect(
            log.lines == [
                "alarm stack1.co2 HH normal -> unacknowledged_active (condition) priority=critical value=125 limit=120 at 2024-06-01T00:00:00.000Z",
                "alarm stack1.co2 H normal -> suppressed_by_design (escalation) priority=high value=125 limit=100 at 2024-06-01T00:00:00.000Z",
                "alarm stack1.co2 HH unacknowledged_active -> acknowledged_active (acknowledge) priority=critical value=125 limit=120 at 2024-06-01T00:00:01.000Z by li comment=\"seen\\nit\"",
            ])
        await service.close()
    }

    @Test func aFloodGivesTheFirstFewThenOneSummaryOfTheWholeWindow() {
        var window = AlarmFloodWindow(policy: AlarmFloodPolicy(window: .seconds(60), threshold: 3))
        let transitions = (0..<10).map { index in
            AlarmTransition(
                tag: "tag\(index)", kind: .h, priority: .high, from: .normal, to: .unacknowledgedActive,
                cause: .condition, time: F.at(Double(index)))
        }
        let sent = window.admit(transitions)
        #expect(sent == transitions.prefix(3).map { .individual([$0]) })
        #expect(window.advance(to: F.at(59)).isEmpty)
        let closing = window.advance(to: F.at(60))
        guard case .flood(let summary)? = closing.first, closing.count == 1 else {
            Issue.record("expected one flood summary, got \(closing)")
            return
        }
        #expect(summary.transitions == 10 && summary.raised == 10 && summary.tags.count == 10)
        #expect(summary.from == F.at(0) && summary.to == F.at(60))
        // A quiet window afterwards: every transition goes out, no summary.
        let quiet = window.admit([transitions[0]]) + window.advance(to: F.at(200))
        #expect(quiet == [.individual([transitions[0]])])
    }

    @Test func theServiceSummarisesAFloodWhenATickClosesTheWindow() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let log = LineCollector()
        let rules = try (0..<6).map { try AlarmRule(tag: "t\($0)", h: AlarmLimit(limit: 10)) }
        let service = try await AlarmService.open(
            path: dir.store, rules: rules, notifiers: [log.notifier],
            flood: AlarmFloodPolicy(window: .seconds(60), threshold: 2))
        for index in 0..<6 { try await service.evaluate(tag: "t\(index)", value: 11, at: F.at(Double(index))) }
        await service.notificationsDelivered()
        #expect(log.lines.count == 2)
        try await service.tick(at: F.at(61))
        await service.notificationsDelivered()
        #expect(log.lines.count == 3)
        #expect(log.lines.last?.hasPrefix("alarm flood: 6 transitions (6 raised) on 6 tags") == true)
        await service.close()
    }

    @Test func theHookCommandReceivesTheTransitionAsJSON() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let output = dir.path("hook.json")
        let reports = LineCollector()
        let hook = HookAlarmNotifier(
            executable: "/bin/sh",
            arguments: ["-c", "echo \"$CARBON_ALARM_NOTIFICATION\" > \(output).kind; cat > \(output)"],
            timeout: .seconds(20), report: reports.append)
        let service = try await AlarmService.open(path: dir.store, rules: try F.rules(), notifiers: [hook])
        try await service.evaluate(tag: F.stack, value: 110.5, at: F.at(0.25))
        await service.notificationsDelivered()
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["tag"] as? String == F.stack)
        #expect(json["kind"] as? String == "H")
        #expect(json["from"] as? String == "normal" && json["to"] as? String == "unacknowledged_active")
        #expect(json["value"] as? String == "110.5" && json["limit"] as? String == "100")
        #expect(json["time"] as? String == "2024-06-01T00:00:00.250Z")
        #expect(json["priority"] as? String == "high" && json["cause"] as? String == "condition")
        #expect(try String(contentsOfFile: output + ".kind", encoding: .utf8) == "transition\n")
        #expect(reports.lines.isEmpty)
        await service.close()
    }

    @Test func aHookThatFailsOrHangsIsReportedAndStopped() {
        let reports = LineCollector()
        let failing = HookAlarmNotifier(executable: "/bin/sh", arguments: ["-c", "exit 3"], report: reports.append)
        #expect(failing.run(stdin: Data("{}".utf8), kind: "transition") == .exited(3))
        let hanging = HookAlarmNotifier(
            executable: "/bin/sleep", arguments: ["30"], timeout: .milliseconds(100),
            report: reports.append)
        #expect(hanging.run(stdin: Data("{}".utf8), kind: "transition") == .timedOut)
        let missing = HookAlarmNotifier(executable: "/no/such/hook", report: reports.append)
        guard case .failedToStart = missing.run(stdin: Data("{}".utf8), kind: "transition") else {
            Issue.record("a missing executable should fail to start")
            return
        }
        let transition = AlarmTransition(
            tag: "t", kind: .h, priority: .high, from: .normal, to: .unacknowledgedActive,
            cause: .condition, time: F.at(0))
        failing.deliver(.individual([transition]))
        #expect(reports.lines == ["alarm hook /bin/sh exited with status 3 for t H"])
    }

    @Test func aHookStartsWithDefaultSignalsWhateverTheAgentIgnores() throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        // Daemons ignore SIGPIPE (and dispatch sources set SIGTERM to SIG_IGN); ignoring it here is harmless.
        signal(SIGPIPE, SIG_IGN)
        let output = dir.path("signals")
        let hook = HookAlarmNotifier(
            executable: "/bin/sh", arguments: ["-c", "grep SigIgn /proc/self/status > \(output)"],
            report: { _ in })
        #expect(hook.run(stdin: Data("{}".utf8), kind: "transition") == .exited(0))
        let line = try String(contentsOfFile: output, encoding: .utf8)
        let ignored = try #require(
            UInt64(line.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", radix: 16))
        #expect(ignored & (1 << (UInt64(SIGPIPE) - 1)) == 0)
        #expect(ignored & (1 << (UInt64(SIGTERM) - 1)) == 0)
    }

    @Test func aHookThatNeverReadsItsInputDoesNotBlockUs() {
        // stdin is a file, not a pipe: a large payload and a command that ignores it still finish.
        let hook = HookAlarmNotifier(executable: "/bin/true", report: { _ in })
        #expect(hook.run(stdin: Data(repeating: UInt8(ascii: "x"), count: 1 << 20), kind: "flood") == .exited(0))
    }
}
