import Testing
@testable import EdgeAgent

@Suite struct DeviceHealthTests {
    @Test func quarantinesAfterNFailuresAndBacksOffWithCap() {
        var health = DeviceHealth(quarantineAfter: 3, interval: .seconds(1), maximumBackoff: .seconds(8))
        #expect(health.record(success: false, jitter: 1) == .seconds(1))
        #expect(health.record(success: false, jitter: 1) == .seconds(1))
        #expect(!health.isQuarantined)
        // Third failure: quarantined; then 2, 4, 8, 8 … with jitter 1 (the cap), never below the interval.
        #expect(health.record(success: false, jitter: 1) == .seconds(1))
        #expect(health.isQuarantined)
        #expect(health.record(success: false, jitter: 1) == .seconds(2))
        #expect(health.record(success: false, jitter: 1) == .seconds(4))
        #expect(health.record(success: false, jitter: 1) == .seconds(8))
        #expect(health.record(success: false, jitter: 1) == .seconds(8))
        #expect(health.record(success: false, jitter: 0) == .seconds(1))
        #expect(health.record(success: true, jitter: 0.5) == .seconds(1))
        #expect(health.state == .healthy)
    }
}
