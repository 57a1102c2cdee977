import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// scripts/sim/aggregator_stub.py on a loopback port, started for one test (stdlib Python only).
final class AggregatorStub: Sendable {
    let port: Int32
    private let process: Process

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    struct Snapshot: Decodable {
        struct Row: Decodable, Hashable {
            var agent_id: String
            var store_epoch: String
            var seq: Int64
            var kind: String
            var value: String?
        }
        var readings: [Row]
        var requests: Int
        var replays: Int
        var stores: Int
        /// [unix time, status] per ingest request; status 0 = committed, reply dropped.
        var log: [[Double]]
    }

    /// `port`: a given port (to start an aggregator where an agent already points), or a free one.
    init(port: Int32? = nil, arguments: [String] = []) throws {
        self.port = try port ?? SimulatedModbusDevice.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [SimulatedModbusDevice.packageDirectory.appendingPathComponent("scripts/sim/aggregator_stub.py").path,
                             "--port", String(self.port)] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if SimulatedModbusDevice.canConnect(port: self.port) { return }
            guard process.isRunning else { throw SimulatedModbusDevice.StartError(description: "the stub exited during start-up") }
            usleep(50_000)
        }
        throw SimulatedModbusDevice.StartError(description: "the stub did not listen on 127.0.0.1:\(self.port) within 5 s")
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func snapshot() async throws -> Snapshot {
        let (data, _) = try await URLSession.shared.data(from: url.appendingPathComponent("debug/readings"))
        return try JSONDecoder().decode(Snapshot.self, from: data)
    }
}
