import CarbonCore
import Foundation
import Testing

@testable import EdgeAgent

/// Roll-ups, gaps and the quota loop against real SQLite files.
@Suite struct ReadingStoreQuotaTests {
    typealias F = BufferFixtures

    /// Two interleaved tags every 10 s: an energy counter (0.1 kWh steps) and a flow.
    static func interleaved(_ count: Int, spacing: Int64 = 10_000) -> [Reading] {
        (0..<count).map { index in
            let time = F.time(Int64(index / 2) * spacing)
            return index % 2 == 0
                ? Reading(tag: "meter/energy", unit: "kWh", time: time, value: Decimal(index / 2 + 1) / 10)
                : Reading(tag: "boiler/flow", unit: "t/h", time: time, value: F.decimal("12.3") + Decimal(index % 7) / 100)
        }
    }

    /// The records cover first…last exactly once each, in order.
    static func expectTiled(_ records: [BufferRecord], from first: Int64, through last: Int64) {
        var next = first
        for record in records {
            #expect(record.firstSeq == next, "record \(record) should start at \(next)")
            next = record.lastSeq + 1
        }
        #expect(next == last + 1)
    }

    @Test func rollUpReplacesTheOldestReadingsByExactPerTagIntervalAggregatesThatTileTheirBlock() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let database = try BufferDatabase(path: dir.path())
        defer { database.close() }
        let readings = Self.interleaved(300)
        _ = try database.append(readings)

        let result = try database.rollUpOldest(200, intervalMilliseconds: 15 * 60 * 1000)
        // Seqs 1…200 are 100 samples per tag over 0…990 s: intervals [0, 900) and [900, 1800).
        #expect(result.readings == 200)
        #expect(result.rollups == 4)
        #expect(try database.count() == 100)

        let records = try database.peekRecords(after: 0, limit: 1_000)
        Self.expectTiled(records, from: 1, through: 300)
        let rollups = records.compactMap { if case .rollup(let rollup) = $0 { rollup } else { nil } }
        #expect(rollups.map(\.count).reduce(0, +) == 200)
        for rollup in rollups { #expect(rollup.lastSeq - rollup.firstSeq + 1 == rollup.count) }

        // The energy counter in [0, 900 s): samples 1…90 of 0.1 kWh steps.
        let energy = try #require(rollups.first { $0.tag == "meter/energy" && $0.fromMilliseconds == F.t0 })
        #expect(energy.unit == "kWh")
        #expect(energy.count == 90)
        #expect(energy.sum == F.decimal("409.5"))  // 0.1 × (1 + … + 90), exact
        #expect(energy.first == F.decimal("0.1"))
        #expect(energy.last == F.decimal("9"))
        #expect(energy.last - energy.first == F.decimal("8.9"))
        #expect(energy.min == F.decimal("0.1") && energy.max == F.decimal("9"))
        #expect(energy.toMilliseconds == F.t0 + 890_000)
        // Every roll-up's sum equals the Decimal sum of the raw values it replaced.
        let source = Array(readings.prefix(200))
        for rollup in rollups {
            let values = source.filter {
                $0.tag == rollup.tag && (try! $0.milliseconds) >= rollup.fromMilliseconds
                    && (try! $0.milliseconds) <= rollup.toMilliseconds
            }.map(\.value)
            #expect(values.reduce(Decimal.zero, +) == rollup.sum)
            #expect(Int64(values.count) == rollup.count)
        }

        // Sequences are not reused, even after the newest readings are rolled up too.
        _ = try database.rollUpOldest(1_000, intervalMilliseconds: 15 * 60 * 1000)
        #expect(try database.count() == 0)
        #expect(try database.append([F.reading(1)]) == 301...301)
    }

    @Test func droppingLeavesAGapAndTheRecordsMakeAValidBatch() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let database = try BufferDatabase(path: dir.path())
        defer { database.close() }
        _ = try database.append(F.readings(1..<101))
        try database.acknowledge(through: 10)

        let dropped = try database.dropOldest(30)
        #expect(dropped.readings == 30 && dropped.records == 30 && dropped.sequences == 30)
        let records = try database.peekRecords(after: try database.cursor(), limit: 1_000)
        #expect(records.first == .gap(StoredGap(firstSeq: 11, lastSeq: 40, reason: "quota_dropped")))
        Self.expectTiled(records, from: 11, through: 100)

        // Dropping again swallows the old gap into one covering both.
        _ = try database.dropOldest(5)
        let again = try database.peekRecords(after: 10, limit: 1_000)
        #expect(again.first == .gap(StoredGap(firstSeq: 11, lastSeq: 45, reason: "quota_dropped")))
        Self.expectTiled(again, from: 11, through: 100)

        // What the sync client will send passes the aggregator's own validation.
        var batchReadings: [ReadingBatch.Reading] = []
        var gaps: [ReadingBatch.Gap] = []
        for record in again {
            switch record {
            case .reading(let stored):
                batchReadings.append(
                    ReadingBatch.Reading(
                        seq: stored.seq, tag: stored.reading.tag, unit: stored.reading.unit,
                        timeMilliseconds: try stored.reading.milliseconds, value: stored.reading.value, quality: .good))
            case .gap(let gap): gaps.append(ReadingBatch.Gap(firstSeq: gap.firstSeq, lastSeq: gap.lastSeq, reason: gap.reason))
            case .rollup: Issue.record("no roll-ups expected")
            }
        }
        let batch = try ReadingBatch(agentID: "gw-1", storeEpoch: database.epoch, readings: batchReadings, gaps: gaps)
        #expect(batch.firstSeq == 11 && batch.lastSeq == 100)

        // Once acknowledged, the gap is pruned like readings (1…10 and 46…50 are the readings).
        try database.acknowledge(through: 50)
        #expect(try database.pruneAcknowledged(limit: nil) == 15)
        #expect(try database.peekRecords(after: 0, limit: 1_000).first?.firstSeq == 51)
    }

    @Test func enforceQuotaPrunesThenRollsUpAndStaysUnderTheTargetWithoutLosingData() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path(), reserveBytes: 0)
        for _ in 0..<5 { _ = try await store.append(Self.interleaved(10_000, spacing: 100)) }
        try await store.acknowledge(through: 1_000)
        let used = try await store.size().usedBytes

        let report = try await store.enforceQuota(maxBytes: used)
        #expect(report.usedBytesBefore == used)
        #expect(report.steps.first == .pruneAcknowledged)
        #expect(report.prunedAcknowledged == 1_000)
        #expect(report.rolledUpReadings > 0 && report.rollupsWritten > 0)
        #expect(report.droppedSequences == 0 && !report.lostData && report.gapsWritten == 0)
        #expect(Double(report.usedBytesAfter) <= Double(used) * 0.7)
        #expect(!report.warning && !report.stillOver)

        let records = try await store.peekUnsentRecords(limit: 100_000)
        Self.expectTiled(records, from: 1_001, through: 50_000)
        let covered = records.map { $0.lastSeq - $0.firstSeq + 1 }.reduce(0, +)
        #expect(covered == 49_000)
        #expect(try await store.peekUnsent(limit: 10).first?.seq == records.first { if case .reading = $0 { true } else { false } }?.firstSeq)
        await store.close()
    }

    @Test func whenRollingUpCannotHelpTheOldestAreDroppedAndReported() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path(), reserveBytes: 0)
        // One reading per tag and hour: a roll-up would be bigger than what it replaces.
        let sparse = (0..<20_000).map { F.reading($0, tag: "tag-\($0 % 3)") }.enumerated().map { index, reading in
            var reading = reading
            reading.time = F.time(Int64(index) * 3_600_000)
            return reading
        }
        _ = try await store.append(sparse)
        let used = try await store.size().usedBytes

        let report = try await store.enforceQuota(maxBytes: used)
        #expect(report.lostData && report.droppedSequences > 0 && report.gapsWritten >= 1)
        #expect(Double(report.usedBytesAfter) <= Double(used) * 0.7)
        #expect(!report.warning)
        let records = try await store.peekUnsentRecords(limit: 100_000)
        Self.expectTiled(records, from: 1, through: 20_000)
        guard case .gap(let gap) = records.first else {
            Issue.record("the oldest record should be the gap")
            return
        }
        #expect(gap.firstSeq == 1 && gap.reason == "quota_dropped")
        await store.close()
    }

    @Test func aVersion1StoreIsMigratedKeepingItsReadingsEpochAndCursor() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path(), reserveBytes: 0)
        _ = try await store.append(F.readings(1..<11))
        try await store.acknowledge(through: 4)
        let epoch = store.epoch
        await store.close()
        // Turn it back into what the first agent wrote: schema 1, without the version-2 and -3 tables.
        let connection = try SQLiteConnection(path: dir.path())
        try connection.execute(
            "DROP TABLE rollups; DROP TABLE gaps; DROP TABLE salvaged; DROP TABLE mqtt_recent; PRAGMA user_version = 1")
        connection.close()

        let database = try BufferDatabase(path: dir.path())
        defer { database.close() }
        #expect(try database.connection.scalar("PRAGMA user_version") == BufferSchema.latestVersion)
        #expect(try database.connection.scalar("SELECT COUNT(*) FROM mqtt_recent") == 0)
        #expect(database.epoch == epoch)
        #expect(try database.cursor() == 4)
        #expect(try database.peekRecords(after: 4, limit: 100).count == 6)
        #expect(try database.rollUpOldest(6, intervalMilliseconds: 60_000).readings == 6)
    }
}
