import Foundation
import Glibc
import Testing

@testable import EdgeAgent

/// A raw client of the control socket for protocol tests: it can send what carbonctl never would
/// (broken JSON, huge lines, several requests at once). Blocking; tests call it off the async
/// context through `ControlTestClient.run`.
final class ControlTestClient {
    let fd: Int32
    private var pending: [UInt8] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = try UnixSocket.address(path)
        let rc = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            close(fd)
            throw ControlError.system("connect", "cannot connect to \(path)")
        }
        UnixSocket.setTimeouts(fd, receive: .seconds(20), send: .seconds(20))
    }

    deinit { close(fd) }

    func send(_ text: String) { _ = UnixSocket.sendAll(fd, Data(text.utf8)) }

    /// The next reply line, or nil when the server closed the connection.
    func readLine() -> String? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received > 0 {
                pending += chunk[..<received]
            } else if received < 0 && errno == EINTR {
                continue
            } else {
                return nil
            }
        }
    }

    /// Sends one request line and returns the reply line.
    func request(_ line: String) throws -> String {
        send(line + "\n")
        return try #require(readLine(), "the server closed the connection instead of replying to \(line)")
    }

    /// A reply line as a JSON object.
    static func object(_ reply: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any], "\(reply)")
    }

    /// Runs blocking socket work on a thread of its own, so the test's async context never blocks.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}

/// An alarm service plus a control server on a temporary socket, torn down by `stop()`.
struct ControlFixture {
    let dir: AlarmTestDirectory
    let service: AlarmService
    let server: ControlServer

    /// The clock of operator actions, fixed so results do not depend on when the test runs.
    static let now = AlarmFixtures.at(1_000)

    static func start(mode: mode_t = 0o660, maximumRequestBytes: Int = 4_096) async throws -> ControlFixture {
        let dir = try AlarmTestDirectory()
        let service = try await AlarmService.open(path: dir.store, rules: try AlarmFixtures.rules())
        let server = try ControlServer.start(
            ControlServerConfiguration(path: dir.socket, mode: mode, maximumRequestBytes: maximumRequestBytes),
            service: service, now: { ControlFixture.now })
        return ControlFixture(dir: dir, service: service, server: server)
    }

    func stop() async {
        await server.stop()
        await service.close()
        dir.remove()
    }

    func error(_ reply: [String: Any]) -> (code: String?, field: String?) {
        let body = reply["error"] as? [String: Any]
        return (body?["code"] as? String, body?["field"] as? String)
    }
}
