import Foundation
import Testing

@testable import Aggregator

/// The real binaries: `edge-agent` polls a Modbus register above its HH limit and syncs its alarm
/// transitions to `aggregator serve`. Every transition the agent committed arrives upstream once;
/// after the agent's synced flags are cleared (the same transitions re-sent, as after a lost
/// reply), the aggregator still holds each exactly once and the agent's rows are synced again.
@Suite(.serialized) struct AlarmSyncEndToEndTests {
    @Test func transitionsArriveOnceEvenWhenTheSameBatchIsResent() async throws {
        let rig = try await AgentRig.start("alarm-e2e", site: "Kiln 3", agentName: "alarm-gw")
        defer { rig.stop() }
        let aggregator = rig.aggregator, agentID = rig.agentID
        let device = try LoopbackModbusDevice(registers: [0: [142]])
        defer { device.stop() }
        let config = try rig.writeConfig(batchMaxReadings: 50)
        let deviceFile = try rig.writeDevice("kiln", port: device.port, tag: "kiln.temp", intervalMilliseconds: 100, extra: """
            [[alarms]]
            tag = "kiln.temp"
            hh = { limit = "130", priority = "critical" }
            h = { limit = "100", priority = "high" }
            """)
        #expect(try rig.runAgent(config: config, seconds: 4) == 0)

        let alarmStore = rig.agentDirectory.appendingPathComponent("state/alarms.sqlite").path
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
        try rig.runAgent(config: config, seconds: 3)
        let committed = try agentRows()
        #expect(committed.ids.count >= 2, "the agent committed \(committed.ids)")  // HH raised, H hidden behind it
        #expect(committed.unsynced == 0)
        #expect(try upstreamIDs(committed.epoch) == committed.ids)

        // Re-send everything: the agent's rows marked unsynced again, as after a lost reply.
        do {
            let writable = try SQLiteConnection(path: alarmStore)
            _ = try writable.execute("UPDATE transitions SET synced = 0", [])
        }
        try rig.runAgent(config: config, seconds: 3)
        let after = try agentRows()
        #expect(after.unsynced == 0, "the replay was answered as duplicates and acknowledged")
        #expect(try upstreamIDs(after.epoch) == committed.ids, "each transition exactly once upstream")

        // The central view: the HH alarm is active and unacknowledged at the agent's site.
        // (`request` appends a path, so the list is filtered here rather than by query string.)
        let (_, list) = try await aggregator.request("GET", "api/v1/alarms", token: rig.token)
        let hh = (list as? [[String: Any]] ?? []).first { $0["kind"] as? String == "HH" }
        #expect(hh?["state"] as? String == "unacknowledged_active", "\(list)")
        #expect(hh?["tag"] as? String == "kiln.temp" && hh?["organisation_id"] as? String == rig.siteID)
        #expect(hh?["last_value"] as? String == "142")
    }
}
