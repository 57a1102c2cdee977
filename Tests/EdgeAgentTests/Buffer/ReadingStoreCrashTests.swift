import Foundation
import Testing

@testable import EdgeAgent

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` at random moments: whatever `append` reported as stored must be there after reopening,
/// sequences must stay gap-free and unique, and a batch in flight must be all there or not at all.
/// The writer is this very test binary, started again with `crashWriter` selected by environment.
@Suite struct ReadingStoreCrashTests {
    typealias F = BufferFixtures
    static let storeVariable = "EDGE_BUFFER_CRASH_STORE"
    static let logVariable = "EDGE_BUFFER_CRASH_LOG"
    static let roundVariable = "EDGE_BUFFER_CRASH_ROUND"
    static var isWriter: Bool { ProcessInfo.processInfo.environment[storeVariable] != nil }

    static func reading(round: Int, index: Int) -> Reading {
        Reading(tag: "crash/round-\(round)", unit: "kW", time: F.time(Int64(index)), value: Decimal(index) / 1000)
    }

    /// The child's side, skipped in a normal run. Appends in a loop and, after each append returns,
    /// writes "COMMITTED first last" to the log; before each, "BEGIN count". One write(2) per line.
    @Test(.enabled(if: isWriter)) func crashWriter() async throws {
        let environment = ProcessInfo.processInfo.environment
        let round = try #require(Int(environment[Self.roundVariable] ?? ""))
        let logPath = try #require(environment[Self.logVariable])
        let log = try #require(FileHandle(forWritingAtPath: logPath))
        func emit(_ line: String) { log.write(Data((line + "\n").utf8)) }
        let store = try await ReadingStore.open(path: try #require(environment[Self.storeVariable]))
        emit("EPOCH \(store.epoch.uuidString)")
        var written = 0
        let parent = getppid()
        // Until killed. A fixed bound was too small: a starved parent (a loaded CI machine) could
        // see the writer finish by itself. An orphan (its parent gone) stops instead.
        for call in 0..<Int.max where getppid() == parent {
            let count = call % 4 == 3 ? 1 : 1 + (call * 7) % 40
            emit("BEGIN \(count)")
            let range: ClosedRange<Int64>
            if count == 1 {
                let seq = try await store.appendImmediately(Self.reading(round: round, index: written))
                range = seq...seq
            } else {
                let batch = (written..<(written + count)).map { Self.reading(round: round, index: $0) }
                range = try #require(try await store.append(batch))
            }
            emit("COMMITTED \(range.lowerBound) \(range.upperBound)")
            written += count
        }
    }

    struct Round {
        var epoch: String?
        var committed: [ClosedRange<Int64>] = []
        var inFlight = 0  // the size of a BEGIN without its COMMITTED
    }

    static func parse(_ text: String) -> Round {
        var round = Round()
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            switch words.first {
            case "EPOCH": round.epoch = String(words[1])
            case "BEGIN": round.inFlight = Int(words[1])!
            case "COMMITTED":
                round.committed.append(Int64(words[1])!...Int64(words[2])!)
                round.inFlight = 0
            default: break
            }
        }
        return round
    }

    @Test(.disabled(if: isWriter)) func everyReportedCommitSurvivesKill9() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var random = SplitMix(seed: seed)
        var rounds: [Round] = []
        for round in 0..<6 {
            let logPath = dir.path("round-\(round).log")
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            child.arguments = ["--testing-library", "swift-testing", "--filter", "ReadingStoreCrashTests/crashWriter"]
            var environment = ProcessInfo.processInfo.environment
            environment[Self.storeVariable] = dir.path()
            environment[Self.logVariable] = logPath
            environment[Self.roundVariable] = "\(round)"
            child.environment = environment
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()

            // Let it commit a random number of times, then kill it a random few hundred µs later:
            // inside a transaction, inside the fsync, or between COMMIT and the report line.
            let commits = 1 + Int(random.next() % 25)
            try await F.waitUntil {
                Self.parse(try String(contentsOfFile: logPath, encoding: .utf8)).committed.count >= commits
                    || !child.isRunning
            }
            #expect(child.isRunning, "the writer stopped by itself (seed \(seed), round \(round))")
            usleep(UInt32(random.next() % 3_000))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)
            rounds.append(Self.parse(try String(contentsOfFile: logPath, encoding: .utf8)))
        }

        let store = try await ReadingStore.open(path: dir.path())
        let stored = try await store.peek(after: 0, limit: 1_000_000)
        // No gap, no duplicate, from 1: the sequences are exactly 1...count.
        #expect(stored.map(\.seq) == Array(1...Int64(stored.count)), "seed \(seed)")
        var committedUnreported = 0  // kills that landed after COMMIT returned but before the report
        for (index, round) in rounds.enumerated() {
            #expect(round.epoch == store.epoch.uuidString, "the epoch changed in round \(index)")
            #expect(round.committed.last.map { $0.upperBound <= stored.count } ?? true, "round \(index) lost commits")
            let mine = stored.filter { $0.reading.tag == "crash/round-\(index)" }
            let reported = round.committed.reduce(0) { $0 + $1.count }
            // The batch in flight at the kill is either wholly stored or not at all.
            if round.inFlight > 0 && mine.count == reported + round.inFlight { committedUnreported += 1 }
            #expect(mine.count == reported || mine.count == reported + round.inFlight, "seed \(seed), round \(index)")
            #expect(mine.map(\.reading) == (0..<mine.count).map { Self.reading(round: index, index: $0) })
            for range in round.committed where range.upperBound <= stored.count {
                let rows = stored[Int(range.lowerBound - 1)...Int(range.upperBound - 1)]
                #expect(rows.allSatisfy { $0.reading.tag == "crash/round-\(index)" }, "range \(range) lost")
            }
        }
        let total = rounds.reduce(0) { $0 + $1.committed.count }
        print(
            "crash test (seed \(seed)): 6 kill -9s, \(total) reported commits all present, \(stored.count) readings,"
                + " \(committedUnreported) batch(es) committed but unreported")
    }
}
