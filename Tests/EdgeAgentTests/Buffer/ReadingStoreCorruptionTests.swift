import Foundation
import Testing

@testable import EdgeAgent

/// Real store files damaged on disk, then reopened with `openRecovering`.
@Suite struct ReadingStoreCorruptionTests {
    typealias F = BufferFixtures

    /// Writes a store of `count` readings (seq == id, value id/100), acknowledges `acked`,
    /// checkpoints so everything is in the main file, and returns its epoch.
    static func makeStore(_ path: String, count: Int, acked: Int64) async throws -> UUID {
        let store = try await ReadingStore.open(path: path, reserveBytes: 0)
        for start in stride(from: 1, to: count + 1, by: 1_000) {
            _ = try await store.append(F.readings(start..<min(start + 1_000, count + 1)))
        }
        try await store.acknowledge(through: acked)
        try await store.checkpoint()
        let epoch = store.epoch
        await store.close()
        return epoch
    }

    /// Overwrites `length` bytes at `offset` with a pattern no valid page contains.
    static func damage(_ path: String, at offset: UInt64, length: Int) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: length))
        try handle.synchronize()
        try handle.close()
    }

    @Test func aDamagedPageMovesTheFileAsideStartsAFreshStoreAndRescuesTheReadableRows() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        let oldEpoch = try await Self.makeStore(path, count: 20_000, acked: 1_000)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).uint64Value
        // Two pages in the middle of the file: leaf pages of the readings table.
        try Self.damage(path, at: (size / 2) / 4_096 * 4_096, length: 8_192)

        let moment = Date(timeIntervalSince1970: 1_764_064_800)
        let (store, report) = try await ReadingStore.openRecovering(path: path, reserveBytes: 0, now: moment)
        let salvage = try #require(report)
        #expect(salvage.damagedPath == path + ".corrupt-20251125T100000.000Z")
        #expect(FileManager.default.fileExists(atPath: salvage.damagedPath))
        #expect(store.epoch != oldEpoch)
        #expect(salvage.oldEpoch == oldEpoch)
        #expect(salvage.oldCursor == 1_000)
        // Most unsent rows are rescued; the damaged pages' rows (a few hundred) are counted as lost.
        #expect(salvage.rowsRecovered > 15_000)
        #expect(salvage.rowsLost.map { $0 > 0 && $0 < 4_000 } == true)
        #expect(salvage.rowsRecovered + (salvage.rowsLost ?? 0) == 19_000)

        // The rescued readings keep their old epoch and sequence, and their exact values.
        let rescued = try await store.peekSalvaged(limit: 100_000)
        #expect(rescued.count == salvage.rowsRecovered)
        #expect(rescued.allSatisfy { $0.epoch == oldEpoch })
        #expect(rescued.allSatisfy { $0.stored.seq > 1_000 && $0.stored.reading == F.reading(Int($0.stored.seq)) })

        // Collection goes on at once in the new store, numbered from 1 again under its new epoch.
        #expect(try await store.append([F.reading(1)]) == 1...1)
        #expect(try await store.acknowledgeSalvaged(epoch: oldEpoch, through: 20_000) == salvage.rowsRecovered)
        #expect(try await store.peekSalvaged(limit: 10).isEmpty)
        await store.close()

        // Healthy now: reopening reports nothing.
        let (again, none) = try await ReadingStore.openRecovering(path: path, reserveBytes: 0)
        #expect(none == nil)
        #expect(again.epoch == store.epoch)
        await again.close()
    }

    @Test func aDestroyedHeaderIsNotADatabaseAndNothingCanBeRescued() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        _ = try await Self.makeStore(path, count: 100, acked: 0)
        try Self.damage(path, at: 0, length: 100)

        let (store, report) = try await ReadingStore.openRecovering(path: path, reserveBytes: 0)
        let salvage = try #require(report)
        #expect(salvage.oldEpoch == nil)
        #expect(salvage.rowsRecovered == 0)
        #expect(try await store.append([F.reading(1)]) == 1...1)
        await store.close()
    }

    @Test func aForeignDatabaseIsRefusedNotMovedAside() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path()
        let connection = try SQLiteConnection(path: path)
        try connection.execute("CREATE TABLE t (x INTEGER)")
        connection.close()

        await #expect(throws: StoreError.self) { _ = try await ReadingStore.openRecovering(path: path, reserveBytes: 0) }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.url.path)
        #expect(!names.contains { $0.contains("corrupt") })
    }
}
