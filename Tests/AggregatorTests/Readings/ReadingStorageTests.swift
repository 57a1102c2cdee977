import CarbonCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

/// The pieces under ingest: monthly partitions, bucket arithmetic, aggregate merging, ranges, gzip.
@Suite struct ReadingStorageTests {
    @Test(arguments: [
        (Int64(946_684_800_000), 2000, 1), (1_764_547_199_999, 2025, 11), (1_764_547_200_000, 2025, 12),
        (1_767_225_599_999, 2025, 12), (1_767_225_600_000, 2026, 1), (951_782_400_000, 2000, 2),  // 29 Feb 2000
    ])
    func monthsOfTimes(_ time: Int64, _ year: Int, _ month: Int) {
        let found = ReadingPartitions.Month(timeMs: time)
        #expect(found.year == year && found.month == month)
        #expect(found.startMs <= time && time < found.next.startMs)
    }

    @Test func monthStartsAgreeWithTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for year in [1999, 2000, 2024, 2025, 2100] {
            for month in 1...12 {
                let date = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
                #expect(ReadingPartitions.Month.startMs(year: year, month: month) == Int64(date.timeIntervalSince1970) * 1000)
            }
        }
        #expect(ReadingPartitions.Month(year: 2025, month: 11).name == "readings_202511")
    }

    @Test func dayBucketsFollowTheSitesCalendarAcrossDST() {
        var berlin = BucketCalendar(timeZone: TimeZone(identifier: "Europe/Berlin")!)
        // 2025-03-30 is 23 hours long in Berlin: from 2025-03-29T23:00Z to 2025-03-30T22:00Z.
        let noon: Int64 = 1_743_336_000_000  // 2025-03-30T12:00:00Z
        #expect(berlin.bucket(noon, .day) == 1_743_289_200_000)
        #expect(berlin.bucket(1_743_371_999_000, .day) == 1_743_289_200_000)  // 2025-03-30T21:59:59Z
        #expect(berlin.bucket(1_743_372_000_000, .day) == 1_743_372_000_000)  // 2025-03-30T22:00Z: the 31st
        #expect(berlin.bucket(noon + 59_999, .minute) == noon && berlin.bucket(noon + 3_599_999, .hour) == noon)
    }

    @Test func bucketsMergeExactly() {
        var bucket = AggregateBucket(value: Decimal(string: "0.1")!, timeMs: 2000)
        bucket.merge(AggregateBucket(value: Decimal(string: "0.2")!, timeMs: 1000))
        bucket.merge(AggregateBucket(value: Decimal(string: "-5.75")!, timeMs: 3000))
        #expect(bucket.count == 3 && DecimalText.plain(bucket.sum) == "-5.45")
        #expect(bucket.first == Decimal(string: "0.2")! && bucket.last == Decimal(string: "-5.75")!)
        #expect(bucket.min == Decimal(string: "-5.75")! && bucket.max == Decimal(string: "0.2")!)
    }

    @Test func uncoveredPartsOfARange() {
        func range(_ first: Int64, _ last: Int64) -> IngestLedger.Range {
            .init(firstSeq: first, lastSeq: last, contentSHA256: "", reply: "")
        }
        #expect(IngestLedger.uncovered(1...10, by: []) == [1...10])
        #expect(IngestLedger.uncovered(5...25, by: [range(1, 10), range(21, 30)]) == [11...20])
        #expect(IngestLedger.uncovered(1...30, by: [range(5, 6), range(10, 12)]) == [1...4, 7...9, 13...30])
        #expect(IngestLedger.uncovered(3...8, by: [range(1, 10)]).isEmpty)
    }

    @Test func gzipRoundTripsConcatenatedMembersAndRefusesTruncation() throws {
        let text = Array(String(repeating: "carbon ", count: 10_000).utf8)
        #expect(try Gzip.inflate(Gzip.deflate(text), limit: 1 << 20) == text)
        let two = Gzip.deflate(Array("ab".utf8)) + Gzip.deflate(Array("cd".utf8))
        #expect(try Gzip.inflate(two, limit: 100) == Array("abcd".utf8))
        let zipped = Gzip.deflate(text)
        #expect(throws: Gzip.Failure.self) { try Gzip.inflate(zipped.prefix(zipped.count - 10), limit: 1 << 20) }
        #expect(throws: Gzip.Failure.self) { try Gzip.inflate(zipped, limit: 1000) }
    }

    @Test(.enabled(if: PostgresTestEnvironment.url != nil))
    func postgresCreatesMonthlyPartitionsAcrossABoundary() async throws {
        let fixture = try await IngestFixture.make(.postgres)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        let boundary: Int64 = 1_761_955_200_000  // 2025-11-01T00:00:00Z
        try await fixture.app.application().test(.router) { client in
            let readings = [-1_000, 0, 1_000].enumerated().map { index, offset in
                ReadingBatch.Reading(seq: Int64(index + 1), tag: "meter.energy", unit: "kWh",
                                     timeMilliseconds: boundary + Int64(offset), value: Decimal(index), quality: .good)
            }
            let batch = try ReadingBatch(agentID: "gw-1", storeEpoch: UUID(), readings: readings)
            #expect(try await client.post(batch, token: agent.token).status == .ok)
        }
        let placement = try await fixture.database.read { connection in
            try connection.query("SELECT tableoid::regclass::text AS part, count(*) AS n FROM readings GROUP BY 1 ORDER BY 1")
                .map { "\(try $0.text("part"))=\(try $0.int64("n"))" }
        }
        #expect(placement == ["readings_202510=1", "readings_202511=2"])
        #expect(try await fixture.count("SELECT count(*) AS n FROM readings_default") == 0)
        await fixture.close()
    }
}
