import Foundation
import Glibc

/// The client side of the edge agent's control socket: connect, send one JSON request line, read
/// one JSON reply line. Every failure is a `Failure` (one line for stderr, exit status 2): an
/// unreachable socket, a silent agent, or the agent's own `{"error": …}` reply.
struct AlarmsClient {
    var path: String
    /// How long to wait for the agent's reply (an acknowledgement waits for its fsync).
    var timeout: Duration = .seconds(15)
    /// Replies larger than this are refused (a history of 1000 transitions is about 400 KB).
    var maximumReplyBytes = 16 << 20

    /// Sends `request` and returns the reply's JSON object (without its newline) when it is not an error.
    func send(_ request: AlarmsRequest) throws(Failure) -> Data {
        let line: Data
        do {
            line = try JSONEncoder().encode(request) + Data("\n".utf8)
        } catch {
            throw Failure("cannot encode the request: \(error)")
        }
        let reply = try exchange(line)
        if let failure = try? JSONDecoder().decode(AlarmsWire.ErrorReply.self, from: reply) {
            throw Failure(failure.error.line)
        }
        return reply
    }

    private func exchange(_ request: Data) throws(Failure) -> Data {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw Failure("\(path): not a usable socket path (1 to 107 bytes)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure("cannot create a socket: \(Self.lastError())") }
        defer { close(fd) }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            throw Failure("\(path): cannot connect: \(Self.lastError()) (is edge-agent running, and may you use it?)")
        }
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))

        // A send that fails is not the end: an agent that refuses us may already have replied why.
        _ = request.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent > 0 { offset += sent } else if sent < 0 && errno == EINTR { continue } else { return false }
            }
            return true
        }

        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = reply.firstIndex(of: UInt8(ascii: "\n")) { return Data(reply[..<newline]) }
            guard reply.count <= maximumReplyBytes else {
                throw Failure("\(path): the reply is larger than \(maximumReplyBytes) bytes")
            }
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received > 0 {
                reply += chunk[..<received]
            } else if received < 0 && errno == EINTR {
                continue
            } else if received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                throw Failure("\(path): no reply within \(timeout)")
            } else if received < 0 {
                throw Failure("\(path): the connection failed: \(Self.lastError())")
            } else {
                throw Failure("\(path): the agent closed the connection without a reply")
            }
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

/// One request as the control socket reads it (absent fields are left out).
struct AlarmsRequest: Encodable, Equatable {
    var command: String
    var tag: String?
    var kind: String?
    var state: String?
    var priority: String?
    var limit: Int?
    var until: String?
    /// Seconds, as a string: the product writes every number as one.
    var duration: String?
    var operatorName: String?
    var comment: String?

    enum CodingKeys: String, CodingKey {
        case command, tag, kind, state, priority, limit, until, duration, comment
        case operatorName = "operator"
    }

    init(
        command: String, tag: String? = nil, kind: String? = nil, state: String? = nil, priority: String? = nil,
        limit: Int? = nil, until: String? = nil, duration: String? = nil, operatorName: String? = nil,
        comment: String? = nil
    ) {
        self.command = command
        self.tag = tag
        self.kind = kind
        self.state = state
        self.priority = priority
        self.limit = limit
        self.until = until
        self.duration = duration
        self.operatorName = operatorName
        self.comment = comment
    }
}
