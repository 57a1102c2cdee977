import Foundation
import Logging
import Synchronization
import Testing

@testable import EdgeAgent

enum MQTTTesting {
    static let silent = Logger(label: "mqtt-test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Short delays: tests restart brokers and want the reconnection soon.
    static func configuration(
        port: Int32, clientID: String, tls: MosquittoConfiguration.TLS? = nil,
        credentials: MosquittoConfiguration.Credentials? = nil
    ) -> MosquittoConfiguration {
        MosquittoConfiguration(
            host: "127.0.0.1", port: port, clientID: clientID, credentials: credentials, tls: tls,
            keepAlive: .seconds(10),
            reconnectDelay: .milliseconds(50), reconnectDelayMaximum: .milliseconds(400))
    }

    static func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Polls `condition` until it holds; fails the test after `seconds` (a broken implementation
    /// fails instead of hanging). Not a timing assertion: the bound is far above the expected time.
    static func waitUntil(
        _ what: String, seconds: Double = 15, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("never happened: \(what)", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    static func storedReadings(_ store: ReadingStore) async throws -> [Reading] {
        try await store.peek(after: 0, limit: 1_000_000).map(\.reading)
    }
}

/// Every event a client reported, for tests to wait on.
final class EventRecorder: Sendable {
    private let events = Mutex<[MosquittoClient.Event]>([])

    func record(_ event: MosquittoClient.Event) { events.withLock { $0.append(event) } }

    var all: [MosquittoClient.Event] { events.withLock { $0 } }

    var subscriptions: Int { all.count { if case .subscribed = $0 { true } else { false } } }
    var connections: [Bool] { all.compactMap { if case .connected(let present) = $0 { present } else { nil } } }
    var failures: [MosquittoError] {
        all.compactMap { if case .connectionFailed(let error) = $0 { error } else { nil } }
    }
    var acknowledgedPublications: Int { all.count { if case .published = $0 { true } else { false } } }
}

/// A second `MosquittoClient` that publishes QoS 1 messages and counts the broker's PUBACKs.
final class TestPublisher: Sendable {
    let client: MosquittoClient
    let events: EventRecorder

    init(
        port: Int32, clientID: String = "publisher-\(UUID().uuidString.prefix(8))",
        tls: MosquittoConfiguration.TLS? = nil,
        credentials: MosquittoConfiguration.Credentials? = nil
    ) async throws {
        let events = EventRecorder()
        self.events = events
        client = try MosquittoClient(
            configuration: MQTTTesting.configuration(
                port: port, clientID: clientID, tls: tls, credentials: credentials),
            subscriptions: [],
            handlers: .init(event: { events.record($0) }))
        try client.start()
        try await MQTTTesting.waitUntil("the publisher connects") { client.isConnected }
    }

    func publish(_ topic: String, _ payload: String) throws {
        try client.publish(topic: topic, payload: Array(payload.utf8), qos: 1)
    }

    /// Waits until the broker has acknowledged `count` publications in all.
    func waitAcknowledged(_ count: Int, seconds: Double = 15) async throws {
        try await MQTTTesting.waitUntil("the broker acknowledges \(count) publications", seconds: seconds) {
            events.acknowledgedPublications >= count
        }
    }

    func stop() async { await client.stop() }
}

/// A store in its own temporary folder and an MQTT input writing into it.
struct InputFixture {
    let directory: TemporaryDirectory
    let store: ReadingStore
    let input: MQTTInput
    let events: EventRecorder

    init(
        broker: MosquittoBroker, mappings: [TopicMapping], clientID: String = "agent-\(UUID().uuidString.prefix(8))",
        maximumBytes: Int64? = nil, now: @escaping @Sendable () -> Date = { BufferFixtures.time(0) },
        tls: MosquittoConfiguration.TLS? = nil, credentials: MosquittoConfiguration.Credentials? = nil,
        port: Int32? = nil, directory: TemporaryDirectory? = nil
    ) async throws {
        let directory = try directory ?? TemporaryDirectory()
        let events = EventRecorder()
        self.directory = directory
        self.events = events
        store = try await ReadingStore.open(path: directory.path(), maximumBytes: maximumBytes)
        input = try MQTTInput(
            configuration: MQTTTesting.configuration(
                port: port ?? broker.port, clientID: clientID, tls: tls, credentials: credentials),
            mapper: try MessageMapper(mappings: mappings), store: store, logger: MQTTTesting.silent, now: now,
            observer: { events.record($0) })
    }

    /// Starts the input and waits until the broker confirmed every subscription.
    func start() async throws {
        let expected = input.mapper.subscriptions.count + events.subscriptions
        try input.start()
        try await MQTTTesting.waitUntil("the input subscribes") { events.subscriptions >= expected }
    }

    func waitStored(messages: Int) async throws {
        try await MQTTTesting.waitUntil("\(messages) messages are stored") {
            input.statistics.storedMessages >= messages
        }
    }

    func finish() async {
        await input.stop()
        await store.close()
        directory.remove()
    }
}
