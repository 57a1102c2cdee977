import CarbonCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

/// Exactly-once ingest, the same suite on SQLite and PostgreSQL: replays, conflicts, re-cut
/// batches, the watermark through gaps and holes, quarantine, and concurrent duplicates.
@Suite struct IngestSemanticsTests {
    static let epoch = UUID(uuidString: "6F1C2A5E-8D3B-4C1F-9A7E-2B4D6E8F0A1C")!
    /// 2025-11-25T09:00:00Z, an hour before the test clock.
    static let t0: Int64 = 1_764_061_200_000

    static func readings(_ seqs: ClosedRange<Int64>, tag: String = "stack1.co2", unit: String = "ppm",
                         offset: Int64 = 0) -> [ReadingBatch.Reading] {
        seqs.map { seq in
            ReadingBatch.Reading(seq: seq, tag: tag, unit: unit, timeMilliseconds: t0 + seq * 1000,
                                 value: Decimal(seq + offset) / 10, quality: .good)
        }
    }

    static func batch(_ readings: [ReadingBatch.Reading], gaps: [ReadingBatch.Gap] = [], agent: String = "gw-1",
                      epoch: UUID = epoch) throws -> ReadingBatch {
        try ReadingBatch(agentID: agent, storeEpoch: epoch, readings: readings, gaps: gaps)
    }

    static func reply(_ body: Any) throws -> BatchReply {
        try JSONDecoder().decode(BatchReply.self, from: JSONSerialization.data(withJSONObject: body))
    }

    @Test(arguments: TestBackend.enabled)
    func acceptReplayConflictRecutAndWatermark(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        let readingCount = "SELECT count(*) AS n FROM readings"
        try await fixture.app.application().test(.router) { client in
            let first = try Self.batch(Self.readings(1...10))
            let accepted = try await client.post(first, token: agent.token)
            #expect(accepted.status == .ok, "\(accepted.raw)")
            let acceptedReply = try Self.reply(accepted.body)
            #expect(acceptedReply.status == .accepted && acceptedReply.watermark == 10)
            #expect(acceptedReply.firstSeq == 1 && acceptedReply.lastSeq == 10 && acceptedReply.rejected.isEmpty)

            let replay = try await client.post(first, token: agent.token)
            let replayReply = try Self.reply(replay.body)
            #expect(replay.status == .ok && replayReply.status == .duplicate)
            #expect(replayReply.contentSHA256 == acceptedReply.contentSHA256 && replayReply.watermark == 10)
            #expect(try await fixture.count(readingCount) == 10)

            // Same range, other content: refused, nothing overwritten, audited.
            let other = try Self.batch(Self.readings(1...10, offset: 1))
            let conflict = try await client.post(other, token: agent.token)
            #expect(conflict.status == .conflict, "\(conflict.raw)")
            #expect(field(conflict.body, "error", "code") as? String == "conflict")
            #expect(try await fixture.count(readingCount) == 10)
            #expect(try await fixture.count("SELECT count(*) AS n FROM readings WHERE value = '0.1'") == 1)
            #expect(try await fixture.count("SELECT count(*) AS n FROM audit_log WHERE action = 'ingest.conflict'") == 1)

            // Re-cut after a crash: 6…15 holds 6…10 unchanged and five new readings.
            let recut = try await client.post(try Self.batch(Self.readings(6...15)), token: agent.token)
            #expect(recut.status == .ok, "\(recut.raw)")
            #expect(try Self.reply(recut.body).status == .accepted && Self.reply(recut.body).watermark == 15)
            #expect(try await fixture.count(readingCount) == 15)
            // A re-cut whose held part differs is a conflict.
            var changed = Self.readings(12...20)
            changed[0].value = 99
            #expect(try await client.post(try Self.batch(changed), token: agent.token).status == .conflict)
            #expect(try await fixture.count(readingCount) == 15)
            // Fully held, cut differently: nothing new, a duplicate.
            let inner = try await client.post(try Self.batch(Self.readings(3...8)), token: agent.token)
            #expect(try Self.reply(inner.body).status == .duplicate)

            // Gaps count as covered; a hole stops the watermark until it is filled.
            let gapped = try Self.batch(Self.readings(16...16) + Self.readings(19...20),
                                        gaps: [.init(firstSeq: 17, lastSeq: 18, reason: "quota_dropped")])
            #expect(try Self.reply(try await client.post(gapped, token: agent.token).body).watermark == 20)
            let ahead = try await client.post(try Self.batch(Self.readings(25...30)), token: agent.token)
            #expect(try Self.reply(ahead.body).watermark == 20)
            let fill = try await client.post(try Self.batch(Self.readings(21...24)), token: agent.token)
            #expect(try Self.reply(fill.body).watermark == 30)
            // A replay answers with the watermark as it is now, not as it was.
            #expect(try Self.reply(try await client.post(gapped, token: agent.token).body).watermark == 30)
            #expect(try await fixture.count("SELECT count(*) AS n FROM ingest_gaps") == 1)
            #expect(try await fixture.count(readingCount) == 28)
        }
        await fixture.close()
    }

    @Test(arguments: TestBackend.enabled)
    func futureAndUnitChangedReadingsAreQuarantinedAndListed(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.app.application().test(.router) { client in
            var readings = Self.readings(1...4)
            readings[1].timeMilliseconds = 1_764_064_800_000 + 11 * 60_000  // the test clock + 11 min
            readings[2].timeMilliseconds = 900_000_000_000  // 1998
            readings[3].unit = "%"
            let reply = try await client.post(try Self.batch(readings), token: agent.token)
            #expect(reply.status == .ok, "\(reply.raw)")
            let decoded = try Self.reply(reply.body)
            #expect(decoded.status == .accepted && decoded.watermark == 4)
            #expect(decoded.rejected.map(\.seq) == [2, 3, 4])
            #expect(decoded.rejected.map(\.reason) == ["time_in_future", "time_before_2000", "unit_changed"])
            #expect(try await fixture.count("SELECT count(*) AS n FROM readings") == 1)
            #expect(try await fixture.count("SELECT count(*) AS n FROM ingest_quarantine") == 3)
            // A replay lists them again.
            let replay = try Self.reply(try await client.post(try Self.batch(readings), token: agent.token).body)
            #expect(replay.status == .duplicate && replay.rejected == decoded.rejected)
        }
        await fixture.close()
    }

    @Test(arguments: TestBackend.enabled)
    func concurrentCopiesOfOneBatchAreStoredOnce(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        let batch = try Self.batch(Self.readings(1...200))
        try await fixture.app.application().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let reply = try await client.post(batch, token: agent.token)
                        return reply.status == .ok ? try Self.reply(reply.body).status.rawValue : "\(reply.status.code)"
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == "accepted" }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == "duplicate" }.count == 7, "\(statuses)")
        }
        #expect(try await fixture.count("SELECT count(*) AS n FROM readings") == 200)
        #expect(try await fixture.count("SELECT count(*) AS n FROM ingest_ranges") == 1)
        #expect(try await fixture.count("SELECT count AS n FROM reading_aggregates WHERE resolution = '1d'") == 200)
        await fixture.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aNewStoreEpochStartsItsOwnSequence(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.app.application().test(.router) { client in
            _ = try await client.post(try Self.batch(Self.readings(1...5)), token: agent.token)
            let fresh = try Self.batch(Self.readings(1...3, offset: 7), epoch: UUID())
            let reply = try Self.reply(try await client.post(fresh, token: agent.token).body)
            #expect(reply.status == .accepted && reply.watermark == 3)
        }
        #expect(try await fixture.count("SELECT count(*) AS n FROM readings") == 8)
        #expect(try await fixture.count("SELECT count(*) AS n FROM ingest_epochs") == 2)
        await fixture.close()
    }

    /// CarbonCore's golden batch (readings, a gap and a roll-up), whose rollup type has no public
    /// initialiser: batches with roll-ups are built from JSON.
    static func golden(_ change: (inout [String: Any]) -> Void = { _ in }) throws -> ReadingBatch {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("CarbonCoreTests/Fixtures/wire/batch-v1.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        change(&object)
        var batch = try JSONDecoder().decode(ReadingBatch.self, from: JSONSerialization.data(withJSONObject: object))
        batch.contentSHA256 = batch.canonicalHash()
        return batch
    }

    @Test(arguments: TestBackend.enabled)
    func rollupsAndGapsAreKeptApartAndComparedOnReplay(_ backend: TestBackend) async throws {
        let fixture = try await IngestFixture.make(backend)
        let site = try await fixture.organisation("Plant 7")
        let agent = try await fixture.agent("gw-1", site: site)
        try await fixture.app.application().test(.router) { client in
            let golden = try Self.golden()
            let reply = try await client.post(golden, token: agent.token)
            #expect(reply.status == .ok, "\(reply.raw)")
            #expect(try Self.reply(reply.body).watermark == 106)
            #expect(try await fixture.count("SELECT count(*) AS n FROM readings") == 4)
            #expect(try await fixture.count("SELECT count(*) AS n FROM ingest_gaps") == 1)
            #expect(try await fixture.count(
                "SELECT count(*) AS n FROM reading_rollups r JOIN series s ON s.id = r.series_id WHERE s.tag = 'meter.energy'") == 1)

            // A re-cut of 105…106 (the roll-up and the last reading), unchanged: nothing new.
            func tail(_ object: inout [String: Any]) {
                object["first_seq"] = 105
                object["gaps"] = [Any]()
                object["readings"] = (object["readings"] as! [[String: Any]]).filter { $0["seq"] as? Int == 106 }
            }
            let same = try await client.post(try Self.golden(tail), token: agent.token)
            #expect(try Self.reply(same.body).status == .duplicate, "\(same.raw)")
            let changed = try Self.golden { object in
                tail(&object)
                var rollups = object["rollups"] as! [[String: Any]]
                rollups[0]["sum"] = "1234568"
                object["rollups"] = rollups
            }
            #expect(try await client.post(changed, token: agent.token).status == .conflict)
            #expect(try await fixture.count("SELECT count(*) AS n FROM reading_rollups WHERE sum = '1234567.9'") == 1)
        }
        await fixture.close()
    }
}
