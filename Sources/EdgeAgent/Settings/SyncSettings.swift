import Foundation

/// The `[sync]` table: where and how the buffer is uploaded to the aggregator. Without it the
/// agent only buffers (and keeps everything until a sync is configured).
struct SyncSettings: Decodable, Sendable, Equatable {
    /// Aggregator base URLs; batches go to `{endpoint}/api/v1/ingest/batches`.
    var endpoints: [String]
    /// A file holding this agent's bearer token, re-read before every batch so it can be rotated.
    var tokenFile: String
    var batchMaxReadings = 1000
    var batchMaxAgeMilliseconds = 5000
    /// round_robin, random or consistent_hash (the same aggregator for this agent while it is up).
    var policy = "consistent_hash"
    var requestTimeoutSeconds = 30
    /// Retries: capped exponential backoff with full jitter, from this base up to this cap.
    var retryBaseMilliseconds = 500
    var retryCapSeconds = 60
    /// Circuit breaker per endpoint: open after this many failures in a row, probe after the cooldown.
    var breakerFailureThreshold = 3
    var breakerCooldownSeconds = 30

    enum CodingKeys: String, CodingKey {
        case endpoints, policy
        case tokenFile = "token_file", batchMaxReadings = "batch_max_readings"
        case batchMaxAgeMilliseconds = "batch_max_age_ms", requestTimeoutSeconds = "request_timeout_s"
        case retryBaseMilliseconds = "retry_base_ms", retryCapSeconds = "retry_cap_s"
        case breakerFailureThreshold = "breaker_failure_threshold", breakerCooldownSeconds = "breaker_cooldown_s"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        endpoints = try c.decode([String].self, forKey: .endpoints)
        tokenFile = try c.decode(String.self, forKey: .tokenFile)
        batchMaxReadings = try DeviceFile.ranged(c, .batchMaxReadings, 1...1_000_000) ?? 1000
        batchMaxAgeMilliseconds = try DeviceFile.ranged(c, .batchMaxAgeMilliseconds, 0...3_600_000) ?? 5000
        policy = try c.decodeIfPresent(String.self, forKey: .policy) ?? "consistent_hash"
        requestTimeoutSeconds = try DeviceFile.ranged(c, .requestTimeoutSeconds, 1...600) ?? 30
        retryBaseMilliseconds = try DeviceFile.ranged(c, .retryBaseMilliseconds, 1...600_000) ?? 500
        retryCapSeconds = try DeviceFile.ranged(c, .retryCapSeconds, 1...86_400) ?? 60
        breakerFailureThreshold = try DeviceFile.ranged(c, .breakerFailureThreshold, 1...1000) ?? 3
        breakerCooldownSeconds = try DeviceFile.ranged(c, .breakerCooldownSeconds, 1...86_400) ?? 30
    }

    func resolve(agentID: String) throws(ConfigError) -> SyncConfiguration {
        var urls: [URL] = []
        for (index, text) in endpoints.enumerated() {
            guard let url = URL(string: text) else {
                throw ConfigError(keyPath: "sync.endpoints[\(index)]", message: "'\(text)' is not a URL")
            }
            urls.append(url)
        }
        guard let chosen = EndpointPolicy(rawValue: policy) else {
            throw ConfigError(keyPath: "sync.policy", message: "'\(policy)' is not round_robin, random or consistent_hash")
        }
        let configuration = SyncConfiguration(
            endpoints: urls, tokenFile: tokenFile, agentID: agentID,
            limits: .init(maximumReadings: batchMaxReadings, maximumAge: .milliseconds(batchMaxAgeMilliseconds)),
            policy: chosen,
            backoff: .init(base: .milliseconds(retryBaseMilliseconds), cap: .seconds(retryCapSeconds)),
            breaker: .init(failureThreshold: breakerFailureThreshold, cooldown: .seconds(breakerCooldownSeconds)),
            requestTimeout: .seconds(requestTimeoutSeconds))
        do { try configuration.validate() } catch { throw ConfigError(keyPath: "sync", message: error.message) }
        return configuration
    }
}
