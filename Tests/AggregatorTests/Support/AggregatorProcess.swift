import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built `aggregator` binary (next to the test bundle, as `LinkedLibrariesTests` finds it),
/// run as a child on a loopback port with a state directory, for end-to-end tests. It can be
/// killed with SIGKILL and started again on the same state directory and port.
final class AggregatorProcess: @unchecked Sendable {
    // @unchecked: `process` is replaced only by start/kill, which the one test calls in sequence.
    let stateDirectory: URL
    let port: Int32
    private var process: Process?

    struct Failure: Error, CustomStringConvertible { var description: String }

    static var directory: URL { URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }
    static func binary(_ name: String) -> URL { directory.appendingPathComponent(name) }

    init(stateDirectory: URL) throws {
        self.stateDirectory = stateDirectory
        port = try LoopbackPort.free()
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }
    var databasePath: String { stateDirectory.appendingPathComponent("aggregator.sqlite").path }

    /// `aggregator bootstrap-admin` with the password in a file; returns its output.
    func bootstrap(passwordFile: URL) throws -> String {
        let process = Process()
        process.executableURL = Self.binary("aggregator")
        process.arguments = ["bootstrap-admin", "--state-dir", stateDirectory.path, "--password-file", passwordFile.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "bootstrap-admin failed: \(output)") }
        return output
    }

    /// Starts `aggregator serve` and waits until `/readyz` answers 200.
    func start() async throws {
        let process = Process()
        process.executableURL = Self.binary("aggregator")
        process.arguments = ["serve", "--state-dir", stateDirectory.path, "--listen", "127.0.0.1:\(port)",
                             "--log-level", "warning", "--metrics-listen", "off"]
        process.standardOutput = FileHandle.nullDevice
        let log = stateDirectory.appendingPathComponent("serve.log")
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        process.standardError = handle
        try process.run()
        self.process = process
        for _ in 0..<200 {
            if let (status, _) = try? await request("GET", "/readyz"), status == 200 { return }
            guard process.isRunning else { throw Failure(description: "aggregator serve exited during start-up") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "aggregator did not become ready on port \(port)")
    }

    /// SIGKILL: no graceful shutdown, no final commit.
    func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    deinit { kill9() }

    /// One JSON request; returns the status and the parsed body.
    func request(_ method: String, _ path: String, token: String? = nil, body: Any? = nil) async throws -> (Int, Any) {
        var request = URLRequest(url: url.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = 10
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, (try? JSONSerialization.jsonObject(with: data)) ?? NSNull())
    }
}

/// Loopback ports and reachability, for the peers end-to-end tests start.
enum LoopbackPort {
    /// A port the kernel just handed out on 127.0.0.1 (bound to 0, read back, released).
    static func free() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw AggregatorProcess.Failure(description: "no free loopback port") }
        return Int32(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int32) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// The pymodbus simulator (scripts/sim/modbus_device.py) on a loopback port; needs the project's
/// virtual environment (`scripts/setup`): without it the test fails rather than skips.
final class LoopbackModbusDevice: Sendable {
    let port: Int32
    private let process: Process

    static var packageDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    init(registers: [Int: [UInt16]]) throws {
        let python = Self.packageDirectory.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw AggregatorProcess.Failure(description: "\(python.path) is missing: run scripts/setup")
        }
        port = try LoopbackPort.free()
        let json = "{" + registers.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ",") + "}"
        process = Process()
        process.executableURL = python
        process.arguments = [Self.packageDirectory.appendingPathComponent("scripts/sim/modbus_device.py").path,
                             "--port", String(port), "--registers", json]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if LoopbackPort.accepts(port) { return }
            guard process.isRunning else { throw AggregatorProcess.Failure(description: "the simulator exited") }
            usleep(50_000)
        }
        throw AggregatorProcess.Failure(description: "the simulator did not listen on \(port)")
    }

    deinit { stop() }

    func stop() {
        // SIGKILL: pymodbus's asyncio server ignores SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
