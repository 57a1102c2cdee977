import Foundation
import Testing

/// The built `edge-agent` binary: its subcommands, exit statuses and what it prints.
@Suite struct EdgeAgentCommandTests {
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = AgentProcess.executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test func versionListsTheSystemLibraries() throws {
        let result = try run(["version"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("libmodbus 3.") && result.stdout.contains("libmosquitto 2.") && result.stdout.contains("sqlite 3."))
    }

    @Test func aMissingConfigurationIsNamedAndRefused() throws {
        let result = try run(["check-config", "--config", "/nonexistent/edge-agent.toml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/edge-agent.toml") && result.stderr.contains("cannot read"))
    }
}
