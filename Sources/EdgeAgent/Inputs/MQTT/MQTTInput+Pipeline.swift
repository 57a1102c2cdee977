import CarbonCore
import FaultPoints
import Foundation
import Logging
import Synchronization

extension MQTTInput {
    /// What the message callback does, on libmosquitto's network thread: map, commit, decide.
    /// Blocking there is the point: the PUBACK waits for the commit, and the next message waits
    /// for this one (throughput is the store's single-row commit rate, see the measurements).
    final class Pipeline: Sendable {
        let mapper: MessageMapper
        let store: ReadingStore
        let logger: Logger
        let now: @Sendable () -> Date
        /// Called on the network thread after each commit (the alarm evaluation), still before the PUBACK.
        let afterCommit: @Sendable ([Reading]) -> Void
        let statistics = Mutex(Statistics())
        /// When the last rejection was logged at warning level, and how many followed silently.
        private let rejectionWarnings = Mutex<(last: ContinuousClock.Instant?, suppressed: Int)>((nil, 0))
        static let rejectionWarningInterval = Duration.seconds(60)

        init(mapper: MessageMapper, store: ReadingStore, logger: Logger, now: @escaping @Sendable () -> Date,
             afterCommit: @escaping @Sendable ([Reading]) -> Void = { _ in }) {
            self.mapper = mapper
            self.store = store
            self.logger = logger
            self.now = now
            self.afterCommit = afterCommit
        }

        func handle(_ message: MosquittoClient.Message) -> MosquittoClient.Disposition {
            statistics.withLock { $0.received += 1 }
            let readings: [Reading]
            do {
                readings = try mapper.readings(topic: message.topic, payload: message.payload, receivedAt: now())
            } catch {
                reject(error)
                return .acknowledge
            }
            do {
                // The commit happens here, before the callback returns and the PUBACK is written.
                FaultPoint.hit("agent.mqtt.after-receive-before-commit")
                guard try store.appendMessageSync(readings, identity: Self.identity(of: message)) else {
                    statistics.withLock { $0.redeliveries += 1 }
                    logger.debug("MQTT redelivery of a stored message acknowledged again",
                                 metadata: [LogKey.mqttTopic: "\(message.topic)", "mid": "\(message.mid)"])
                    return .acknowledge
                }
            } catch let error where error.code == .invalidArgument {
                // Mapping checks storability first, so this is a reading the store refuses for
                // good: redelivery would fail the same way forever.
                reject(MQTTMappingError(.unstorable, error.description, topic: message.topic))
                return .acknowledge
            } catch {
                statistics.withLock { $0.commitFailures += 1 }
                logger.error(
                    "MQTT message not stored; withholding its acknowledgement so the broker sends it again",
                    metadata: [LogKey.mqttTopic: "\(message.topic)", LogKey.error: "\(error)"])
                return .withholdAcknowledgement
            }
            statistics.withLock {
                $0.storedMessages += 1
                $0.storedReadings += readings.count
            }
            afterCommit(readings)
            logger.trace(
                "MQTT message stored",
                metadata: [LogKey.mqttTopic: "\(message.topic)", LogKey.readings: "\(readings.count)"])
            FaultPoint.hit("agent.mqtt.after-commit-before-ack")
            return .acknowledge
        }

        /// The packet id and a digest of topic and payload (SHA-256 over the topic, a NUL, the payload).
        static func identity(of message: MosquittoClient.Message) -> BufferDatabase.MessageIdentity {
            var hasher = SHA256()
            hasher.update(message.topic)
            hasher.update([0])
            hasher.update(message.payload)
            return BufferDatabase.MessageIdentity(mid: message.mid, digest: hasher.finalize())
        }

        /// Counts every rejection and logs it at debug; at warning level at most once a minute,
        /// with the number of rejections since, so one mis-mapped device cannot flood the journal.
        private func reject(_ error: MQTTMappingError) {
            statistics.withLock {
                $0.rejected += 1
                $0.lastRejection = error
            }
            let metadata: Logger.Metadata = [LogKey.mqttTopic: "\(error.topic ?? "")", LogKey.error: "\(error)"]
            logger.debug("MQTT message rejected", metadata: metadata)
            let now = ContinuousClock.now
            let suppressed: Int? = rejectionWarnings.withLock { state in
                if let last = state.last, now - last < Self.rejectionWarningInterval {
                    state.suppressed += 1
                    return nil
                }
                defer { state = (now, 0) }
                return state.suppressed
            }
            if let suppressed {
                var metadata = metadata
                metadata["mqtt.rejected_since_last_warning"] = "\(suppressed)"
                logger.warning("MQTT message rejected (not stored, acknowledged)", metadata: metadata)
            }
        }

        func log(_ event: MosquittoClient.Event) {
            switch event {
            case .connected(let sessionPresent):
                if sessionPresent {
                    logger.info("MQTT connected; the broker kept our session")
                } else {
                    logger.notice(
                        """
                        MQTT connected with a new session: messages published while the agent was away were \
                        not kept (expected on the first connection of this client id)
                        """)
                }
            case .connectionFailed(let error):
                logger.warning("MQTT connection attempt failed", metadata: [LogKey.error: "\(error)"])
            case .disconnected(nil):
                logger.info("MQTT disconnected")
            case .disconnected(let error?):
                logger.warning("MQTT connection lost; reconnecting", metadata: [LogKey.error: "\(error)"])
            case .subscribed(let filter, let qos):
                logger.info("MQTT subscribed", metadata: [LogKey.mqttTopic: "\(filter)", "mqtt.qos": "\(qos)"])
            case .subscriptionFailed(let filter, let error):
                logger.error(
                    "MQTT subscription failed; its messages will not arrive",
                    metadata: [LogKey.mqttTopic: "\(filter)", LogKey.error: "\(error)"])
            case .published:
                break
            case .acknowledgementWithheld(let topic, _):
                logger.warning(
                    "MQTT connection dropped to withhold an acknowledgement", metadata: [LogKey.mqttTopic: "\(topic)"])
            }
        }
    }
}
