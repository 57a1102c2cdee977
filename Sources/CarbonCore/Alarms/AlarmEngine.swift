import Foundation  // Date, Decimal

// # Alarm engine (requirement M3)
//
// A pure ISA-18.2 state machine for the alarms of one tag, in the postgres-nio shape: events in,
// transitions out. No clock, no I/O: every event carries its time, and the caller (the edge agent,
// later the aggregator) commits and notifies each returned `AlarmTransition`.
//
//     var engine = AlarmEngine(rule: try AlarmRule(tag: "stack1.co2", hh: .init(limit: 120), h: .init(limit: 100),
//                                                 stale: .init(timeout: .seconds(300)), comm: .init(),
//                                                 deadband: 2, onDelay: .seconds(30)))
//     engine.observe(value, quality: .good, at: sampleTime)      -> [AlarmTransition]   every reading
//     engine.tick(at: now)                                       -> [AlarmTransition]   periodically (stale, shelves)
//     try engine.acknowledge(.hh, by: "li", comment: "fan 2 tripped", at: now)
//     try engine.acknowledgeAll(by: "li", at: now)
//     try engine.shelve(.h, by: "li", until: now + 3600, comment: "analyser calibration", at: now)
//     try engine.unshelve(.h, by: "li", at: now)
//     try engine.suppress(.l, reason: "kiln stopped", at: now) / try engine.unsuppress(.l, at: now)
//     engine.statuses / engine.status(of: .hh)                   what a console lists
//     JSONEncoder().encode(engine) / JSONDecoder().decode(AlarmEngine.self, from:)   persist, restore
//     AlarmEngine(rule: newRule, restoring: saved)               keep state across a rule change
//     AlarmFloodSummary.notifications(for:from:to:threshold:)    one summary instead of N messages
//
// Semantics, each chosen so the result does not depend on when the caller happens to call:
// - Conditions: high alarms when value > limit, clearing at value <= limit - deadband; low alarms
//   mirrored. ROC compares |Δvalue/Δt| per minute between consecutive good readings.
// - Delays are confirmed by readings only: the alarm activates on the first reading that still shows
//   the condition `onDelay` after the first one that did (likewise `offDelay` for clearing). A reading
//   that disagrees restarts the timing. Nothing is extrapolated between readings; ticks never do this.
// - A reading of bad quality raises COMM and is invisible to the value alarms and ROC (it neither
//   raises, clears nor interrupts their delays). Any reading, good or bad, clears STALE, which only
//   `tick(at:)` raises (a reading arriving after a silence does not raise it after the fact).
// - A reading older than the previous reading is ignored whole (no transitions, no state change).
// - Annunciation (ISA-18.2): normal → unack active → (ack) ack active → (clear) normal; or
//   unack active → (clear) RTN unack → (ack) normal; RTN unack → (condition again) unack active.
//   Latched alarms skip RTN unack: they stay unack active until acknowledged, then go to normal
//   if the condition has gone (an acknowledged latched alarm clears like any other).
// - Shelved and suppressed-by-design alarms produce no transitions while hidden, whatever the
//   condition does; when they come back the state restarts from the condition (unack active if
//   present, normal if not). A shelf expires at the first event at or after `until`, reported
//   with cause `shelfExpired` before anything else that event does. A shelf beats a suppression.
// - Escalation, the documented choice: HH and H are separate alarms (each with its own priority,
//   delays and acknowledgement), and with `supersede` (the default) H is `suppressedByDesign` while
//   HH is annunciated active (unack or ack active), then shown again from its condition; LL/L alike.
//   So an excursion above HH asks for one acknowledgement, and falling back into the H band is
//   announced as H. With `supersede: false` the four are independent.
// - Acknowledging an alarm with nothing to acknowledge, or unshelving one that is not shelved,
//   returns no transitions; naming an alarm the rule does not configure throws.
// - Transitions of one event come in `AlarmKind` order; an alarm can change twice in one event
//   only when a shelf expiry is followed by the event's own effect.
public struct AlarmEngine: Sendable, Hashable {
    public private(set) var rule: AlarmRule
    /// One per configured alarm, in `AlarmKind` order.
    var records: [AlarmRecord]
    var lastGood: AlarmSample?
    var lastReadingAt: Date?
    /// Start of the current silence: the last reading, or the first tick before any reading.
    var silentSince: Date?

    public init(rule: AlarmRule) {
        self.rule = rule
        records = rule.kinds.map(AlarmRecord.init(kind:))
    }

    /// A fresh engine for `rule` that keeps `saved`'s memory of every alarm both configure (after a
    /// rule reload). Alarms the new rule drops vanish without a transition: close them first if
    /// they matter. A saved engine for another tag is ignored.
    public init(rule: AlarmRule, restoring saved: AlarmEngine) {
        self.init(rule: rule)
        guard saved.rule.tag == rule.tag else { return }
        for index in records.indices {
            if let old = saved.records.first(where: { $0.kind == records[index].kind }) { records[index] = old }
        }
        lastGood = saved.lastGood
        lastReadingAt = saved.lastReadingAt
        silentSince = saved.silentSince
    }

    public var tag: String { rule.tag }

    public var statuses: [AlarmStatus] { records.compactMap { status(of: $0.kind) } }

    public func status(of kind: AlarmKind) -> AlarmStatus? {
        guard let record = records.first(where: { $0.kind == kind }), let settings = rule.settings(for: kind)
        else { return nil }
        return AlarmStatus(
            tag: tag, kind: kind, priority: settings.priority, state: record.state,
            conditionActive: record.condition, value: record.lastValue, limit: settings.limit,
            latched: settings.latched, shelf: record.shelf, suppression: record.suppression)
    }

    public func state(of kind: AlarmKind) -> AlarmState? { records.first(where: { $0.kind == kind })?.state }

    // MARK: Process events

    /// Feeds one reading of the tag, stamped with its sample time.
    public mutating func observe(_ value: Decimal, quality: ReadingQuality = .good, at time: Date)
        -> [AlarmTransition]
    {
        if let last = lastReadingAt, time < last { return [] }
        var out: [AlarmTransition] = []
        expireShelves(at: time, into: &out)
        let silence = silentSince.map { max(0, AlarmTime.milliseconds(from: $0, to: time)) } ?? 0
        evaluate(.stale, figure: AlarmTime.seconds(milliseconds: silence), at: time) { _ in false }
        lastReadingAt = time
        silentSince = time
        evaluate(.comm, figure: nil, at: time) { _ in !quality.isGood }
        if quality.isGood {
            evaluateLimits(value, at: time)
            evaluateRate(value, at: time)
        }
        reconcile(at: time, action: nil, quality: quality, into: &out)
        return out
    }

    /// Lets time pass without a reading: raises STALE after the timeout and expires shelves.
    public mutating func tick(at time: Date) -> [AlarmTransition] {
        var out: [AlarmTransition] = []
        expireShelves(at: time, into: &out)
        if let since = silentSince {
            let silence = AlarmTime.milliseconds(from: since, to: time)
            if let timeout = rule.stale?.timeout, Duration.milliseconds(silence) > timeout {
                evaluate(.stale, figure: AlarmTime.seconds(milliseconds: silence), at: time) { _ in true }
            }
        } else {
            silentSince = time  // nothing heard yet: the silence starts now
        }
        reconcile(at: time, action: nil, quality: nil, into: &out)
        return out
    }

    // MARK: Operator and design events

    public mutating func acknowledge(_ kind: AlarmKind, by operatorName: String, comment: String? = nil,
                                     at time: Date) throws(CalculationError) -> [AlarmTransition] {
        try checkOperator(operatorName)
        _ = try index(configured: kind)
        return acknowledging([kind], by: operatorName, comment: comment, at: time)
    }

    /// Acknowledges every alarm of the tag that has something to acknowledge.
    public mutating func acknowledgeAll(by operatorName: String, comment: String? = nil, at time: Date)
        throws(CalculationError) -> [AlarmTransition]
    {
        try checkOperator(operatorName)
        return acknowledging(Set(rule.kinds), by: operatorName, comment: comment, at: time)
    }

    /// Hides the alarm until `until` (or `unshelve`). Shelving a shelved alarm only moves its end
    /// and comment, which is not a state change, so it returns no transition.
    public mutating func shelve(_ kind: AlarmKind, by operatorName: String, until: Date, comment: String? = nil,
                                at time: Date) throws(CalculationError) -> [AlarmTransition] {
        try checkOperator(operatorName)
        let index = try index(configured: kind)
        guard until > time else {
            throw CalculationError(.invalidInput, "a shelve must end after it starts", field: "until")
        }
        var out: [AlarmTransition] = []
        expireShelves(at: time, into: &out)
        records[index].shelf = AlarmShelf(by: operatorName, since: time, until: until, comment: comment)
        let action = Action(cause: .shelve, kinds: [kind], operatorName: operatorName, comment: comment)
        reconcile(at: time, action: action, quality: nil, into: &out)
        return out
    }

    public mutating func unshelve(_ kind: AlarmKind, by operatorName: String, comment: String? = nil,
                                  at time: Date) throws(CalculationError) -> [AlarmTransition] {
        try checkOperator(operatorName)
        let index = try index(configured: kind)
        var out: [AlarmTransition] = []
        expireShelves(at: time, into: &out)
        guard records[index].shelf != nil else { return out }
        records[index].shelf = nil
        let action = Action(cause: .unshelve, kinds: [kind], operatorName: operatorName, comment: comment)
        reconcile(at: time, action: action, quality: nil, into: &out)
        return out
    }

    /// Suppression by design: plant-state logic (not an operator) hides the alarm, e.g. low-flow
    /// alarms while the unit is stopped. The reason is reported as the transition's comment.
    public mutating func suppress(_ kind: AlarmKind, reason: String, at time: Date) throws(CalculationError)
        -> [AlarmTransition]
    {
        let index = try index(configured: kind)
        var out: [AlarmTransition] = []
        expireShelves(at: time, into: &out)
        records[index].suppression = reason
        reconcile(at: time, action: Action(cause: .suppress, kinds: [kind], comment: reason), quality: nil, into: &out)
        return out
    }

    public mutating func unsuppress(_ kind: AlarmKind, at time: Date) throws(CalculationError) -> [AlarmTransition] {
        let index = try index(configured: kind)
        var out: [AlarmTransition] = []
        expireShelves(at: time, into: &out)
        guard records[index].suppression != nil else { return out }
        records[index].suppression = nil
        reconcile(at: time, action: Action(cause: .unsuppress, kinds: [kind]), quality: nil, into: &out)
        return out
    }

    private mutating func acknowledging(_ kinds: Set<AlarmKind>, by operatorName: String, comment: String?,
                                        at time: Date) -> [AlarmTransition] {
        var out: [AlarmTransition] = []
        expireShelves(at: time, into: &out)
        for index in records.indices where kinds.contains(records[index].kind) && !records[index].state.isHidden {
            switch records[index].annunciation {
            case .unacknowledgedActive:
                // Non-latched: the condition is present here. Latched: it may be gone, and the ack resets it.
                records[index].annunciation = records[index].condition ? .acknowledgedActive : .normal
            case .returnedToNormalUnacknowledged:
                records[index].annunciation = .normal
            default:
                break
            }
        }
        let action = Action(cause: .acknowledge, kinds: kinds, operatorName: operatorName, comment: comment)
        reconcile(at: time, action: action, quality: nil, into: &out)
        return out
    }

    private func checkOperator(_ operatorName: String) throws(CalculationError) {
        guard !operatorName.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CalculationError(.missingInput, "an operator action needs the operator's name", field: "by")
        }
    }

    private func index(configured kind: AlarmKind) throws(CalculationError) -> Int {
        guard let index = records.firstIndex(where: { $0.kind == kind }) else {
            let configured = rule.kinds.map(\.rawValue).joined(separator: ", ")
            throw CalculationError(.invalidInput, "tag '\(tag)' has no \(kind) alarm; it has: \(configured)",
                                   field: "kind")
        }
        return index
    }
}
