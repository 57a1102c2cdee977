import Foundation
import Glibc

/// The system calls of the control socket, as small functions that throw `ControlError` with the
/// call's name and errno. They only operate on descriptors; who owns which is `ControlServer`'s
/// business (see there).
enum UnixSocket {
    /// A listening socket bound at `path`, and the identity (device, inode) of the file it made.
    struct Listener: Sendable {
        var fd: Int32
        var device: UInt64
        var inode: UInt64
    }

    /// Binds and listens at `path` with `mode` and group `group`. A stale socket left by a dead
    /// agent is replaced; a live one (something answers) or any other kind of file is refused.
    static func listen(at path: String, mode: mode_t, group: gid_t, backlog: Int32 = 16) throws(ControlError)
        -> Listener
    {
        var address = try self.address(path)
        try removeStale(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlError.system("socket", "cannot create the control socket") }
        var bound = false
        do throws(ControlError) {
            let rc = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard rc == 0 else { throw ControlError.system("bind", "cannot bind the control socket at \(path)") }
            bound = true
            // The group first, then the mode: the socket is never group-writable for the wrong group.
            guard chown(path, uid_t.max, group) == 0 else {  // uid_t.max is (uid_t)-1: keep the owner
                throw ControlError.system("chown", "cannot give \(path) to group \(group)")
            }
            guard chmod(path, mode) == 0 else {
                throw ControlError.system("chmod", "cannot set mode \(String(mode, radix: 8)) on \(path)")
            }
            guard Glibc.listen(fd, backlog) == 0 else {
                throw ControlError.system("listen", "cannot listen on \(path)")
            }
            var info = stat()
            guard stat(path, &info) == 0 else { throw ControlError.system("stat", "cannot stat \(path)") }
            return Listener(fd: fd, device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        } catch {
            close(fd)
            if bound { unlink(path) }
            throw error
        }
    }

    /// Removes the socket file at `path` only if it is still the one `listener` created.
    static func unlinkIfOurs(_ path: String, _ listener: Listener) {
        var info = stat()
        guard stat(path, &info) == 0, UInt64(info.st_dev) == listener.device, UInt64(info.st_ino) == listener.inode
        else { return }
        unlink(path)
    }

    static func address(_ path: String) throws(ControlError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else {
            throw ControlError(.pathTooLong, "a control socket path has 1 to \(capacity - 1) bytes: '\(path)'")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    private static func removeStale(_ path: String) throws(ControlError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw ControlError.system("lstat", "cannot inspect \(path)")
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw ControlError(.pathInUse, "\(path) exists and is not a socket; not removing it")
        }
        if answers(path) { throw ControlError(.pathInUse, "another process is listening on \(path)") }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw ControlError.system("unlink", "cannot remove the stale socket \(path)")
        }
    }

    /// Whether something accepts connections at `path`.
    private static func answers(_ path: String) -> Bool {
        guard var address = try? address(path) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }

    /// Receive and send timeouts, so a silent or stuck client cannot hold a thread for ever.
    static func setTimeouts(_ fd: Int32, receive: Duration, send: Duration) {
        for (option, duration) in [(SO_RCVTIMEO, receive), (SO_SNDTIMEO, send)] {
            let (seconds, attoseconds) = duration.components
            var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
            setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    /// Writes all of `data`; false when the peer went away or the send timed out. MSG_NOSIGNAL:
    /// a client that hung up must not kill the agent with SIGPIPE.
    static func sendAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent > 0 {
                    offset += sent
                } else if sent < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
