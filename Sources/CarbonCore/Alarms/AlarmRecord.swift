import Foundation  // Date, Decimal

/// What the engine remembers about one alarm between events. Internal: callers see `AlarmStatus`.
///
/// Invariant after every event: when `state` is not hidden, `annunciation == state`. While the
/// alarm is hidden `annunciation` is not used; on coming back it restarts from the condition
/// (active → unacknowledged, as ISA-18.2 asks after unshelving).
struct AlarmRecord: Sendable, Hashable {
    var kind: AlarmKind
    /// The state last reported in a transition.
    var state: AlarmState = .normal
    /// The A–D annunciation cycle (normal, unack active, ack active, RTN unack).
    var annunciation: AlarmState = .normal
    /// The debounced condition: on/off delays have been satisfied.
    var condition = false
    /// Since when every reading has disagreed with `condition` (the delay being timed).
    var pendingSince: Date?
    /// The last figure compared with the limit (reading, rate per minute, seconds of silence).
    var lastValue: Decimal?
    var shelf: AlarmShelf?
    /// Suppressed by design (plant-state logic), with the reason given.
    var suppression: String?

    init(kind: AlarmKind) { self.kind = kind }
}

/// An operator's shelve of one alarm: hidden until `until`, then back at the next event. Its
/// `Codable` form is the engine's saved state (dates as `Date`'s own seconds since 2001, exact).
public struct AlarmShelf: Sendable, Hashable {
    public var by: String
    public var since: Date
    public var until: Date
    public var comment: String?

    public init(by: String, since: Date, until: Date, comment: String?) {
        self.by = by
        self.since = since
        self.until = until
        self.comment = comment
    }
}

/// One alarm as an operator console lists it.
public struct AlarmStatus: Sendable, Hashable {
    public var tag: String
    public var kind: AlarmKind
    public var priority: AlarmPriority
    public var state: AlarmState
    /// The process condition (after delays), which may differ from `state`: a latched alarm stays
    /// unacknowledged-active with its condition gone; a shelved one hides an active condition.
    public var conditionActive: Bool
    public var value: Decimal?
    public var limit: Decimal?
    public var latched: Bool
    public var shelf: AlarmShelf?
    public var suppression: String?
}

/// The last good reading, the base of the next rate of change.
struct AlarmSample: Sendable, Hashable {
    var value: Decimal
    var time: Date
}

extension AlarmRecord: Codable {
    enum Keys: String, CodingKey {
        case kind, state, annunciation, condition, shelf, suppression
        case pendingSince = "pending_since", lastValue = "last_value"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        kind = try c.decode(AlarmKind.self, forKey: .kind)
        state = try c.decode(AlarmState.self, forKey: .state)
        annunciation = try c.decode(AlarmState.self, forKey: .annunciation)
        guard !annunciation.isHidden else {
            throw CalculationError(.invalidInput, "'\(annunciation)' is not an annunciation state",
                                   field: AlarmJSON.path(c, .annunciation))
        }
        condition = try c.decode(Bool.self, forKey: .condition)
        pendingSince = try AlarmJSON.date(c, .pendingSince)
        lastValue = try AlarmJSON.decimal(c, .lastValue)
        shelf = try c.decodeIfPresent(AlarmShelf.self, forKey: .shelf)
        suppression = try c.decodeIfPresent(String.self, forKey: .suppression)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(state, forKey: .state)
        try c.encode(annunciation, forKey: .annunciation)
        try c.encode(condition, forKey: .condition)
        try AlarmJSON.encode(pendingSince, &c, .pendingSince)
        try AlarmJSON.encode(lastValue, &c, .lastValue)
        try c.encodeIfPresent(shelf, forKey: .shelf)
        try c.encodeIfPresent(suppression, forKey: .suppression)
    }
}

extension AlarmShelf: Codable {
    enum Keys: String, CodingKey { case by, since, until, comment }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        by = try c.decode(String.self, forKey: .by)
        since = try AlarmJSON.required(try AlarmJSON.date(c, .since), c, .since)
        until = try AlarmJSON.required(try AlarmJSON.date(c, .until), c, .until)
        comment = try c.decodeIfPresent(String.self, forKey: .comment)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(by, forKey: .by)
        try AlarmJSON.encode(since, &c, .since)
        try AlarmJSON.encode(until, &c, .until)
        try c.encodeIfPresent(comment, forKey: .comment)
    }
}
