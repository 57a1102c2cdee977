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

        enum CodingKeys: String, CodingKey {
            case id, stateDirectory = "state_directory", devicesDirectory = "devices_directory"
            case controlSocket = "control_socket"
        }

        init(id: String) { self.id = id }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            stateDirectory = try c.decodeIfPresent(String.self, forKey: .stateDirectory) ?? stateDirectory
            devicesDirectory = try c.decodeIfPresent(String.self, forKey: .devicesDirectory) ?? devicesDirectory
            controlSocket = try c.decodeIfPresent(String.self, forKey: .controlSocket) ?? controlSocket
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

    var agent: Agent
    var buffer = Buffer()
    var polling = Polling()

    enum CodingKeys: String, CodingKey { case agent, buffer, polling }

    init(agent: Agent) { self.agent = agent }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        agent = try c.decode(Agent.self, forKey: .agent)
        buffer = try c.decodeIfPresent(Buffer.self, forKey: .buffer) ?? Buffer()
        polling = try c.decodeIfPresent(Polling.self, forKey: .polling) ?? Polling()
    }

    /// Checks values the types cannot: ranges and non-empty names. Errors name the key path.
    func validate() throws(ConfigError) {
        func fail(_ key: String, _ message: String) -> ConfigError { ConfigError(keyPath: key, message: message) }
        guard !agent.id.isEmpty, agent.id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw fail("agent.id", "must be non-empty letters, digits, '-', '_' or '.'")
        }
        guard (1...60_000).contains(buffer.groupCommitMilliseconds) else {
            throw fail("buffer.group_commit_ms", "must be between 1 and 60000")
        }
        guard buffer.groupCommitMaxReadings >= 1 else { throw fail("buffer.group_commit_max_readings", "must be at least 1") }
        guard buffer.maxBytes >= 0 else { throw fail("buffer.max_bytes", "must not be negative") }
        guard polling.quarantineAfter >= 1 else { throw fail("polling.quarantine_after", "must be at least 1") }
        guard polling.probeBackoffMaxSeconds >= 1 else { throw fail("polling.probe_backoff_max_s", "must be at least 1") }
    }
}
