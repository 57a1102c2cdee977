import CarbonCore
import Foundation
import Synchronization
import Testing

@testable import EdgeAgent

/// A short-named folder of its own for each test (Unix socket paths hold at most 107 bytes).
struct AlarmTestDirectory {
    let url: URL

    init() throws {
        url = URL(fileURLWithPath: "/tmp").appendingPathComponent("alarmctl-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    var store: String { path("alarms.sqlite") }
    var socket: String { path("control.sock") }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

enum AlarmFixtures {
    static let stack = "stack1.co2"
    static let flow = "boiler-1/flow"

    /// 2024-06-01T00:00:00Z plus `seconds`, built from whole milliseconds as the store keeps times.
    static func at(_ seconds: Double) -> Date {
        Date(timeIntervalSince1970: (1_717_200_000_000 + (seconds * 1000).rounded()) / 1000)
    }

    static func decimal(_ text: String) -> Decimal { try! DecimalText.parse(text) }

    /// HH 120 / H 100 with STALE after 300 s and COMM on the stack; LL 1 / L 5 on the flow.
    static func rules(h: String = "100", onDelay: Duration = .zero) throws -> [AlarmRule] {
        [
            try AlarmRule(
                tag: stack, hh: AlarmLimit(limit: 120), h: AlarmLimit(limit: decimal(h)),
                stale: StaleAlarm(timeout: .seconds(300)), comm: CommAlarm(), deadband: 2, onDelay: onDelay),
            try AlarmRule(tag: flow, l: AlarmLimit(limit: 5), ll: AlarmLimit(limit: 1)),
        ]
    }
}

/// Collects what a notifier or a reporter writes, for tests to read.
final class LineCollector: Sendable {
    private let storage = Mutex<[String]>([])

    var lines: [String] { storage.withLock { $0 } }

    @Sendable func append(_ line: String) { storage.withLock { $0.append(line) } }

    var notifier: LogAlarmNotifier { LogAlarmNotifier(write: { [self] line in append(line) }) }
}

extension StoredAlarmTransition {
    /// `HH normal->unacknowledged_active`, to compare sequences at a glance.
    var summary: String { "\(transition.kind) \(transition.from)->\(transition.to)" }
}
