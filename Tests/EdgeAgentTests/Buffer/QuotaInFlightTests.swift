import Foundation
import Testing

@testable import EdgeAgent

/// The quota never sheds what the sync client holds in a batch on its way upstream, and a full
/// store at a commit sheds and commits instead of losing the readings (found by the fault suite).
@Suite struct QuotaInFlightTests {
    typealias F = BufferFixtures

    @Test func sheddingStartsAboveWhatTheSyncHasReadIntoABatch() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path(), reserveBytes: 0)
        _ = try await store.append(ReadingStoreQuotaTests.interleaved(400))
        // The sync reads the first 100 records into a batch; then the quota drops and rolls up.
        let peeked = try await store.peekRecords(after: 0, limit: 100)
        #expect(peeked.last?.lastSeq == 100)
        let dropped = try await store.run { db throws(StoreError) in try db.dropOldest(50) }
        let rolled = try await store.run { db throws(StoreError) in try db.rollUpOldest(100, intervalMilliseconds: 900_000) }
        #expect(dropped.sequences == 50 && rolled.readings == 100)
        let records = try await store.peekUnsentRecords(limit: 1_000)
        ReadingStoreQuotaTests.expectTiled(records, from: 1, through: 400)
        // Sequences 1…100 are still the raw readings the batch holds; shedding began at 101.
        #expect(records.prefix(100).allSatisfy { if case .reading = $0 { true } else { false } })
        guard case .gap(let gap) = records[100] else {
            Issue.record("expected the quota's gap after the protected batch, got \(records[100])")
            return
        }
        #expect(gap.firstSeq == 101 && gap.lastSeq == 150)
        await store.close()
    }

    @Test func aFullStoreAtACommitShedsAndCommits() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path(), reserveBytes: 0)
        _ = try await store.append(ReadingStoreQuotaTests.interleaved(4_000))
        let used = try await store.size().usedBytes
        await store.close()
        let capped = try await ReadingStore.open(path: dir.path(), maximumBytes: used, reserveBytes: 0)
        let committer = GroupCommitter(store: capped, configuration: .init(quota: QuotaPolicy(maxBytes: used)))
        // Far more than fits under the cap: without the quota these commits fail with diskFull.
        var appended = 0
        for start in stride(from: 0, to: 4_000, by: 500) {
            let readings = ReadingStoreQuotaTests.interleaved(500)
            if try await committer.append(readings) != nil { appended += readings.count }
        }
        #expect(appended == 4_000)
        let records = try await capped.peekUnsentRecords(limit: 100_000)
        ReadingStoreQuotaTests.expectTiled(records, from: 1, through: 8_000)
        await capped.close()
    }
}
