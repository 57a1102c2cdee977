import CarbonCore
import Foundation

/// One alarm as the API shows it: where it comes from, its ISA-18.2 state and who acted on it.
struct CentralAlarm: Encodable, Sendable {
    let id: String
    let organisationID: String
    let origin: String
    let agentID: String?
    let ruleID: String?
    let tag: String
    let kind: String
    let priority: String
    let state: String
    let conditionActive: Bool
    let lastValue: String?
    let limit: String?
    let since: String
    let acknowledgedBy: String?
    let acknowledgedAt: String?
    let shelvedUntil: String?
    let updatedAt: String
    /// For access checks; not part of the JSON.
    let ref: OrganisationRef
    /// The stored state, for the operator rules.
    let alarmState: AlarmState

    enum CodingKeys: String, CodingKey {
        case id, origin, tag, kind, priority, state, since, limit
        case organisationID = "organisation_id", agentID = "agent_id", ruleID = "rule_id"
        case conditionActive = "condition_active", lastValue = "last_value"
        case acknowledgedBy = "acknowledged_by", acknowledgedAt = "acknowledged_at"
        case shelvedUntil = "shelved_until", updatedAt = "updated_at"
    }

    /// Columns of `alarms a` joined with `organisations o` (for the path and time zone).
    static let select = """
        SELECT a.*, o.path AS o_path, o.time_zone AS o_time_zone FROM alarms a
        JOIN organisations o ON o.id = a.organisation_id
        """

    init(row: SQLRow) throws {
        id = try row.text("id")
        organisationID = try row.text("organisation_id")
        origin = try row.text("origin")
        agentID = try row.optionalText("agent_id")
        ruleID = try row.optionalText("rule_id")
        tag = try row.text("tag")
        kind = try row.text("kind")
        priority = try row.text("priority")
        state = try row.text("state")
        alarmState = AlarmState(rawValue: state) ?? .normal
        conditionActive = try row.int64("condition_active") != 0
        lastValue = try row.optionalText("last_value")
        limit = try row.optionalText("alarm_limit")
        since = ServiceClock.iso(try row.int64("since"))
        acknowledgedBy = try row.optionalText("acknowledged_by")
        acknowledgedAt = try row.optionalInt64("acknowledged_at").map(ServiceClock.iso)
        shelvedUntil = try row.optionalInt64("shelved_until").map(ServiceClock.iso)
        updatedAt = ServiceClock.iso(try row.int64("updated_at"))
        ref = OrganisationRef(id: organisationID, path: try OrganisationPath(text: try row.text("o_path")),
                              timeZone: TimeZone(identifier: try row.text("o_time_zone")) ?? OrganisationRef.defaultTimeZone)
    }

    static let states = AlarmState.allCases.map(\.rawValue)
    static let priorities = AlarmPriority.allCases.map(\.rawValue)
    static let kinds = AlarmKind.allCases.map(\.rawValue)

    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .uuid, "origin": .string(values: ["agent", "rule"]),
         "agent_id": .nullable(.uuid), "rule_id": .nullable(.uuid), "tag": .text, "kind": .string(values: kinds),
         "priority": .string(values: priorities), "state": .string(values: states), "condition_active": .boolean,
         "last_value": .nullable(.decimal), "limit": .nullable(.decimal), "since": .timestamp,
         "acknowledged_by": .nullable(.text), "acknowledged_at": .nullable(.timestamp),
         "shelved_until": .nullable(.timestamp), "updated_at": .timestamp],
        required: ["id", "organisation_id", "origin", "tag", "kind", "priority", "state", "condition_active", "since",
                   "updated_at"])
}

/// One entry of an alarm's history: a transition (from an agent, a rule or an operator) or a comment.
struct AlarmEventRecord: Encodable, Sendable {
    let id: String
    let alarmID: String
    let organisationID: String
    let origin: String
    let action: String
    let agentID: String?
    let storeEpoch: String?
    let transitionID: Int64?
    let tag: String
    let kind: String
    let priority: String
    let from: String?
    let to: String?
    let cause: String?
    let value: String?
    let limit: String?
    let quality: String?
    let time: String
    let operatorName: String?
    let comment: String?
    let shelvedUntil: String?
    let receivedAt: String
    let ref: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, origin, action, tag, kind, priority, from, to, cause, value, limit, quality, time, comment
        case alarmID = "alarm_id", organisationID = "organisation_id", agentID = "agent_id"
        case storeEpoch = "store_epoch", transitionID = "transition_id", operatorName = "operator"
        case shelvedUntil = "shelved_until", receivedAt = "received_at"
    }

    static let select = """
        SELECT e.*, o.path AS o_path, o.time_zone AS o_time_zone FROM alarm_events e
        JOIN organisations o ON o.id = e.organisation_id
        """

    init(row: SQLRow) throws {
        id = try row.text("id")
        alarmID = try row.text("alarm_id")
        organisationID = try row.text("organisation_id")
        origin = try row.text("origin")
        action = try row.text("action")
        agentID = try row.optionalText("agent_id")
        storeEpoch = try row.optionalText("store_epoch")
        transitionID = try row.optionalInt64("transition_id")
        tag = try row.text("tag")
        kind = try row.text("kind")
        priority = try row.text("priority")
        from = try row.optionalText("from_state")
        to = try row.optionalText("to_state")
        cause = try row.optionalText("cause")
        value = try row.optionalText("value")
        limit = try row.optionalText("alarm_limit")
        quality = try row.optionalText("quality")
        time = ServiceClock.iso(try row.int64("time"))
        operatorName = try row.optionalText("operator")
        comment = try row.optionalText("comment")
        shelvedUntil = try row.optionalInt64("shelved_until").map(ServiceClock.iso)
        receivedAt = ServiceClock.iso(try row.int64("received_at"))
        ref = OrganisationRef(id: organisationID, path: try OrganisationPath(text: try row.text("o_path")),
                              timeZone: TimeZone(identifier: try row.text("o_time_zone")) ?? OrganisationRef.defaultTimeZone)
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "alarm_id": .uuid, "organisation_id": .uuid,
         "origin": .string(values: ["agent", "rule", "operator"]), "action": .string(values: ["transition", "comment"]),
         "agent_id": .nullable(.uuid), "store_epoch": .nullable(.uuid), "transition_id": .nullable(.integer()),
         "tag": .text, "kind": .string(values: CentralAlarm.kinds), "priority": .string(values: CentralAlarm.priorities),
         "from": .nullable(.string(values: CentralAlarm.states)), "to": .nullable(.string(values: CentralAlarm.states)),
         "cause": .nullable(.string(values: AlarmCause.allCases.map(\.rawValue))), "value": .nullable(.decimal),
         "limit": .nullable(.decimal), "quality": .nullable(.string(values: ReadingQuality.allCases.map(\.rawValue))),
         "time": .timestamp, "operator": .nullable(.text), "comment": .nullable(.text),
         "shelved_until": .nullable(.timestamp), "received_at": .timestamp],
        required: ["id", "alarm_id", "organisation_id", "origin", "action", "tag", "kind", "priority", "time",
                   "received_at"])
}

/// `GET /api/v1/alarms/:id`: the alarm with its history (comments included), oldest first.
struct CentralAlarmDetail: Encodable, Sendable {
    let alarm: CentralAlarm
    let events: [AlarmEventRecord]

    static let schema = JSONSchema.object(["alarm": CentralAlarm.schema, "events": .array(AlarmEventRecord.schema)],
                                          required: ["alarm", "events"])
}

/// Bodies of the operator actions. Comments are bounded like the agent's.
struct AlarmAckBody: RequestBody {
    let comment: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case comment }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(["comment": .string(maxLength: AlarmEventBatch.maximumCommentLength)],
                                          required: [])
}

struct AlarmShelveBody: RequestBody {
    let until: String
    let comment: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case until, comment }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(
        ["until": .timestamp, "comment": .string(maxLength: AlarmEventBatch.maximumCommentLength)], required: ["until"])
}

struct AlarmCommentBody: RequestBody {
    let comment: String
    enum CodingKeys: String, CodingKey, CaseIterable { case comment }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(
        ["comment": .string(pattern: "\\S", maxLength: AlarmEventBatch.maximumCommentLength, minLength: 1)],
        required: ["comment"])
}

/// The agent wire format as the OpenAPI document describes it (CarbonCore's `AlarmEventBatch`).
enum AlarmEventBatchSchema {
    static let event = JSONSchema.object(
        ["id": .integer(minimum: 1), "tag": .string(maxLength: AlarmEventBatch.maximumTextLength, minLength: 1),
         "kind": .string(values: CentralAlarm.kinds), "priority": .string(values: CentralAlarm.priorities),
         "from": .string(values: CentralAlarm.states), "to": .string(values: CentralAlarm.states),
         "cause": .string(values: AlarmCause.allCases.map(\.rawValue)), "value": .nullable(.decimal),
         "limit": .nullable(.decimal), "quality": .nullable(.string(values: ReadingQuality.allCases.map(\.rawValue))),
         "time_ms": .integer(minimum: 946_684_800_000, maximum: 32_503_679_999_999),
         "operator": .nullable(.string(maxLength: AlarmEventBatch.maximumTextLength)),
         "comment": .nullable(.string(maxLength: AlarmEventBatch.maximumCommentLength)),
         "shelved_until_ms": .nullable(.integer(minimum: 0, maximum: 32_503_679_999_999))],
        required: ["id", "tag", "kind", "priority", "from", "to", "cause", "time_ms"])
    static let schema = JSONSchema.object(
        ["format": .string(values: [AlarmEventBatch.format]), "agent_id": .string(minLength: 1),
         "store_epoch": .uuid, "events": .array(event)],
        required: ["format", "agent_id", "store_epoch", "events"])
    static let reply = JSONSchema.object(
        ["accepted": .integer(minimum: 0), "duplicates": .integer(minimum: 0), "watermark": .integer(minimum: 0)],
        required: ["accepted", "duplicates", "watermark"])
}
