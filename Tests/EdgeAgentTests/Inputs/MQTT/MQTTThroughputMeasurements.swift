import Foundation
import Testing

@testable import EdgeAgent

/// How many QoS 1 messages a second the input commits (one transaction, one fsync each, before
/// the PUBACK), printed next to the store's raw single-row commit rate measured in the same run:
/// the second bounds the first. Printed, not asserted: the machine is shared and noisy.
@Suite struct MQTTThroughputMeasurements {
    typealias F = BufferFixtures
    static let window = 3.0

    @Test func committedMessagesPerSecondAgainstRawSingleRowCommits() async throws {
        let broker = try MosquittoBroker()
        let mapping = try TopicMapping(filter: "load/+", fields: [try .init(value: "v", tag: "{1}", unit: "kW")])
        let fixture = try await InputFixture(broker: broker, mappings: [mapping])
        try await fixture.start()
        let publisher = try await TestPublisher(port: broker.port)
        let backlog = 40_000  // more than the window can drain, so the input is never idle
        for sequence in 0..<backlog {
            try publisher.publish("load/meter-\(sequence % 16)", #"{"v": "\#(sequence).5"}"#)
        }

        try await MQTTTesting.waitUntil("the first messages are stored") {
            fixture.input.statistics.storedMessages >= 200
        }
        let start = (Date(), fixture.input.statistics.storedMessages)
        while Date().timeIntervalSince(start.0) < Self.window && fixture.input.statistics.storedMessages < backlog {
            try await Task.sleep(for: .milliseconds(50))
        }
        let end = (Date(), fixture.input.statistics.storedMessages)
        let mqttRate = Double(end.1 - start.1) / end.0.timeIntervalSince(start.0)
        await fixture.input.stop()
        await publisher.stop()
        #expect(end.1 > start.1)
        #expect(fixture.input.statistics.rejected == 0 && fixture.input.statistics.commitFailures == 0)
        let stored = try await fixture.store.count()
        #expect(stored == fixture.input.statistics.storedReadings)

        // On a thread of its own: it blocks on fsync for a second.
        let directory = fixture.directory
        let rawRate = try await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Result { try Self.rawSingleRowCommitRate(directory: directory) }) }
                .start()
        }.get()
        print(
            String(
                format:
                    "MQTT QoS 1 committed: %.0f msg/s over %.1f s (%d messages); raw store single-row commits: %.0f/s",
                mqttRate, end.0.timeIntervalSince(start.0), end.1 - start.1, rawRate))
        await fixture.finish()
    }

    /// `appendSync` of one reading per transaction, on the same disk, for one second.
    static func rawSingleRowCommitRate(directory: TemporaryDirectory) throws -> Double {
        let store = try ReadingStore.openSync(path: directory.path("raw.sqlite"))
        let start = Date()
        var commits = 0
        while Date().timeIntervalSince(start) < 1 {
            _ = try store.appendSync(Reading(tag: "raw", unit: "kW", time: F.time(Int64(commits)), value: 1))
            commits += 1
        }
        return Double(commits) / Date().timeIntervalSince(start)
    }
}
