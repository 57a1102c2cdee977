import Foundation
import Testing

@testable import Aggregator

/// The real binaries end to end: `aggregator serve` (SQLite state directory) and `edge-agent`
/// polling a pymodbus device with `[sync]` pointed at it. The aggregator is killed with SIGKILL in
/// the middle of the run and started again on the same state; afterwards every reading the agent
/// committed is upstream exactly once.
@Suite(.serialized) struct AgentSyncEndToEndTests {
    static let password = "end to end password 1"

    @Test func everyCommittedReadingArrivesExactlyOnceAcrossAnAggregatorKill() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-e2e-\(UUID())")
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

        // A site through the API; the agent and its credential straight into the database (the
        // agent registration API belongs to the identity module, which does not have it yet).
        let (loginStatus, login) = try await aggregator.request(
            "POST", "api/v1/auth/login", body: ["username": "admin", "password": Self.password])
        #expect(loginStatus == 200)
        let token = field(login, "token") as? String ?? ""
        let (_, organisations) = try await aggregator.request("GET", "api/v1/organisations", token: token)
        let root = field(organisations, "0", "id") as? String ?? ""
        let (siteStatus, site) = try await aggregator.request(
            "POST", "api/v1/organisations", token: token, body: ["parent_id": root, "name": "Plant 7", "kind": "site"])
        #expect(siteStatus == 201)
        let siteID = field(site, "id") as? String ?? ""
        let agentToken = SecretToken.generate(prefix: SecretToken.agentPrefix), agentID = SecretToken.newID()
        let database = try SQLiteDatabase(path: aggregator.databasePath)
        try await database.write { connection in
            let now = ServiceClock.system.micros
            try connection.execute(
                "INSERT INTO agents (id, name, site_id, status, created_at, updated_at) VALUES ($1, 'e2e-gw', $2, 'active', $3, $3)",
                .text(agentID), .text(siteID), .integer(now))
            try connection.execute(
                "INSERT INTO agent_credentials (id, token_hash, agent_id, created_at) VALUES ($1, $2, $3, $4)",
                .text(SecretToken.newID()), .text(SecretToken.hash(agentToken)), .text(agentID), .integer(now))
        }
        await database.close()

        let device = try LoopbackModbusDevice(registers: [0: [42]])
        defer { device.stop() }
        try Data((agentToken + "\n").utf8).write(to: agentDirectory.appendingPathComponent("token"))
        let config = agentDirectory.appendingPathComponent("edge-agent.toml")
        try Data("""
            [agent]
            id = "e2e-gw"
            state_directory = "state"
            devices_directory = "devices.d"
            control_socket = "control.sock"
            [sync]
            endpoints = ["\(aggregator.url.absoluteString)"]
            token_file = "\(agentDirectory.appendingPathComponent("token").path)"
            batch_max_readings = 10
            batch_max_age_ms = 200
            request_timeout_s = 2
            retry_base_ms = 50
            retry_cap_s = 1
            breaker_cooldown_s = 1
            """.utf8).write(to: config)
        let deviceFile = devices.appendingPathComponent("sim.toml")
        try Data("""
            name = "sim"
            protocol = "modbus_tcp"
            host = "127.0.0.1"
            port = \(device.port)
            interval_ms = 50
            address_base = 0
            [[tags]]
            name = "boiler.level"
            table = "holding_register"
            address = 0
            data_type = "uint16"
            unit = ""
            """.utf8).write(to: deviceFile)

        let log = FileHandle(forWritingAtPath: "/dev/null")
        let polling = try Self.startAgent(["run", "--config", config.path, "--duration", "8"], stderr: log)
        try await Task.sleep(for: .seconds(3))
        aggregator.kill9()  // mid-run: batches in flight are lost or committed without a reply
        try await Task.sleep(for: .seconds(1))
        try await aggregator.start()
        polling.waitUntilExit()
        #expect(polling.terminationStatus == 0)

        // A second run without the device only drains what is still unsent.
        try FileManager.default.removeItem(at: deviceFile)
        let draining = try Self.startAgent(["run", "--config", config.path, "--duration", "4"], stderr: log)
        draining.waitUntilExit()

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

    static func startAgent(_ arguments: [String], stderr: FileHandle?) throws -> Process {
        let process = Process()
        process.executableURL = AggregatorProcess.binary("edge-agent")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr ?? FileHandle.nullDevice
        try process.run()
        return process
    }
}
