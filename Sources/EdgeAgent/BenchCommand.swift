import ArgumentParser
import Foundation

extension EdgeAgentCommand {
    /// `edge-agent bench-store`: appends synthetic readings to a fresh store the way the pollers do
    /// (batches through one transaction each) and prints rows/s and bytes/reading. Used by
    /// bench/buffer, which puts the figure next to a raw SQLite insert rate measured in the same run.
    struct BenchStore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-store", abstract: "Measure the buffer's append rate (for bench/).", shouldDisplay: false)
        @Option(help: "Where to create the store (removed first).") var path = "/tmp/edge-agent-bench.sqlite"
        @Option(help: "Readings to append.") var readings = 200_000
        @Option(help: "Readings per transaction.") var batch = 1_000
        @Option(help: "Distinct tags.") var tags = 20

        func run() async throws {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let store = try await ReadingStore.open(path: path, reserveBytes: 0)
            let start = Date(timeIntervalSince1970: 1_764_000_000)
            let clock = ContinuousClock()
            let began = clock.now
            var written = 0
            while written < readings {
                let count = min(batch, readings - written)
                let rows = (0..<count).map { offset -> Reading in
                    let n = written + offset
                    return Reading(tag: "bench.tag\(n % tags)", unit: "kWh", time: start.addingTimeInterval(Double(n / tags)),
                                   value: Decimal(n % 100_000) / 100)
                }
                _ = try await store.append(rows)
                written += count
            }
            let elapsed = clock.now - began
            try await store.checkpoint()
            let size = try await store.size()
            await store.close()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("store_rows_per_s \(Int(Double(readings) / seconds))")
            print("store_bytes_per_reading \(String(format: "%.1f", Double(size.bytes) / Double(readings)))")
        }
    }
}
