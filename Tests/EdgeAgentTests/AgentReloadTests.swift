import Foundation
import Testing
@testable import EdgeAgent

/// SIGHUP reloads by diff: a new device starts, an unchanged one keeps polling, and an invalid
/// configuration is rejected while the running one is kept.
@Suite(.serialized) struct AgentReloadTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agent-reload-\(UUID())")

    func tags() async throws -> [String: Int] {
        let store = try await ReadingStore.open(path: directory.appendingPathComponent("state/buffer.sqlite").path)
        let readings = try await store.peek(after: 0, limit: Int.max)
        await store.close()
        return Dictionary(grouping: readings, by: \.reading.tag).mapValues(\.count)
    }

    func waitFor(_ what: String, _ condition: ([String: Int]) -> Bool) async throws {
        for _ in 0..<100 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("state/buffer.sqlite").path),
               condition(try await tags()) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting for \(what): \(try await tags())")
    }

    @Test func sighupStartsNewDevicesKeepsUnchangedOnesAndRejectsInvalidConfigs() async throws {
        let first = try SimulatedModbusDevice(registers: [0: [1]])
        let second = try SimulatedModbusDevice(registers: [0: [2]])
        let devices = directory.appendingPathComponent("devices.d")
        try FileManager.default.createDirectory(at: devices, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("edge-agent.toml")
        try Data("[agent]\nid = \"reload\"\nstate_directory = \"state\"\ndevices_directory = \"devices.d\"\ncontrol_socket = \"control.sock\"\n".utf8).write(to: config)
        try Data(AgentProcess.singleTagDevice(name: "one", port: first.port, tag: "one.value").utf8).write(to: devices.appendingPathComponent("one.toml"))
        let agent = try AgentProcess.start(["run", "--config", config.path])
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
        try await waitFor("the first device") { ($0["one.value"] ?? 0) >= 3 }

        // A broken new file: the reload is rejected, the first device keeps going.
        try Data("name = \"two\"\nprotocol = \"modbus_tcp\"\n".utf8).write(to: devices.appendingPathComponent("two.toml"))
        kill(agent.processIdentifier, SIGHUP)
        let before = try await tags()["one.value"] ?? 0
        try await waitFor("the first device after a rejected reload") { ($0["one.value"] ?? 0) >= before + 3 }
        #expect(agent.isRunning)

        // A valid second device: it starts; the first one was never stopped.
        try Data(AgentProcess.singleTagDevice(name: "two", port: second.port, tag: "two.value").utf8).write(to: devices.appendingPathComponent("two.toml"))
        kill(agent.processIdentifier, SIGHUP)
        try await waitFor("the second device") { ($0["two.value"] ?? 0) >= 3 }
        let both = try await tags()
        #expect((both["one.value"] ?? 0) > before + 3)

        kill(agent.processIdentifier, SIGTERM)
        agent.waitUntilExit()
        #expect(agent.terminationStatus == 0)
        try? FileManager.default.removeItem(at: directory)
    }
}
