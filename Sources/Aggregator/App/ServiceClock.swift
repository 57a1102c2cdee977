import Foundation

/// The service's only source of time, injected so tests can move it (session expiry, lock-outs).
struct ServiceClock: Sendable {
    let now: @Sendable () -> Date

    static let system = ServiceClock { Date() }

    /// Microseconds since the epoch, UTC: how every time is stored.
    var micros: Int64 { Self.micros(now()) }

    static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
    static func date(_ micros: Int64) -> Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }

    /// ISO 8601 with milliseconds, UTC, for API replies.
    static func iso(_ micros: Int64) -> String {
        date(micros).formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true)
            .timeSeparator(.colon).timeZone(separator: .omitted))
    }
}
