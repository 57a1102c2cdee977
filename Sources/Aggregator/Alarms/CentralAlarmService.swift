import CarbonCore
import Foundation
import HTTPTypes

/// Central alarms for people: list and search within the caller's subtree, and the operator
/// actions (acknowledge, shelve, unshelve, comment). The ISA-18.2 rules are CarbonCore's
/// (`AlarmOperatorAction`); each change commits with its history entry and its audit record.
struct CentralAlarmService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    /// The longest shelve an operator may set: a shelved alarm is invisible, so it must come back.
    static let maximumShelveSeconds: Int64 = 30 * 24 * 3600

    func list(_ query: AlarmQuery, scope: AccessScope) async throws -> [CentralAlarm] {
        let prefixes = scope.prefixes(for: .alarmsRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            var conditions = [SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)]
            conditions += query.conditions("a", target: .alarms, parameters: &parameters)
            return try connection.query(
                CentralAlarm.select + " WHERE " + conditions.joined(separator: " AND ")
                    + " ORDER BY a.since DESC, a.id LIMIT \(query.limit)", parameters)
        }
        return scope.filter(try rows.map(CentralAlarm.init(row:)), .alarmsRead) { $0.ref }
    }

    func events(_ query: AlarmQuery, scope: AccessScope) async throws -> [AlarmEventRecord] {
        let prefixes = scope.prefixes(for: .alarmsRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            var conditions = [SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)]
            conditions += query.conditions("e", target: .events, parameters: &parameters)
            return try connection.query(
                AlarmEventRecord.select + " WHERE " + conditions.joined(separator: " AND ")
                    + " ORDER BY e.time DESC, e.seq DESC LIMIT \(query.limit)", parameters)
        }
        return scope.filter(try rows.map(AlarmEventRecord.init(row:)), .alarmsRead) { $0.ref }
    }

    func get(_ id: String, scope: AccessScope) async throws -> CentralAlarmDetail {
        let alarm = try await load(id)
        try scope.require(.alarmsRead, on: alarm.ref, what: "alarm")
        let rows = try await database.read { connection in
            try connection.query(AlarmEventRecord.select + " WHERE e.alarm_id = $1 ORDER BY e.seq", .text(alarm.id))
        }
        return CentralAlarmDetail(alarm: alarm, events: try rows.map(AlarmEventRecord.init(row:)))
    }

    func acknowledge(_ id: String, _ body: AlarmAckBody, scope: AccessScope, context: AppRequestContext) async throws
        -> CentralAlarm
    {
        let comment = try Self.comment(body.comment, required: false)
        return try await act(id, .acknowledge, permission: .alarmsAck, comment: comment, scope: scope, context: context)
    }

    func shelve(_ id: String, _ body: AlarmShelveBody, scope: AccessScope, context: AppRequestContext) async throws
        -> CentralAlarm
    {
        let until = try AuditQuery.time(body.until, field: "until"), now = clock.micros
        guard until > now else { throw APIError.invalidField("until", "'until' must be in the future") }
        guard until - now <= Self.maximumShelveSeconds * 1_000_000 else {
            throw APIError.invalidField("until", "a shelve lasts at most 30 days")
        }
        let comment = try Self.comment(body.comment, required: false)
        return try await act(id, .shelve(until: ServiceClock.date(until)), permission: .alarmsShelve, comment: comment,
                             scope: scope, context: context)
    }

    func unshelve(_ id: String, _ body: AlarmAckBody, scope: AccessScope, context: AppRequestContext) async throws
        -> CentralAlarm
    {
        let comment = try Self.comment(body.comment, required: false)
        return try await act(id, .unshelve, permission: .alarmsShelve, comment: comment, scope: scope, context: context)
    }

    func comment(_ id: String, _ body: AlarmCommentBody, scope: AccessScope, context: AppRequestContext) async throws
        -> AlarmEventRecord
    {
        let comment = try Self.comment(body.comment, required: true)
        let alarm = try await load(id)
        try scope.require(.alarmsComment, on: alarm.ref, what: "alarm")
        let principal = try context.requirePrincipal(), now = clock.micros, auditor = self.auditor
        return try await database.write { connection in
            guard let row = try AlarmLedger.lock(id, on: connection) else { throw APIError.notFound("alarm") }
            let eventID = try AlarmLedger.append(
                .init(origin: "operator", action: "comment", priority: AlarmPriority(rawValue: alarm.priority) ?? .low,
                      time: now, operatorName: try Self.operatorName(principal, on: connection), operatorID: principal.id,
                      comment: comment),
                to: row, now: now, on: connection)
            try auditor.append(.init(action: "alarms.comment", target: id, organisationID: alarm.organisationID,
                                     details: ["event_id": eventID]), context: context, on: connection)
            return try AlarmEventRecord(row: try connection.first(AlarmEventRecord.select + " WHERE e.id = $1", .text(eventID))!)
        }
    }

    /// One operator action: checked against the object, applied by CarbonCore's rules to the
    /// locked row (a concurrent change on another replica is seen), then stored, recorded, audited.
    private func act(_ id: String, _ action: AlarmOperatorAction, permission: Permission, comment: String?,
                     scope: AccessScope, context: AppRequestContext) async throws -> CentralAlarm {
        let alarm = try await load(id)
        try scope.require(permission, on: alarm.ref, what: "alarm")
        let principal = try context.requirePrincipal(), now = clock.micros, auditor = self.auditor
        return try await database.write { connection in
            guard let row = try AlarmLedger.lock(id, on: connection) else { throw APIError.notFound("alarm") }
            let current = try CentralAlarm(row: row)
            let next: AlarmState
            do throws(AlarmOperatorAction.Refusal) {
                next = try action.apply(to: current.alarmState, conditionActive: current.conditionActive,
                                        at: ServiceClock.date(now))
            } catch {
                throw APIError(.conflict, error.code, error.message)
            }
            var until: Int64?
            if case .shelve(let end) = action { until = ServiceClock.micros(end) }
            // The row's `since` may be an agent's clock ahead of ours: an operator action still applies.
            let time = max(now, try row.int64("since"))
            let entry = AlarmLedger.Event(
                origin: "operator", priority: AlarmPriority(rawValue: current.priority) ?? .low, from: current.alarmState,
                to: next, cause: action.cause, time: time, operatorName: try Self.operatorName(principal, on: connection),
                operatorID: principal.id,
                comment: comment, shelvedUntil: until)
            try AlarmLedger.append(entry, to: row, now: now, on: connection)
            try AlarmLedger.move(row, with: entry, now: now, on: connection)
            var details = ["from": current.state, "to": next.rawValue]
            details["until"] = until.map(ServiceClock.iso)
            try auditor.append(.init(action: "alarms.\(action.cause.rawValue)", target: id,
                                     organisationID: current.organisationID, details: details),
                               context: context, on: connection)
            return try CentralAlarm(row: try AlarmLedger.lock(id, on: connection)!)
        }
    }

    func load(_ id: String) async throws -> CentralAlarm {
        guard UUID(uuidString: id) != nil else { throw APIError.notFound("alarm") }
        let row = try await database.read { try $0.first(CentralAlarm.select + " WHERE a.id = $1", .text(id.lowercased())) }
        guard let row else { throw APIError.notFound("alarm") }
        return try CentralAlarm(row: row)
    }

    /// The login name, as agents record operators (the display name can change and repeat).
    static func operatorName(_ principal: Principal, on connection: any SQLConnection) throws -> String {
        try connection.first("SELECT username FROM users WHERE id = $1", .text(principal.id))?.text("username") ?? principal.name
    }

    static func comment(_ text: String?, required: Bool) throws -> String? {
        guard let text else {
            if required { throw APIError.invalidField("comment", "'comment' is required") }
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= AlarmEventBatch.maximumCommentLength else {
            throw APIError.invalidField("comment", "a comment has at most \(AlarmEventBatch.maximumCommentLength) characters")
        }
        if trimmed.isEmpty {
            if required { throw APIError.invalidField("comment", "a comment cannot be empty") }
            return nil
        }
        return trimmed
    }
}
