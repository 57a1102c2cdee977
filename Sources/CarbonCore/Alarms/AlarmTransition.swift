import Foundation  // Date, Decimal

/// One change of one alarm's state: the engine's only output. Exactly one per state change and
/// none otherwise, so a caller can commit each in its own transaction and notify once per value.
/// For one alarm, consecutive transitions chain: each `from` is the previous `to`.
public struct AlarmTransition: Sendable, Hashable {
    public var tag: String
    public var kind: AlarmKind
    public var priority: AlarmPriority
    public var from: AlarmState
    public var to: AlarmState
    public var cause: AlarmCause
    /// The time of the event that caused it (reading, tick or operator action).
    public var time: Date
    /// The last figure compared with `limit`: the reading for HH/H/L/LL, the signed rate per minute
    /// for ROC (the limit applies to its magnitude), the seconds without a reading for STALE, nil for COMM.
    public var value: Decimal?
    /// The configured limit (the timeout in seconds for STALE); nil for COMM.
    public var limit: Decimal?
    /// The quality of the reading that caused it, when a reading did.
    public var quality: ReadingQuality?
    /// Who acted, for acknowledge, shelve and unshelve; nil when the process or a timer did.
    public var operatorName: String?
    /// The operator's comment, or the reason given for a suppression by design.
    public var comment: String?

    public init(tag: String, kind: AlarmKind, priority: AlarmPriority, from: AlarmState, to: AlarmState,
                cause: AlarmCause, time: Date, value: Decimal? = nil, limit: Decimal? = nil,
                quality: ReadingQuality? = nil, operatorName: String? = nil, comment: String? = nil) {
        self.tag = tag
        self.kind = kind
        self.priority = priority
        self.from = from
        self.to = to
        self.cause = cause
        self.time = time
        self.value = value
        self.limit = limit
        self.quality = quality
        self.operatorName = operatorName
        self.comment = comment
    }

    /// A new annunciation: the operator must look at an active alarm (raised, or shown again
    /// after a shelve, a suppression or an escalation ended while its condition is still present).
    public var isRaise: Bool { to == .unacknowledgedActive }
}

// Decimals travel as strings (the product's rule for JSON); `time` follows the encoder's date strategy.
extension AlarmTransition: Codable {
    enum Keys: String, CodingKey {
        case tag, kind, priority, from, to, cause, time, value, limit, quality, comment
        case operatorName = "operator"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            tag: try c.decode(String.self, forKey: .tag),
            kind: try c.decode(AlarmKind.self, forKey: .kind),
            priority: try c.decode(AlarmPriority.self, forKey: .priority),
            from: try c.decode(AlarmState.self, forKey: .from),
            to: try c.decode(AlarmState.self, forKey: .to),
            cause: try c.decode(AlarmCause.self, forKey: .cause),
            time: try c.decode(Date.self, forKey: .time),
            value: try AlarmJSON.decimal(c, .value),
            limit: try AlarmJSON.decimal(c, .limit),
            quality: try c.decodeIfPresent(ReadingQuality.self, forKey: .quality),
            operatorName: try c.decodeIfPresent(String.self, forKey: .operatorName),
            comment: try c.decodeIfPresent(String.self, forKey: .comment))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(tag, forKey: .tag)
        try c.encode(kind, forKey: .kind)
        try c.encode(priority, forKey: .priority)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(cause, forKey: .cause)
        try c.encode(time, forKey: .time)
        try AlarmJSON.encode(value, &c, .value)
        try AlarmJSON.encode(limit, &c, .limit)
        try c.encodeIfPresent(quality, forKey: .quality)
        try c.encodeIfPresent(operatorName, forKey: .operatorName)
        try c.encodeIfPresent(comment, forKey: .comment)
    }
}
