import Foundation
import Testing
@testable import EdgeAgent

/// The built agent binary polling the pymodbus simulator into its store, including a kill -9 in
/// the middle: what was committed survives, sequences continue without gaps, the epoch is kept.
@Suite(.serialized) struct AgentEndToEndTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agent-e2e-\(UUID())")

    func configure(port: Int32) throws -> String {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("devices.d"), withIntermediateDirectories: true)
        try Data("[agent]\nid = \"e2e\"\nstate_directory = \"state\"\ndevices_directory = \"devices.d\"\n[buffer]\ngroup_commit_ms = 50\n".utf8)
            .write(to: directory.appendingPathComponent("edge-agent.toml"))
        let device = """
            name = "sim"
            protocol = "modbus_tcp"
            host = "127.0.0.1"
            port = \(port)
            interval_ms = 100
            address_base = 0
            [[tags]]
            name = "co2"
            table = "holding_register"
            address = 0
            data_type = "float32"
            order = "ABCD"
            unit = "ppm"
            [[tags]]
            name = "energy"
            table = "input_register"
            address = 2
            data_type = "uint32"
            order = "CDAB"
            scale = "0.01"
            unit = "kWh"
            """
        try Data(device.utf8).write(to: directory.appendingPathComponent("devices.d/sim.toml"))
        return directory.appendingPathComponent("edge-agent.toml").path
    }

    func stored() async throws -> (epoch: UUID, readings: [StoredReading]) {
        let store = try await ReadingStore.open(path: directory.appendingPathComponent("state/buffer.sqlite").path)
        let readings = try await store.peek(after: 0, limit: Int.max)
        await store.close()
        return (store.epoch, readings)
    }

    @Test func pollsExactValuesAndSurvivesKillNine() async throws {
        let sim = try SimulatedModbusDevice(registers: [0: [0x42F6, 0xE979, 0xCD15, 0x075B]])
        let config = try configure(port: sim.port)
        let first = try AgentProcess.start(["run", "--config", config])
        // Wait for a few committed cycles, then kill -9 mid-flight.
        var before: [StoredReading] = []
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(100))
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("state/buffer.sqlite").path) {
                before = try await stored().readings
                if before.count >= 6 { break }
            }
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let (epoch, afterKill) = try await stored()
        #expect(afterKill.count >= before.count)  // nothing that was readable before the kill is gone
        #expect(Array(afterKill.prefix(before.count)) == before)

        let second = try AgentProcess.start(["run", "--config", config, "--duration", "1"])
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        let (epochAgain, all) = try await stored()
        #expect(epochAgain == epoch)
        #expect(all.count > afterKill.count)
        #expect(all.map(\.seq) == Array(1...Int64(all.count)))  // no gap, no duplicate
        #expect(Set(all.filter { $0.reading.tag == "co2" }.map(\.reading.value)) == [Decimal(string: "123.456")!])
        #expect(Set(all.filter { $0.reading.tag == "energy" }.map(\.reading.value)) == [Decimal(string: "1234567.89")!])
        try? FileManager.default.removeItem(at: directory)
    }

    @Test func aCorruptBufferIsSetAsideAndCollectionContinues() async throws {
        let sim = try SimulatedModbusDevice(registers: [0: [0x42F6, 0xE979, 0xCD15, 0x075B]])
        let config = try configure(port: sim.port)
        let first = try AgentProcess.start(["run", "--config", config, "--duration", "1"])
        first.waitUntilExit()
        let (oldEpoch, before) = try await stored()
        #expect(before.count > 0)
        // Overwrite the middle of the file: the next start must not stop on it.
        let path = directory.appendingPathComponent("state/buffer.sqlite").path
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: 4096)
        handle.write(Data(repeating: 0xA5, count: 8192))
        try handle.close()
        let second = try AgentProcess.start(["run", "--config", config, "--duration", "1"])
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        let (newEpoch, after) = try await stored()
        #expect(newEpoch != oldEpoch && after.count > 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("state").path)
        #expect(names.contains { $0.hasPrefix("buffer.sqlite.corrupt-") })
        try? FileManager.default.removeItem(at: directory)
    }
}
