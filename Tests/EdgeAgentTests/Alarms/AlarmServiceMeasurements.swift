import CarbonCore
import Foundation
import Testing

@testable import EdgeAgent

/// The figure for the report: latency from the `evaluate` call to its transition being committed
/// (fsynced, synchronous=FULL) and returned, over 1000 transitions. Printed, not asserted: the
/// machine is shared and noisy.
@Suite struct AlarmServiceMeasurements {
    typealias F = AlarmFixtures

    @Test func evaluateToCommitLatencyOver1000Transitions() async throws {
        let dir = try AlarmTestDirectory()
        defer { dir.remove() }
        let rule = try AlarmRule(tag: "m", h: AlarmLimit(limit: 100))
        let service = try await AlarmService.open(
            path: dir.store, rules: [rule], notifiers: [LogAlarmNotifier { _ in }])
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(1_000)
        // Alternating above and below the limit: every reading is one transition (raise, return to normal).
        for index in 0..<1_000 {
            let value: Decimal = index % 2 == 0 ? 150 : 50
            let start = clock.now
            let committed = try await service.evaluate(tag: "m", value: value, at: F.at(Double(index)))
            samples.append(clock.now - start)
            #expect(committed.count == 1)
        }
        #expect(try await service.history(limit: 1_000).count == 1_000)
        await service.close()

        let sorted = samples.sorted()
        func percentile(_ p: Double) -> Double {
            let duration = sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
            return Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
        }
        print(
            String(
                format: "alarm evaluate→commit latency over %d transitions: p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                sorted.count, percentile(0.50), percentile(0.99), percentile(1.0)))
    }
}
