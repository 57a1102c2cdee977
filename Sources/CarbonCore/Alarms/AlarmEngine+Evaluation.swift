import Foundation  // Date, Decimal

// How one event moves the engine: first each alarm's condition (with deadband and delays), then
// one reconciliation pass that compares what each alarm should now show with what it last
// reported. Transitions come only from that pass, which is what makes "exactly one per state
// change" hold by construction rather than by care in every event handler.

extension AlarmEngine {
    /// An operator or design action, and the alarms it was aimed at.
    struct Action {
        var cause: AlarmCause
        var kinds: Set<AlarmKind>
        var operatorName: String? = nil
        var comment: String? = nil
    }

    mutating func evaluateLimits(_ value: Decimal, at time: Date) {
        for kind in [AlarmKind.hh, .h, .l, .ll] {
            guard let settings = rule.settings(for: kind), let limit = settings.limit else { continue }
            let high = kind == .hh || kind == .h
            evaluate(kind, figure: value, at: time) { active in
                switch (high, active) {
                case (true, false): value > limit
                case (true, true): value > limit - settings.deadband
                case (false, false): value < limit
                case (false, true): value < limit + settings.deadband
                }
            }
        }
    }

    mutating func evaluateRate(_ value: Decimal, at time: Date) {
        defer { if lastGood.map({ time > $0.time }) ?? true { lastGood = AlarmSample(value: value, time: time) } }
        guard let previous = lastGood, let settings = rule.settings(for: .rateOfChange),
            let limit = settings.limit
        else { return }
        let milliseconds = AlarmTime.milliseconds(from: previous.time, to: time)
        guard milliseconds > 0 else { return }  // same sample time: no rate to speak of
        let rate = (value - previous.value) * 60_000 / Decimal(milliseconds)
        let magnitude = abs(rate)
        evaluate(.rateOfChange, figure: rate, at: time) { active in
            active ? magnitude > limit - settings.deadband : magnitude > limit
        }
    }

    /// Debounces one alarm's condition. `isActive` gets the current debounced condition so the
    /// deadband can depend on it.
    mutating func evaluate(_ kind: AlarmKind, figure: Decimal?, at time: Date, isActive: (Bool) -> Bool) {
        guard let index = records.firstIndex(where: { $0.kind == kind }), let settings = rule.settings(for: kind)
        else { return }
        var record = records[index]
        if let figure { record.lastValue = figure }
        let raw = isActive(record.condition)
        if raw == record.condition {
            record.pendingSince = nil
        } else {
            let since = record.pendingSince ?? time
            if AlarmTime.elapsed(from: since, to: time) >= (raw ? settings.onDelay : settings.offDelay) {
                record.condition = raw
                record.pendingSince = nil
                record.annunciation = Self.annunciation(record.annunciation, conditionNow: raw,
                                                        latched: settings.latched)
            } else {
                record.pendingSince = since
            }
        }
        records[index] = record
    }

    /// The A–D cycle's response to the condition appearing or going.
    static func annunciation(_ current: AlarmState, conditionNow active: Bool, latched: Bool) -> AlarmState {
        switch (current, active) {
        case (.normal, true), (.returnedToNormalUnacknowledged, true): .unacknowledgedActive
        case (.unacknowledgedActive, false): latched ? .unacknowledgedActive : .returnedToNormalUnacknowledged
        case (.acknowledgedActive, false): .normal
        default: current
        }
    }

    mutating func expireShelves(at time: Date, into out: inout [AlarmTransition]) {
        var expired: Set<AlarmKind> = []
        for index in records.indices {
            guard let shelf = records[index].shelf, shelf.until <= time else { continue }
            records[index].shelf = nil
            expired.insert(records[index].kind)
        }
        guard !expired.isEmpty else { return }
        reconcile(at: time, action: Action(cause: .shelfExpired, kinds: expired), quality: nil, into: &out)
    }

    /// What the alarm should show now, from its condition, cycle, shelf, suppression and partner.
    func visibleState(of index: Int) -> AlarmState {
        let record = records[index]
        if record.shelf != nil { return .shelved }
        if record.suppression != nil || isSuperseded(record.kind) { return .suppressedByDesign }
        if record.state.isHidden { return record.condition ? .unacknowledgedActive : .normal }
        return record.annunciation
    }

    /// H while HH is annunciated active (L while LL is). A shelved or suppressed HH does not hide
    /// H: the operator would then see nothing of an excursion.
    func isSuperseded(_ kind: AlarmKind) -> Bool {
        guard rule.supersede, let partner = kind.supersededBy,
            let index = records.firstIndex(where: { $0.kind == partner })
        else { return false }
        let shown = visibleState(of: index)
        return shown == .unacknowledgedActive || shown == .acknowledgedActive
    }

    /// Emits one transition per alarm whose visible state differs from the one last reported.
    /// Supersessors (HH, LL) do not depend on what they supersede, so one pass in kind order is enough.
    mutating func reconcile(at time: Date, action: Action?, quality: ReadingQuality?,
                            into out: inout [AlarmTransition]) {
        for index in records.indices {
            let next = visibleState(of: index)
            let previous = records[index].state
            guard next != previous else { continue }
            if previous.isHidden && !next.isHidden { records[index].annunciation = next }
            records[index].state = next
            let record = records[index]
            let cause = Self.cause(of: record, from: previous, to: next, action: action)
            let byOperator = action.map { cause == $0.cause } ?? false
            let settings = rule.settings(for: record.kind)
            out.append(
                AlarmTransition(
                    tag: tag, kind: record.kind, priority: settings?.priority ?? record.kind.defaultPriority,
                    from: previous, to: next, cause: cause, time: time, value: record.lastValue,
                    limit: settings?.limit, quality: quality,
                    operatorName: byOperator ? action?.operatorName : nil, comment: byOperator ? action?.comment : nil))
        }
    }

    private static func cause(of record: AlarmRecord, from previous: AlarmState, to next: AlarmState,
                              action: Action?) -> AlarmCause {
        let aimed = action.map { $0.kinds.contains(record.kind) } ?? false
        // Shelving, suppressing and their reversals change visibility directly: theirs is the cause.
        if aimed, let action, action.cause != .acknowledge { return action.cause }
        // Otherwise moving into or out of suppression can only be HH/LL coming or going.
        if next == .suppressedByDesign && record.suppression == nil { return .escalation }
        if previous == .suppressedByDesign { return .escalation }
        if aimed, let action { return action.cause }
        return .condition
    }
}
