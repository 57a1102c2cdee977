import Foundation
import Testing

@testable import EdgeAgent

/// Figures for the report: bytes per reading on disk and rows per second, for 100k readings in
/// batches of 1000. Printed, not asserted on time (the machine is shared and noisy); the size is
/// deterministic, so it is held to the ≤ 32 bytes/reading budget.
@Suite struct ReadingStoreMeasurements {
    typealias F = BufferFixtures

    /// 20 series sampled once a second, values with 1–3 decimals between 0 and 2000 (a meter's
    /// shape), one reading in 50 not `.good`: the same data the layout was chosen on.
    static func sample(_ count: Int) -> [Reading] {
        var random = SplitMix(seed: 7)
        return (0..<count).map { index in
            let series = index % 20
            let places = 1 + series % 3
            let raw = (random.next() % 2_000_000) / [100, 10, 1][places - 1]  // thousandths cut to `places`
            let value = Decimal(sign: series == 7 ? .minus : .plus, exponent: -places, significand: Decimal(raw))
            return Reading(
                tag: "plant-1/meter-\(series)", unit: series % 2 == 0 ? "kW" : "Nm3/h",
                time: F.time(Int64(index / 20) * 1_000), value: value, quality: index % 50 == 0 ? .stale : .good)
        }
    }

    @Test func bytesPerReadingAndRowsPerSecondFor100kInBatchesOf1000() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let total = 100_000
        let readings = Self.sample(total)
        let store = try await ReadingStore.open(path: dir.path())
        let empty = try await store.size()

        let clock = ContinuousClock()
        let writeStart = clock.now
        for start in stride(from: 0, to: total, by: 1_000) {
            _ = try await store.append(Array(readings[start..<(start + 1_000)]))
        }
        let writing = clock.now - writeStart

        let readStart = clock.now
        var cursor: Int64 = 0
        var read = 0
        while true {
            let page = try await store.peek(after: cursor, limit: 1_000)
            guard let last = page.last else { break }
            cursor = last.seq
            read += page.count
        }
        let reading = clock.now - readStart

        try await store.checkpoint()
        let full = try await store.size()
        let fileBytes = try FileManager.default.attributesOfItem(atPath: dir.path())[.size] as? Int ?? 0
        let perReading = Double(full.bytes - empty.bytes) / Double(total)
        #expect(read == total)
        #expect(try await store.count() == total)
        #expect(Int64(fileBytes) == full.bytes)
        #expect(perReading <= 32)

        func rate(_ duration: Duration) -> Int {
            Int(Double(total) / (Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18))
        }
        #if DEBUG
            let build = "debug build"
        #else
            let build = "release build"
        #endif
        print(
            """
            reading buffer, \(total) readings in batches of 1000 (\(build), synchronous=FULL, WAL):
              \(String(format: "%.2f", perReading)) bytes/reading on disk (file \(fileBytes) B after checkpoint)
              append \(rate(writing)) rows/s (\(writing)), peek \(rate(reading)) rows/s (\(reading))
            """)
    }
}
