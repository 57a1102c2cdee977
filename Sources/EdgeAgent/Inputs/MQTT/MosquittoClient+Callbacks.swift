import CMosquitto
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension MosquittoClient {
    /// What libmosquitto's C callbacks reach through the user-data pointer: the handlers and the
    /// connection's state. Every callback runs on the client's network thread; the atomics are
    /// for the readers on other threads (`isConnected`) and for the loop's backoff.
    final class Context: Sendable {
        let subscriptions: [String]
        let handlers: Handlers
        let connected = Atomic(false)
        /// Set when an acknowledgement was withheld: every later message of this connection is
        /// withheld too (its PUBACK could not leave anyway). Cleared by the next CONNACK.
        let withholding = Atomic(false)
        /// Something worked since the last failure (a CONNACK, or a stored message): the loop
        /// restarts its backoff from the shortest delay.
        let healthy = Atomic(false)
        /// The handler could not store a message; a CONNACK alone no longer counts as healthy,
        /// so a full disk is retried with growing delays instead of once a second.
        let storeTrouble = Atomic(false)
        /// The last CONNACK refused us (already reported): the disconnect that follows is not news.
        let refused = Atomic(false)
        /// SUBSCRIBE message ids waiting for their SUBACK.
        let pendingSubscriptions = Mutex<[Int32: String]>([:])

        init(subscriptions: [String], handlers: Handlers) {
            self.subscriptions = subscriptions
            self.handlers = handlers
        }

        func emit(_ event: Event) { handlers.event(event) }

        private static func from(_ userData: UnsafeMutableRawPointer?) -> Context? {
            userData.map { Unmanaged<Context>.fromOpaque($0).takeUnretainedValue() }
        }

        /// Sets the C callbacks. Plain closures without captures, written in this nonisolated
        /// type: a closure from main-actor code would trap on libmosquitto's thread (ENVIRONMENT.md).
        static func install(on handle: OpaquePointer) {
            mosquitto_connect_with_flags_callback_set(handle) { mosq, userData, result, flags in
                guard let mosq, let context = Context.from(userData) else { return }
                context.didConnect(mosq, result: result, sessionPresent: flags & 1 != 0)
            }
            mosquitto_disconnect_callback_set(handle) { _, userData, result in
                Context.from(userData)?.didDisconnect(result: result)
            }
            mosquitto_message_callback_set(handle) { mosq, userData, message in
                guard let mosq, let message, let context = Context.from(userData) else { return }
                context.deliver(mosq, message.pointee)
            }
            mosquitto_subscribe_callback_set(handle) { _, userData, mid, count, granted in
                guard let context = Context.from(userData) else { return }
                context.didSubscribe(mid: mid, granted: count > 0 ? granted?[0] : nil)
            }
            mosquitto_publish_callback_set(handle) { _, userData, mid in
                Context.from(userData)?.emit(.published(mid: mid))
            }
        }

        private func didConnect(_ mosq: OpaquePointer, result: Int32, sessionPresent: Bool) {
            guard result == 0 else {
                refused.store(true, ordering: .releasing)
                emit(.connectionFailed(.connack(result)))
                return
            }
            connected.store(true, ordering: .releasing)
            withholding.store(false, ordering: .releasing)
            if !storeTrouble.load(ordering: .acquiring) { healthy.store(true, ordering: .releasing) }
            emit(.connected(sessionPresent: sessionPresent))
            // Inside a callback libmosquitto only queues the SUBSCRIBE: the mid is recorded
            // before its SUBACK can be read, on this same thread.
            for filter in subscriptions {
                var mid: Int32 = 0
                let result = mosquitto_subscribe(mosq, &mid, filter, 1)
                if result == MOSQ_ERR_SUCCESS.rawValue {
                    pendingSubscriptions.withLock { $0[mid] = filter }
                } else {
                    emit(.subscriptionFailed(filter: filter, .call("mosquitto_subscribe", result, context: filter)))
                }
            }
        }

        private func didDisconnect(result: Int32) {
            let error = result == 0 ? nil : MosquittoError.call("mosquitto_loop", result, context: "connection lost")
            if connected.exchange(false, ordering: .acquiringAndReleasing) {
                emit(.disconnected(error))
            } else if !refused.exchange(false, ordering: .acquiringAndReleasing), let error {
                emit(.connectionFailed(error))
            }
        }

        private func didSubscribe(mid: Int32, granted: Int32?) {
            guard let filter = pendingSubscriptions.withLock({ $0.removeValue(forKey: mid) }) else { return }
            if let granted, granted <= 2 {
                emit(.subscribed(filter: filter, grantedQoS: granted))
            } else {
                let error = MosquittoError(
                    .refused, "the broker refused the subscription", function: "SUBACK", returnCode: granted ?? -1)
                emit(.subscriptionFailed(filter: filter, error))
            }
        }

        /// Copies the message, lets the handler decide, and withholds the PUBACK when asked.
        ///
        /// Withholding: libmosquitto queues the PUBACK around this callback and writes it once the
        /// callback has returned; there is no call to cancel it. Shutting the socket down here
        /// makes that write fail (and the next read see EOF), so the PUBACK never reaches the
        /// broker; libmosquitto reports the connection lost and discards its queued packets when
        /// it reconnects (`packet__cleanup_all` in `mosquitto__reconnect`), and the broker, which
        /// still holds the message for our persistent session, sends it again.
        fileprivate func deliver(_ mosq: OpaquePointer, _ raw: mosquitto_message) {
            guard !withholding.load(ordering: .acquiring) else { return }
            let payload =
                raw.payloadlen > 0 && raw.payload != nil
                ? Array(UnsafeRawBufferPointer(start: raw.payload, count: Int(raw.payloadlen))) : []
            let topic = raw.topic.map { String(cString: $0) } ?? ""
            let message = Message(topic: topic, payload: payload, qos: raw.qos, retain: raw.retain, mid: raw.mid)
            switch handlers.message(message) {
            case .acknowledge:
                storeTrouble.store(false, ordering: .releasing)
                healthy.store(true, ordering: .releasing)
            case .withholdAcknowledgement:
                guard raw.qos > 0 else { return }
                withholding.store(true, ordering: .releasing)
                storeTrouble.store(true, ordering: .releasing)
                healthy.store(false, ordering: .releasing)
                shutdown(mosquitto_socket(mosq), Int32(SHUT_RDWR))
                emit(.acknowledgementWithheld(topic: topic, mid: raw.mid))
            }
        }
    }
}
