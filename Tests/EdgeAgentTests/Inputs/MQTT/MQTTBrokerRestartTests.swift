import Foundation
import Testing

@testable import EdgeAgent

/// The broker goes away and comes back (SIGTERM, so it saves its persistence file as a service
/// stop does): the input reconnects by itself and subscribes again, and messages queued for its
/// persistent session while the agent was down survive the broker's restart.
@Suite struct MQTTBrokerRestartTests {
    typealias F = BufferFixtures

    static func payload(_ sequence: Int) -> String { #"{"seq": \#(sequence)}"# }

    @Test func theInputReconnectsAndQueuedMessagesSurviveABrokerRestart() async throws {
        let broker = try MosquittoBroker()
        let mapping = try TopicMapping(filter: "restart/+", fields: [try .init(value: "seq", tag: "{1}", unit: "")])
        let clientID = "restart-agent"
        let directory = try TemporaryDirectory()
        var fixture = try await InputFixture(
            broker: broker, mappings: [mapping], clientID: clientID, directory: directory)
        try await fixture.start()
        var publisher = try await TestPublisher(port: broker.port, clientID: "restart-publisher")

        // 1. Live traffic.
        for sequence in 1...10 { try publisher.publish("restart/meter", Self.payload(sequence)) }
        try await fixture.waitStored(messages: 10)

        // 2. The broker restarts under a connected input: it reconnects and finds its session.
        // First let the broker read the last PUBACK (libmosquitto writes them after a burst of
        // commits); a restart before that would redeliver, which the kill test covers.
        try await MQTTTesting.waitUntil("the broker has every PUBACK") {
            broker.log.contains("Received PUBACK from \(clientID) (Mid: 10,")
        }
        try broker.restart()
        try await MQTTTesting.waitUntil("the input reconnects") { fixture.events.connections.count == 2 }
        #expect(fixture.events.connections == [false, true])
        try await MQTTTesting.waitUntil("the input subscribes again") { fixture.events.subscriptions == 2 }
        try await MQTTTesting.waitUntil("the publisher reconnects") { publisher.client.isConnected }
        for sequence in 11...20 { try publisher.publish("restart/meter", Self.payload(sequence)) }
        try await fixture.waitStored(messages: 20)

        // 3. The agent is down while 10 more are published; then the broker restarts, then the agent.
        await fixture.input.stop()
        await fixture.store.close()
        for sequence in 21...30 { try publisher.publish("restart/meter", Self.payload(sequence)) }
        try await publisher.waitAcknowledged(30)
        await publisher.stop()
        try broker.restart()
        fixture = try await InputFixture(broker: broker, mappings: [mapping], clientID: clientID, directory: directory)
        try await fixture.start()
        try await fixture.waitStored(messages: 10)
        #expect(fixture.events.connections == [true])

        // All 30, once each: stop() wrote the PUBACKs of everything stored before its DISCONNECT.
        let values = try await MQTTTesting.storedReadings(fixture.store).map(\.value)
        #expect(values == (1...30).map { Decimal($0) })
        publisher = try await TestPublisher(port: broker.port)  // the broker still works for others
        await publisher.stop()
        await fixture.finish()
    }
}
