import Foundation

/// The agent's main configuration file (`/etc/edge-agent/edge-agent.toml`). Every key is
/// documented in `etc/edge-agent/edge-agent.toml`; everything but `agent.id` has a default.
struct AgentSettings: Decodable, Sendable, Equatable {
    struct Agent: Decodable, Sendable, Equatable {
        /// Stable identity of this gateway: names it upstream and prefixes its MQTT client ids.
        var id: String
        var stateDirectory: String = "/var/lib/edge-agent"
        /// Device files (`*.toml`), one device each; read in name order.
        var devicesDirectory: String = "/etc/edge-agent/devices.d"
        var controlSocket: String = "/run/edge-agent/control.sock"
        /// `HOST:PORT` for Prometheus metrics and /healthz (IPv4; keep it on loopback); absent: off.
        var metricsListen: String?

        enum CodingKeys: String, CodingKey {
            case id, stateDirectory = "state_directory", devicesDirectory = "devices_directory"
            case controlSocket = "control_socket", metricsListen = "metrics_listen"
        }

        init(id: String) { self.id = id }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            stateDirectory = try c.decodeIfPresent(String.self, forKey: .stateDirectory) ?? stateDirectory
            devicesDirectory = try c.decodeIfPresent(String.self, forKey: .devicesDirectory) ?? devicesDirectory
            controlSocket = try c.decodeIfPresent(String.self, forKey: .controlSocket) ?? controlSocket
            metricsListen = try c.decodeIfPresent(String.self, forKey: .metricsListen)
        }

        /// `metrics_listen` split into host and port.
        func metricsAddress() throws(ConfigError) -> (host: String, port: Int32)? {
            guard let text = metricsListen else { return nil }
            let parts = text.split(separator: ":")
            guard parts.count == 2, let port = Int32(parts[1]), (0...65535).contains(port) else {
                throw ConfigError(keyPath: "agent.metrics_listen", message: "'\(text)' is not HOST:PORT (e.g. 127.0.0.1:9273)")
            }
            return (String(parts[0]), port)
        }
    }

    struct Buffer: Decodable, Sendable, Equatable {
        /// A group commit happens at most this long after its first reading arrived.
        var groupCommitMilliseconds = 100
        /// …or as soon as this many readings wait.
        var groupCommitMaxReadings = 1000
        /// Cap of the buffer file in bytes (0: no cap).
        var maxBytes: Int64 = 0

        enum CodingKeys: String, CodingKey {
            case groupCommitMilliseconds = "group_commit_ms", groupCommitMaxReadings = "group_commit_max_readings"
            case maxBytes = "max_bytes"
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            groupCommitMilliseconds = try c.decodeIfPresent(Int.self, forKey: .groupCommitMilliseconds) ?? 100
            groupCommitMaxReadings = try c.decodeIfPresent(Int.self, forKey: .groupCommitMaxReadings) ?? 1000
            maxBytes = try c.decodeIfPresent(Int64.self, forKey: .maxBytes) ?? 0
        }
    }

    struct Polling: Decodable, Sendable, Equatable {
        /// Consecutive failed cycles before a device is quarantined and only probed.
        var quarantineAfter = 3
        /// Longest wait between probes of a quarantined device.
        var probeBackoffMaxSeconds = 60

        enum CodingKeys: String, CodingKey {
            case quarantineAfter = "quarantine_after", probeBackoffMaxSeconds = "probe_backoff_max_s"
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            quarantineAfter = try c.decodeIfPresent(Int.self, forKey: .quarantineAfter) ?? 3
            probeBackoffMaxSeconds = try c.decodeIfPresent(Int.self, forKey: .probeBackoffMaxSeconds) ?? 60
        }
    }

    struct Alarms: Decodable, Sendable, Equatable {
        /// An executable run once per alarm transition with the transition as JSON on stdin.
        var hook: String?
        var hookTimeoutSeconds = 10
        /// Group allowed on the control socket (besides root and the agent's user); default: the agent's group.
        var controlGroup: String?
        /// How often stale data, shelf expiry and flood windows are evaluated.
        var tickSeconds = 2

        enum CodingKeys: String, CodingKey {
            case hook, hookTimeoutSeconds = "hook_timeout_s", controlGroup = "control_group", tickSeconds = "tick_s"
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            hook = try c.decodeIfPresent(String.self, forKey: .hook)
            hookTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .hookTimeoutSeconds) ?? 10
            controlGroup = try c.decodeIfPresent(String.self, forKey: .controlGroup)
            tickSeconds = try c.decodeIfPresent(Int.self, forKey: .tickSeconds) ?? 2
        }
    }

    var agent: Agent
    var buffer = Buffer()
    var polling = Polling()
    var alarms = Alarms()
    var mqtt: MQTTSettings?
    var sync: SyncSettings?

    enum CodingKeys: String, CodingKey { case agent, buffer, polling, alarms, mqtt, sync }

    init(agent: Agent) { self.agent = agent }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        agent = try c.decode(Agent.self, forKey: .agent)
        buffer = try c.decodeIfPresent(Buffer.self, forKey: .buffer) ?? Buffer()
        polling = try c.decodeIfPresent(Polling.self, forKey: .polling) ?? Polling()
        alarms = try c.decodeIfPresent(Alarms.self, forKey: .alarms) ?? Alarms()
        mqtt = try c.decodeIfPresent(MQTTSettings.self, forKey: .mqtt)
        sync = try c.decodeIfPresent(SyncSettings.self, forKey: .sync)
    }

    /// Checks values the types cannot: ranges and non-empty names. Errors name the key path.
    func validate() throws(ConfigError) {
        func fail(_ key: String, _ message: String) -> ConfigError { ConfigError(keyPath: key, message: message) }
        guard !agent.id.isEmpty, agent.id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw fail("agent.id", "must be non-empty letters, digits, '-', '_' or '.'")
        }
        _ = try agent.metricsAddress()
        guard (1...60_000).contains(buffer.groupCommitMilliseconds) else {
            throw fail("buffer.group_commit_ms", "must be between 1 and 60000")
        }
        guard buffer.groupCommitMaxReadings >= 1 else { throw fail("buffer.group_commit_max_readings", "must be at least 1") }
        guard buffer.maxBytes >= 0 else { throw fail("buffer.max_bytes", "must not be negative") }
        guard polling.quarantineAfter >= 1 else { throw fail("polling.quarantine_after", "must be at least 1") }
        guard polling.probeBackoffMaxSeconds >= 1 else { throw fail("polling.probe_backoff_max_s", "must be at least 1") }
        guard (1...3600).contains(alarms.tickSeconds) else { throw fail("alarms.tick_s", "must be between 1 and 3600") }
        guard (1...600).contains(alarms.hookTimeoutSeconds) else { throw fail("alarms.hook_timeout_s", "must be between 1 and 600") }
        if let mqtt { _ = try mqtt.resolve(agentID: agent.id) }
        if let sync { _ = try sync.resolve(agentID: agent.id) }
        if let group = alarms.controlGroup, (try? PeerPolicy.groupID(named: group)) == nil {
            throw fail("alarms.control_group", "no group named '\(group)'")
        }
    }
}
