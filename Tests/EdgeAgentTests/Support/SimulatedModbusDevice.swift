import Foundation

/// A pymodbus simulator (scripts/sim/modbus_device.py) on a loopback port, started for one test.
/// Needs the project's virtual environment (`scripts/setup`): without it the test fails, it does
/// not skip, because scripts/test promises to test against the real peer.
final class SimulatedModbusDevice: Sendable {
    let port: Int32
    private let process: Process

    static var packageDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    struct StartError: Error, CustomStringConvertible { var description: String }

    init(registers: [Int: [UInt16]], unit: UInt8 = 1) throws {
        let python = Self.packageDirectory.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw StartError(description: "\(python.path) is missing: run scripts/setup")
        }
        port = try Self.freePort()
        let json = "{" + registers.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ",") + "}"
        process = Process()
        process.executableURL = python
        process.arguments = [Self.packageDirectory.appendingPathComponent("scripts/sim/modbus_device.py").path,
                             "--port", String(port), "--unit", String(unit), "--registers", json]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilListening()
    }

    deinit { stop() }

    func stop() {
        // SIGKILL: pymodbus's asyncio server keeps running after SIGTERM (seen: waitUntilExit hung).
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private func waitUntilListening() throws {
        for _ in 0..<100 {
            if Self.canConnect(port: port) { return }
            guard process.isRunning else { throw StartError(description: "the simulator exited during start-up") }
            usleep(50_000)
        }
        throw StartError(description: "the simulator did not listen on 127.0.0.1:\(port) within 5 s")
    }

    static func canConnect(port: Int32) -> Bool {
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

    /// A port the kernel just handed out on 127.0.0.1 (bound to 0, read back, released).
    static func freePort() throws -> Int32 {
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
        guard bound else { throw StartError(description: "no free loopback port") }
        return Int32(UInt16(bigEndian: address.sin_port))
    }
}
