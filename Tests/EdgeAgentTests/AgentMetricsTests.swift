import Foundation
import Testing
@testable import EdgeAgent


/// The running agent's Prometheus endpoint and health check on a loopback port.
@Suite(.serialized) struct AgentMetricsTests {
    @Test func metricsCountCommittedReadingsAndPollCycles() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agent-metrics-\(UUID())")
        let devices = directory.appendingPathComponent("devices.d")
        try FileManager.default.createDirectory(at: devices, withIntermediateDirectories: true)
        let sim = try SimulatedModbusDevice(registers: [0: [7]])
        let port = try SimulatedModbusDevice.freePort()
        try Data("""
            [agent]
            id = "metrics"
            state_directory = "state"
            devices_directory = "devices.d"
            control_socket = "control.sock"
            metrics_listen = "127.0.0.1:\(port)"
            """.utf8).write(to: directory.appendingPathComponent("edge-agent.toml"))
        try Data(AgentProcess.singleTagDevice(name: "sim", port: sim.port, tag: "value").utf8).write(to: devices.appendingPathComponent("sim.toml"))
        let agent = try AgentProcess.start(["run", "--config", directory.appendingPathComponent("edge-agent.toml").path])
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
        // A plain socket, not URLSession: under a full parallel run URLSession.shared is shared with
        // tests that hold requests to hanging servers, and its queueing made this test flaky.
        var text = ""
        for _ in 0..<200 {
            try await Task.sleep(for: .milliseconds(100))
            if let (_, body) = Self.get(port: port, path: "/metrics") {
                text = body
                if text.contains("edge_poll_cycles_total"), !text.contains("edge_readings_committed_total 0\n") { break }
            }
        }
        #expect(text.contains(#"edge_poll_cycles_total{device="sim",result="ok"}"#))
        let committed = text.split(separator: "\n").first { $0.hasPrefix("edge_readings_committed_total ") }
        #expect((committed.flatMap { Double($0.split(separator: " ").last!) } ?? 0) > 0)
        #expect(text.contains("edge_buffer_unsent_readings"))
        #expect(Self.get(port: port, path: "/healthz")?.status == 200)
        #expect(Self.get(port: port, path: "/nothing")?.status == 404)
        kill(agent.processIdentifier, SIGTERM)
        agent.waitUntilExit()
        #expect(agent.terminationStatus == 0)
        try? FileManager.default.removeItem(at: directory)
    }

    /// GET over a blocking loopback socket: (status, body), or nil when nothing answers.
    static func get(port: Int32, path: String) -> (status: Int, body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == request.count else { return nil }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &chunk, chunk.count)
            if count <= 0 { break }
            response += chunk[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let statusText = text.split(separator: " ").dropFirst().first, let status = Int(statusText),
              let split = text.range(of: "\r\n\r\n") else { return nil }
        return (status, String(text[split.upperBound...]))
    }
}
