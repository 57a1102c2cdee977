import ArgumentParser
import CModbus
import CMosquitto
import CSQLite
import Foundation
import Logging

/// `edge-agent`: the gateway daemon. `run` (the default) polls the configured devices into the
/// durable buffer; `check-config` validates the configuration and names every problem's file,
/// key path and line; `version` lists the linked C libraries.
@main
struct EdgeAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-agent",
        abstract: "Polls Modbus devices into a durable SQLite buffer on a factory gateway.",
        subcommands: [Run.self, CheckConfig.self, Readings.self, Version.self, BenchStore.self],
        defaultSubcommand: Run.self)

    struct Options: ParsableArguments {
        @Option(help: "The main configuration file.") var config = "/etc/edge-agent/edge-agent.toml"
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the agent until SIGTERM or SIGINT.")
        @OptionGroup var options: Options
        @Option(help: "Stop by itself after this many seconds (demos and tests).") var duration: Int?
        @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

        func run() async throws {
            var logger = Logger(label: "edge-agent")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            let loaded: ConfigLoader.Loaded
            switch ConfigLoader.load(configFile: options.config) {
            case .success(let value): loaded = value
            case .failure(let errors):
                for error in errors.errors { printError("edge-agent: \(error)") }
                throw ExitCode(2)
            }
            let agent: Agent
            do {
                agent = try await Agent.start(loaded, logger: logger)
            } catch {
                printError("edge-agent: cannot start: \(error)")
                throw ExitCode(1)
            }
            await agent.run(for: duration.map { .seconds($0) })
        }
    }

    struct CheckConfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-config", abstract: "Validate the configuration and device files; print every problem.")
        @OptionGroup var options: Options

        func run() throws {
            switch ConfigLoader.load(configFile: options.config) {
            case .success(let loaded):
                let tags = loaded.devices.reduce(0) { $0 + $1.tags.count }
                print("configuration OK: agent \(loaded.settings.agent.id), \(loaded.devices.count) devices, \(tags) tags")
            case .failure(let errors):
                for error in errors.errors { printError("edge-agent: \(error)") }
                throw ExitCode(2)
            }
        }
    }

    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the version and the linked C libraries.")

        func run() {
            var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
            _ = mosquitto_lib_version(&major, &minor, &revision)
            print("edge-agent 0.1.0")
            print("libmodbus \(libmodbus_version_major).\(libmodbus_version_minor).\(libmodbus_version_micro)")
            print("libmosquitto \(major).\(minor).\(revision)")
            print("sqlite \(String(cString: sqlite3_libversion()))")
        }
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
