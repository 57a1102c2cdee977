import Foundation
import Testing

@testable import EdgeAgent

/// The input against a real mosquitto broker: messages published by a second client arrive in
/// the store exactly as mapped.
@Suite struct MQTTInputTests {
    typealias F = BufferFixtures

    static var stackMapping: TopicMapping {
        get throws {
            try TopicMapping(
                filter: "plant/+/stack/+/co2",
                fields: [try .init(value: "data.co2", tag: "{1}.{3}.co2", unit: "ppm")],
                timestamp: try .init(path: "ts", format: .unixMilliseconds))
        }
    }

    @Test func messagesAreMappedAndStoredExactly() async throws {
        let broker = try MosquittoBroker()
        let fixture = try await InputFixture(broker: broker, mappings: [try Self.stackMapping])
        try await fixture.start()
        let publisher = try await TestPublisher(port: broker.port)
        try publisher.publish("plant/p1/stack/s1/co2", #"{"data": {"co2": 0.1}, "ts": \#(F.t0 - 2000)}"#)
        try publisher.publish("plant/p1/stack/s2/co2", #"{"data": {"co2": "412.50"}, "ts": \#(F.t0 - 1000)}"#)
        try publisher.publish("plant/p2/stack/s1/co2", #"{"data": {"co2": -3e2}, "ts": \#(F.t0 + 3_600_000)}"#)
        try await fixture.waitStored(messages: 3)

        let stored = try await MQTTTesting.storedReadings(fixture.store)
        #expect(
            stored == [
                Reading(tag: "p1.s1.co2", unit: "ppm", time: F.time(-2000), value: F.decimal("0.1")),
                Reading(tag: "p1.s2.co2", unit: "ppm", time: F.time(-1000), value: F.decimal("412.5")),
                // An hour ahead of the receipt time: the device clock is off, the value is kept.
                Reading(tag: "p2.s1.co2", unit: "ppm", time: F.time(0), value: -300, quality: .clockUnsynced),
            ])
        #expect(stored.first?.value.description == "0.1")
        #expect(fixture.input.statistics.rejected == 0 && fixture.input.statistics.commitFailures == 0)
        #expect(fixture.events.connections == [false])  // a new client id: the broker had no session yet
        await publisher.stop()
        await fixture.finish()
    }

    @Test func arraysOfReadingsUnderAMultiLevelWildcard() async throws {
        let broker = try MosquittoBroker()
        let mapping = try TopicMapping(
            filter: "site/#",
            fields: [try .init(value: "readings[*].value", tag: "{1}.{readings[*].name}", unit: "t/h")])
        let fixture = try await InputFixture(broker: broker, mappings: [mapping])
        try await fixture.start()
        let publisher = try await TestPublisher(port: broker.port)
        try publisher.publish(
            "site/boiler-1/batch", #"{"readings": [{"name": "steam", "value": "12.5"}, {"name": "feed", "value": 13}]}"#
        )
        try publisher.publish("site/boiler-2", #"{"readings": [{"name": "steam", "value": 7.25}]}"#)
        try await fixture.waitStored(messages: 2)

        let stored = try await MQTTTesting.storedReadings(fixture.store)
        #expect(
            stored == [
                Reading(tag: "boiler-1.steam", unit: "t/h", time: F.time(0), value: F.decimal("12.5")),
                Reading(tag: "boiler-1.feed", unit: "t/h", time: F.time(0), value: 13),
                Reading(tag: "boiler-2.steam", unit: "t/h", time: F.time(0), value: F.decimal("7.25")),
            ])
        // The readings of one message share one transaction: consecutive sequences.
        let sequences = try await fixture.store.peek(after: 0, limit: 10).map(\.seq)
        #expect(sequences == [1, 2, 3])
        #expect(fixture.input.statistics.storedReadings == 3)
        await publisher.stop()
        await fixture.finish()
    }

    @Test func badPayloadsAreRejectedNotStoredAndDoNotStopTheInput() async throws {
        let broker = try MosquittoBroker()
        let fixture = try await InputFixture(broker: broker, mappings: [try Self.stackMapping])
        try await fixture.start()
        let publisher = try await TestPublisher(port: broker.port)
        let topic = "plant/p1/stack/s1/co2"
        try publisher.publish(topic, "not json at all")
        try publisher.publish(topic, #"{"data": {"co2": "n/a"}, "ts": 1}"#)
        try publisher.publish(topic, #"{"data": {"co2": 5}}"#)  // the mapping requires its timestamp
        try publisher.publish(topic, #"{"data": {"co2": 5}, "ts": \#(F.t0)}"#)
        try await MQTTTesting.waitUntil("all four are handled") {
            let statistics = fixture.input.statistics
            return statistics.rejected == 3 && statistics.storedMessages == 1
        }
        let stored = try await MQTTTesting.storedReadings(fixture.store)
        #expect(stored == [Reading(tag: "p1.s1.co2", unit: "ppm", time: F.time(0), value: 5)])
        #expect(fixture.input.statistics.lastRejection?.code == .invalidTimestamp)
        #expect(fixture.input.statistics.lastRejection?.topic == topic)
        // Rejected messages are acknowledged: they are not redelivered after a reconnection.
        #expect(fixture.input.statistics.received == 4)
        await publisher.stop()
        await fixture.finish()
    }

    /// A commit that fails (the store is at its size cap, as on a full disk) must not be
    /// acknowledged: the connection drops, the broker redelivers, and once there is room the
    /// message is stored. Nothing is lost.
    @Test func aFailedCommitIsNotAcknowledgedAndTheMessageComesBack() async throws {
        let broker = try MosquittoBroker()
        let mapping = try TopicMapping(filter: "m/+", fields: [try .init(value: "v", tag: "{1}", unit: "kW")])
        let fixture = try await InputFixture(broker: broker, mappings: [mapping], maximumBytes: 64 * 1024)
        // Fill the store to its cap.
        // The error is returned, not caught in the loop: Swift 6.3.1's SIL verifier crashed on a
        // `catch where` of StoreError with a labelled break here.
        func appendFiller(_ ids: Range<Int>) async -> StoreError? {
            do {
                _ = try await fixture.store.append(F.readings(ids, tag: "filler"))
                return nil
            } catch { return error }
        }
        // Big batches first, then smaller ones, until not even one reading fits.
        var filled = 0
        var batch = 256
        while batch > 0 {
            guard let error = await appendFiller(filled..<(filled + batch)) else {
                filled += batch
                continue
            }
            guard error.code == .diskFull else { throw error }
            batch /= 2
        }
        try await fixture.start()
        let publisher = try await TestPublisher(port: broker.port)
        try publisher.publish("m/meter-7", #"{"v": "42.125"}"#)
        try await MQTTTesting.waitUntil("the commit fails at least twice (a redelivery)") {
            fixture.input.statistics.commitFailures >= 2
        }
        #expect(fixture.events.all.contains { if case .acknowledgementWithheld = $0 { true } else { false } })
        #expect(fixture.input.statistics.storedMessages == 0)

        // Make room: acknowledge and prune the filler, as the sync service would.
        let fillerSequences = try await fixture.store.count()
        try await fixture.store.acknowledge(through: Int64(fillerSequences))
        _ = try await fixture.store.pruneAcknowledged()
        try await fixture.waitStored(messages: 1)
        let stored = try await MQTTTesting.storedReadings(fixture.store)
        #expect(stored == [Reading(tag: "meter-7", unit: "kW", time: F.time(0), value: F.decimal("42.125"))])
        // The broker kept the session across the dropped connections.
        #expect(fixture.events.connections.dropFirst().allSatisfy { $0 })
        await publisher.stop()
        await fixture.finish()
    }

    @Test func stopEndsTheReconnectLoopWhenNoBrokerListens() async throws {
        let port = try SimulatedModbusDevice.freePort()  // nothing listens there
        let events = EventRecorder()
        let client = try MosquittoClient(
            configuration: MQTTTesting.configuration(port: port, clientID: "nobody-listens"), subscriptions: ["a/#"],
            handlers: .init(event: { events.record($0) }))
        try client.start()
        try await MQTTTesting.waitUntil("two attempts fail") { events.failures.count >= 2 }
        #expect(events.failures.allSatisfy { $0.code == .connection })
        #expect(!client.isConnected)
        await client.stop()
        await client.stop()  // idempotent
        #expect(throws: MosquittoError.self) { try client.start() }
    }

    @Test func configurationIsCheckedBeforeConnecting() {
        func refused(_ configuration: MosquittoConfiguration) -> Bool {
            (try? MosquittoClient(configuration: configuration, subscriptions: [], handlers: .init())) == nil
        }
        #expect(refused(MosquittoConfiguration(host: "127.0.0.1", clientID: "")))
        #expect(refused(MosquittoConfiguration(host: "127.0.0.1", port: 0, clientID: "a")))
        #expect(refused(MosquittoConfiguration(host: "127.0.0.1", clientID: "a", keepAlive: .seconds(2))))
        #expect(
            refused(MosquittoConfiguration(host: "127.0.0.1", clientID: "a", tls: .init(caFile: "/nonexistent.pem"))))
        #expect(
            refused(
                MosquittoConfiguration(
                    host: "127.0.0.1", clientID: "a", tls: .init(caFile: "/dev/null", certificateFile: "/dev/null"))))
    }

    @Test func reconnectWaitsDoubleUpToTheMaximumWithJitter() {
        let configuration = MosquittoConfiguration(
            host: "h", clientID: "c", reconnectDelay: .seconds(1), reconnectDelayMaximum: .seconds(60))
        #expect(configuration.reconnectWait(afterFailures: 0, jitter: 0) == .milliseconds(500))
        #expect(configuration.reconnectWait(afterFailures: 0, jitter: 0.999_999) < .seconds(1))
        #expect(configuration.reconnectWait(afterFailures: 3, jitter: 1) == .seconds(8))
        #expect(configuration.reconnectWait(afterFailures: 10, jitter: 1) == .seconds(60))
        #expect(configuration.reconnectWait(afterFailures: 1_000, jitter: 0) == .seconds(30))
    }
}
