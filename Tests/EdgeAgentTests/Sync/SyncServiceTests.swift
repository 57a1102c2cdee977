import CarbonCore
import Foundation
import Logging
import Testing

@testable import EdgeAgent

/// The real SyncService, a real ReadingStore and the aggregator stub as a real process on loopback.
@Suite struct SyncServiceTests {
    /// One test's store, token file and service; `deliver` runs the service until `done` holds.
    struct Rig {
        let directory: TemporaryDirectory
        let store: ReadingStore
        let tokenFile: String

        init(readings: Int) async throws {
            directory = try TemporaryDirectory()
            store = try await ReadingStore.open(path: directory.path())
            tokenFile = directory.path("token")
            try "secret-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            if readings > 0 { _ = try await store.append(BufferFixtures.readings(1..<(readings + 1))) }
        }

        func service(_ endpoints: [URL], batch: Int = 100, policy: EndpointPolicy = .roundRobin,
                     breaker: CircuitBreaker.Configuration = .init(failureThreshold: 3, cooldown: .milliseconds(100))) throws -> SyncService {
            try SyncService(
                configuration: SyncConfiguration(
                    endpoints: endpoints, tokenFile: tokenFile, agentID: "gw-test",
                    limits: .init(maximumReadings: batch, maximumAge: .zero), policy: policy,
                    backoff: .init(base: .milliseconds(10), cap: .milliseconds(100)), breaker: breaker,
                    requestTimeout: .seconds(5), idleInterval: .milliseconds(20)),
                store: store, logger: Logger(label: "sync-test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }

        /// Runs `service` until `condition` holds (or ~10 s pass: then the test fails), then stops it.
        func run(_ service: SyncService, until condition: @escaping () async throws -> Bool) async throws {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await service.run() }
                try await BufferFixtures.waitUntil(condition)
                service.stop()
            }
        }

        func close() async {
            await store.close()
            directory.remove()
        }
    }

    func expectExactlyOnce(_ snapshot: AggregatorStub.Snapshot, count: Int, epoch: UUID) {
        #expect(snapshot.readings.map(\.seq) == (1...Int64(count)).map { $0 })
        #expect(Set(snapshot.readings.map(\.store_epoch)) == [epoch.uuidString.lowercased()])
        #expect(snapshot.stores == count)
        #expect(snapshot.readings.first?.value == "0.01")
    }

    @Test func deliversABacklogInBatchesAndMovesTheCursorToTheEnd() async throws {
        let stub = try AggregatorStub(arguments: ["--token", "secret-token"])
        let rig = try await Rig(readings: 250)
        let service = try rig.service([stub.url])
        try await rig.run(service) { try await rig.store.cursor() == 250 }
        #expect(try await rig.store.unsentCount() == 0)
        let snapshot = try await stub.snapshot()
        expectExactlyOnce(snapshot, count: 250, epoch: rig.store.epoch)
        #expect(snapshot.requests == 3)
        #expect(service.status().batchesAcknowledged == 3)
        #expect(service.status().phase == .stopped)
        await rig.close()
    }

    @Test func retriesAfter503sAndHonoursRetryAfter() async throws {
        let stub = try AggregatorStub(arguments: ["--fail", "2", "--retry-after", "1"])
        let rig = try await Rig(readings: 40)
        let service = try rig.service([stub.url])
        try await rig.run(service) { try await rig.store.cursor() == 40 }
        let snapshot = try await stub.snapshot()
        expectExactlyOnce(snapshot, count: 40, epoch: rig.store.epoch)
        #expect(snapshot.log.map { Int($0[1]) } == [503, 503, 200])
        // A lower bound, not a timing assertion: the client must not come back before Retry-After.
        for pair in zip(snapshot.log, snapshot.log.dropFirst()) { #expect(pair.1[0] - pair.0[0] >= 0.99) }
        #expect(service.status().failedAttempts == 2)
        await rig.close()
    }

    @Test func lostRepliesAfterTheCommitGiveNoDuplicatesUpstream() async throws {
        let stub = try AggregatorStub(arguments: ["--drop", "3"])
        let rig = try await Rig(readings: 250)
        let service = try rig.service([stub.url])
        try await rig.run(service) { try await rig.store.cursor() == 250 }
        let snapshot = try await stub.snapshot()
        expectExactlyOnce(snapshot, count: 250, epoch: rig.store.epoch)
        // The first batch was committed, then its reply lost three times (the replays' replies
        // too): each retry was the same range and hash, answered as a duplicate, stored nothing.
        #expect(snapshot.log.map { Int($0[1]) } == [0, 0, 0, 200, 200, 200])
        #expect(snapshot.replays == 3)
        #expect(service.status().duplicateReplies == 1)
        #expect(service.status().batchesAcknowledged == 3)
        await rig.close()
    }

    @Test func aConflictQuarantinesWithoutLosingAnything() async throws {
        let stub = try AggregatorStub()
        let rig = try await Rig(readings: 20)
        // Someone else already sent this range with other content (a reused epoch, say).
        var other = BufferFixtures.readings(1..<21)
        other[4].value = 999
        let stored = other.enumerated().map { StoredReading(seq: Int64($0.offset + 1), reading: $0.element) }
        let conflicting = try #require(
            try BatchBuilder(agentID: "gw-test", storeEpoch: rig.store.epoch, limits: .init(maximumReadings: 100, maximumAge: .zero))
                .batch(after: 0, readings: stored, now: Date()))
        let answer = try await IngestClient(timeout: .seconds(5)).post(JSONEncoder().encode(conflicting), to: stub.url, token: "t")
        #expect(answer.status == 200)

        let service = try rig.service([stub.url])
        try await rig.run(service) { service.status().isQuarantined }
        guard case .quarantined(1, 20, 409, _) = service.status().phase else {
            Issue.record("not quarantined on 409: \(service.status().phase)")
            return
        }
        #expect(try await rig.store.cursor() == 0)
        #expect(try await rig.store.unsentCount() == 20)
        #expect(try await stub.snapshot().requests == 2)  // the conflicting one and ours; no retries
        await rig.close()
    }

    @Test func stopCancelsARequestToAHangingAggregator() async throws {
        let stub = try AggregatorStub(arguments: ["--hang", "20"])
        let rig = try await Rig(readings: 20)
        let service = try rig.service([stub.url])
        // Not cancelled, the request would be answered after 20 s and the cursor would move.
        try await rig.run(service) { service.status().attempts >= 1 }
        #expect(try await rig.store.cursor() == 0)
        #expect(service.status().phase == .stopped)
        await rig.close()
    }

    @Test func resumeAfterAQuarantineSendsTheKeptReadings() async throws {
        let stub = try AggregatorStub(arguments: ["--fail", "1", "--fail-status", "400"])
        let rig = try await Rig(readings: 20)
        let service = try rig.service([stub.url])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await service.run() }
            try await BufferFixtures.waitUntil { service.status().isQuarantined }
            #expect(try await rig.store.cursor() == 0)
            service.resume()
            try await BufferFixtures.waitUntil { try await rig.store.cursor() == 20 }
            service.stop()
        }
        expectExactlyOnce(try await stub.snapshot(), count: 20, epoch: rig.store.epoch)
        #expect(try await stub.snapshot().log.map { Int($0[1]) } == [400, 200])
        await rig.close()
    }

    @Test func failsOverToTheLiveEndpointAndOpensTheDeadOnesBreaker() async throws {
        let dead = URL(string: "http://127.0.0.1:\(try SimulatedModbusDevice.freePort())")!
        let stub = try AggregatorStub()
        let rig = try await Rig(readings: 500)
        let service = try rig.service([dead, stub.url], breaker: .init(failureThreshold: 2, cooldown: .seconds(60)))
        try await rig.run(service) { try await rig.store.cursor() == 500 }
        expectExactlyOnce(try await stub.snapshot(), count: 500, epoch: rig.store.epoch)
        let status = service.status()
        #expect(status.breakers[dead.absoluteString].map { if case .open = $0 { true } else { false } } == true)
        #expect(status.breakers[stub.url.absoluteString] == .closed(failures: 0))
        #expect(status.failedAttempts == 2)  // then the open breaker keeps the dead endpoint out
        await rig.close()
    }

    @Test func keepsBufferingWhileEveryEndpointIsDownThenDelivers() async throws {
        let port = try SimulatedModbusDevice.freePort()
        let endpoint = URL(string: "http://127.0.0.1:\(port)")!
        let rig = try await Rig(readings: 30)
        let service = try rig.service([endpoint])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await service.run() }
            try await BufferFixtures.waitUntil { service.status().failedAttempts >= 3 }
            _ = try await rig.store.append(BufferFixtures.readings(31..<61))
            #expect(try await rig.store.cursor() == 0)
            let stub = try AggregatorStub(port: port)
            try await BufferFixtures.waitUntil { try await rig.store.cursor() == 60 }
            service.stop()
            expectExactlyOnce(try await stub.snapshot(), count: 60, epoch: rig.store.epoch)
        }
        await rig.close()
    }
}
