import CarbonCore
import Foundation

/// The `[mqtt]` table of the main file: one broker connection with a persistent session, and the
/// subscriptions that map topics and JSON payload fields to tags. Every key is documented in
/// `etc/edge-agent/edge-agent.toml`.
struct MQTTSettings: Decodable, Sendable, Equatable {
    struct Field: Decodable, Sendable, Equatable {
        /// Path of the value in the payload (`data.co2`, `readings[*].value`, "" for a bare number).
        var value: String
        /// Tag name template: `{N}` is topic level N, `{path}` a payload field.
        var tag: String
        var unit: String
    }

    struct Subscription: Decodable, Sendable, Equatable {
        var filter: String
        var fields: [Field]
        /// Path of an optional payload timestamp, and its format: iso8601, unix_s or unix_ms.
        var timestamp: String?
        var timestampFormat: String?

        enum CodingKeys: String, CodingKey { case filter, fields, timestamp, timestampFormat = "timestamp_format" }
    }

    var host: String
    var port: Int32 = 1883
    /// Stable, so the broker keeps our QoS 1 messages while we are down; default `<agent id>-mqtt`.
    var clientID: String?
    var username: String?
    /// A file holding the password (kept out of the main file so it can be readable by root only).
    var passwordFile: String?
    var caFile: String?
    var certFile: String?
    var keyFile: String?
    var maxPayloadBytes = 262_144
    var subscriptions: [Subscription]
    /// Alarm rules for MQTT tags (`[[mqtt.alarms]]`, the same shape as a device file's `[[alarms]]`).
    var alarms: [AlarmRule]

    enum CodingKeys: String, CodingKey {
        case host, port, username, subscriptions, alarms
        case clientID = "client_id", passwordFile = "password_file", caFile = "ca_file", certFile = "cert_file"
        case keyFile = "key_file", maxPayloadBytes = "max_payload_bytes"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.decode(String.self, forKey: .host)
        port = try DeviceFile.ranged(c, .port, 1...65535) ?? 1883
        clientID = try c.decodeIfPresent(String.self, forKey: .clientID)
        username = try c.decodeIfPresent(String.self, forKey: .username)
        passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        certFile = try c.decodeIfPresent(String.self, forKey: .certFile)
        keyFile = try c.decodeIfPresent(String.self, forKey: .keyFile)
        maxPayloadBytes = try DeviceFile.ranged(c, .maxPayloadBytes, 16...16_777_216) ?? 262_144
        subscriptions = try c.decode([Subscription].self, forKey: .subscriptions)
        alarms = try c.decodeIfPresent([AlarmRule].self, forKey: .alarms) ?? []
    }

    /// The client configuration and the topic mappings, or the first problem with its key path.
    func resolve(agentID: String) throws(ConfigError) -> (MosquittoConfiguration, MessageMapper) {
        var credentials: MosquittoConfiguration.Credentials? = nil
        if let username {
            var password: String? = nil
            if let passwordFile {
                guard let data = FileManager.default.contents(atPath: passwordFile) else {
                    throw ConfigError(keyPath: "mqtt.password_file", message: "cannot read \(passwordFile)")
                }
                password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
            }
            credentials = .init(username: username, password: password)
        }
        var tls: MosquittoConfiguration.TLS? = nil
        if let caFile { tls = .init(caFile: caFile, certificateFile: certFile, keyFile: keyFile) }
        let configuration = MosquittoConfiguration(host: host, port: port, clientID: clientID ?? "\(agentID)-mqtt",
                                                   credentials: credentials, tls: tls)
        do { try configuration.validate() } catch { throw ConfigError(keyPath: "mqtt", message: error.message) }
        var mappings: [TopicMapping] = []
        for (index, subscription) in subscriptions.enumerated() {
            let place = "mqtt.subscriptions[\(index)]"
            do {
                let fields = try subscription.fields.map { field throws(MQTTMappingError) in
                    try TopicMapping.Field(value: field.value, tag: field.tag, unit: field.unit)
                }
                var timestamp: TopicMapping.Timestamp? = nil
                if let path = subscription.timestamp {
                    let name = subscription.timestampFormat ?? "iso8601"
                    guard let format = TopicMapping.Timestamp.Format(rawValue: name) else {
                        throw ConfigError(keyPath: place + ".timestamp_format",
                                          message: "'\(name)' is not iso8601, unix_s or unix_ms")
                    }
                    timestamp = try TopicMapping.Timestamp(path: path, format: format)
                }
                mappings.append(try TopicMapping(filter: subscription.filter, fields: fields, timestamp: timestamp))
            } catch let error as MQTTMappingError {
                throw ConfigError(keyPath: place + (error.field.map { "." + $0 } ?? ""), message: error.message)
            } catch let error as ConfigError {
                throw error
            } catch {
                throw ConfigError(keyPath: place, message: "\(error)")
            }
        }
        do {
            return (configuration, try MessageMapper(mappings: mappings, maximumPayloadBytes: maxPayloadBytes))
        } catch {
            throw ConfigError(keyPath: "mqtt.subscriptions", message: error.message)
        }
    }
}
