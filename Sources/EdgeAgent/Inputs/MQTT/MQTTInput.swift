import Foundation
import Logging
import Synchronization

// The MQTT input (requirement M1): subscribes at QoS 1 with a persistent session, maps each
// message to readings and commits them to the reading store inside libmosquitto's message
// callback, so the PUBACK leaves only after the commit. The API other parts call:
//
//   let mappings = [try TopicMapping(filter: "plant/+/stack/+/co2",
//                                    fields: [try .init(value: "data.co2", tag: "{1}.{3}.co2", unit: "ppm")],
//                                    timestamp: try .init(path: "ts", format: .unixMilliseconds))]
//   let input = try MQTTInput(
//       configuration: MosquittoConfiguration(host: "broker", port: 8883, clientID: "\(agentID)-mqtt",
//                                             credentials: .init(username: "agent", password: secret),
//                                             tls: .init(caFile: "/etc/edge-agent/ca.pem")),
//       mapper: try MessageMapper(mappings: mappings), store: store, logger: logger)
//   try input.start()                  connects on its own thread; reconnects with backoff until stop
//   input.statistics                   -> MQTTInput.Statistics (received, stored, rejected, commit failures)
//   await input.stop()                 PUBACKs what was stored, then DISCONNECT; the broker keeps the
//                                      session and queues for us (stopSync() from non-async code)
//
//   MessageMapper(mappings:maximumPayloadBytes:).readings(topic:payload:receivedAt:) -> [Reading]
//                                      the pure mapping (MessageMapper.swift, TopicMapping.swift)
//   MosquittoClient(configuration:subscriptions:handlers:)  the libmosquitto wrapper, also for publishing
//
// Errors: MosquittoError (libmosquitto and broker), MQTTMappingError (mappings and rejected
// messages), StoreError (from the store, logged here).
//
// Delivery guarantee: exactly once for QoS 1 messages the broker accepted for our session. The
// readings are committed inside the message callback, so the PUBACK leaves only after the
// commit; a crash between the commit and the PUBACK makes the broker redeliver the message with
// the same packet id, and the store recognises it: each commit also records (packet id, SHA-256
// of topic and payload) in the same transaction (`mqtt_recent`), and a redelivery among the
// latest 1,000 messages is acknowledged without storing anything (`Statistics.redeliveries`).
// Tests/EndToEnd/faults.py kills the agent at exactly that point. A publisher that sends the same
// payload twice under new packet ids gets two stored messages, as it should.
//
// The broker must keep what it promised: `persistence true` (sessions and queued messages
// survive its restart only if saved: SIGTERM saves, a crash loses what changed since the last
// autosave) and `max_queued_messages` above what publishers send during the longest agent
// outage (the default, 1000, silently drops further QoS 1 messages for an offline session).
//
// Outcomes per message:
// - mapped and committed: acknowledged;
// - rejected by the mapping (no matching filter, not JSON, missing field, not a number…):
//   counted, logged, acknowledged: redelivering a malformed message cannot make it fit;
// - the commit failed (disk full, I/O error, store closed): not acknowledged. The connection
//   is dropped before the PUBACK can leave, the client reconnects after its backoff and the
//   broker redelivers; while the store keeps failing, the delays grow to their maximum.
final class MQTTInput: Sendable {
    struct Statistics: Sendable, Hashable {
        /// Messages the handler saw (redeliveries count again).
        var received = 0
        /// Messages whose readings were committed, and those readings.
        var storedMessages = 0
        var storedReadings = 0
        /// Messages rejected by the mapping (acknowledged, not stored).
        var rejected = 0
        /// Messages whose commit failed (not acknowledged; they come back).
        var commitFailures = 0
        /// Redeliveries of messages already stored (a crash between commit and PUBACK): acknowledged, not stored again.
        var redeliveries = 0
        var lastRejection: MQTTMappingError?
    }

    let mapper: MessageMapper
    private let client: MosquittoClient
    private let pipeline: Pipeline

    /// `now` gives the receipt time; `observer` sees every client event after it is logged.
    init(
        configuration: MosquittoConfiguration, mapper: MessageMapper, store: ReadingStore, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        observer: @escaping @Sendable (MosquittoClient.Event) -> Void = { _ in },
        afterCommit: @escaping @Sendable ([Reading]) -> Void = { _ in }
    ) throws(MosquittoError) {
        var logger = logger
        logger[metadataKey: LogKey.mqttClient] = "\(configuration.clientID)"
        let pipeline = Pipeline(mapper: mapper, store: store, logger: logger, now: now, afterCommit: afterCommit)
        self.mapper = mapper
        self.pipeline = pipeline
        client = try MosquittoClient(
            configuration: configuration, subscriptions: mapper.subscriptions,
            handlers: .init(
                message: { message in pipeline.handle(message) },
                event: { event in
                    pipeline.log(event)
                    observer(event)
                }))
    }

    func start() throws(MosquittoError) {
        pipeline.logger.info(
            "MQTT input starting",
            metadata: [
                LogKey.endpoint: "\(client.configuration.host):\(client.configuration.port)",
                LogKey.mqttTopic: "\(mapper.subscriptions.joined(separator: " "))",
            ])
        try client.start()
    }

    func stop() async { await client.stop() }

    @available(*, noasync, message: "waits for the network thread; use stop() from async code")
    func stopSync() { client.stopSync() }

    var isConnected: Bool { client.isConnected }

    var statistics: Statistics { pipeline.statistics.withLock { $0 } }
}

extension LogKey {
    static let mqttTopic = "mqtt.topic"
    static let mqttClient = "mqtt.client"
}
