import HTTPTypes
import CarbonCore
import Foundation

/// Report templates: the built-in ones (read by anyone who may read reports) and organisations'
/// own, which are compiled before they are stored, so a broken one is refused naming its line.
struct ReportTemplateService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    static let select = """
        SELECT t.*, o.id AS o_id, o.path AS o_path, o.time_zone AS o_time_zone
        FROM report_templates t JOIN organisations o ON o.id = t.organisation_id
        """

    func list(scope: AccessScope) async throws -> [ReportTemplate] {
        let prefixes = scope.prefixes(for: .reportsRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            let filter = SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)
            return try connection.query("\(Self.select) WHERE \(filter) ORDER BY t.name, t.id", parameters)
        }
        let own = scope.filter(try rows.map(ReportTemplate.init(row:)), .reportsRead) { $0.ref! }
        return BuiltInTemplates.all.map(ReportTemplate.init(builtIn:)) + own
    }

    /// A template the caller may read: a built-in one, or one of an organisation they read reports of.
    func get(_ id: String, scope: AccessScope, permission: Permission = .reportsRead) async throws -> ReportTemplate {
        if let entry = BuiltInTemplates.entry(id) { return ReportTemplate(builtIn: entry) }
        let template = try await load(id)
        try scope.require(permission, on: template.ref!, what: "report template")
        return template
    }

    func create(_ body: ReportTemplateCreate, scope: AccessScope, context: AppRequestContext) async throws
        -> ReportTemplate
    {
        let organisationID = try VerificationValidation.id(body.organisationID, field: "organisation_id")
        let name = try VerificationValidation.name(body.name, field: "name")
        let description = try VerificationValidation.text(body.description, field: "description", limit: 2000)
        let sourceKind = try body.sourceKind.map { try VerificationValidation.kind($0, field: "source_kind") }
        _ = try ReportRenderer.compile(body.body)
        let organisation = try await database.read { try OrganisationRef.load(id: organisationID, on: $0) }
        guard let organisation else { throw APIError.unknownReference("organisation_id", "organisation") }
        do {
            try scope.require(.reportsCreate, on: organisation, what: "organisation")
        } catch let error as APIError where error.code == "not_found" {
            throw APIError.unknownReference("organisation_id", "organisation").denial(error.deniedBecause ?? "")
        }
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor, text = body.body
        let author = try context.requirePrincipal().id
        try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO report_templates (id, organisation_id, name, description, source_kind, body, created_by,
                    created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
                """, .text(id), .text(organisationID), .text(name), .text(description), SQLValue(sourceKind),
                .text(text), .text(author), .integer(now))
            try auditor.append(.init(action: "reports.templates.create", target: id, organisationID: organisationID,
                                     details: ["name": name, "sha256": ReportDigest.sha256(Array(text.utf8))]),
                               context: context, on: connection)
        }
        return try await load(id)
    }

    func update(_ id: String, _ body: ReportTemplateUpdate, scope: AccessScope, context: AppRequestContext)
        async throws -> ReportTemplate
    {
        if BuiltInTemplates.entry(id) != nil {
            throw APIError.conflict("built-in templates are read-only: create an organisation template from this one")
        }
        let current = try await load(id)
        try scope.require(.reportsCreate, on: current.ref!, what: "report template")
        let name = try body.name.map { try VerificationValidation.name($0, field: "name") } ?? current.name
        let description = try body.description.map {
            try VerificationValidation.text($0, field: "description", limit: 2000)
        } ?? current.description
        let sourceKind = try body.sourceKind.map { try VerificationValidation.kind($0, field: "source_kind") }
            ?? current.sourceKind
        if let text = body.body { _ = try ReportRenderer.compile(text) }
        let text = body.body ?? current.body, now = clock.micros, auditor = self.auditor
        try await database.write { connection in
            try connection.execute(
                """
                UPDATE report_templates SET name = $2, description = $3, source_kind = $4, body = $5, updated_at = $6
                WHERE id = $1
                """, .text(current.id), .text(name), .text(description), SQLValue(sourceKind), .text(text),
                .integer(now))
            try auditor.append(.init(action: "reports.templates.update", target: current.id,
                                     organisationID: current.organisationID,
                                     details: ["name": name, "sha256": ReportDigest.sha256(Array(text.utf8))]),
                               context: context, on: connection)
        }
        return try await load(current.id)
    }

    func delete(_ id: String, scope: AccessScope, context: AppRequestContext) async throws {
        if BuiltInTemplates.entry(id) != nil {
            throw APIError.conflict("built-in templates cannot be deleted")
        }
        let current = try await load(id)
        try scope.require(.reportsCreate, on: current.ref!, what: "report template")
        let auditor = self.auditor
        try await database.write { connection in
            try connection.execute("DELETE FROM report_templates WHERE id = $1", .text(current.id))
            try auditor.append(.init(action: "reports.templates.delete", target: current.id,
                                     organisationID: current.organisationID, details: ["name": current.name]),
                               context: context, on: connection)
        }
    }

    func load(_ id: String) async throws -> ReportTemplate {
        guard UUID(uuidString: id) != nil else { throw APIError.notFound("report template") }
        let row = try await database.read { try $0.first("\(Self.select) WHERE t.id = $1", .text(id.lowercased())) }
        guard let row else { throw APIError.notFound("report template") }
        return try ReportTemplate(row: row)
    }
}
