import CarbonCore
import Foundation

/// One device file (`devices.d/NAME.toml`): how to reach a Modbus device, its register map and
/// the alarm rules of its tags. See `etc/edge-agent/devices.d/*.sample.toml` for every key.
struct DeviceFile: Decodable, Sendable {
    enum ProtocolKind: String, Decodable, Sendable { case modbusTCP = "modbus_tcp", modbusRTU = "modbus_rtu" }

    struct Serial: Decodable, Sendable, Hashable {
        var device: String
        var baud: Int32 = 9600
        var parity: String = "N"
        var dataBits: Int32 = 8
        var stopBits: Int32 = 1
        var rs485: Bool = false

        enum CodingKeys: String, CodingKey {
            case device, baud, parity, rs485, dataBits = "data_bits", stopBits = "stop_bits"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            device = try c.decode(String.self, forKey: .device)
            // Read as Int and range-checked: TOMLKit's narrowing decoders trap on overflow.
            baud = try DeviceFile.ranged(c, .baud, 50...4_000_000) ?? 9600
            parity = try c.decodeIfPresent(String.self, forKey: .parity) ?? "N"
            dataBits = try DeviceFile.ranged(c, .dataBits, 5...8) ?? 8
            stopBits = try DeviceFile.ranged(c, .stopBits, 1...2) ?? 1
            rs485 = try c.decodeIfPresent(Bool.self, forKey: .rs485) ?? false
        }
    }

    var name: String
    var `protocol`: ProtocolKind
    var host: String?
    var port: Int32?
    var serial: Serial?
    var unitID: UInt8
    var intervalMilliseconds: Int
    var timeoutMilliseconds: Int
    var registers: RegisterMap
    var alarms: [AlarmRule]

    enum CodingKeys: String, CodingKey {
        case name, `protocol`, host, port, serial, alarms, tags
        case unitID = "unit_id", intervalMilliseconds = "interval_ms", timeoutMilliseconds = "timeout_ms"
        case addressBase = "address_base", maxGap = "max_gap"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        `protocol` = try c.decode(ProtocolKind.self, forKey: .protocol)
        host = try c.decodeIfPresent(String.self, forKey: .host)
        port = try Self.ranged(c, .port, 1...65535)
        serial = try c.decodeIfPresent(Serial.self, forKey: .serial)
        unitID = try Self.ranged(c, .unitID, 0...247) ?? 1
        intervalMilliseconds = try c.decodeIfPresent(Int.self, forKey: .intervalMilliseconds) ?? 1000
        timeoutMilliseconds = try c.decodeIfPresent(Int.self, forKey: .timeoutMilliseconds) ?? 1000
        registers = RegisterMap(addressBase: try c.decodeIfPresent(Int.self, forKey: .addressBase),
                                maxGap: try c.decodeIfPresent(Int.self, forKey: .maxGap),
                                tags: try c.decode([TagDefinition].self, forKey: .tags))
        alarms = try c.decodeIfPresent([AlarmRule].self, forKey: .alarms) ?? []
    }

    /// An integer key within `range`, or a decoding error naming the key (never a trap).
    static func ranged<K: CodingKey, T: FixedWidthInteger>(_ c: KeyedDecodingContainer<K>, _ key: K, _ range: ClosedRange<Int>)
        throws -> T?
    {
        guard let value = try c.decodeIfPresent(Int.self, forKey: key) else { return nil }
        guard range.contains(value) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c,
                                                   debugDescription: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return T(value)
    }

    /// The endpoint the connection serves; several devices on one gateway share it.
    func endpoint() throws(ConfigError) -> ModbusConnection.Endpoint {
        switch `protocol` {
        case .modbusTCP:
            guard let host else { throw ConfigError(keyPath: "host", message: "modbus_tcp needs a host") }
            return .tcp(host: host, port: port ?? 502)
        case .modbusRTU:
            guard let serial else { throw ConfigError(keyPath: "serial", message: "modbus_rtu needs a [serial] table") }
            guard let parity = ModbusConnection.Parity(rawValue: serial.parity.uppercased()) else {
                throw ConfigError(keyPath: "serial.parity", message: "'\(serial.parity)' is not N, E or O")
            }
            return .rtu(device: serial.device, baud: serial.baud, parity: parity, dataBits: serial.dataBits,
                        stopBits: serial.stopBits, rs485: serial.rs485)
        }
    }

    /// Checks ranges, the register map and that alarms name tags of this device.
    func validate() throws(ConfigError) -> [ModbusTag] {
        guard !name.isEmpty else { throw ConfigError(keyPath: "name", message: "must not be empty") }
        _ = try endpoint()
        guard (10...86_400_000).contains(intervalMilliseconds) else {
            throw ConfigError(keyPath: "interval_ms", message: "must be between 10 and 86400000")
        }
        guard (10...60_000).contains(timeoutMilliseconds) else {
            throw ConfigError(keyPath: "timeout_ms", message: "must be between 10 and 60000")
        }
        let tags: [ModbusTag]
        do { tags = try registers.resolve() } catch { throw ConfigError(keyPath: error.field ?? "tags", message: error.message) }
        let names = Set(tags.map(\.name))
        for (index, rule) in alarms.enumerated() where !names.contains(rule.tag) {
            throw ConfigError(keyPath: "alarms[\(index)].tag", message: "'\(rule.tag)' is not a tag of this device")
        }
        return tags
    }
}
