import CarbonCore
import Foundation
import Testing
@testable import EdgeAgent

/// The built agent with an `[mqtt]` section against a real mosquitto broker: messages end up in the
/// store with exact values, and those published while the agent was stopped arrive after restart.
@Suite(.serialized) struct AgentMQTTEndToEndTests {
    @Test func messagesAreStoredWhileRunningAndKeptByTheBrokerWhileStopped() async throws {
        let broker = try MosquittoBroker()
        defer { broker.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agent-mqtt-\(UUID())")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("devices.d"), withIntermediateDirectories: true)
        let config = """
            [agent]
            id = "mqtt-e2e"
            state_directory = "state"
            devices_directory = "devices.d"
            control_socket = "control.sock"
            [mqtt]
            host = "127.0.0.1"
            port = \(broker.port)
            [[mqtt.subscriptions]]
            filter = "plant/+/stack/+"
            fields = [ { value = "co2", tag = "{1}.{3}.co2", unit = "ppm" }, { value = "flow", tag = "{1}.{3}.flow", unit = "Nm3/h" } ]
            [[mqtt.alarms]]
            tag = "a.0.co2"
            h = { limit = "90000", priority = "high" }
            """
        let path = directory.appendingPathComponent("edge-agent.toml")
        try Data(config.utf8).write(to: path)
        let log = directory.appendingPathComponent("agent.log")
        func startAgent() throws -> Process {
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let agent = try AgentProcess.start(["run", "--config", path.path, "--log-level", "info"], stderr: try FileHandle(forWritingTo: log))
            return agent
        }
        func waitSubscribed() async throws {
            for _ in 0..<200 {
                if let text = try? String(contentsOf: log, encoding: .utf8), text.contains("MQTT subscribed") { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("the agent did not subscribe within 10 s")
        }
        // Phase 1: the agent runs; 5 messages. Phase 2: the agent is stopped; 5 more are published
        // and must be kept by the broker for its persistent session and delivered after restart.
        var agent = try startAgent()
        try await waitSubscribed()
        let publisher = try await TestPublisher(port: broker.port)
        for index in 0..<5 { try publisher.publish("plant/a/stack/\(index)", #"{"co2": 98500.5, "flow": "152000.25"}"#) }
        try await publisher.waitAcknowledged(5)
        try await Task.sleep(for: .milliseconds(500))
        agent.terminate()
        agent.waitUntilExit()
        #expect(agent.terminationStatus == 0)
        for index in 5..<10 { try publisher.publish("plant/a/stack/\(index)", #"{"co2": 98500.5, "flow": "152000.25"}"#) }
        try await publisher.waitAcknowledged(10)
        await publisher.stop()
        agent = try startAgent()
        try await waitSubscribed()
        try await Task.sleep(for: .seconds(1))
        agent.terminate()
        agent.waitUntilExit()
        let store = try await ReadingStore.open(path: directory.appendingPathComponent("state/buffer.sqlite").path)
        let readings = try await store.peek(after: 0, limit: 100).map(\.reading)
        await store.close()
        #expect(readings.count == 20)
        #expect(Set(readings.filter { $0.tag.hasSuffix(".co2") }.map(\.value)) == [Decimal(string: "98500.5")!])
        #expect(Set(readings.filter { $0.tag.hasSuffix(".flow") }.map(\.value)) == [Decimal(string: "152000.25")!])
        #expect(Set(readings.map(\.tag)).isSuperset(of: ["a.3.co2", "a.9.flow"]))
        // The alarm rule on an MQTT tag fired on the first message and was committed.
        let alarms = try await AlarmService.open(path: directory.appendingPathComponent("state/alarms.sqlite").path,
                                                 rules: [], notifiers: [])
        let history = try await alarms.history(limit: 10, tag: nil)
        await alarms.close()
        #expect(history.contains { $0.transition.tag == "a.0.co2" && $0.transition.to == .unacknowledgedActive })
        try? FileManager.default.removeItem(at: directory)
    }
}
