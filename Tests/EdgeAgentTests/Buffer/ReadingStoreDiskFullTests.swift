import Foundation
import Testing

@testable import EdgeAgent

/// A really full disk: a small tmpfs mounted for the test (the tests run as root). Where mounting
/// is not allowed, the same scenario runs against the `maximumBytes` cap instead, which SQLite
/// reports with the same SQLITE_FULL.
@Suite struct ReadingStoreDiskFullTests {
    typealias F = BufferFixtures

    /// A tmpfs of `megabytes` on a fresh folder; nil when `mount` fails.
    final class SmallDisk {
        let directory: TemporaryDirectory

        init?(megabytes: Int) throws {
            directory = try TemporaryDirectory()
            guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", directory.url.path]) else {
                directory.remove()
                return nil
            }
        }

        func unmount() {
            _ = Self.run("/bin/umount", [directory.url.path])
            directory.remove()
        }

        static func run(_ tool: String, _ arguments: [String]) -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
    }

    /// Batch `number` of two interleaved tags sampled every 100 ms, times continuing across batches.
    static func batch(_ number: Int, size: Int = 2_000) -> [Reading] {
        (0..<size).map { index in
            let time = F.time(Int64(number * size / 2 + index / 2) * 100)
            return index % 2 == 0
                ? Reading(tag: "meter/energy", unit: "kWh", time: time, value: Decimal(number * size + index) / 10)
                : Reading(tag: "boiler/flow", unit: "t/h", time: time, value: F.decimal("12.34"))
        }
    }

    @Test func aFullDiskReleasesTheReserveRunsTheQuotaPolicyAndTheAppendThenFits() async throws {
        let disk = try SmallDisk(megabytes: 8)
        let dir = try disk?.directory ?? TemporaryDirectory()
        defer { if let disk { disk.unmount() } else { dir.remove() } }
        let path = dir.path()
        // The cap only matters when no tmpfs could be mounted.
        let store = try await ReadingStore.open(
            path: path, maximumBytes: disk == nil ? 3 * 1024 * 1024 : nil, reserveBytes: 1024 * 1024)
        #expect(try await store.reserveInPlace())
        #expect(FileManager.default.fileExists(atPath: dir.path("buffer.reserve")))

        var number = 0
        var failure: StoreError?
        while failure == nil, number < 2_000 {
            do { _ = try await store.append(Self.batch(number)) } catch { failure = error }
            number += 1
        }
        let full = try #require(failure)
        #expect(full.code == .diskFull, "\(full)")
        let storedBefore = try await store.count()

        let policy = QuotaPolicy(maxBytes: 64 * 1024 * 1024)  // far above the disk: the disk is the limit
        let result = try await store.append(Self.batch(number), recoveringWith: policy)
        let sequences = try #require(result.sequences)
        let report = try #require(result.recovery)
        #expect(report.reserveReleased)
        #expect(report.rolledUpReadings > 0)
        #expect(report.usedBytesAfter < report.usedBytesBefore)
        #expect(sequences.lowerBound == Int64(storedBefore) + 1)
        #expect(try await store.reserveInPlace() == report.reserveRestored)

        // Nothing unsent is silently missing: the records tile every sequence ever assigned.
        let records = try await store.peekUnsentRecords(limit: 1_000_000)
        ReadingStoreQuotaTests.expectTiled(records, from: 1, through: sequences.upperBound)
        // And the store goes on taking readings.
        #expect(try await store.append(Self.batch(number + 1)) != nil)
        await store.close()
        if disk == nil { Issue.record("tmpfs could not be mounted: ran against the maximumBytes cap instead") }
    }
}
