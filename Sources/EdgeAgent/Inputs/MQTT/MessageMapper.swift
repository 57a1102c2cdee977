import CarbonCore
import Foundation

/// Turns one MQTT message into readings, purely: no clock (the receipt time is a parameter), no
/// I/O. The first mapping (in configuration order) whose filter matches the topic applies. A
/// message gives all its readings or none: any field that does not fit rejects the whole
/// message, so an operator sees a mis-mapped device as rejected messages, never as half of them.
///
/// Values: a JSON number is read from its text, never through `Double` ("0.1" stays 0.1); a
/// string holding a decimal (`"0.1"`, the project's JSON convention) is accepted too. Booleans,
/// null, `"n/a"` and numbers beyond `Decimal`'s 38 significant digits are rejected, not rounded.
/// Time: the payload's timestamp when the mapping names one and it lies inside the mapping's
/// window; else the receipt time (with quality `.clockUnsynced` when a timestamp was out of the window).
struct MessageMapper: Sendable {
    static let defaultMaximumPayloadBytes = 256 * 1024

    let mappings: [TopicMapping]
    let maximumPayloadBytes: Int

    init(mappings: [TopicMapping], maximumPayloadBytes: Int = defaultMaximumPayloadBytes) throws(MQTTMappingError) {
        guard !mappings.isEmpty else { throw MQTTMappingError(.invalidMapping, "no topic mappings", field: "mappings") }
        guard maximumPayloadBytes > 0 else {
            throw MQTTMappingError(.invalidMapping, "must be positive", field: "maximum_payload_bytes")
        }
        self.mappings = mappings
        self.maximumPayloadBytes = maximumPayloadBytes
    }

    /// The filters to subscribe to, each once, in mapping order.
    var subscriptions: [String] {
        var seen = Set<String>()
        return mappings.map(\.filter.text).filter { seen.insert($0).inserted }
    }

    /// The readings of one message; throws the reason when it is rejected (with `topic` set).
    func readings(topic: String, payload: [UInt8], receivedAt: Date) throws(MQTTMappingError) -> [Reading] {
        do {
            return try map(topic: topic, payload: payload, receivedAt: receivedAt)
        } catch {
            var error = error
            error.topic = topic
            throw error
        }
    }

    private func map(topic: String, payload: [UInt8], receivedAt: Date) throws(MQTTMappingError) -> [Reading] {
        guard let (mapping, levels) = mappings.lazy.compactMap({ m in m.filter.match(topic).map { (m, $0) } }).first
        else { throw MQTTMappingError(.noMapping, "no mapping's filter matches") }
        guard payload.count <= maximumPayloadBytes else {
            throw MQTTMappingError(
                .payloadTooLarge, "the payload has \(payload.count) bytes; at most \(maximumPayloadBytes) are accepted")
        }
        let root = try ExactJSONParser.parse(payload)
        // A message-wide timestamp is read once; a per-element one (`readings[*].ts`) per element.
        var messageTime: (Date, Reading.Quality)?
        if let timestamp = mapping.timestamp, !timestamp.path.hasEach {
            messageTime = try Self.time(timestamp.path.resolve(in: root), timestamp, receivedAt: receivedAt)
        }
        var readings: [Reading] = []
        for field in mapping.fields {
            func reading(_ value: JSONValue?, named path: String, element: JSONValue?) throws(MQTTMappingError)
                -> Reading
            {
                let decimal = try Self.decimal(value, field: path)
                let tag = try field.tag.render(topicLevels: levels, root: root, element: element)
                var (time, quality) = messageTime ?? (receivedAt, .good)
                if let timestamp = mapping.timestamp, let split = timestamp.path.eachSplit {
                    (time, quality) = try Self.time(
                        element.flatMap { split.element.resolve(in: $0) }, timestamp, receivedAt: receivedAt)
                }
                let reading = Reading(tag: tag, unit: field.unit, time: time, value: decimal, quality: quality)
                do { try reading.checkStorable() } catch {
                    throw MQTTMappingError(.unstorable, "reading '\(tag)' cannot be stored: \(error.message)")
                }
                return reading
            }
            if let split = field.value.eachSplit {
                guard case .array(let elements)? = split.array.resolve(in: root) else {
                    throw MQTTMappingError(.missingField, "field '\(split.array)' is missing or not an array")
                }
                for (position, element) in elements.enumerated() {
                    let path = field.value.text.replacingOccurrences(of: "[*]", with: "[\(position)]")
                    readings.append(try reading(split.element.resolve(in: element), named: path, element: element))
                }
            } else {
                readings.append(
                    try reading(field.value.resolve(in: root), named: field.value.description, element: nil))
            }
        }
        return readings
    }

    /// An exact decimal from a JSON number's text or from a string holding one.
    static func decimal(_ value: JSONValue?, field: String) throws(MQTTMappingError) -> Decimal {
        let text: String
        switch value {
        case .number(let number): text = number
        case .string(let string): text = string
        case nil: throw MQTTMappingError(.missingField, "field '\(field)' is missing")
        case let other?: throw MQTTMappingError(.notANumber, "field '\(field)' is \(other.kind), not a number")
        }
        guard let decimal = exactDecimal(text) else {
            throw MQTTMappingError(
                .notANumber, "field '\(field)' holds '\(text.prefix(64))', not an exact decimal number")
        }
        return decimal
    }

    /// `DecimalText`'s strict grammar, and at most 38 significant digits: beyond that `Decimal`
    /// would round silently (a 43-digit integer came back with its last digits zeroed).
    static func exactDecimal(_ text: String) -> Decimal? {
        guard let value = try? DecimalText.parse(text), value.isFinite else { return nil }
        var mantissa = Substring(text.trimmingCharacters(in: .whitespaces))
        if let exponent = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) { mantissa = mantissa[..<exponent] }
        let digits = mantissa.filter(\.isNumber).drop { $0 == "0" }
        let significant = digits.count - digits.reversed().prefix { $0 == "0" }.count
        return significant <= 38 ? value : nil
    }

    /// The measurement time from a timestamp field, judged against the receipt time.
    static func time(
        _ value: JSONValue?, _ timestamp: TopicMapping.Timestamp, receivedAt: Date
    ) throws(MQTTMappingError) -> (Date, Reading.Quality) {
        let field = timestamp.path.description
        guard let value else { throw MQTTMappingError(.invalidTimestamp, "timestamp field '\(field)' is missing") }
        let date: Date
        switch (timestamp.format, value) {
        case (.iso8601, .string(let text)):
            guard let parsed = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) else {
                throw MQTTMappingError(
                    .invalidTimestamp,
                    "timestamp '\(text.prefix(64))' is not ISO 8601 with a zone (2024-06-01T08:00:00Z)")
            }
            date = parsed
        case (.unixSeconds, _), (.unixMilliseconds, _):
            let number: Decimal
            do { number = try decimal(value, field: field) } catch {
                throw MQTTMappingError(.invalidTimestamp, error.message)
            }
            let seconds = NSDecimalNumber(decimal: number).doubleValue / (timestamp.format == .unixSeconds ? 1 : 1000)
            guard seconds.isFinite, abs(seconds) < 1e13 else {
                throw MQTTMappingError(.invalidTimestamp, "timestamp \(number) is not a plausible time")
            }
            date = Date(timeIntervalSince1970: seconds)
        case (.iso8601, _):
            throw MQTTMappingError(
                .invalidTimestamp, "timestamp field '\(field)' is \(value.kind), not an ISO 8601 string")
        }
        let offset = date.timeIntervalSince(receivedAt)
        if offset > seconds(timestamp.maximumAhead) || -offset > seconds(timestamp.maximumBehind) {
            return (receivedAt, .clockUnsynced)
        }
        return (date, .good)
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
