import Foundation
import Testing
@testable import EdgeAgent

/// The built agent with `[sync]`: Modbus readings polled from the simulator reach the aggregator
/// stub exactly once each, with replies dropped after the stub committed, and the agent's cursor
/// follows the durable watermark.
@Suite(.serialized) struct AgentSyncEndToEndTests {
    @Test func readingsReachTheAggregatorExactlyOnceDespiteLostReplies() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agent-sync-\(UUID())")
        let devices = directory.appendingPathComponent("devices.d")
        try FileManager.default.createDirectory(at: devices, withIntermediateDirectories: true)
        let sim = try SimulatedModbusDevice(registers: [0: [42]])
        // The stub commits and then drops its reply for the first 3 batches.
        let stub = try AggregatorStub(arguments: ["--drop", "3"])
        defer { stub.stop() }
        try Data("secret-token\n".utf8).write(to: directory.appendingPathComponent("token"))
        let config = """
            [agent]
            id = "sync-e2e"
            state_directory = "state"
            devices_directory = "devices.d"
            control_socket = "control.sock"
            [sync]
            endpoints = ["\(stub.url.absoluteString)"]
            token_file = "\(directory.appendingPathComponent("token").path)"
            batch_max_readings = 5
            batch_max_age_ms = 200
            request_timeout_s = 2
            retry_base_ms = 50
            retry_cap_s = 1
            breaker_cooldown_s = 1
            """
        try Data(config.utf8).write(to: directory.appendingPathComponent("edge-agent.toml"))
        try Data(AgentProcess.singleTagDevice(name: "sim", port: sim.port, tag: "value").utf8).write(to: devices.appendingPathComponent("sim.toml"))
        let agent = try AgentProcess.start(["run", "--config", directory.appendingPathComponent("edge-agent.toml").path, "--duration", "6"])
        agent.waitUntilExit()
        #expect(agent.terminationStatus == 0)

        let store = try await ReadingStore.open(path: directory.appendingPathComponent("state/buffer.sqlite").path)
        let stored = try await store.count()
        let cursor = try await store.cursor()
        await store.close()
        let upstream = try await stub.snapshot()
        let sequences = upstream.readings.filter { $0.kind == "reading" }.map(\.seq)
        #expect(stored >= 20)
        #expect(Set(sequences).count == sequences.count)          // nothing doubled upstream
        #expect(upstream.replays >= 3)                            // the dropped replies were retried
        #expect(cursor > 0 && cursor <= Int64(stored))            // the cursor follows the watermark
        #expect(Set(sequences).isSuperset(of: Set(1...cursor)))   // everything acknowledged is upstream
        try? FileManager.default.removeItem(at: directory)
    }
}
