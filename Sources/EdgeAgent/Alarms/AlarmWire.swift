import Foundation

/// The JSON conventions the agent uses when alarm data leaves the process (hook commands, the
/// control socket): times as ISO 8601 UTC with milliseconds (`2024-06-01T08:00:00.250Z`, because
/// readings carry milliseconds and `.iso8601` would drop them), decimals as strings, keys sorted
/// and everything on one line.
enum AlarmWire {
    private static let withMilliseconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let wholeSeconds = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)

    static func timestamp(_ date: Date) -> String { withMilliseconds.format(date) }

    /// Parses `2024-06-01T08:00:00Z`, with or without fractional seconds, with `Z` or an offset.
    static func date(_ text: String) -> Date? {
        (try? withMilliseconds.parse(text)) ?? (try? wholeSeconds.parse(text))
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }

    /// One line of JSON (no newline inside: JSONEncoder escapes the ones in strings).
    static func line<T: Encodable>(_ value: T) throws -> Data {
        try encoder().encode(value)
    }
}
