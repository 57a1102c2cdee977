import Foundation
import Testing

@testable import Aggregator

/// Where the tests find PostgreSQL: `scripts/test` starts a private server and exports its URL.
enum PostgresTestEnvironment {
    static let url = ProcessInfo.processInfo.environment["CARBON_TEST_POSTGRES_URL"]
    static var isConfigured: Bool { url != nil }

    /// The repository root, found from this file's path (tests run from any directory).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A second PostgreSQL server of the test's own, through `scripts/postgres-test-server`, for tests
/// that stop the server under a live pool (stopping the shared one would break the others).
/// The cluster in `.build/pg-restart-test` is kept between runs, so only the first run pays initdb.
struct PostgresTestServer {
    let directory: String
    let port: Int

    static func start() throws -> PostgresTestServer {
        let directory = PostgresTestEnvironment.repository.appendingPathComponent(".build/pg-restart-test").path
        let server = PostgresTestServer(directory: directory, port: try freeLoopbackPort())
        try server.stop()  // one left running by a crashed run would still listen on its old port
        _ = try server.run(["start", directory, String(server.port)])
        return server
    }

    var url: String { "postgres://postgres@127.0.0.1:\(port)/carbon_test?sslmode=disable" }

    func restart() throws { _ = try run(["start", directory, String(port)]) }
    func stop() throws { _ = try run(["stop", directory]) }

    /// Runs the script and returns its standard output; a failure carries its standard error.
    private func run(_ arguments: [String]) throws -> String {
        let process = Process()
        let script = PostgresTestEnvironment.repository.appendingPathComponent("scripts/postgres-test-server")
        process.executableURL = script
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        let problems = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ScriptFailure(message: "postgres-test-server \(arguments.joined(separator: " ")): "
                + String(decoding: problems, as: UTF8.self))
        }
        return String(decoding: text, as: UTF8.self)
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

/// A port nobody listens on right now: the kernel picks one for a throwaway socket bound to 0.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw PostgresTestServer.ScriptFailure(message: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
        }
    }
    guard bound else { throw PostgresTestServer.ScriptFailure(message: "bind() to 127.0.0.1:0 failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
