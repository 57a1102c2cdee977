import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A real mosquitto broker (the Debian package, scripts/setup installs it) on a free loopback
/// port, with its own folder for configuration, persistence and log. Without the binary the test
/// fails, it does not skip: scripts/test promises to test against the real peer.
///
/// Runs in the foreground as our child (not `-d`), so we hold its pid and see it exit; as root it
/// would drop to user `mosquitto` and then could not write its log or persistence file in our
/// root-owned folder (it exits 0 silently, ENVIRONMENT.md), so the config says `user root`.
/// Persistence is on so a persistent session and its queued QoS 1 messages survive `restart()`.
final class MosquittoBroker: Sendable {
    let port: Int32
    let directory: URL
    /// The broker's pid while it runs.
    private let process = Mutex<pid_t?>(nil)

    struct StartError: Error, CustomStringConvertible { var description: String }

    static let executable = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `extraConfiguration` lines are appended (a TLS listener, a password file).
    init(allowAnonymous: Bool = true, extraConfiguration: [String] = []) throws {
        port = try SimulatedModbusDevice.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosquitto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lines = [
            "listener \(port) 127.0.0.1",
            "allow_anonymous \(allowAnonymous)",
            "persistence true",
            "persistence_location \(directory.path)/",
            "log_dest file \(directory.appendingPathComponent("mosquitto.log").path)",
            "log_type all",
            // Unlimited queue for an offline persistent session (the default, 1000, drops QoS 1
            // messages beyond it: the kill test parks thousands while its subscriber is dead).
            "max_queued_messages 0",
        ]
        if geteuid() == 0 { lines.append("user root") }
        lines += extraConfiguration
        try (lines.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
        try start()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the broker (again, after `stop`) on the same port with the same persistence file.
    func start() throws {
        guard let executable = Self.executable else {
            throw StartError(description: "mosquitto is not installed: run scripts/setup")
        }
        let pid = try Self.spawn(executable, ["-c", directory.appendingPathComponent("mosquitto.conf").path])
        process.withLock { $0 = pid }
        for _ in 0..<250 {
            if SimulatedModbusDevice.canConnect(port: port) { return }
            guard isRunning else { throw StartError(description: "mosquitto exited during start-up; its log:\n\(log)") }
            usleep(20_000)
        }
        throw StartError(description: "mosquitto did not listen on 127.0.0.1:\(port) within 5 s; its log:\n\(log)")
    }

    /// SIGTERM: mosquitto writes its persistence file (sessions, queued messages) and exits.
    func stop() { end(with: SIGTERM) }

    /// SIGKILL, for cleanup: nothing is saved.
    func kill() { end(with: SIGKILL) }

    private func end(with signal: Int32) {
        guard let pid = process.withLock({ $0.take() }) else { return }
        Glibc.kill(pid, signal)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }

    private var isRunning: Bool {
        guard let pid = process.withLock({ $0 }) else { return false }
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// posix_spawn with an empty signal mask. Not `Process`: a child inherits the blocked-signal
    /// mask of the thread that starts it, and Swift concurrency's threads (libdispatch workers)
    /// block SIGTERM, SIGINT, SIGHUP…; mosquitto then never sees the SIGTERM that makes it save
    /// its persistence and exit (seen: `waitUntilExit` hung, the broker's SigBlk was 0x4a03).
    private static func spawn(_ path: String, _ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw StartError(description: "posix_spawn \(path) failed: \(String(cString: strerror(result)))")
        }
        return pid
    }

    func restart() throws {
        stop()
        try start()
    }

    var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? "(no log)"
    }
}
