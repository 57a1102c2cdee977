import Foundation
import Testing

@testable import Aggregator

/// The real binaries end to end: `aggregator serve` (SQLite state directory) and `edge-agent`
/// polling a pymodbus device with `[sync]` pointed at it. The aggregator is killed with SIGKILL in
/// the middle of the run and started again on the same state; afterwards every reading the agent
/// committed is upstream exactly once.
@Suite(.serialized) struct AgentSyncEndToEndTests {
    @Test func everyCommittedReadingArrivesExactlyOnceAcrossAnAggregatorKill() async throws {
        let rig = try await AgentRig.start("ingest-e2e", site: "Plant 7", agentName: "e2e-gw")
        defer { rig.stop() }
        let aggregator = rig.aggregator, agentDirectory = rig.agentDirectory, agentID = rig.agentID
        let device = try LoopbackModbusDevice(registers: [0: [42]])
        defer { device.stop() }
        let config = try rig.writeConfig(batchMaxReadings: 10, extraSync: "breaker_cooldown_s = 1")
        let deviceFile = try rig.writeDevice("sim", port: device.port, tag: "boiler.level", intervalMilliseconds: 50)

        let polling = try AgentRig.startAgent(["run", "--config", config.path, "--duration", "8"])
        try await Task.sleep(for: .seconds(3))
        aggregator.kill9()  // mid-run: batches in flight are lost or committed without a reply
        try await Task.sleep(for: .seconds(1))
        try await aggregator.start()
        polling.waitUntilExit()
        #expect(polling.terminationStatus == 0)

        // A second run without the device only drains what is still unsent.
        try FileManager.default.removeItem(at: deviceFile)
        try rig.runAgent(config: config, seconds: 4)

        let buffer = try SQLiteConnection(path: agentDirectory.appendingPathComponent("state/buffer.sqlite").path,
                                          readOnly: true)
        let committed = try buffer.query("SELECT seq, time_ms FROM readings ORDER BY seq", [])
            .map { "\(try $0.int64("seq"))@\(try $0.int64("time_ms"))" }
        let meta = try #require(try buffer.query("SELECT epoch, acked_through FROM meta", []).first)
        let epoch = try meta.text("epoch").lowercased()
        let upstream = try SQLiteConnection(path: aggregator.databasePath, readOnly: true)
        let stored = try upstream.query(
            """
            SELECT r.seq, r.time_ms FROM readings r JOIN series s ON s.id = r.series_id
            JOIN ingest_epochs e ON e.id = r.store_epoch
            WHERE s.agent_id = $1 AND e.store_epoch = $2 ORDER BY r.seq
            """, [.text(agentID), .text(epoch)]
        ).map { "\(try $0.int64("seq"))@\(try $0.int64("time_ms"))" }

        #expect(committed.count >= 30, "the agent committed \(committed.count) readings")
        #expect(stored == committed, "upstream \(stored.count), committed \(committed.count)")
        #expect(Set(stored).count == stored.count)
        #expect(try meta.int64("acked_through") == Int64(committed.count))
        let watermark = try upstream.query("SELECT watermark FROM ingest_epochs WHERE store_epoch = $1", [.text(epoch)])
        #expect(try watermark.first?.int64("watermark") == Int64(committed.count))
    }
}
