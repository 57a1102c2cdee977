import Foundation
import Glibc

/// Starts and waits for a hook command with posix_spawn rather than Foundation's `Process`,
/// because the child must start with default signal dispositions and nothing blocked: a daemon
/// commonly ignores SIGPIPE and routes SIGTERM to a dispatch source (SIG_IGN), and ignored
/// signals survive exec. Inherited, they would make the hook immune to our own SIGTERM and break
/// ordinary shell pipelines in it (`cmd | head -1`).
enum HookProcess {
    /// The signals a well-behaved child expects at their defaults.
    private static let resetSignals = [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2]

    /// Spawns `executable` with `payload` as its standard input (an unlinked temporary file, so
    /// a command that never reads cannot block us) and /dev/null as its output.
    static func spawn(_ executable: String, arguments: [String], environment: [String: String], payload: Data)
        -> Result<pid_t, HookSpawnFailure>
    {
        let input: Int32
        switch unlinkedFile(containing: payload) {
        case .success(let fd): input = fd
        case .failure(let failure): return .failure(failure)
        }
        defer { close(input) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in resetSignals { sigaddset(&defaults, signal) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { return .failure(HookSpawnFailure(function: "posix_spawn", errno: rc)) }
        return .success(pid)
    }

    enum Exit: Sendable, Hashable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// Waits for `pid` until `deadline`; nil if it is still running then. Polls (WNOHANG) rather
    /// than blocking in waitpid, so the deadline holds without a second thread.
    static func wait(_ pid: pid_t, until deadline: ContinuousClock.Instant) -> Exit? {
        var pause: UInt32 = 1_000
        while true {
            var status: Int32 = 0
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { return decode(status) }
            if rc < 0 && errno != EINTR { return .exited(-1) }  // not our child any more: nothing to wait for
            if ContinuousClock.now >= deadline { return nil }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    /// WIFEXITED / WEXITSTATUS / WTERMSIG, which are macros Swift does not import.
    private static func decode(_ status: Int32) -> Exit {
        status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }

    private static func unlinkedFile(containing data: Data) -> Result<Int32, HookSpawnFailure> {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("edge-agent-alarm-\(UUID().uuidString).json").path
        // 0600: operator comments are nobody else's business. O_CLOEXEC: no other child inherits it.
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .failure(HookSpawnFailure(function: "open", errno: errno)) }
        unlink(path)
        let written = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let count = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if count > 0 { offset += count } else if count < 0 && errno == EINTR { continue } else { return false }
            }
            return true
        }
        guard written, lseek(fd, 0, SEEK_SET) == 0 else {
            let failure = HookSpawnFailure(function: "write", errno: errno)
            close(fd)
            return .failure(failure)
        }
        return .success(fd)
    }
}

/// A system call that failed while starting a hook, with its errno.
struct HookSpawnFailure: Error, Sendable, Hashable, CustomStringConvertible {
    var function: String
    var errno: Int32

    var description: String { "\(function): \(String(cString: strerror(errno))) (errno \(errno))" }
}
