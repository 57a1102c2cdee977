import ArgumentParser
import Foundation

extension EdgeAgentCommand {
    /// `edge-agent readings --tail N`: the newest readings in the buffer, for operators and the demo.
    /// Safe while the agent runs: the store is in WAL mode, so this reader never blocks its writer.
    struct Readings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the newest readings in the buffer.")
        @OptionGroup var options: Options
        @Option(help: "How many of the newest readings to print.") var tail = 20

        func run() async throws {
            guard case .success(let loaded) = ConfigLoader.load(configFile: options.config) else {
                printError("edge-agent: the configuration has errors: run check-config")
                throw ExitCode(2)
            }
            let path = URL(fileURLWithPath: loaded.settings.agent.stateDirectory).appendingPathComponent("buffer.sqlite").path
            let store = try await ReadingStore.open(path: path, reserveBytes: 0)
            let count = try await store.count()
            // Sequences start at 1 and are never reused, so the last `tail` all lie after count − tail.
            let newest = try await store.peek(after: Int64(max(0, count - tail)), limit: Int.max).suffix(tail)
            let unsent = try await store.unsentCount()
            await store.close()
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            print("store \(path): epoch \(store.epoch), \(count) readings, \(unsent) not yet acknowledged upstream")
            for stored in newest {
                let r = stored.reading
                print("#\(stored.seq)  \(formatter.string(from: r.time))  \(r.tag) = \(r.value) \(r.unit)  [\(r.quality)]")
            }
        }
    }
}
