import Dispatch
import Foundation
import Glibc
import Synchronization

// # Control socket
//
// A Unix domain socket through which operators (through `carbonctl alarms`) list, acknowledge and
// shelve alarms. One JSON request per line in, one JSON reply per line out; the request forms are
// documented on `ControlRequest`, the replies on `ControlReply`:
//
//   → {"command":"ack","tag":"stack1.co2","kind":"HH","operator":"li","comment":"fan 2 tripped"}
//   ← {"transitions":[{"cause":"acknowledge","from":"unacknowledged_active","id":7,…,"operator_uid":1000,…}]}
//   ← {"error":{"code":"unknown_tag","field":"tag","message":"no alarm rule watches tag 'stack9'"}}
//
// The API other parts call:
//
//   let server = try ControlServer.start(
//       ControlServerConfiguration(path: "/run/edge-agent/control.sock",
//                                  groupID: try PeerPolicy.groupID(named: "edge-agent")),
//       service: alarms)
//   server.path
//   await server.stop()       (or server.stopSync() off the cooperative pool): stops accepting, closes
//                             every connection, waits for their threads, removes the socket file
//
// Access: the socket file is created with mode 0660 and the configured group (default: the
// agent's own), and every connection's peer is checked with SO_PEERCRED (`PeerPolicy`): root, the
// agent's uid and members of that group are served; anyone else gets a `forbidden` reply. The
// operator's name comes from the request; the peer uid is recorded next to it in the history.
//
// Threads: one accept thread, and one thread per connection (at most `maximumConnections`; the
// next gets a `busy` reply). Requests block on the alarm store's commit there, never on the
// cooperative pool. A request line is at most `maximumRequestBytes`; a longer one gets
// `request_too_large` and the connection is closed. A client silent for `idleTimeout` is dropped.

struct ControlServerConfiguration: Sendable {
    var path: String
    /// The socket file's group, and the group whose members may connect; nil: the agent's own.
    var groupID: UInt32?
    var mode: mode_t
    var maximumRequestBytes: Int
    var maximumConnections: Int
    var idleTimeout: Duration

    init(
        path: String = "/run/edge-agent/control.sock", groupID: UInt32? = nil, mode: mode_t = 0o660,
        maximumRequestBytes: Int = 65_536, maximumConnections: Int = 8, idleTimeout: Duration = .seconds(30)
    ) {
        self.path = path
        self.groupID = groupID
        self.mode = mode
        self.maximumRequestBytes = maximumRequestBytes
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
    }
}

/// Descriptor ownership: the listening socket belongs to the server (the accept thread uses it,
/// `stopSync` shuts it down to wake that thread, then closes it once the thread has left). Each
/// accepted socket is registered in `state` and closed only through `release`, under the same
/// lock `stopSync` holds while it shuts connections down, so a descriptor is never shut down
/// after it was closed and its number reused.
final class ControlServer: Sendable {
    private struct State {
        var stopping = false
        var connections: Set<Int32> = []
    }

    let path: String
    let configuration: ControlServerConfiguration
    private let listener: UnixSocket.Listener
    private let handler: ControlHandler
    private let report: @Sendable (String) -> Void
    private let state = Mutex(State())
    private let acceptThreadDone = DispatchSemaphore(value: 0)
    private let connectionThreads = DispatchGroup()

    private init(
        configuration: ControlServerConfiguration, listener: UnixSocket.Listener, handler: ControlHandler,
        report: @escaping @Sendable (String) -> Void
    ) {
        self.path = configuration.path
        self.configuration = configuration
        self.listener = listener
        self.handler = handler
        self.report = report
    }

    /// Creates the socket and starts serving `service` on threads of the server's own.
    static func start(
        _ configuration: ControlServerConfiguration, service: AlarmService,
        now: @escaping @Sendable () -> Date = { Date() },
        groupsOf: @escaping @Sendable (UInt32, UInt32) -> [UInt32] = PeerPolicy.systemGroups,
        report: @escaping @Sendable (String) -> Void = LogAlarmNotifier.standardError
    )
        throws(ControlError) -> ControlServer
    {
        let group = configuration.groupID ?? getegid()
        let listener = try UnixSocket.listen(at: configuration.path, mode: configuration.mode, group: group)
        let policy = PeerPolicy(agentUID: geteuid(), socketGID: group, groupsOf: groupsOf)
        let server = ControlServer(
            configuration: configuration, listener: listener,
            handler: ControlHandler(service: service, policy: policy, now: now), report: report)
        let thread = Thread { server.acceptLoop() }
        thread.name = "edge-agent.control"
        thread.start()
        return server
    }

    /// Stops serving, without blocking the caller's cooperative thread.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // A thread of its own: stopping waits for connection threads, which may wait for a commit.
            let thread = Thread {
                self.stopSync()
                continuation.resume()
            }
            thread.start()
        }
    }

    @available(*, noasync, message: "blocks until every connection thread has finished; use stop()")
    func stopSync() {
        let first = state.withLock { state -> Bool in
            guard !state.stopping else { return false }
            state.stopping = true
            for fd in state.connections { shutdown(fd, Int32(SHUT_RDWR)) }
            return true
        }
        guard first else { return }
        // On Linux, shutting a listening socket down makes a blocked accept() return (EINVAL).
        shutdown(listener.fd, Int32(SHUT_RDWR))
        acceptThreadDone.wait()
        close(listener.fd)
        connectionThreads.wait()
        UnixSocket.unlinkIfOurs(path, listener)
    }

    // MARK: Accepting

    private func acceptLoop() {
        defer { acceptThreadDone.signal() }
        while true {
            // accept4 is a GNU extension Swift's Glibc module does not declare; the window before
            // FD_CLOEXEC matters only if a hook command is spawned in that instant.
            let fd = accept(listener.fd, nil, nil)
            if fd < 0 {
                let error = errno
                if state.withLock({ $0.stopping }) { return }
                switch error {
                case EINTR, ECONNABORTED, EAGAIN, EPROTO:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: wait a little instead of spinning.
                    report("control socket: accept failed (errno \(error)); retrying")
                    usleep(100_000)
                    continue
                default:
                    report("control socket: accept failed (errno \(error)); no longer accepting connections")
                    return
                }
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            admit(fd)
        }
    }

    private func admit(_ fd: Int32) {
        UnixSocket.setTimeouts(fd, receive: configuration.idleTimeout, send: .seconds(5))
        let admitted = state.withLock { state -> Bool in
            guard !state.stopping, state.connections.count < configuration.maximumConnections else { return false }
            state.connections.insert(fd)
            return true
        }
        guard admitted else {
            let busy = ControlFailure(
                .busy, "too many control connections (\(configuration.maximumConnections)); try again")
            _ = UnixSocket.sendAll(fd, ControlReply.failure(busy) + Data("\n".utf8))
            close(fd)  // never registered: still the accept thread's alone
            return
        }
        connectionThreads.enter()
        let thread = Thread {
            ControlConnection(
                fd: fd, handler: self.handler, maximumRequestBytes: self.configuration.maximumRequestBytes
            )
            .serve()
            self.release(fd)
            self.connectionThreads.leave()
        }
        thread.name = "edge-agent.control.connection"
        thread.start()
    }

    private func release(_ fd: Int32) {
        state.withLock { state in
            state.connections.remove(fd)
            close(fd)
        }
    }
}
