import CarbonCore
import Foundation

/// The SQL of central alarms, run inside the caller's write transaction: find or create the row
/// of an alarm, move its current state, append to the history. Every state change goes through
/// `move`, so the row and its history cannot drift apart.
enum AlarmLedger {
    /// The identity of one alarm and what a new row starts from.
    struct Source: Sendable {
        let key: String
        let origin: String
        let organisationID: String
        let agentID: String?
        let ruleID: String?
        let tag: String
        let kind: AlarmKind
        let priority: AlarmPriority

        static func agent(_ agentID: String, site: String, tag: String, kind: AlarmKind, priority: AlarmPriority) -> Source {
            Source(key: "agent:\(agentID):\(tag)", origin: "agent", organisationID: site, agentID: agentID, ruleID: nil,
                   tag: tag, kind: kind, priority: priority)
        }
    }

    /// One history entry to append.
    struct Event: Sendable {
        var origin: String
        var action = "transition"
        var agentKey: (agentID: String, epoch: String, transitionID: Int64, sha256: String)?
        var priority: AlarmPriority
        var from: AlarmState?
        var to: AlarmState?
        var cause: AlarmCause?
        var value: String?
        var limit: String?
        var quality: String?
        var time: Int64
        var operatorName: String?
        var operatorID: String?
        var comment: String?
        var shelvedUntil: Int64?
    }

    /// The alarm's row, created in `normal` when it is new. PostgreSQL: the row is locked until
    /// commit, so two writers (agent sync and an operator on another replica) never interleave.
    static func row(for source: Source, now: Int64, on connection: any SQLConnection) throws -> SQLRow {
        try connection.execute(
            """
            INSERT INTO alarms (id, organisation_id, source_key, origin, agent_id, rule_id, tag, kind, priority, state,
                condition_active, since, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'normal', 0, 0, $10, $10)
            ON CONFLICT (source_key, kind) DO NOTHING
            """, .text(SecretToken.newID()), .text(source.organisationID), .text(source.key), .text(source.origin),
            source.agentID.map(SQLValue.text) ?? .null, source.ruleID.map(SQLValue.text) ?? .null, .text(source.tag),
            .text(source.kind.rawValue), .text(source.priority.rawValue), .integer(now))
        let lock = connection.dialect == .postgres ? " FOR UPDATE" : ""
        guard let row = try connection.first(
            "SELECT * FROM alarms WHERE source_key = $1 AND kind = $2" + lock, .text(source.key), .text(source.kind.rawValue))
        else { throw DatabaseError(.sql, "the alarm row vanished inside its transaction") }
        return row
    }

    /// Locks and returns the row of alarm `id` (nil when there is none).
    static func lock(_ id: String, on connection: any SQLConnection) throws -> SQLRow? {
        let lock = connection.dialect == .postgres ? " FOR UPDATE OF a" : ""
        return try connection.first(CentralAlarm.select + " WHERE a.id = $1" + lock, .text(id))
    }

    /// Appends `event` to the history of the alarm in `row`; returns the event's id.
    @discardableResult
    static func append(_ event: Event, to row: SQLRow, now: Int64, on connection: any SQLConnection) throws -> String {
        let id = SecretToken.newID()
        let key = event.agentKey
        try connection.execute(
            """
            INSERT INTO alarm_events (id, alarm_id, organisation_id, origin, action, agent_id, store_epoch, transition_id,
                content_sha256, tag, kind, priority, from_state, to_state, cause, value, alarm_limit, quality, time,
                operator, operator_id, comment, shelved_until, received_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
                $23, $24)
            """,
            .text(id), .text(try row.text("id")), .text(try row.text("organisation_id")), .text(event.origin),
            .text(event.action), key.map { .text($0.agentID) } ?? .null, key.map { .text($0.epoch) } ?? .null,
            key.map { .integer($0.transitionID) } ?? .null, key.map { .text($0.sha256) } ?? .null,
            .text(try row.text("tag")), .text(try row.text("kind")), .text(event.priority.rawValue),
            optional(event.from?.rawValue), optional(event.to?.rawValue), optional(event.cause?.rawValue),
            optional(event.value), optional(event.limit), optional(event.quality), .integer(event.time),
            optional(event.operatorName), optional(event.operatorID), optional(event.comment),
            event.shelvedUntil.map(SQLValue.integer) ?? .null, .integer(now))
        return id
    }

    /// Moves the alarm's current state to `event.to` (appending the event is separate). A
    /// transition older than the row's current `since` only joins the history: a backlog arriving
    /// late must not undo what happened after it.
    static func move(_ row: SQLRow, with event: Event, now: Int64, on connection: any SQLConnection) throws {
        guard let to = event.to, event.time >= (try row.int64("since")) else { return }
        var condition = try row.int64("condition_active") != 0
        switch to {
        case .unacknowledgedActive, .acknowledgedActive: condition = true
        case .normal, .returnedToNormalUnacknowledged: condition = false
        case .shelved, .suppressedByDesign: break
        }
        var ackBy = try row.optionalText("acknowledged_by")
        var ackAt = try row.optionalInt64("acknowledged_at")
        if event.cause == .acknowledge {
            ackBy = event.operatorName
            ackAt = event.time
        } else if to == .unacknowledgedActive {
            ackBy = nil
            ackAt = nil
        }
        try connection.execute(
            """
            UPDATE alarms SET state = $2, priority = $3, condition_active = $4, last_value = coalesce($5, last_value),
                alarm_limit = coalesce($6, alarm_limit), since = $7, acknowledged_by = $8, acknowledged_at = $9,
                shelved_until = $10, updated_at = $11
            WHERE id = $1
            """, .text(try row.text("id")), .text(to.rawValue), .text(event.priority.rawValue),
            .integer(condition ? 1 : 0), optional(event.value), optional(event.limit), .integer(event.time),
            optional(ackBy), ackAt.map(SQLValue.integer) ?? .null,
            to == .shelved ? (event.shelvedUntil.map(SQLValue.integer) ?? .null) : .null, .integer(now))
    }

    static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
}
