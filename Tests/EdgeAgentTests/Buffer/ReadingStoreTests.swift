import Foundation
import Testing

@testable import EdgeAgent

/// The store against real SQLite files in a temporary folder.
@Suite struct ReadingStoreTests {
    typealias F = BufferFixtures

    @Test func valuesTagsTimesAndQualitiesComeBackExactly() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let texts = [
            "0", "0.1", "-12345.678901", "1.5", "412.37", "100", "1000000", "0.000001",
            "9223372036854775807", "-9223372036854775808",  // the Int64 edges; the second needs TEXT
            "123456789012345678901234567890",  // 30 digits: beyond 64 bits, stored as TEXT
            "-99999999999999999999999999999999999999",  // 38 digits, Decimal's widest mantissa
            "0.00000000000000000000000000000000000001", "12345678901234567890.123456789",
        ]
        let readings = texts.enumerated().map { index, text in
            Reading(
                tag: index % 2 == 0 ? "锅炉-1/蒸汽流量" : "boiler-2/gas", unit: index % 3 == 0 ? "Nm3" : "t/h",
                time: F.time(Int64(index) - 86_400_000 * 365),
                value: F.decimal(text), quality: Reading.Quality.allCases[index % 5])
        }
        let store = try await ReadingStore.open(path: dir.path())
        let range = try #require(try await store.append(readings))
        #expect(range == 1...Int64(texts.count))
        await store.close()

        let reopened = try await ReadingStore.open(path: dir.path())
        let stored = try await reopened.peek(after: 0, limit: 100)
        #expect(stored.map(\.reading) == readings)
        #expect(stored.map(\.seq) == Array(range))
        #expect(stored.map { $0.reading.value.description } == texts)  // the digits themselves, not just ==
    }

    @Test func sequencesIncreaseWithoutGapsAcrossReopenAndAreNeverReused() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var ranges: [ClosedRange<Int64>] = []
        for round in 0..<3 {
            let store = try await ReadingStore.open(path: dir.path())
            ranges.append(try #require(try await store.append(F.readings(0..<(round + 2)))))
            ranges.append(try await store.appendImmediately(F.reading(9))...store.appendImmediately(F.reading(10)))
            #expect(try await store.append([]) == nil)
            if round == 1 {
                // Acknowledge and prune everything: the table is empty, yet numbering goes on.
                try await store.acknowledge(through: ranges.last!.upperBound)
                #expect(try await store.pruneAcknowledged() == 9)
                #expect(try await store.count() == 0)
            }
            await store.close()
        }
        #expect(ranges.first?.lowerBound == 1)
        for (previous, next) in zip(ranges, ranges.dropFirst()) { #expect(next.lowerBound == previous.upperBound + 1) }
        #expect(ranges.last?.upperBound == 15)
    }

    @Test func theEpochIsKeptAcrossReopenAndNewForANewFile() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let first = try await ReadingStore.open(path: dir.path())
        _ = try await first.append(F.readings(0..<3))
        await first.close()
        let again = try await ReadingStore.open(path: dir.path())
        #expect(again.epoch == first.epoch)
        await again.close()

        // The same path after the file is deleted is a new store: new epoch, sequences from 1 again.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dir.path() + suffix) }
        let reset = try await ReadingStore.open(path: dir.path())
        #expect(reset.epoch != first.epoch)
        #expect(try await reset.appendImmediately(F.reading(1)) == 1)
        let other = try await ReadingStore.open(path: dir.path("other.sqlite"))
        #expect(other.epoch != first.epoch && other.epoch != reset.epoch)
    }

    @Test func peekAcknowledgeAndTheCursorSurviveReopen() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path())
        _ = try await store.append(F.readings(0..<10))
        #expect(try await store.cursor() == 0)
        #expect(try await store.peek(after: 0, limit: 4).map(\.seq) == [1, 2, 3, 4])
        #expect(try await store.peek(after: 8, limit: 4).map(\.seq) == [9, 10])
        #expect(try await store.peek(after: 0, limit: 0).isEmpty)
        try await store.acknowledge(through: 4)
        #expect(try await store.cursor() == 4)
        #expect(try await store.count() == 10)
        #expect(try await store.unsentCount() == 6)
        await store.close()

        let reopened = try await ReadingStore.open(path: dir.path())
        #expect(try await reopened.cursor() == 4)
        #expect(try await reopened.peekUnsent(limit: 2).map(\.seq) == [5, 6])
        #expect(try await reopened.peekUnsent(limit: 2).map(\.reading) == F.readings(4..<6))
        try await reopened.acknowledge(through: 2)  // a late, repeated acknowledgement: ignored
        #expect(try await reopened.cursor() == 4)
        let beyond = await #expect(throws: StoreError.self) { try await reopened.acknowledge(through: 11) }
        #expect(beyond?.code == .invalidArgument)
        #expect(try await reopened.pruneAcknowledged(limit: 3) == 3)
        #expect(try await reopened.pruneAcknowledged() == 1)
        #expect(try await reopened.pruneAcknowledged() == 0)
        #expect(try await reopened.peek(after: 0, limit: 100).map(\.seq) == Array(5...10))
        await reopened.close()

        let third = try await ReadingStore.open(path: dir.path())
        #expect(try await third.count() == 6)
        #expect(try await third.unsentCount() == 6)
        #expect(try await third.cursor() == 4)
    }

    @Test func aFailedAppendStoresNothingAndTakesNoSequence() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path())
        var bad = F.readings(0..<5)
        bad[3].value = .nan
        let error = await #expect(throws: StoreError.self) { try await store.append(bad) }
        #expect(error?.code == .invalidArgument)
        #expect(try await store.count() == 0)
        #expect(try await store.append(F.readings(0..<2)) == 1...2)
    }

    @Test func theFileIsAWALBufferWithItsApplicationIDAndSchemaVersion() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path())
        _ = try await store.appendImmediately(F.reading(1))
        let connection = try SQLiteConnection(path: dir.path())  // a second, independent connection
        #expect(try connection.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try connection.scalar("PRAGMA application_id") == 0x4342_5546)
        #expect(try connection.scalar("PRAGMA user_version") == BufferSchema.latestVersion)
        #expect(try connection.scalarText("SELECT epoch FROM meta") == store.epoch.uuidString)
    }

    @Test func refusesForeignFilesAndStoresFromANewerAgent() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let foreign = try SQLiteConnection(path: dir.path("foreign.sqlite"))
        try foreign.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
        foreign.close()
        let notOurs = await #expect(throws: StoreError.self) {
            try await ReadingStore.open(path: dir.path("foreign.sqlite"))
        }
        #expect(notOurs?.code == .notABufferStore)
        let untouched = try SQLiteConnection(path: dir.path("foreign.sqlite"))
        #expect(try untouched.scalarText("PRAGMA journal_mode") == "delete")  // refused before WAL touched it

        try Data("not a database, just text that is long enough to have a header".utf8)
            .write(to: URL(fileURLWithPath: dir.path("text.sqlite")))
        let text = await #expect(throws: StoreError.self) { try await ReadingStore.open(path: dir.path("text.sqlite")) }
        #expect(text?.code == .notABufferStore)
        #expect(text?.resultCode == 26)  // SQLITE_NOTADB, with the function and SQLite's message
        #expect(text?.function != nil && text?.sqliteMessage != nil)

        let store = try await ReadingStore.open(path: dir.path())
        await store.close()
        let connection = try SQLiteConnection(path: dir.path())
        try connection.execute("PRAGMA user_version = \(BufferSchema.latestVersion + 1)")
        connection.close()
        let newer = await #expect(throws: StoreError.self) { try await ReadingStore.open(path: dir.path()) }
        #expect(newer?.code == .newerSchema)
    }

    @Test func aFullStoreRefusesWholeBatchesAndTakesMoreAfterPruning() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path(), maximumBytes: 64 * 1_024)
        var stored = 0
        var full: StoreError?
        while full == nil, stored < 100_000 {
            do {
                // A new series in every batch: the refused batch's series row is rolled back too.
                _ = try await store.append(F.readings(stored..<(stored + 500), tag: "meter-\(stored)"))
                stored += 500
            } catch { full = error }
        }
        #expect(full?.code == .diskFull)
        #expect(full?.resultCode == 13)  // SQLITE_FULL
        #expect(try await store.count() == stored)  // the refused batch left nothing behind
        #expect(try await store.size().bytes <= 64 * 1_024)
        try await store.acknowledge(through: Int64(stored))
        #expect(try await store.pruneAcknowledged() == stored)
        let retry = F.readings(stored..<(stored + 500), tag: "meter-\(stored)")  // its series must be re-created
        #expect(try await store.append(retry) == Int64(stored + 1)...Int64(stored + 500))
        #expect(try await store.peekUnsent(limit: 500).map(\.reading) == retry)
    }

    @Test func aClosedStoreSaysSo() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path())
        await store.close()
        let error = await #expect(throws: StoreError.self) { try await store.append(F.readings(0..<1)) }
        #expect(error?.code == .closed)
    }

    @Test func concurrentAppendsFromManyTasksAndAPlainThreadAreStoredExactlyOnce() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await ReadingStore.open(path: dir.path())
        // Every reading's id is unique, so where it landed can be checked against what it was given.
        let results = try await withThrowingTaskGroup(of: [(ClosedRange<Int64>, [Reading])].self) { group in
            for task in 0..<32 {
                group.addTask {
                    var mine: [(ClosedRange<Int64>, [Reading])] = []
                    for call in 0..<8 {
                        let base = task * 10_000 + call * 100
                        if call % 3 == 0 {
                            let reading = F.reading(base, tag: "task-\(task)")
                            let seq = try await store.appendImmediately(reading)
                            mine.append((seq...seq, [reading]))
                        } else {
                            let batch = F.readings(base..<(base + 1 + (task + call) % 17), tag: "task-\(task)")
                            mine.append((try #require(try await store.append(batch)), batch))
                        }
                    }
                    return mine
                }
            }
            // A C callback thread (libmosquitto's) writes through the blocking API meanwhile.
            group.addTask { try await Self.appendOnAPlainThread(store, ids: 900_000..<900_050) }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let total = results.reduce(0) { $0 + $1.1.count }
        let sorted = results.sorted { $0.0.lowerBound < $1.0.lowerBound }
        #expect(sorted.first?.0.lowerBound == 1 && sorted.last?.0.upperBound == Int64(total))
        for (previous, next) in zip(sorted, sorted.dropFirst()) {
            #expect(next.0.lowerBound == previous.0.upperBound + 1)
        }
        let stored = try await store.peek(after: 0, limit: total + 10)
        #expect(stored.count == total)
        let bySeq = Dictionary(uniqueKeysWithValues: stored.map { ($0.seq, $0.reading) })
        for (range, readings) in results { #expect(range.map { bySeq[$0] } == readings) }
    }

    private static func appendOnAPlainThread(_ store: ReadingStore, ids: Range<Int>) async throws -> [(
        ClosedRange<Int64>, [Reading]
    )] {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        try ids.map { id in
                            let reading = F.reading(id, tag: "mqtt")
                            let seq = try store.appendSync(reading)
                            return (seq...seq, [reading])
                        }
                    })
            }.start()
        }
    }
}
