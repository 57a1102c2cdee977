import Foundation
import Testing
@testable import EdgeAgent

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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
        try Data("""
            name = "sim"
            protocol = "modbus_tcp"
            host = "127.0.0.1"
            port = \(sim.port)
            interval_ms = 100
            address_base = 0
            [[tags]]
            name = "value"
            table = "holding_register"
            address = 0
            data_type = "uint16"
            unit = ""
            """.utf8).write(to: devices.appendingPathComponent("sim.toml"))
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("edge-agent")
        agent.arguments = ["run", "--config", directory.appendingPathComponent("edge-agent.toml").path, "--duration", "3"]
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        var text = ""
        for _ in 0..<40 {
            try await Task.sleep(for: .milliseconds(100))
            if let (data, _) = try? await URLSession.shared.data(from: base.appendingPathComponent("metrics")) {
                text = String(decoding: data, as: UTF8.self)
                if text.contains("edge_poll_cycles_total"), !text.contains("edge_readings_committed_total 0\n") { break }
            }
        }
        #expect(text.contains(#"edge_poll_cycles_total{device="sim",result="ok"}"#))
        let committed = text.split(separator: "\n").first { $0.hasPrefix("edge_readings_committed_total ") }
        #expect((committed.flatMap { Double($0.split(separator: " ").last!) } ?? 0) > 0)
        #expect(text.contains("edge_buffer_unsent_readings"))
        let (_, response) = try await URLSession.shared.data(from: base.appendingPathComponent("healthz"))
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        agent.waitUntilExit()
        #expect(agent.terminationStatus == 0)
        try? FileManager.default.removeItem(at: directory)
    }
}
