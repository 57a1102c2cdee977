import CarbonCore
import Foundation
import HTTPTypes

/// Use cases of server-side alarm rules: list, read, create, change, delete. Reading takes
/// `alarms:read`, changing `alarms:configure`, each checked on the rule's site; every change
/// commits with its audit record.
struct AlarmRuleService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    static let parameters: [QueryParameter] = [
        QueryParameter("organisation_id", .uuid, "Rules of this site (or of the sites below this organisation)"),
        QueryParameter("series_id", .integer(minimum: 1), "Rules watching this series"),
        QueryParameter("enabled", .string(values: ["true", "false"]), "Only enabled or only disabled rules"),
    ]

    func list(_ pairs: [(key: String, value: String)], scope: AccessScope) async throws -> [AlarmRuleRecord] {
        var parameters: [SQLValue] = []
        var conditions = [SubtreeFilter.clause(column: "o.path", prefixes: scope.prefixes(for: .alarmsRead),
                                               parameters: &parameters)]
        for (key, value) in pairs {
            switch key {
            case "organisation_id":
                guard UUID(uuidString: value) != nil else {
                    throw APIError.invalidField(key, "'organisation_id' must be a UUID")
                }
                // That organisation's subtree (nothing when it does not exist).
                parameters.append(.text(value.lowercased()))
                let root = "(SELECT path FROM organisations WHERE id = $\(parameters.count))"
                conditions.append("substr(o.path, 1, length(\(root))) = \(root)")
            case "series_id":
                guard let id = Int64(value), id > 0 else { throw APIError.invalidField(key, "'series_id' must be a positive integer") }
                parameters.append(.integer(id))
                conditions.append("r.series_id = $\(parameters.count)")
            case "enabled":
                guard value == "true" || value == "false" else { throw APIError.invalidField(key, "'enabled' must be true or false") }
                conditions.append("r.enabled = \(value == "true" ? 1 : 0)")
            default:
                break
            }
        }
        let sql = AlarmRuleRecord.select + " WHERE " + conditions.joined(separator: " AND ") + " ORDER BY r.name, r.id"
        let bound = parameters
        let rows = try await database.read { try $0.query(sql, bound) }
        return scope.filter(try rows.map(AlarmRuleRecord.init(row:)), .alarmsRead) { $0.ref }
    }

    func get(_ id: String, scope: AccessScope) async throws -> AlarmRuleRecord {
        let rule = try await load(id)
        try scope.require(.alarmsRead, on: rule.ref, what: "alarm rule")
        return rule
    }

    func create(_ body: AlarmRuleCreate, scope: AccessScope, context: AppRequestContext) async throws -> AlarmRuleRecord {
        let settings = try AlarmRuleSettings(
            name: body.name, aggregate: body.aggregate, period: body.period, factor: body.factor, unit: body.unit,
            earlyWarning: body.earlyWarning, threshold: body.threshold, deadband: body.deadband ?? "0",
            enabled: body.enabled ?? true
        ).validated()
        guard UUID(uuidString: body.organisationID) != nil else {
            throw APIError.unknownReference("organisation_id", "organisation")
        }
        let organisationID = body.organisationID.lowercased()
        let site = try await database.read { try OrganisationRef.load(id: organisationID, on: $0) }
        guard let site else { throw APIError.unknownReference("organisation_id", "organisation") }
        do { try scope.require(.alarmsConfigure, on: site, what: "organisation") } catch let error as APIError
            where error.status == .notFound
        {
            throw APIError.unknownReference("organisation_id", "organisation")
        }
        let seriesSite = try await database.read {
            try $0.first("SELECT site_id FROM series WHERE id = $1", .integer(body.seriesID))?.text("site_id")
        }
        guard seriesSite == organisationID else {
            throw APIError.invalidField("series_id", "no such series at this site")
        }
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        return try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO alarm_rules (id, organisation_id, name, series_id, aggregate, period, factor, unit,
                    early_warning, threshold, deadband, enabled, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
                """, .text(id), .text(organisationID), .text(settings.name), .integer(body.seriesID),
                .text(settings.aggregate), .text(settings.period), Self.optional(settings.factor),
                Self.optional(settings.unit), Self.optional(settings.earlyWarning), .text(settings.threshold),
                .text(settings.deadband), .integer(settings.enabled ? 1 : 0), .integer(now))
            try auditor.append(.init(action: "alarm_rules.create", target: id, organisationID: organisationID,
                                     details: Self.details(settings, seriesID: body.seriesID)),
                               context: context, on: connection)
            return try AlarmRuleRecord(row: try connection.first(AlarmRuleRecord.select + " WHERE r.id = $1", .text(id))!)
        }
    }

    func update(_ id: String, _ body: AlarmRuleUpdate, scope: AccessScope, context: AppRequestContext) async throws
        -> AlarmRuleRecord
    {
        let current = try await load(id)
        try scope.require(.alarmsConfigure, on: current.ref, what: "alarm rule")
        let settings = try AlarmRuleSettings(
            name: body.name ?? current.name, aggregate: body.aggregate ?? current.aggregate,
            period: body.period ?? current.period, factor: body.factor ?? current.factor,
            unit: body.unit ?? (current.factor == nil && body.factor == nil ? nil : current.unit),
            earlyWarning: body.earlyWarning ?? current.earlyWarning, threshold: body.threshold ?? current.threshold,
            deadband: body.deadband ?? current.deadband, enabled: body.enabled ?? current.enabled
        ).validated()
        let now = clock.micros, auditor = self.auditor
        return try await database.write { connection in
            // The engine keeps its memory across a change of limits (AlarmEngine(rule:restoring:)),
            // but a new aggregate or period is another figure: start from the next evaluation.
            let restart = settings.aggregate != current.aggregate || settings.period != current.period
            try connection.execute(
                """
                UPDATE alarm_rules SET name = $2, aggregate = $3, period = $4, factor = $5, unit = $6, early_warning = $7,
                    threshold = $8, deadband = $9, enabled = $10, updated_at = $11\(restart ? ", last_value = NULL" : "")
                WHERE id = $1
                """, .text(current.id), .text(settings.name), .text(settings.aggregate), .text(settings.period),
                Self.optional(settings.factor), Self.optional(settings.unit), Self.optional(settings.earlyWarning),
                .text(settings.threshold), .text(settings.deadband), .integer(settings.enabled ? 1 : 0), .integer(now))
            // The rule's alarms carry its name as their tag.
            try connection.execute("UPDATE alarms SET tag = $2 WHERE source_key = $1", .text("rule:\(current.id)"),
                                   .text(settings.name))
            try auditor.append(.init(action: "alarm_rules.update", target: current.id,
                                     organisationID: current.organisationID,
                                     details: Self.details(settings, seriesID: current.seriesID)),
                               context: context, on: connection)
            return try AlarmRuleRecord(row: try connection.first(AlarmRuleRecord.select + " WHERE r.id = $1", .text(id))!)
        }
    }

    /// Deletes the rule. Its alarms and their history stay (they are the record of what happened);
    /// they simply receive no more transitions.
    func delete(_ id: String, scope: AccessScope, context: AppRequestContext) async throws {
        let current = try await load(id)
        try scope.require(.alarmsConfigure, on: current.ref, what: "alarm rule")
        let auditor = self.auditor
        try await database.write { connection in
            guard try connection.execute("DELETE FROM alarm_rules WHERE id = $1", .text(current.id)) == 1 else {
                throw APIError.notFound("alarm rule")
            }
            try auditor.append(.init(action: "alarm_rules.delete", target: current.id,
                                     organisationID: current.organisationID,
                                     details: ["name": current.name, "series_id": String(current.seriesID)]),
                               context: context, on: connection)
        }
    }

    func load(_ id: String) async throws -> AlarmRuleRecord {
        guard UUID(uuidString: id) != nil else { throw APIError.notFound("alarm rule") }
        let row = try await database.read {
            try $0.first(AlarmRuleRecord.select + " WHERE r.id = $1", .text(id.lowercased()))
        }
        guard let row else { throw APIError.notFound("alarm rule") }
        return try AlarmRuleRecord(row: row)
    }

    static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }

    static func details(_ settings: AlarmRuleSettings, seriesID: Int64) -> [String: String] {
        var details = ["name": settings.name, "series_id": String(seriesID), "aggregate": settings.aggregate,
                       "period": settings.period, "threshold": settings.threshold, "deadband": settings.deadband,
                       "enabled": String(settings.enabled)]
        details["factor"] = settings.factor
        details["unit"] = settings.unit
        details["early_warning"] = settings.earlyWarning
        return details
    }
}
