import Foundation
import Logging
import Testing
@testable import EdgeAgent

/// One poll cycle against the pymodbus simulator: exact values, refused addresses isolated.
@Suite(.serialized) struct ModbusPollerTests {
    func device(port: Int32, tags: String) throws -> (DeviceFile, [ModbusTag]) {
        let text = """
            name = "sim"
            protocol = "modbus_tcp"
            host = "127.0.0.1"
            port = \(port)
            address_base = 0
            max_gap = 4
            \(tags)
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("device-\(UUID()).toml")
        try Data(text.utf8).write(to: file)
        let device = try ConfigLoader.decode(DeviceFile.self, file: file.path)
        return (device, try device.validate())
    }

    static let tags = """
        [[tags]]
        name = "co2"
        table = "holding_register"
        address = 0
        data_type = "float32"
        order = "ABCD"
        unit = "ppm"
        [[tags]]
        name = "energy"
        table = "holding_register"
        address = 2
        data_type = "uint32"
        order = "CDAB"
        scale = "0.01"
        unit = "kWh"
        [[tags]]
        name = "temperature"
        table = "holding_register"
        address = 4
        data_type = "int16"
        scale = "0.1"
        max = "100"
        unit = "°C"
        """

    func poller(_ device: DeviceFile, _ tags: [ModbusTag]) throws -> ModbusPoller {
        let connection = try ModbusConnection(endpoint: try device.endpoint(), responseTimeout: .milliseconds(500))
        return ModbusPoller(device: device, tags: tags, connection: connection, quarantineAfter: 3,
                            maximumBackoff: .seconds(1), deliver: { _, _ in }, logger: Logger(label: "test"))
    }

    @Test func aCycleReadsEveryTagExactlyInOneRequest() async throws {
        // 123.456 float32 ABCD; 1234567.89 kWh as uint32 123456789 CDAB; 1234 × 0.1 = 123.4 °C (above max 100).
        let sim = try SimulatedModbusDevice(registers: [0: [0x42F6, 0xE979, 0xCD15, 0x075B, 1234]])
        let (device, tags) = try device(port: sim.port, tags: Self.tags)
        var plan = RequestPlanner.plan(tags: tags, maxGap: 4)
        #expect(plan.requests.count == 1)
        let outcome = await try poller(device, tags).cycle(&plan)
        let values = Dictionary(uniqueKeysWithValues: outcome.readings.map { ($0.tag, $0) })
        #expect(values["co2"]?.value == Decimal(string: "123.456"))
        #expect(values["energy"]?.value == Decimal(string: "1234567.89"))
        #expect(values["temperature"]?.value == Decimal(string: "123.4"))
        #expect(values["temperature"]?.quality == .outOfRange)
        #expect(values["co2"]?.unit == "ppm" && outcome.answered)
    }

    @Test func aRefusedAddressIsIsolatedAndTheRestKeepsBeingRead() async throws {
        // The simulator holds 0…4 only: the tag at 6 makes the merged request fail with exception 02.
        let sim = try SimulatedModbusDevice(registers: [0: [0x42F6, 0xE979, 0xCD15, 0x075B, 1234]])
        let extra = Self.tags + "\n[[tags]]\nname = \"ghost\"\ntable = \"holding_register\"\naddress = 6\ndata_type = \"uint16\"\nunit = \"\"\n"
        let (device, tags) = try device(port: sim.port, tags: extra)
        var plan = RequestPlanner.plan(tags: tags, maxGap: 4)
        let first = await try poller(device, tags).cycle(&plan)
        #expect(Set(first.readings.map(\.tag)) == ["co2", "energy", "temperature"])
        #expect(first.failedTags == ["ghost"])
        #expect(plan.badTags.map(\.name) == ["ghost"])
        let second = await try poller(device, tags).cycle(&plan)
        #expect(second.readings.count == 3 && second.failedTags.isEmpty)
    }

    @Test func aDeadDeviceYieldsNoReadingsAndNoAnswer() async throws {
        let port = try SimulatedModbusDevice.freePort()
        let (device, tags) = try device(port: port, tags: Self.tags)
        var plan = RequestPlanner.plan(tags: tags, maxGap: 4)
        let outcome = await try poller(device, tags).cycle(&plan)
        #expect(outcome.readings.isEmpty && !outcome.answered && outcome.failedTags.count == 3)
    }
}
