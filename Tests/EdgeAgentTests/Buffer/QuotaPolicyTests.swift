import Testing

@testable import EdgeAgent

/// The pure decision function: sizes in, the next step out.
@Suite struct QuotaPolicyTests {
    let policy = QuotaPolicy(maxBytes: 1_000_000)

    func usage(used: Int64, acknowledged: Int = 0, readings: Int = 0, records: Int? = nil) -> QuotaUsage {
        QuotaUsage(
            usedBytes: used, acknowledgedRecords: acknowledged, unsentReadings: readings,
            unsentRecords: records ?? readings)
    }

    @Test func acknowledgedRecordsArePrunedFirstWhateverTheUsage() {
        #expect(policy.nextStep(usage(used: 10, acknowledged: 5, readings: 100), reducing: false) == .pruneAcknowledged)
        #expect(policy.nextStep(usage(used: 999_999, acknowledged: 1, readings: 9_000), reducing: true) == .pruneAcknowledged)
    }

    @Test func belowTheTriggerNothingUnsentIsTouched() {
        #expect(policy.nextStep(usage(used: 900_000, readings: 10_000), reducing: false) == nil)
        #expect(policy.nextStep(usage(used: 0, readings: 0), reducing: false) == nil)
    }

    @Test func aboveTheTriggerUnsentReadingsAreRolledUpBeforeAnythingIsDropped() {
        // 950 kB over 10,000 rows = 95 B a row; 250 kB to shed = 2,632 rows, doubled for a roll-up.
        #expect(policy.nextStep(usage(used: 950_000, readings: 10_000), reducing: false) == .rollUp(count: 5_264))
    }

    @Test func onceReducingItGoesOnDownToTheTarget() {
        #expect(policy.nextStep(usage(used: 800_000, readings: 10_000), reducing: false) == nil)
        #expect(policy.nextStep(usage(used: 800_000, readings: 10_000), reducing: true) != nil)
        #expect(policy.nextStep(usage(used: 700_000, readings: 10_000), reducing: true) == nil)
    }

    @Test func itDropsWhenRollingUpDidNotHelpOrTooFewReadingsAreLeft() {
        let big = usage(used: 950_000, readings: 10_000)
        #expect(policy.nextStep(big, reducing: true, rollupHelped: false) == .dropOldest(count: 2_632))
        // Only roll-ups left (no raw readings): drop them, at least `minimumStep` at a time.
        #expect(policy.nextStep(usage(used: 950_000, readings: 0, records: 100), reducing: true) == .dropOldest(count: 100))
        #expect(policy.nextStep(usage(used: 950_000, readings: 10, records: 300), reducing: true) == .dropOldest(count: 256))
    }

    @Test func gapsAloneAreNeverDropped() {
        // Over quota with nothing but gaps (counted in no field) and schema pages: nothing to do.
        #expect(policy.nextStep(usage(used: 990_000, readings: 0, records: 0), reducing: true) == nil)
    }

    @Test func theWarningIsAtEightyPercent() {
        #expect(!policy.isWarning(799_999))
        #expect(policy.isWarning(800_000))
        #expect(!policy.isOver(900_000))
        #expect(policy.isOver(900_001))
    }
}
