import HTTPTypes
import CarbonCore
import Foundation

/// Use cases of verification (M7): plans and their process records. Plans belong to an
/// organisation; every read and change is checked against it, and every change is audited in
/// the same transaction.
struct VerificationService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    static let planSelect = """
        SELECT p.*, o.id AS o_id, o.path AS o_path, o.time_zone AS o_time_zone
        FROM verification_plans p JOIN organisations o ON o.id = p.organisation_id
        """
    static let recordSelect = """
        SELECT r.*, o.id AS o_id, o.path AS o_path, o.time_zone AS o_time_zone
        FROM verification_records r JOIN organisations o ON o.id = r.organisation_id
        """

    func listPlans(scope: AccessScope) async throws -> [VerificationPlan] {
        let prefixes = scope.prefixes(for: .verificationRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            let filter = SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)
            return try connection.query("\(Self.planSelect) WHERE \(filter) ORDER BY p.created_at DESC, p.id", parameters)
        }
        return scope.filter(try rows.map(VerificationPlan.init(row:)), .verificationRead) { $0.ref }
    }

    func plan(_ id: String, scope: AccessScope, permission: Permission = .verificationRead) async throws
        -> VerificationPlan
    {
        let plan = try await loadPlan(id)
        try scope.require(permission, on: plan.ref, what: "verification plan")
        return plan
    }

    func createPlan(_ body: VerificationPlanCreate, scope: AccessScope, context: AppRequestContext) async throws
        -> VerificationPlan
    {
        let organisationID = try VerificationValidation.id(body.organisationID, field: "organisation_id")
        let title = try VerificationValidation.name(body.title, field: "title")
        let subjectKind = try VerificationValidation.kind(body.subjectKind, field: "subject_kind")
        let subjectID = try VerificationValidation.name(body.subjectID, field: "subject_id")
        let planScope = try VerificationValidation.text(body.scope, field: "scope")
        guard !planScope.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.invalidField("scope", "'scope' says what is verified")
        }
        let method = try VerificationValidation.name(body.method, field: "method")
        let standard = try VerificationValidation.text(body.standard, field: "standard", limit: 200)
        let startsOn = try VerificationValidation.date(body.startsOn, field: "starts_on")
        let endsOn = try VerificationValidation.date(body.endsOn, field: "ends_on")
        guard endsOn >= startsOn else { throw APIError.invalidField("ends_on", "'ends_on' is before 'starts_on'") }
        let schedule = try (body.schedule ?? []).enumerated().map { index, milestone in
            VerificationPlan.Milestone(
                activity: try VerificationValidation.name(milestone.activity, field: "schedule[\(index)].activity"),
                date: try VerificationValidation.date(milestone.date, field: "schedule[\(index)].date"))
        }
        guard !body.team.isEmpty, body.team.count <= 100 else {
            throw APIError.invalidField("team", "'team' names 1 to 100 verifiers")
        }
        let team = try body.team.enumerated().map { index, member in
            VerificationPlan.Member(name: try VerificationValidation.name(member.name, field: "team[\(index)].name"),
                                    role: try VerificationValidation.name(member.role, field: "team[\(index)].role"))
        }
        guard schedule.count <= 200 else { throw APIError.invalidField("schedule", "at most 200 milestones") }
        let organisation = try await database.read { try OrganisationRef.load(id: organisationID, on: $0) }
        guard let organisation else { throw APIError.unknownReference("organisation_id", "organisation") }
        do {
            try scope.require(.verificationCreate, on: organisation, what: "organisation")
        } catch let error as APIError where error.code == "not_found" {
            throw APIError.unknownReference("organisation_id", "organisation").denial(error.deniedBecause ?? "")
        }
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        let author = try context.requirePrincipal().id
        let scheduleJSON = try VerificationValidation.json(schedule), teamJSON = try VerificationValidation.json(team)
        try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO verification_plans (id, organisation_id, title, subject_kind, subject_id, scope, method,
                    standard, starts_on, ends_on, schedule, team, created_by, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
                """, .text(id), .text(organisationID), .text(title), .text(subjectKind), .text(subjectID),
                .text(planScope), .text(method), .text(standard), .text(startsOn), .text(endsOn), .text(scheduleJSON),
                .text(teamJSON), .text(author), .integer(now))
            try auditor.append(.init(action: "verification.plans.create", target: id, organisationID: organisationID,
                                     details: ["title": title, "subject": "\(subjectKind):\(subjectID)"]),
                               context: context, on: connection)
        }
        return try await loadPlan(id)
    }

    func records(planID: String, scope: AccessScope) async throws -> [VerificationRecord] {
        let plan = try await plan(planID, scope: scope)
        return try await database.read { connection in
            try connection.query("\(Self.recordSelect) WHERE r.plan_id = $1 ORDER BY r.occurred_on, r.created_at, r.id",
                                 .text(plan.id)).map(VerificationRecord.init(row:))
        }
    }

    func addRecord(planID: String, _ body: VerificationRecordCreate, scope: AccessScope, context: AppRequestContext)
        async throws -> VerificationRecord
    {
        let plan = try await plan(planID, scope: scope, permission: .verificationReview)
        let kind = try VerificationValidation.oneOf(body.kind, VerificationRecord.kinds, field: "kind")
        let title = try VerificationValidation.name(body.title, field: "title")
        let description = try VerificationValidation.text(body.description, field: "description")
        let occurredOn = try VerificationValidation.date(body.occurredOn, field: "occurred_on")
        var severity: String?, resolution: String?
        if kind == "finding" {
            guard let given = body.severity else {
                throw APIError(.unprocessableContent, "missing_field", "a finding needs a 'severity'", field: "severity")
            }
            severity = try VerificationValidation.oneOf(given, VerificationRecord.severities, field: "severity")
            resolution = "open"
        } else if body.severity != nil {
            throw APIError.invalidField("severity", "only findings have a severity")
        }
        let evidence = try (body.evidence ?? []).enumerated().map { index, item in
            VerificationRecord.Evidence(
                reference: try VerificationValidation.name(item.reference, field: "evidence[\(index)].reference"),
                description: try item.description.map {
                    try VerificationValidation.text($0, field: "evidence[\(index)].description", limit: 2000)
                })
        }
        guard evidence.count <= 200 else { throw APIError.invalidField("evidence", "at most 200 evidence references") }
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        let severityValue = SQLValue(severity), resolutionValue = SQLValue(resolution), severityText = severity ?? ""
        let author = try context.requirePrincipal().id, evidenceJSON = try VerificationValidation.json(evidence)
        try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO verification_records (id, plan_id, organisation_id, kind, title, description, occurred_on,
                    severity, resolution, resolution_note, evidence, created_by, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11, $12, $12)
                """, .text(id), .text(plan.id), .text(plan.organisationID), .text(kind), .text(title),
                .text(description), .text(occurredOn), severityValue, resolutionValue, .text(evidenceJSON),
                .text(author), .integer(now))
            try auditor.append(.init(action: "verification.records.create", target: id,
                                     organisationID: plan.organisationID,
                                     details: ["plan_id": plan.id, "kind": kind, "severity": severityText]),
                               context: context, on: connection)
        }
        return try await loadRecord(id)
    }

    /// Sets a finding's resolution status (open → resolved or accepted, or reopened).
    func resolve(recordID: String, _ body: VerificationRecordUpdate, scope: AccessScope, context: AppRequestContext)
        async throws -> VerificationRecord
    {
        let record = try await loadRecord(recordID)
        try scope.require(.verificationReview, on: record.ref, what: "verification record")
        let resolution = try VerificationValidation.oneOf(body.resolution, VerificationRecord.resolutions,
                                                          field: "resolution")
        let note = try VerificationValidation.text(body.resolutionNote, field: "resolution_note")
        guard record.kind == "finding" else {
            throw APIError.conflict("only findings have a resolution; this record is a \(record.kind)")
        }
        let now = clock.micros, auditor = self.auditor
        try await database.write { connection in
            try connection.execute(
                "UPDATE verification_records SET resolution = $2, resolution_note = $3, updated_at = $4 WHERE id = $1",
                .text(record.id), .text(resolution), .text(note), .integer(now))
            try auditor.append(.init(action: "verification.records.resolve", target: record.id,
                                     organisationID: record.organisationID,
                                     details: ["from": record.resolution ?? "", "to": resolution]),
                               context: context, on: connection)
        }
        return try await loadRecord(record.id)
    }

    func loadPlan(_ id: String) async throws -> VerificationPlan {
        guard UUID(uuidString: id) != nil else { throw APIError.notFound("verification plan") }
        let row = try await database.read { try $0.first("\(Self.planSelect) WHERE p.id = $1", .text(id.lowercased())) }
        guard let row else { throw APIError.notFound("verification plan") }
        return try VerificationPlan(row: row)
    }

    func loadRecord(_ id: String) async throws -> VerificationRecord {
        guard UUID(uuidString: id) != nil else { throw APIError.notFound("verification record") }
        let row = try await database.read { try $0.first("\(Self.recordSelect) WHERE r.id = $1", .text(id.lowercased())) }
        guard let row else { throw APIError.notFound("verification record") }
        return try VerificationRecord(row: row)
    }
}
