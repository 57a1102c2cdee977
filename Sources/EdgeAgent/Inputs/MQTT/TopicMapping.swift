/// One subscription and how its messages become readings: the topic filter the agent subscribes
/// to (at QoS 1), one `Field` per value taken from the payload, and optionally where the payload
/// says when it was measured. Checked when built, so a mapping that exists is one that can work.
///
///     filter    plant/+/stack/+/co2
///     fields    value "data.co2"           tag "{1}.{3}.co2"                   unit "ppm"
///               value "readings[*].value"  tag "{1}.{readings[*].name}"        unit "Nm3/h"
///     timestamp path "ts", format unix_ms, ahead 10 min, behind 7 days
struct TopicMapping: Sendable, Hashable {
    struct Field: Sendable, Hashable {
        /// Where the value is; with `[*]`, one reading per element of that array.
        var value: FieldPath
        var tag: TagTemplate
        /// As the Modbus tags do, free text in CarbonCore's spelling (`t/h`, `Nm3`), `""` for a status.
        var unit: String

        init(value: String, tag: String, unit: String) throws(MQTTMappingError) {
            self.value = try FieldPath(value)
            self.tag = try TagTemplate(tag)
            self.unit = unit
        }
    }

    /// Where the payload says when the values were measured, and how far that may be from the
    /// moment the agent received the message before it is distrusted.
    ///
    /// Outside the window the reading keeps its value, gets the receipt time and quality
    /// `.clockUnsynced`: the device's clock is wrong (or the message is far older than any
    /// outage we expect), so its time is not evidence, but the value still is. `maximumBehind` is
    /// generous by default because the persistent session delivers, after an agent outage,
    /// messages that are rightly old: it must cover the longest outage the broker bridges.
    struct Timestamp: Sendable, Hashable {
        enum Format: String, Sendable, Hashable, CaseIterable {
            /// `2024-06-01T08:00:00Z`, `2024-06-01T16:00:00.250+08:00`; the zone is required.
            case iso8601 = "iso8601"
            /// Seconds since 1970 UTC, a number or numeric string, fractions allowed.
            case unixSeconds = "unix_s"
            /// Milliseconds since 1970 UTC, a number or numeric string.
            case unixMilliseconds = "unix_ms"
        }

        var path: FieldPath
        var format: Format
        var maximumAhead: Duration
        var maximumBehind: Duration

        static let defaultMaximumAhead = Duration.seconds(10 * 60)
        static let defaultMaximumBehind = Duration.seconds(7 * 24 * 3600)

        init(
            path: String, format: Format, maximumAhead: Duration = defaultMaximumAhead,
            maximumBehind: Duration = defaultMaximumBehind
        ) throws(MQTTMappingError) {
            guard maximumAhead >= .zero, maximumBehind >= .zero else {
                throw MQTTMappingError(.invalidMapping, "the timestamp window must not be negative", field: "timestamp")
            }
            self.path = try FieldPath(path)
            self.format = format
            self.maximumAhead = maximumAhead
            self.maximumBehind = maximumBehind
        }
    }

    let filter: TopicFilter
    let fields: [Field]
    let timestamp: Timestamp?

    init(filter: String, fields: [Field], timestamp: Timestamp? = nil) throws(MQTTMappingError) {
        let filter = try TopicFilter(filter)
        guard !fields.isEmpty else {
            throw MQTTMappingError(.invalidMapping, "a mapping needs at least one field", field: "fields")
        }
        for (index, field) in fields.enumerated() {
            let key = "fields[\(index)]"
            let array = field.value.eachSplit?.array
            if let level = field.tag.highestTopicLevel, let count = filter.fixedLevelCount, level >= count {
                throw MQTTMappingError(
                    .invalidMapping, "'{\(level)}' is beyond the \(count) levels of '\(filter)' (levels count from 0)",
                    field: "\(key).tag")
            }
            for path in field.tag.fieldPaths {
                if let split = path.eachSplit, split.array != array {
                    throw MQTTMappingError(
                        .invalidMapping, "'{\(path)}' iterates '\(split.array)[*]' but the value does not",
                        field: "\(key).tag")
                }
            }
            if let timestamp, let split = timestamp.path.eachSplit, split.array != array {
                throw MQTTMappingError(
                    .invalidMapping, "the timestamp is per element of '\(split.array)[*]', so this value must be too",
                    field: "\(key).value")
            }
        }
        self.filter = filter
        self.fields = fields
        self.timestamp = timestamp
    }
}
