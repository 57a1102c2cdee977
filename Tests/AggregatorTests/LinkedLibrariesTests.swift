import Foundation
import Testing

/// The shipped binary links libpq and SQLite from the system and reports both versions.
@Suite struct LinkedLibrariesTests {
    func run(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("aggregator")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func versionListsTheSystemLibraries() throws {
        let (status, output) = try run(["version"])
        #expect(status == 0)
        #expect(output.contains("libpq 15") && output.contains("sqlite 3."))
    }
}
