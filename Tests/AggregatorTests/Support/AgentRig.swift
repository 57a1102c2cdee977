import Foundation
import Testing

@testable import Aggregator

/// What the end-to-end suites with the real `edge-agent` share: an `aggregator serve` process with
/// its first administrator, a site and an agent credential made through the API, and the agent's
/// configuration (one Modbus TCP device file) pointing at it.
struct AgentRig {
    static let password = "end to end password 1"

    let directory: URL
    let agentDirectory: URL
    let aggregator: AggregatorProcess
    /// The administrator's session token.
    let token: String
    let siteID: String
    let agentID: String
    let agentName: String

    /// Starts the aggregator and registers `agentName` at a new site called `site`.
    static func start(_ label: String, site: String, agentName: String) async throws -> AgentRig {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID())")
        let agentDirectory = directory.appendingPathComponent("agent")
        try FileManager.default.createDirectory(at: agentDirectory.appendingPathComponent("devices.d"),
                                                withIntermediateDirectories: true)
        let passwordFile = directory.appendingPathComponent("password")
        try Data((password + "\n").utf8).write(to: passwordFile)
        let aggregator = try AggregatorProcess(stateDirectory: directory.appendingPathComponent("aggregator"))
        _ = try aggregator.bootstrap(passwordFile: passwordFile)
        try await aggregator.start()

        let (loginStatus, login) = try await aggregator.request(
            "POST", "api/v1/auth/login", body: ["username": "admin", "password": password])
        #expect(loginStatus == 200, "\(login)")
        let token = try #require(field(login, "token") as? String)
        let (_, organisations) = try await aggregator.request("GET", "api/v1/organisations", token: token)
        let root = try #require(field(organisations, "0", "id") as? String)
        let (siteStatus, created) = try await aggregator.request(
            "POST", "api/v1/organisations", token: token, body: ["parent_id": root, "name": site, "kind": "site"])
        #expect(siteStatus == 201, "\(created)")
        let siteID = try #require(field(created, "id") as? String)
        let (agentStatus, agent) = try await aggregator.request(
            "POST", "api/v1/agents", token: token, body: ["name": agentName, "site_id": siteID])
        #expect(agentStatus == 201, "\(agent)")
        let agentToken = try #require(field(agent, "credential", "token") as? String)
        try Data((agentToken + "\n").utf8).write(to: agentDirectory.appendingPathComponent("token"))
        return AgentRig(directory: directory, agentDirectory: agentDirectory, aggregator: aggregator, token: token,
                        siteID: siteID, agentID: try #require(field(agent, "agent", "id") as? String),
                        agentName: agentName)
    }

    /// Writes the agent's configuration: `[sync]` to this aggregator with the given extra keys.
    func writeConfig(batchMaxReadings: Int, extraSync: String = "") throws -> URL {
        let config = agentDirectory.appendingPathComponent("edge-agent.toml")
        try Data("""
            [agent]
            id = "\(agentName)"
            state_directory = "state"
            devices_directory = "devices.d"
            control_socket = "control.sock"
            [sync]
            endpoints = ["\(aggregator.url.absoluteString)"]
            token_file = "\(agentDirectory.appendingPathComponent("token").path)"
            batch_max_readings = \(batchMaxReadings)
            batch_max_age_ms = 200
            request_timeout_s = 2
            retry_base_ms = 50
            retry_cap_s = 1
            \(extraSync)
            """.utf8).write(to: config)
        return config
    }

    /// Writes a device file polling one uint16 holding register at address 0 as `tag`, plus any
    /// further TOML (alarm rules). Returns its path, so a test can remove the device.
    func writeDevice(_ name: String, port: some BinaryInteger, tag: String, intervalMilliseconds: Int, extra: String = "") throws -> URL {
        let file = agentDirectory.appendingPathComponent("devices.d/\(name).toml")
        try Data("""
            name = "\(name)"
            protocol = "modbus_tcp"
            host = "127.0.0.1"
            port = \(port)
            interval_ms = \(intervalMilliseconds)
            address_base = 0
            [[tags]]
            name = "\(tag)"
            table = "holding_register"
            address = 0
            data_type = "uint16"
            unit = ""
            \(extra)
            """.utf8).write(to: file)
        return file
    }

    /// Runs `edge-agent run --config … --duration SECONDS` and waits for it; its output is discarded.
    @discardableResult
    func runAgent(config: URL, seconds: Int) throws -> Int32 {
        let process = try Self.startAgent(["run", "--config", config.path, "--duration", "\(seconds)"])
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func startAgent(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = AggregatorProcess.binary("edge-agent")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func stop() {
        aggregator.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
