import CarbonCore
import Foundation
import Logging
import Testing

@testable import EdgeAgent

/// What the quota policy and the salvage of a damaged store leave behind reaches the aggregator
/// as what it is: roll-ups as roll-up records, drops as gap records, rescued readings under their
/// old epoch. The real SyncService, real store files, the aggregator stub as a process.
@Suite struct SyncRecordsTests {
    typealias F = BufferFixtures

    func service(_ store: ReadingStore, _ stub: AggregatorStub, tokenFile: String) throws -> SyncService {
        try SyncService(
            configuration: SyncConfiguration(
                endpoints: [stub.url], tokenFile: tokenFile, agentID: "gw-test",
                limits: .init(maximumReadings: 100, maximumAge: .zero), policy: .roundRobin,
                backoff: .init(base: .milliseconds(10), cap: .milliseconds(100)),
                breaker: .init(failureThreshold: 3, cooldown: .milliseconds(100)),
                requestTimeout: .seconds(5), idleInterval: .milliseconds(20)),
            store: store, logger: Logger(label: "sync-test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func run(_ service: SyncService, until condition: @escaping () async throws -> Bool) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await service.run() }
            try await F.waitUntil(condition)
            service.stop()
        }
    }

    @Test func rollUpsAndDropsTravelAsTheirOwnRecords() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = directory.path("token")
        try "secret-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        // 400 readings of two tags; the oldest 50 dropped (a gap record), the next 150 rolled up
        // into 15-minute aggregates, 200 left raw.
        let database = try BufferDatabase(path: directory.path())
        _ = try database.append(ReadingStoreQuotaTests.interleaved(400))
        let dropped = try database.dropOldest(50)
        let rolled = try database.rollUpOldest(150, intervalMilliseconds: 15 * 60 * 1000)
        database.close()
        #expect(rolled.readings == 150 && dropped.sequences == 50)

        let stub = try AggregatorStub(arguments: ["--token", "secret-token"])
        let store = try await ReadingStore.open(path: directory.path())
        let sync = try service(store, stub, tokenFile: tokenFile)
        try await run(sync) { try await store.cursor() == 400 }
        let records = try await stub.snapshot().readings
        #expect(records.map(\.seq) == Array(1...400))
        let kinds = Dictionary(grouping: records, by: \.kind).mapValues { $0.map(\.seq) }
        #expect(kinds["gap"] == Array(1...50))
        #expect(kinds["rollup"] == Array(51...200))
        #expect(kinds["reading"] == Array(201...400))
        await store.close()
    }

    @Test func rescuedReadingsOfADamagedStoreAreSentUnderTheirOldEpoch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path()
        let tokenFile = directory.path("token")
        try "secret-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let oldEpoch = try await ReadingStoreCorruptionTests.makeStore(path, count: 5_000, acked: 1_000)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).uint64Value
        try ReadingStoreCorruptionTests.damage(path, at: (size / 2) / 4_096 * 4_096, length: 4_096)
        let (store, report) = try await ReadingStore.openRecovering(path: path, reserveBytes: 0)
        let salvage = try #require(report)
        #expect(salvage.rowsRecovered > 0)

        let stub = try AggregatorStub(arguments: ["--token", "secret-token"])
        let sync = try service(store, stub, tokenFile: tokenFile)
        try await run(sync) { try await store.peekSalvaged(limit: 1).isEmpty }
        let records = try await stub.snapshot().readings
        let old = records.filter { $0.store_epoch == oldEpoch.uuidString.lowercased() }
        // Every rescued reading arrived once, as a reading with its exact value, and nothing was
        // claimed as a gap (the lost rows may have been stored upstream before the damage).
        #expect(old.count == salvage.rowsRecovered)
        #expect(Set(old.map(\.seq)).count == old.count)
        #expect(old.allSatisfy { $0.kind == "reading" && $0.seq > 1_000 })
        #expect(old.allSatisfy { $0.value.flatMap { Decimal(string: $0) } == F.reading(Int($0.seq)).value })
        await store.close()
    }
}
