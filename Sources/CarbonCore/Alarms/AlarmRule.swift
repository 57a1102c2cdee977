import Foundation  // Decimal

/// The alarm configuration of one tag. Validated when built (programmatically or from JSON), so
/// an `AlarmEngine` never sees a contradictory rule; the properties are `let` for that reason.
///
/// Rule-level `deadband`, `onDelay` and `offDelay` are defaults that each limit may override.
/// JSON form (numbers and durations are strings; durations are plain seconds, `"1.5"`):
///
/// ```json
/// { "tag": "stack1.co2", "deadband": "2", "on_delay": "30", "off_delay": "10", "supersede": true,
///   "hh": {"limit": "120", "priority": "critical", "latched": true},
///   "h":  {"limit": "100", "deadband": "1"},
///   "l":  {"limit": "5"}, "ll": {"limit": "1", "on_delay": "0"},
///   "rate_of_change": {"limit": "20"},            // per minute, either direction
///   "stale": {"timeout": "300"},
///   "comm": {"on_delay": "0"} }
/// ```
public struct AlarmRule: Sendable, Hashable {
    public let tag: String
    public let hh: AlarmLimit?
    public let h: AlarmLimit?
    public let l: AlarmLimit?
    public let ll: AlarmLimit?
    /// The limit is in value units per minute and applies to the absolute rate.
    public let rateOfChange: AlarmLimit?
    public let stale: StaleAlarm?
    public let comm: CommAlarm?
    /// Hysteresis: a high alarm clears at `limit - deadband` or below, a low one at `limit + deadband` or above.
    public let deadband: Decimal
    /// The condition must hold, on every reading, this long before the alarm activates.
    public let onDelay: Duration
    /// The condition must be absent, on every reading, this long before the alarm clears.
    public let offDelay: Duration
    /// `true` (default): while HH is annunciated active, H is `suppressedByDesign` (LL over L), so
    /// the operator acknowledges one alarm per excursion. `false`: all four are independent.
    public let supersede: Bool

    public init(
        tag: String, hh: AlarmLimit? = nil, h: AlarmLimit? = nil, l: AlarmLimit? = nil, ll: AlarmLimit? = nil,
        rateOfChange: AlarmLimit? = nil, stale: StaleAlarm? = nil, comm: CommAlarm? = nil,
        deadband: Decimal = 0, onDelay: Duration = .zero, offDelay: Duration = .zero, supersede: Bool = true
    ) throws(CalculationError) {
        self.tag = tag
        self.hh = hh
        self.h = h
        self.l = l
        self.ll = ll
        self.rateOfChange = rateOfChange
        self.stale = stale
        self.comm = comm
        self.deadband = deadband
        self.onDelay = onDelay
        self.offDelay = offDelay
        self.supersede = supersede
        try validate()
    }

    /// The alarms this rule configures, in `AlarmKind` order.
    public var kinds: [AlarmKind] { AlarmKind.allCases.filter { settings(for: $0) != nil } }

    func limit(_ kind: AlarmKind) -> AlarmLimit? {
        switch kind {
        case .hh: hh
        case .h: h
        case .l: l
        case .ll: ll
        case .rateOfChange: rateOfChange
        case .stale, .comm: nil
        }
    }

    /// Everything the engine needs about one alarm, with the rule defaults applied.
    func settings(for kind: AlarmKind) -> AlarmSettings? {
        if let limit = limit(kind) {
            return AlarmSettings(
                limit: limit.limit, priority: limit.priority ?? kind.defaultPriority,
                deadband: limit.deadband ?? deadband, onDelay: limit.onDelay ?? onDelay,
                offDelay: limit.offDelay ?? offDelay, latched: limit.latched)
        }
        if kind == .stale, let stale {
            // The timeout is the stale alarm's delay; it clears on the first reading.
            return AlarmSettings(
                limit: stale.timeout.exactSeconds, priority: stale.priority ?? kind.defaultPriority,
                deadband: 0, onDelay: .zero, offDelay: .zero, latched: stale.latched)
        }
        if kind == .comm, let comm {
            return AlarmSettings(
                limit: nil, priority: comm.priority ?? kind.defaultPriority, deadband: 0,
                onDelay: comm.onDelay ?? .zero, offDelay: comm.offDelay ?? .zero, latched: comm.latched)
        }
        return nil
    }

    /// Throws the first contradiction found, naming its field (`h.limit`, `ll.deadband`).
    public func validate() throws(CalculationError) {
        guard !tag.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CalculationError(.missingInput, "a rule needs the tag it watches", field: "tag")
        }
        guard !kinds.isEmpty else {
            throw CalculationError(
                .missingInput, "no alarm configured; give at least one of hh, h, l, ll, rate_of_change, stale, comm")
        }
        try Self.checkDefaults(deadband: deadband, onDelay: onDelay, offDelay: offDelay, prefix: nil)
        for kind in [AlarmKind.hh, .h, .l, .ll, .rateOfChange] {
            guard let limit = limit(kind) else { continue }
            try Self.checkDefaults(
                deadband: limit.deadband, onDelay: limit.onDelay, offDelay: limit.offDelay, prefix: kind.configKey)
        }
        // Present limits must be strictly descending HH > H > L > LL; adjacent pairs suffice.
        let ordered = [AlarmKind.hh, .h, .l, .ll].compactMap { kind in limit(kind).map { (kind, $0.limit) } }
        for (upper, lower) in zip(ordered, ordered.dropFirst()) where lower.1 >= upper.1 {
            throw CalculationError(
                .invalidInput,
                "\(DecimalText.plain(lower.1)) must be below \(upper.0.configKey).limit \(DecimalText.plain(upper.1))",
                field: "\(lower.0.configKey).limit")
        }
        if let rate = rateOfChange, rate.limit <= 0 {
            throw CalculationError(.invalidInput, "a rate limit must be above zero", field: "rate_of_change.limit")
        }
        if let stale, stale.timeout <= .zero {
            throw CalculationError(.invalidInput, "a stale timeout must be above zero", field: "stale.timeout")
        }
        if let comm {
            try Self.checkDefaults(deadband: nil, onDelay: comm.onDelay, offDelay: comm.offDelay, prefix: "comm")
        }
    }

    private static func checkDefaults(deadband: Decimal?, onDelay: Duration?, offDelay: Duration?,
                                      prefix: String?) throws(CalculationError) {
        func field(_ name: String) -> String { prefix.map { "\($0).\(name)" } ?? name }
        if let deadband, deadband < 0 {
            throw CalculationError(.negativeQuantity, "a deadband cannot be negative", field: field("deadband"))
        }
        if let onDelay, onDelay < .zero {
            throw CalculationError(.negativeQuantity, "a delay cannot be negative", field: field("on_delay"))
        }
        if let offDelay, offDelay < .zero {
            throw CalculationError(.negativeQuantity, "a delay cannot be negative", field: field("off_delay"))
        }
    }
}

/// One value limit (HH, H, L, LL) or the rate-of-change limit. Unset fields take the rule's value.
public struct AlarmLimit: Sendable, Hashable {
    public var limit: Decimal
    public var priority: AlarmPriority?
    public var deadband: Decimal?
    public var onDelay: Duration?
    public var offDelay: Duration?
    /// Stays unacknowledged-active after the condition clears, until an operator acknowledges it.
    public var latched: Bool

    public init(limit: Decimal, priority: AlarmPriority? = nil, deadband: Decimal? = nil, onDelay: Duration? = nil,
                offDelay: Duration? = nil, latched: Bool = false) {
        self.limit = limit
        self.priority = priority
        self.deadband = deadband
        self.onDelay = onDelay
        self.offDelay = offDelay
        self.latched = latched
    }
}

/// Raised by `tick(at:)` when no reading of any quality arrived for longer than `timeout`.
public struct StaleAlarm: Sendable, Hashable {
    public var timeout: Duration
    public var priority: AlarmPriority?
    public var latched: Bool

    public init(timeout: Duration, priority: AlarmPriority? = nil, latched: Bool = false) {
        self.timeout = timeout
        self.priority = priority
        self.latched = latched
    }
}

/// Raised by readings whose quality is not `good`. Its delays count readings, like the value alarms'.
public struct CommAlarm: Sendable, Hashable {
    public var priority: AlarmPriority?
    public var onDelay: Duration?
    public var offDelay: Duration?
    public var latched: Bool

    public init(priority: AlarmPriority? = nil, onDelay: Duration? = nil, offDelay: Duration? = nil,
                latched: Bool = false) {
        self.priority = priority
        self.onDelay = onDelay
        self.offDelay = offDelay
        self.latched = latched
    }
}

/// One alarm's resolved configuration.
struct AlarmSettings: Sendable, Hashable {
    var limit: Decimal?
    var priority: AlarmPriority
    var deadband: Decimal
    var onDelay: Duration
    var offDelay: Duration
    var latched: Bool
}

extension AlarmKind {
    var defaultPriority: AlarmPriority {
        switch self {
        case .hh, .ll: .critical
        case .h, .l, .comm: .high
        case .rateOfChange, .stale: .medium
        }
    }
}
