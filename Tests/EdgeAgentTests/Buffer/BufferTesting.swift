import Foundation
import Testing

@testable import EdgeAgent

/// A folder of its own for each test's store files, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("edge-buffer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String = "buffer.sqlite") -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

enum BufferFixtures {
    /// 2024-06-01T00:00:00Z in milliseconds.
    static let t0: Int64 = 1_717_200_000_000

    /// `t0 + offset` ms. Built from whole milliseconds, as the store returns times: a Date made by
    /// adding 0.001 s steps is a few ulps off the millisecond and would not compare equal.
    static func time(_ offset: Int64) -> Date { Reading.date(milliseconds: t0 + offset) }

    /// A reading whose value identifies it (`id`), so a test can check it came back in the right place.
    static func reading(_ id: Int, tag: String = "boiler-1/steam-flow", unit: String = "t/h") -> Reading {
        Reading(
            tag: tag, unit: unit, time: time(Int64(id)), value: Decimal(id) / 100,
            quality: Reading.Quality.allCases[id % Reading.Quality.allCases.count])
    }

    static func readings(_ ids: Range<Int>, tag: String = "boiler-1/steam-flow") -> [Reading] {
        ids.map { reading($0, tag: tag) }
    }

    static func decimal(_ text: String) -> Decimal {
        Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!
    }

    /// Waits (without a deadline on the outcome) until `condition` holds, giving up after ~10 s so
    /// a broken implementation fails instead of hanging the suite.
    static func waitUntil(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<10_000 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(1))
        }
        Issue.record("condition never became true")
    }
}
