import CarbonCore
import Foundation

/// The cleaning rules of an import: how far ahead of now a time may be, the plausible range of
/// each tag's values (in the series' unit, after unit normalisation), and each tag's expected
/// interval for gap detection. Keys of `ranges` and `intervals` are series tags; `"*"` applies to
/// every tag without an entry of its own. Given with a JSON import, or stored per site.
struct ImportRules: Codable, Sendable, Equatable, RequestBody {
    struct Range: Codable, Sendable, Equatable {
        var min: Decimal?
        var max: Decimal?

        enum CodingKeys: String, CodingKey, CaseIterable { case min, max }

        init(min: Decimal? = nil, max: Decimal? = nil) {
            self.min = min
            self.max = max
        }

        init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            min = try StrictKeys.decimal(c, .min)
            max = try StrictKeys.decimal(c, .max)
            if let min, let max, min > max {
                throw DecodingError.dataCorruptedError(forKey: .max, in: c, debugDescription: "'max' is below 'min'")
            }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(min.map(DecimalText.plain), forKey: .min)
            try c.encodeIfPresent(max.map(DecimalText.plain), forKey: .max)
        }
    }

    var futureWindowSeconds: Int = defaultFutureWindowSeconds
    var ranges: [String: Range] = [:]
    var intervals: [String: Int] = [:]

    typealias Keys = CodingKeys
    enum CodingKeys: String, CodingKey, CaseIterable {
        case ranges, intervals
        case futureWindowSeconds = "future_window_seconds"
    }

    static let defaultFutureWindowSeconds = 600
    static let maximumFutureWindowSeconds = 366 * 86_400
    static let maximumIntervalSeconds = 31 * 86_400
    static let maximumEntries = 500

    init() {}

    init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let window = try c.decodeIfPresent(Int.self, forKey: .futureWindowSeconds) {
            guard (0...Self.maximumFutureWindowSeconds).contains(window) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .futureWindowSeconds, in: c,
                    debugDescription: "'future_window_seconds' is from 0 to \(Self.maximumFutureWindowSeconds)")
            }
            futureWindowSeconds = window
        }
        ranges = try c.decodeIfPresent([String: Range].self, forKey: .ranges) ?? [:]
        intervals = try c.decodeIfPresent([String: Int].self, forKey: .intervals) ?? [:]
        for (key, seconds) in intervals where !(1...Self.maximumIntervalSeconds).contains(seconds) {
            throw DecodingError.dataCorruptedError(
                forKey: .intervals, in: c,
                debugDescription: "intervals['\(key)'] is from 1 to \(Self.maximumIntervalSeconds) seconds")
        }
        for key in Array(ranges.keys) + Array(intervals.keys) where key.isEmpty || key.count > IngestBody.maximumTagLength {
            throw DecodingError.dataCorruptedError(
                forKey: .ranges, in: c, debugDescription: "a tag has 1 to \(IngestBody.maximumTagLength) characters")
        }
        guard ranges.count + intervals.count <= Self.maximumEntries else {
            throw DecodingError.dataCorruptedError(
                forKey: .ranges, in: c, debugDescription: "at most \(Self.maximumEntries) ranges and intervals")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(futureWindowSeconds, forKey: .futureWindowSeconds)
        try c.encode(ranges, forKey: .ranges)
        try c.encode(intervals, forKey: .intervals)
    }

    func range(for tag: String) -> Range? { ranges[tag] ?? ranges["*"] }
    func interval(for tag: String) -> Int? { intervals[tag] ?? intervals["*"] }

    static let schema = JSONSchema.object(
        ["future_window_seconds": .integer(minimum: 0, maximum: Int64(maximumFutureWindowSeconds)),
         "ranges": .map(.object(["min": .decimal, "max": .decimal], required: [])),
         "intervals": .map(.integer(minimum: 1, maximum: Int64(maximumIntervalSeconds)))],
        required: [])

    /// As replies show them: every key present.
    static let replySchema = JSONSchema.object(
        ["future_window_seconds": .integer(minimum: 0),
         "ranges": .map(.object(["min": .decimal, "max": .decimal], required: [])),
         "intervals": .map(.integer(minimum: 1))],
        required: ["future_window_seconds", "ranges", "intervals"])

    static func decode(text: String) -> ImportRules? {
        try? JSONDecoder().decode(ImportRules.self, from: Data(text.utf8))
    }

    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// Nested objects of a body refuse unknown keys too (`JSONBody` checks only the top level).
enum StrictKeys {
    private struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func check<K: CodingKey & CaseIterable>(_ decoder: any Decoder, _ keys: K.Type) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(K.allCases.map(\.stringValue))
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [AnyKey(stringValue: unknown)],
                debugDescription: "unknown field '\(unknown)'; accepted: \(known.sorted().joined(separator: ", "))"))
        }
    }

    /// A decimal carried as a string (`"12.5"`), strictly parsed.
    static func decimal<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Decimal? {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        // The documented pattern exactly (`JSONSchema.decimal`): no exponent, sign or spaces.
        do {
            guard isPlain(text) else { throw CalculationError(.invalidNumber, text) }
            return try DecimalText.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                   debugDescription: "'\(key.stringValue)' must be a decimal string")
        }
    }

    static func isPlain(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "-" { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits = { (part: Substring) in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } }
        return parts.allSatisfy(digits) && text.utf8.count <= 64
    }
}
