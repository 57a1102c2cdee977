import CMosquitto
import Dispatch
import Foundation
import Synchronization

/// The only type that touches a `struct mosquitto *` (its nested `Context` sees the same handle
/// inside callbacks). One client, one broker connection, driven by a network thread this client
/// owns: libmosquitto's calls block (DNS, TLS, `select`) and its callbacks run on that thread,
/// never on Swift's cooperative pool.
///
/// Why these libmosquitto settings:
/// - Clean session off and a stable client id: the broker keeps our subscriptions and queues
///   QoS 1 messages while we are away (mind the broker's `max_queued_messages`, 1000 by default).
/// - `mosquitto_threaded_set(true)` and our own thread calling `mosquitto_loop`: in threaded
///   mode a PUBACK is only queued while the message callback runs and is written by the network
///   thread after it returns, so whatever the callback committed is acknowledged, and a crash
///   inside it leaves the message unacknowledged (redelivered). `mosquitto_loop_start` would
///   also be threaded, but it refuses to run after `mosquitto_threaded_set(true)` (checked:
///   MOSQ_ERR_INVAL), quits for good on some errors (`MOSQ_ERR_PROTOCOL`, `_TLS`, `_AUTH`…: see
///   `mosquitto_loop_forever`), and sleeps its reconnect delay uninterruptibly, so a stop would
///   wait up to `reconnectDelayMaximum`. Hence our loop, with the same delay/maximum settings
///   (`mosquitto_reconnect_delay_set`'s meaning) but doubling, with jitter, and a stop that wakes it.
/// - Subscriptions are made again in every CONNACK callback: harmless when the session kept
///   them, essential when the broker lost its state.
/// - Stop happens on the network thread: it first writes the queued PUBACKs of messages already
///   committed, then sends DISCONNECT. (`mosquitto_disconnect` called from another thread closed
///   the socket with PUBACKs still queued: the broker redelivered 8 stored messages.)
/// - SIGPIPE: `mosquitto_new` itself sets it to SIG_IGN for the whole process (seen in its
///   code: `signal(SIGPIPE, SIG_IGN)`), so a write to a dead broker returns EPIPE, not a kill.
final class MosquittoClient: Sendable {
    /// A received message, copied out of libmosquitto's buffer (which is freed after the callback).
    struct Message: Sendable, Hashable {
        var topic: String
        var payload: [UInt8]
        var qos: Int32
        var retain: Bool
        var mid: Int32
    }

    /// What the message handler decided. `withholdAcknowledgement` drops the connection before
    /// the PUBACK can be written (see `Context.deliver`): the broker redelivers the message after
    /// we reconnect. Meaningless for QoS 0, which has no acknowledgement to withhold.
    enum Disposition: Sendable, Hashable {
        case acknowledge
        case withholdAcknowledgement
    }

    enum Event: Sendable, Hashable {
        /// CONNACK accepted. `sessionPresent` false means the broker had no session for our id:
        /// messages published while we were away are gone (expected only on the very first connection).
        case connected(sessionPresent: Bool)
        /// An attempt failed (no route, refused, TLS, CONNACK refusal); another follows after the backoff.
        case connectionFailed(MosquittoError)
        /// An established connection ended; nil when we asked for it (stop).
        case disconnected(MosquittoError?)
        case subscribed(filter: String, grantedQoS: Int32)
        case subscriptionFailed(filter: String, MosquittoError)
        /// The broker acknowledged one of our QoS 1 publications.
        case published(mid: Int32)
        /// The handler withheld an acknowledgement; the connection was dropped on purpose.
        case acknowledgementWithheld(topic: String, mid: Int32)
    }

    /// Both run on the network thread. `message` must decide before returning (the PUBACK follows
    /// its return) and must not call `stop` (which waits for that thread).
    struct Handlers: Sendable {
        var message: @Sendable (Message) -> Disposition
        var event: @Sendable (Event) -> Void

        init(
            message: @escaping @Sendable (Message) -> Disposition = { _ in .acknowledge },
            event: @escaping @Sendable (Event) -> Void = { _ in }
        ) {
            self.message = message
            self.event = event
        }
    }

    private enum Phase { case new, running, stopping, finished }

    let configuration: MosquittoConfiguration
    /// Immutable after init; libmosquitto serialises concurrent use of a handle internally once
    /// `mosquitto_threaded_set(true)` is on (its out-packet, message, state and callback mutexes),
    /// which is why `publish` and `stop` may call it from any thread while the network thread runs
    /// `mosquitto_loop`. `mosquitto_destroy` happens in deinit only, when no thread can hold `self`.
    private nonisolated(unsafe) let handle: OpaquePointer
    private let context: Context
    private let phase = Mutex(Phase.new)
    /// Wakes the network thread from its reconnect wait when stopping.
    private let wake = DispatchSemaphore(value: 0)
    /// Entered by `start`, left when the network thread ends: what `stop` waits on.
    private let running = DispatchGroup()

    /// `mosquitto_lib_init` is not thread-safe (mosquitto.h): once per process, never undone
    /// (`mosquitto_lib_cleanup` would pull OpenSSL from under other clients).
    private static let libraryInitialised: Int32 = mosquitto_lib_init()

    init(configuration: MosquittoConfiguration, subscriptions: [String], handlers: Handlers) throws(MosquittoError) {
        try configuration.validate()
        guard Self.libraryInitialised == MOSQ_ERR_SUCCESS.rawValue else {
            throw MosquittoError.call("mosquitto_lib_init", Self.libraryInitialised)
        }
        let context = Context(subscriptions: subscriptions, handlers: handlers)
        // C callbacks cannot capture: the context travels as user data, retained by the handle
        // and released in deinit after mosquitto_destroy.
        let userData = Unmanaged.passRetained(context)
        guard let handle = mosquitto_new(configuration.clientID, false, userData.toOpaque()) else {
            userData.release()
            throw MosquittoError(.library, "mosquitto_new failed (errno \(errno))", function: "mosquitto_new")
        }
        func check(_ function: String, _ result: Int32, _ what: String) throws(MosquittoError) {
            guard result == MOSQ_ERR_SUCCESS.rawValue else {
                mosquitto_destroy(handle)
                userData.release()
                throw MosquittoError.call(function, result, context: what)
            }
        }
        try check("mosquitto_threaded_set", mosquitto_threaded_set(handle, true), "threaded mode")
        if let credentials = configuration.credentials {
            try check(
                "mosquitto_username_pw_set",
                mosquitto_username_pw_set(handle, credentials.username, credentials.password), "credentials")
        }
        if let tls = configuration.tls {
            // Reads and checks the files now; peer verification and host-name checking stay on.
            try check(
                "mosquitto_tls_set",
                mosquitto_tls_set(handle, tls.caFile, nil, tls.certificateFile, tls.keyFile, nil),
                "TLS files \(tls.caFile), \(tls.certificateFile ?? "-"), \(tls.keyFile ?? "-")")
            try check("mosquitto_tls_opts_set", mosquitto_tls_opts_set(handle, 1, nil, nil), "TLS peer verification")
        }
        Context.install(on: handle)
        self.configuration = configuration
        self.handle = handle
        self.context = context
    }

    deinit {
        // The network thread holds `self` until it ends, so no callback can run any more.
        mosquitto_destroy(handle)
        Unmanaged.passUnretained(context).release()
    }

    /// Starts the network thread, which connects and reconnects until `stop`. Once per client.
    func start() throws(MosquittoError) {
        try phase.withLock { phase throws(MosquittoError) in
            guard phase == .new else { throw MosquittoError(.state, "the MQTT client was already started") }
            phase = .running
            running.enter()  // under the lock: a concurrent stop() must find the group entered
        }
        let thread = Thread { [self] in
            runNetworkLoop()
            phase.withLock { $0 = .finished }
            running.leave()
        }
        thread.name = "mqtt \(configuration.clientID)"
        thread.start()
    }

    /// Acknowledges what was handled, sends DISCONNECT (the session stays on the broker) and
    /// waits until the network thread has ended; no handler runs after this returns. Idempotent.
    /// Must not be called from a handler (it waits for the thread that runs them).
    func stop() async {
        requestStop()
        await withCheckedContinuation { continuation in
            running.notify(queue: .global()) { continuation.resume() }
        }
    }

    @available(*, noasync, message: "waits for the network thread; use stop() from async code")
    func stopSync() {
        requestStop()
        running.wait()
    }

    private func requestStop() {
        let wasRunning = phase.withLock { phase in
            switch phase {
            case .new:
                phase = .finished
                return false
            case .running:
                phase = .stopping
                return true
            case .stopping, .finished:
                return false
            }
        }
        // The network thread notices within one loop timeout and disconnects itself (see its end).
        guard wasRunning else { return }
        wake.signal()
    }

    private var isStopping: Bool { phase.withLock { $0 != .running } }

    var isConnected: Bool { context.connected.load(ordering: .acquiring) }

    /// Queues a publication and returns its message id; `.published(mid)` follows when the broker
    /// acknowledges it (QoS 1). libmosquitto keeps QoS 1 messages queued across reconnections.
    @discardableResult
    func publish(topic: String, payload: [UInt8], qos: Int32 = 1, retain: Bool = false) throws(MosquittoError) -> Int32
    {
        var mid: Int32 = 0
        let result = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, &mid, topic, Int32(bytes.count), bytes.baseAddress, qos, retain)
        }
        guard result == MOSQ_ERR_SUCCESS.rawValue else { throw MosquittoError.call("mosquitto_publish", result) }
        return mid
    }

    // MARK: The network thread

    private func runNetworkLoop() {
        let success = MOSQ_ERR_SUCCESS.rawValue
        let keepAlive = Int32(configuration.keepAlive.components.seconds)
        var failures = 0
        var result = mosquitto_connect_async(handle, configuration.host, configuration.port, keepAlive)
        if result != success { context.emit(.connectionFailed(.call("mosquitto_connect_async", result))) }
        while !isStopping {
            if result == success {
                // Returns at least every 250 ms, so a stop is noticed soon; errors (the link
                // broke, an attempt failed) were already reported by the disconnect callback.
                result = mosquitto_loop(handle, 250, 1)
                if result == success { continue }
            }
            if context.healthy.exchange(false, ordering: .acquiringAndReleasing) { failures = 0 }
            let wait = configuration.reconnectWait(afterFailures: failures, jitter: .random(in: 0..<1))
            failures += 1
            let (seconds, attoseconds) = wait.components
            _ = wake.wait(
                timeout: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)))
            if isStopping { break }
            result = mosquitto_reconnect_async(handle)
            if result != success { context.emit(.connectionFailed(.call("mosquitto_reconnect_async", result))) }
        }
        // Stopping. First write what is queued (the PUBACKs of messages already committed) while
        // the connection is still active, then DISCONNECT from this thread. A mosquitto_disconnect
        // from the stopping thread closed the socket with those PUBACKs still queued (seen: the
        // broker redelivered 8 messages the agent had stored and acknowledged in its callback).
        var rounds = 0
        while context.connected.load(ordering: .acquiring) && mosquitto_want_write(handle) && rounds < 20 {
            guard mosquitto_loop(handle, 50, 1) == success else { break }
            rounds += 1
        }
        if mosquitto_disconnect(handle) == success {
            rounds = 0
            while rounds < 20, mosquitto_loop(handle, 50, 1) == success { rounds += 1 }
        }
    }
}
