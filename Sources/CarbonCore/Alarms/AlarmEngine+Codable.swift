import Foundation  // Codable, Date, Decimal

// The saved form of an engine, for the agent to persist (say after every event that returned
// transitions, in the same transaction) and restore after a restart. Restoring and continuing
// gives the same transitions as never stopping: nothing is lost in the round trip, because
// decimals are strings and dates are `Date`'s own seconds since 2001 whatever the date strategy.
// The rule travels with the state, so a restored engine never pairs memory with another rule;
// to change the rule, use `AlarmEngine(rule:restoring:)`.

extension AlarmEngine: Codable {
    enum Keys: String, CodingKey {
        case format, rule, alarms
        case lastGoodValue = "last_good_value", lastGoodAt = "last_good_at"
        case lastReadingAt = "last_reading_at", silentSince = "silent_since"
    }

    /// Bumped when the saved shape changes incompatibly.
    static let format = 1

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let format = try c.decode(Int.self, forKey: .format)
        guard format == Self.format else {
            throw CalculationError(.invalidInput, "saved alarm state format \(format); this build reads \(Self.format)",
                                   field: AlarmJSON.path(c, .format))
        }
        let rule = try c.decode(AlarmRule.self, forKey: .rule)
        let records = try c.decode([AlarmRecord].self, forKey: .alarms)
        guard records.map(\.kind) == rule.kinds else {
            throw CalculationError(
                .invalidInput,
                "saved alarms \(records.map(\.kind.rawValue)) do not match the rule's \(rule.kinds.map(\.rawValue))",
                field: AlarmJSON.path(c, .alarms))
        }
        self.init(rule: rule)
        self.records = records
        if let value = try AlarmJSON.decimal(c, .lastGoodValue) {
            let time = try AlarmJSON.required(try AlarmJSON.date(c, .lastGoodAt), c, .lastGoodAt)
            lastGood = AlarmSample(value: value, time: time)
        }
        lastReadingAt = try AlarmJSON.date(c, .lastReadingAt)
        silentSince = try AlarmJSON.date(c, .silentSince)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Self.format, forKey: .format)
        try c.encode(rule, forKey: .rule)
        try c.encode(records, forKey: .alarms)
        try AlarmJSON.encode(lastGood?.value, &c, .lastGoodValue)
        try AlarmJSON.encode(lastGood?.time, &c, .lastGoodAt)
        try AlarmJSON.encode(lastReadingAt, &c, .lastReadingAt)
        try AlarmJSON.encode(silentSince, &c, .silentSince)
    }
}
