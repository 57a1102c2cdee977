import CarbonCore
import Foundation
import Logging

/// Evaluates server-side rules: the current hour's or day's aggregate so far (so an early warning
/// fires before the threshold is crossed), times the rule's factor, fed to the rule's CarbonCore
/// `AlarmEngine` — the same ISA-18.2 state machine the agents run. Transitions land in the central
/// `alarms`/`alarm_events` tables as origin 'rule', where the ordinary routes list and act on them.
///
/// Replicas: each rule is evaluated in one write transaction that first locks the rule row (FOR
/// UPDATE on PostgreSQL; SQLite's write lock serialises anyway) and skips when the row's
/// `evaluated_at` watermark is at or past the requested time. Two replicas running the same minute
/// therefore produce each transition once: the second sees the first's watermark and engine.
struct AlarmRuleEvaluator: Sendable {
    let database: any Database
    var logger = Logger(label: "carbon.alarm-rules")

    /// Evaluates every enabled rule at `micros` (UTC microseconds); returns the number of
    /// transitions recorded. A failing rule is logged and does not stop the others.
    @discardableResult
    func evaluateAll(at micros: Int64) async throws -> Int {
        let ids = try await database.read { connection in
            try connection.query("SELECT id FROM alarm_rules WHERE enabled = 1 ORDER BY id").map { try $0.text("id") }
        }
        var total = 0
        for id in ids {
            do { total += try await evaluate(id, at: micros) } catch {
                logger.error("alarm rule evaluation failed", metadata: ["rule": "\(id)", LogKey.error: "\(error)"])
            }
        }
        return total
    }

    /// Evaluates one rule at `micros`; returns the number of transitions recorded.
    @discardableResult
    func evaluate(_ id: String, at micros: Int64) async throws -> Int {
        try await database.write { connection in
            let lock = connection.dialect == .postgres ? " FOR UPDATE OF r" : ""
            guard let row = try connection.first(AlarmRuleRecord.select + " WHERE r.id = $1" + lock, .text(id)) else {
                return 0
            }
            let rule = try AlarmRuleRecord(row: row)
            guard rule.enabled else { return 0 }
            if let last = try row.optionalInt64("evaluated_at"), last >= micros { return 0 }
            let figure = try Self.figure(rule, at: micros, on: connection)
            var engine = AlarmEngine(rule: try rule.engineRule())
            if let saved = rule.engineState,
                let decoded = try? JSONDecoder().decode(AlarmEngine.self, from: Data(saved.utf8))
            {
                engine = AlarmEngine(rule: try rule.engineRule(), restoring: decoded)
            }
            let at = ServiceClock.date(micros)
            try Self.applyOperatorActions(rule, to: &engine, at: at, micros: micros, on: connection)
            // No readings yet in this interval: a sum is zero, an average or maximum does not exist
            // (the alarms keep their state until there is a figure).
            let transitions = figure.map { engine.observe($0, at: at) } ?? engine.tick(at: at)
            for transition in transitions {
                try Self.record(transition, of: rule, micros: micros, on: connection)
            }
            let state = String(decoding: try JSONEncoder().encode(engine), as: UTF8.self)
            try connection.execute(
                "UPDATE alarm_rules SET engine_state = $2, last_value = $3, evaluated_at = $4 WHERE id = $1",
                .text(rule.id), .text(state), figure.map { .text(DecimalText.plain($0)) } ?? .null, .integer(micros))
            return transitions.count
        }
    }

    /// The aggregate of the interval containing `micros`, converted by the factor. Hours are UTC
    /// hours (as the hourly buckets are); days start at the site's local midnight.
    static func figure(_ rule: AlarmRuleRecord, at micros: Int64, on connection: any SQLConnection) throws -> Decimal? {
        var calendar = BucketCalendar(timeZone: rule.ref.timeZone)
        let resolution: Resolution = rule.period == "hour" ? .hour : .day
        let start = calendar.bucket(micros / 1000, resolution)
        let row = try connection.first(
            """
            SELECT count, sum, min, max, first, first_ms, last, last_ms FROM reading_aggregates
            WHERE series_id = $1 AND resolution = $2 AND bucket_ms = $3
            """, .integer(rule.seriesID), .text(resolution.rawValue), .integer(start))
        let bucket = try row.map(ReadingAggregates.bucket)
        var figure: Decimal?
        switch rule.aggregate {
        case "sum": figure = bucket?.sum ?? 0
        case "avg": figure = bucket?.average
        case "max": figure = bucket?.max
        default: figure = bucket?.last
        }
        if let factor = rule.factor, let value = figure { figure = value * (try DecimalText.parse(factor)) }
        return figure
    }

    /// Operators act on the central rows (ack, shelve, unshelve); the engine learns of it here,
    /// before the figure, so its next transitions start from what the operator sees. The
    /// transitions these calls return are not recorded again: the operator's action already was.
    static func applyOperatorActions(_ rule: AlarmRuleRecord, to engine: inout AlarmEngine, at: Date, micros: Int64,
                                     on connection: any SQLConnection) throws {
        let rows = try connection.query(
            "SELECT kind, state, acknowledged_by, shelved_until FROM alarms WHERE source_key = $1",
            .text(rule.sourceKey))
        for row in rows {
            guard let kind = AlarmKind(rawValue: try row.text("kind")), let mine = engine.state(of: kind),
                let central = AlarmState(rawValue: try row.text("state")), central != mine
            else { continue }
            let by = try row.optionalText("acknowledged_by") ?? "operator"
            if central == .shelved, let until = try row.optionalInt64("shelved_until"), until > micros {
                _ = try? engine.shelve(kind, by: by, until: ServiceClock.date(until), at: at)
            } else if mine == .shelved {
                _ = try? engine.unshelve(kind, by: by, at: at)
            } else if mine == .unacknowledgedActive || mine == .returnedToNormalUnacknowledged,
                central == .acknowledgedActive || central == .normal
            {
                _ = try? engine.acknowledge(kind, by: by, at: at)
            }
        }
    }

    static func record(_ transition: AlarmTransition, of rule: AlarmRuleRecord, micros: Int64,
                       on connection: any SQLConnection) throws {
        let source = AlarmLedger.Source(
            key: rule.sourceKey, origin: "rule", organisationID: rule.organisationID, agentID: nil, ruleID: rule.id,
            tag: rule.name, kind: transition.kind, priority: transition.priority)
        let row = try AlarmLedger.row(for: source, now: micros, on: connection)
        let entry = AlarmLedger.Event(
            origin: "rule", priority: transition.priority, from: transition.from, to: transition.to,
            cause: transition.cause, value: transition.value.map { DecimalText.plain($0) },
            limit: transition.limit.map { DecimalText.plain($0) }, time: micros)
        try AlarmLedger.append(entry, to: row, now: micros, on: connection)
        try AlarmLedger.move(row, with: entry, now: micros, on: connection)
    }
}
