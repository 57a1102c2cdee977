import CarbonCore
import Foundation
import Testing

@testable import EdgeAgent

@Suite struct BatchBuilderTests {
    let epoch = UUID(uuidString: "7D3C1E0A-0000-4000-8000-000000000001")!
    let now = BufferFixtures.time(60_000)

    func stored(_ seqs: [Int64]) -> [StoredReading] {
        seqs.map { StoredReading(seq: $0, reading: BufferFixtures.reading(Int($0))) }
    }

    func builder(max: Int = 10, age: Duration = .seconds(5)) -> BatchBuilder {
        BatchBuilder(agentID: "gw-1", storeEpoch: epoch, limits: .init(maximumReadings: max, maximumAge: age))
    }

    @Test func waitsForAFullBatchOrAnOldReading() throws {
        let young = [StoredReading(seq: 1, reading: Reading(tag: "t", unit: "kWh", time: now - 1, value: 1))]
        #expect(try builder().batch(after: 0, readings: young, now: now) == nil)
        #expect(try builder(max: 1).batch(after: 0, readings: young, now: now) != nil)
        #expect(try builder(age: .seconds(1)).batch(after: 0, readings: young, now: now) != nil)
        #expect(try builder().batch(after: 0, readings: [], now: now) == nil)
    }

    @Test func mapsReadingsOntoTheWireFormat() throws {
        let batch = try #require(try builder().batch(after: 4, readings: stored([5, 6, 7, 8, 9]), now: now))
        #expect(batch.agentID == "gw-1")
        #expect(batch.storeEpoch == epoch)
        #expect((batch.firstSeq, batch.lastSeq) == (5, 9))
        #expect(batch.gaps.isEmpty)
        #expect(batch.readings.map(\.timeMilliseconds) == (5...9).map { BufferFixtures.t0 + Int64($0) })
        #expect(batch.readings.map(\.quality) == [.good, .commFail, .outOfRange, .stale, .clockUnsynced])
        #expect(batch.readings[0].value == BufferFixtures.decimal("0.05"))
        #expect(batch.contentSHA256 == batch.canonicalHash())
        try batch.validate()
    }

    @Test func holesBecomeGapRecordsWithinTheSizeLimit() throws {
        let batch = try #require(try builder(max: 6).batch(after: 0, readings: stored([3, 4, 6, 9]), now: now))
        #expect((batch.firstSeq, batch.lastSeq) == (1, 6))
        #expect(batch.readings.map(\.seq) == [3, 4, 6])
        #expect(batch.gaps == [.init(firstSeq: 1, lastSeq: 2, reason: BatchBuilder.absentReason),
                               .init(firstSeq: 5, lastSeq: 5, reason: BatchBuilder.absentReason)])
    }

    @Test func aHoleLargerThanABatchIsSentAlone() throws {
        let batch = try #require(try builder(max: 3).batch(after: 0, readings: stored([10]), now: now))
        #expect((batch.firstSeq, batch.lastSeq) == (1, 3))
        #expect(batch.readings.isEmpty)
    }

    @Test func theSameReadingsGiveTheSameHash() throws {
        let first = try #require(try builder().batch(after: 0, readings: stored([1, 2, 3]), now: now))
        let again = try #require(try builder().batch(after: 0, readings: stored([1, 2, 3]), now: now))
        #expect(first.contentSHA256 == again.contentSHA256)
        var changed = stored([1, 2, 3])
        changed[1].reading.value += 1
        let other = try #require(try builder().batch(after: 0, readings: changed, now: now))
        #expect(other.contentSHA256 != first.contentSHA256)
    }
}
