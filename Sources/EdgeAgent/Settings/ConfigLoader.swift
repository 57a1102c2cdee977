import CarbonCore
import Foundation
import TOMLKit

/// Reads the agent's TOML files into typed settings. Every failure becomes a `ConfigError` with
/// the file, the key path and a line: from the parser for syntax errors, or found in the text for
/// decoding and validation errors.
enum ConfigLoader {
    struct Loaded: Sendable {
        var settings: AgentSettings
        var devices: [LoadedDevice]
        /// The main file it came from (reloads read it again).
        var configFile: String = ""
    }

    struct LoadedDevice: Sendable {
        var file: String
        var device: DeviceFile
        var tags: [ModbusTag]
        /// SHA-256 of the file's text: a reload keeps a device polling when this is unchanged.
        var fingerprint: String = ""
    }

    /// The main file and every `*.toml` in its devices directory (in name order). All errors are
    /// collected, so `check-config` can report them at once.
    static func load(configFile: String) -> Result<Loaded, ConfigErrors> {
        var errors: [ConfigError] = []
        var settings: AgentSettings
        do {
            settings = try decode(AgentSettings.self, file: configFile)
            try settings.validate()
        } catch {
            return .failure(ConfigErrors(errors: [locate(error, file: configFile)]))
        }
        // Relative paths in the file are relative to the file, not to wherever the agent was started.
        let base = URL(fileURLWithPath: configFile).deletingLastPathComponent()
        settings.agent.stateDirectory = URL(fileURLWithPath: settings.agent.stateDirectory, relativeTo: base).path
        settings.agent.controlSocket = URL(fileURLWithPath: settings.agent.controlSocket, relativeTo: base).path
        settings.agent.devicesDirectory = URL(fileURLWithPath: settings.agent.devicesDirectory, relativeTo: base).path
        var devices: [LoadedDevice] = []
        let directory = URL(fileURLWithPath: settings.agent.devicesDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        if names.isEmpty && !FileManager.default.fileExists(atPath: directory.path) {
            errors.append(ConfigError(file: configFile, keyPath: "agent.devices_directory",
                                      message: "\(directory.path) does not exist"))
        }
        var seenDevices: [String: String] = [:]
        var seenTags: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".toml") {
            let path = directory.appendingPathComponent(name).path
            switch loadDevice(path, seenDevices: &seenDevices, seenTags: &seenTags) {
            case .success(let device): devices.append(device)
            case .failure(let error): errors.append(error)
            }
        }
        return errors.isEmpty ? .success(Loaded(settings: settings, devices: devices, configFile: configFile)) : .failure(ConfigErrors(errors: errors))
    }

    /// One device file: decoded, validated, and checked against the devices and tags seen so far.
    static func loadDevice(_ path: String, seenDevices: inout [String: String], seenTags: inout [String: String])
        -> Result<LoadedDevice, ConfigError>
    {
        let device: DeviceFile
        let tags: [ModbusTag]
        do {
            device = try decode(DeviceFile.self, file: path)
            tags = try device.validate()
        } catch {
            return .failure(locate(error, file: path))
        }
        if let other = seenDevices.updateValue(path, forKey: device.name) {
            return .failure(locate(ConfigError(keyPath: "name", message: "device '\(device.name)' is also defined in \(other)"), file: path))
        }
        for tag in tags {
            if let other = seenTags.updateValue(path, forKey: tag.name) {
                return .failure(ConfigError(file: path, keyPath: "tags", message: "tag '\(tag.name)' is also defined in \(other)"))
            }
        }
        let text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return .success(LoadedDevice(file: path, device: device, tags: tags, fingerprint: SHA256.hex(text)))
    }

    static func decode<T: Decodable>(_ type: T.Type, file: String) throws(ConfigError) -> T {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigError(file: file, message: "cannot read the file (missing or not readable)")
        }
        let text = String(decoding: data, as: UTF8.self)
        do {
            return try TOMLDecoder().decode(type, from: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, message: "syntax: \(error.description) (column \(error.source.begin.column))")
        } catch let error as DecodingError {
            var described = describe(error)
            // TOMLKit reports a value of the wrong type (0.1 where "0.1" belongs) as a missing key.
            if case .keyNotFound = error, let key = described.keyPath, TOMLLocator.line(of: key, in: text, exact: true) != nil {
                described.message = "has the wrong type (write decimals as quoted strings, e.g. \"0.1\")"
            }
            throw locate(described, file: file, text: text)
        } catch let error as CalculationError {
            throw locate(ConfigError(keyPath: error.field, message: error.message), file: file, text: text)
        } catch {
            throw ConfigError(file: file, message: "\(error)")
        }
    }

    static func describe(_ error: DecodingError) -> ConfigError {
        switch error {
        case .keyNotFound(let key, let context):
            // TOMLKit's coding path already ends with the missing key; Foundation's does not.
            let full = context.codingPath.last?.stringValue == key.stringValue ? context.codingPath : context.codingPath + [key]
            return ConfigError(keyPath: path(full), message: "is required")
        case .typeMismatch(let type, let context):
            let hint = type == String.self ? " (write decimals as quoted strings, e.g. \"0.1\")" : ""
            return ConfigError(keyPath: path(context.codingPath), message: "expected \(type)\(hint)")
        case .valueNotFound(let type, let context):
            return ConfigError(keyPath: path(context.codingPath), message: "expected \(type)")
        case .dataCorrupted(let context):
            return ConfigError(keyPath: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            return ConfigError(message: "\(error)")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String? {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : "." + key.stringValue }
        }
        return text.isEmpty ? nil : text
    }

    static func locate(_ error: ConfigError, file: String, text: String? = nil) -> ConfigError {
        var located = error
        located.file = file
        let source = text ?? (FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self) } ?? "")
        if located.line == nil, let keyPath = error.keyPath { located.line = TOMLLocator.line(of: keyPath, in: source) }
        return located
    }
}
