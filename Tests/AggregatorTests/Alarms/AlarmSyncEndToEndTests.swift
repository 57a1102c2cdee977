import Foundation
import Testing

@testable import Aggregator

/// The real binaries: `edge-agent` polls a Modbus register above its HH limit and syncs its alarm
/// transitions to `aggregator serve`. Every transition the agent committed arrives upstream once;
/// after the agent's synced flags are cleared (the same transitions re-sent, as after a lost
/// reply), the aggregator still holds each exactly once and the agent's rows are synced again.
@Suite(.serialized) struct AlarmSyncEndToEndTests {
    static let password = "end to end password 1"

    @Test func transitionsArriveOnceEvenWhenTheSameBatchIsResent() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alarm-e2e-\(UUID())")
        let agentDirectory = directory.appendingPathComponent("agent")
        let devices = agentDirectory.appendingPathComponent("devices.d")
        try FileManager.default.createDirectory(at: devices, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let passwordFile = directory.appendingPathComponent("password")
        try Data((Self.password + "\n").utf8).write(to: passwordFile)
        let aggregator = try AggregatorProcess(stateDirectory: directory.appendingPathComponent("aggregator"))
        _ = try aggregator.bootstrap(passwordFile: passwordFile)
        try await aggregator.start()
        defer { aggregator.stop() }

        let (_, login) = try await aggregator.request(
            "POST", "api/v1/auth/login", body: ["username": "admin", "password": Self.password])
        let token = field(login, "token") as? String ?? ""
        let (_, organisations) = try await aggregator.request("GET", "api/v1/organisations", token: token)
        let root = field(organisations, "0", "id") as? String ?? ""
        let (_, site) = try await aggregator.request(
            "POST", "api/v1/organisations", token: token, body: ["parent_id": root, "name": "Kiln 3", "kind": "site"])
        let siteID = try #require(field(site, "id") as? String)
        let (agentStatus, agent) = try await aggregator.request(
            "POST", "api/v1/agents", token: token, body: ["name": "alarm-gw", "site_id": siteID])
        #expect(agentStatus == 201, "\(agent)")
        let agentID = try #require(field(agent, "agent", "id") as? String)
        let agentToken = try #require(field(agent, "credential", "token") as? String)

        let device = try LoopbackModbusDevice(registers: [0: [142]])
        defer { device.stop() }
        try Data((agentToken + "\n").utf8).write(to: agentDirectory.appendingPathComponent("token"))
        let config = agentDirectory.appendingPathComponent("edge-agent.toml")
        try Data("""
            [agent]
            id = "alarm-gw"
            state_directory = "state"
            devices_directory = "devices.d"
            control_socket = "control.sock"
            [sync]
            endpoints = ["\(aggregator.url.absoluteString)"]
            token_file = "\(agentDirectory.appendingPathComponent("token").path)"
            batch_max_readings = 50
            batch_max_age_ms = 200
            request_timeout_s = 2
            retry_base_ms = 50
            retry_cap_s = 1
            """.utf8).write(to: config)
        let deviceFile = devices.appendingPathComponent("kiln.toml")
        try Data("""
            name = "kiln"
            protocol = "modbus_tcp"
            host = "127.0.0.1"
            port = \(device.port)
            interval_ms = 100
            address_base = 0
            [[tags]]
            name = "kiln.temp"
            table = "holding_register"
            address = 0
            data_type = "uint16"
            unit = ""
            [[alarms]]
            tag = "kiln.temp"
            hh = { limit = "130", priority = "critical" }
            h = { limit = "100", priority = "high" }
            """.utf8).write(to: deviceFile)

        let log = FileHandle(forWritingAtPath: "/dev/null")
        let first = try AgentSyncEndToEndTests.startAgent(["run", "--config", config.path, "--duration", "4"], stderr: log)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)

        let alarmStore = agentDirectory.appendingPathComponent("state/alarms.sqlite").path
        func agentRows() throws -> (ids: [Int64], unsynced: Int64, epoch: String) {
            let store = try SQLiteConnection(path: alarmStore, readOnly: true)
            let ids = try store.query("SELECT id FROM transitions ORDER BY id", []).map { try $0.int64("id") }
            let unsynced = try store.query("SELECT count(*) AS n FROM transitions WHERE synced = 0", [])[0].int64("n")
            let epoch = try store.query("SELECT epoch FROM meta", [])[0].text("epoch").lowercased()
            return (ids, unsynced, epoch)
        }
        func upstreamIDs(_ epoch: String) throws -> [Int64] {
            let upstream = try SQLiteConnection(path: aggregator.databasePath, readOnly: true)
            return try upstream.query(
                "SELECT transition_id FROM alarm_events WHERE agent_id = $1 AND store_epoch = $2 ORDER BY transition_id",
                [.text(agentID), .text(epoch)]).map { try $0.int64("transition_id") }
        }

        // The drain run (no device) sends what the first run's stop left unsent.
        try FileManager.default.removeItem(at: deviceFile)
        let drain = try AgentSyncEndToEndTests.startAgent(["run", "--config", config.path, "--duration", "3"], stderr: log)
        drain.waitUntilExit()
        let committed = try agentRows()
        #expect(committed.ids.count >= 2, "the agent committed \(committed.ids)")  // HH raised, H hidden behind it
        #expect(committed.unsynced == 0)
        #expect(try upstreamIDs(committed.epoch) == committed.ids)

        // Re-send everything: the agent's rows marked unsynced again, as after a lost reply.
        do {
            let writable = try SQLiteConnection(path: alarmStore)
            _ = try writable.execute("UPDATE transitions SET synced = 0", [])
        }
        let resend = try AgentSyncEndToEndTests.startAgent(["run", "--config", config.path, "--duration", "3"], stderr: log)
        resend.waitUntilExit()
        let after = try agentRows()
        #expect(after.unsynced == 0, "the replay was answered as duplicates and acknowledged")
        #expect(try upstreamIDs(after.epoch) == committed.ids, "each transition exactly once upstream")

        // The central view: the HH alarm is active and unacknowledged at the agent's site.
        // (`request` appends a path, so the list is filtered here rather than by query string.)
        let (_, list) = try await aggregator.request("GET", "api/v1/alarms", token: token)
        let hh = (list as? [[String: Any]] ?? []).first { $0["kind"] as? String == "HH" }
        #expect(hh?["state"] as? String == "unacknowledged_active", "\(list)")
        #expect(hh?["tag"] as? String == "kiln.temp" && hh?["organisation_id"] as? String == siteID)
        #expect(hh?["last_value"] as? String == "142")
    }
}
