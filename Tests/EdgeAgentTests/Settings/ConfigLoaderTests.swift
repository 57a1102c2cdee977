import Foundation
import Testing
@testable import EdgeAgent

/// check-config's promise: every problem names its file, key path and (where findable) line.
@Suite struct ConfigLoaderTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("edge-config-\(UUID())")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("devices.d"), withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    var main: String { get throws { try write("edge-agent.toml", "[agent]\nid = \"gw-1\"\nstate_directory = \"state\"\ndevices_directory = \"devices.d\"\n") } }

    static let device = """
        name = "analyser"
        protocol = "modbus_tcp"
        host = "127.0.0.1"
        port = 1502
        address_base = 0

        [[tags]]
        name = "co2"
        table = "holding_register"
        address = 0
        data_type = "float32"
        order = "ABCD"
        unit = "ppm"

        [[tags]]
        name = "flow"
        table = "holding_register"
        address = 2
        data_type = "uint32"
        order = "ORDER"
        scale = SCALE
        unit = "Nm3/h"
        """

    func errors(_ device: String) throws -> [ConfigError] {
        let config = try main
        _ = try write("devices.d/analyser.toml", device)
        guard case .failure(let failure) = ConfigLoader.load(configFile: config) else { return [] }
        return failure.errors
    }

    @Test func sampleFilesAndAValidDeviceLoad() throws {
        let config = try main
        _ = try write("devices.d/analyser.toml", Self.device.replacingOccurrences(of: "ORDER", with: "CDAB").replacingOccurrences(of: "SCALE", with: "\"0.1\""))
        let loaded = try ConfigLoader.load(configFile: config).get()
        #expect(loaded.devices.map(\.tags.count) == [2])
        // Relative paths are taken from the config file's folder.
        #expect(loaded.settings.agent.stateDirectory == directory.appendingPathComponent("state").path)
    }

    @Test func shippedSamplesAreValid() throws {
        let etc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("etc/edge-agent")
        let config = try main
        for sample in ["modbus_tcp.toml", "modbus_rtu.toml"] {
            let text = try String(contentsOf: etc.appendingPathComponent("samples/\(sample)"), encoding: .utf8)
            _ = try write("devices.d/\(sample)", text)
        }
        let loaded = try ConfigLoader.load(configFile: config).get()
        #expect(loaded.devices.count == 2)
        #expect(loaded.devices.first { $0.device.name == "stack-1-analyser" }?.device.alarms.count == 1)
        let shipped = try AgentSettingsFile.decode(etc.appendingPathComponent("edge-agent.toml").path)
        #expect(shipped.agent.id == "plant-a-gw1" && shipped.buffer.groupCommitMilliseconds == 100)
    }

    @Test func aBadByteOrderNamesFileLineAndKey() throws {
        let found = try errors(Self.device.replacingOccurrences(of: "ORDER", with: "ABDC").replacingOccurrences(of: "SCALE", with: "\"0.1\""))
        #expect(found.count == 1)
        let error = try #require(found.first)
        #expect(error.file?.hasSuffix("devices.d/analyser.toml") == true)
        #expect(error.keyPath == "tags[1].order")
        #expect(error.line == 20)
        #expect(error.description.contains("ABDC"))
    }

    @Test func aDecimalWrittenAsAFloatIsRefusedWithAHint() throws {
        let error = try #require(try errors(Self.device.replacingOccurrences(of: "ORDER", with: "CDAB").replacingOccurrences(of: "SCALE", with: "0.1")).first)
        #expect(error.keyPath == "tags[1].scale")
        #expect(error.message.contains("quoted"))
        #expect(error.line == 21)
    }

    @Test func syntaxErrorsCarryTheParserLine() throws {
        let error = try #require(try errors("name = \"x\"\nprotocol = \n").first)
        #expect(error.line == 2)
    }

    @Test func outOfRangeIntegersAreErrorsNotCrashes() throws {
        let text = Self.device.replacingOccurrences(of: "ORDER", with: "CDAB").replacingOccurrences(of: "SCALE", with: "\"1\"")
            .replacingOccurrences(of: "port = 1502", with: "port = 1502\nunit_id = 300")
        let error = try #require(try errors(text).first)
        #expect(error.keyPath == "unit_id" && error.line == 5)
    }

    @Test func alarmsMustNameTagsOfTheDevice() throws {
        let text = Self.device.replacingOccurrences(of: "ORDER", with: "CDAB").replacingOccurrences(of: "SCALE", with: "\"1\"")
            + "\n[[alarms]]\ntag = \"nox\"\nh = { limit = \"1\", priority = \"high\" }\n"
        let error = try #require(try errors(text).first)
        #expect(error.keyPath == "alarms[0].tag")
    }

    @Test func aMissingAgentIDIsNamed() throws {
        let config = try write("edge-agent.toml", "[agent]\nstate_directory = \"s\"\n")
        guard case .failure(let failure) = ConfigLoader.load(configFile: config) else { Issue.record("loaded"); return }
        #expect(failure.errors.first?.keyPath == "agent.id")
    }
}

/// Decodes just the main settings file (the shipped sample) without its devices directory.
enum AgentSettingsFile {
    static func decode(_ path: String) throws -> AgentSettings { try ConfigLoader.decode(AgentSettings.self, file: path) }
}
