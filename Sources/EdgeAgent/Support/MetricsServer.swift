import Foundation

/// A minimal HTTP/1.1 endpoint on a loopback address for Prometheus scrapes and health checks:
/// `GET /metrics` (text format 0.0.4) and `GET /healthz`. One request per connection, answered
/// and closed; it runs on a thread of its own (accept blocks), and the answer is produced by an
/// async closure that the thread waits for. Bound to the configured address only — the default
/// configuration names 127.0.0.1.
final class MetricsServer: @unchecked Sendable {
    // @unchecked: `listener` is written once in init and read-only after; `stopped` is an atomic-ish
    // flag read by the accept thread after shutdown(2) woke it, guarded by `lock`.
    private let listener: Int32
    private let lock = NSLock()
    private var stopped = false
    let port: Int32

    struct StartError: Error, CustomStringConvertible { var description: String }

    typealias Respond = @Sendable (_ path: String) async -> (status: Int, body: String)

    init(host: String, port: Int32, respond: @escaping Respond) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw StartError(description: "'\(host)' is not an IPv4 address")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw StartError(description: "cannot listen on \(host):\(port): \(message)")
        }
        listener = fd
        self.port = Int32(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in self.serve(respond) }
        thread.name = "metrics"
        thread.start()
    }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func serve(_ respond: @escaping Respond) {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if lock.withLock({ stopped }) { close(listener); return }
                continue
            }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var request = [UInt8](repeating: 0, count: 4096)
            let count = read(client, &request, request.count)
            let line = count > 0 ? String(decoding: request[0..<count], as: UTF8.self).split(separator: "\r\n").first ?? "" : ""
            let parts = line.split(separator: " ")
            let answer: (status: Int, body: String)
            if parts.count >= 2, parts[0] == "GET" {
                let semaphore = DispatchSemaphore(value: 0)
                let box = AnswerBox()
                let path = String(parts[1])
                Task {
                    box.set(await respond(path))
                    semaphore.signal()
                }
                semaphore.wait()
                answer = box.get()
            } else {
                answer = (405, "only GET\n")
            }
            let reason = [200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"][answer.status] ?? "Status"
            let body = Array(answer.body.utf8)
            let header = "HTTP/1.1 \(answer.status) \(reason)\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            let bytes = Array(header.utf8) + body
            _ = bytes.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            close(client)
        }
    }

    /// Hands the async answer to the accept thread.
    private final class AnswerBox: @unchecked Sendable {
        // @unchecked: written once before the semaphore is signalled, read after it.
        private var value: (status: Int, body: String) = (503, "")
        func set(_ new: (status: Int, body: String)) { value = new }
        func get() -> (status: Int, body: String) { value }
    }
}
