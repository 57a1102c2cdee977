import HTTPTypes
import CarbonCore
import Foundation

/// Use cases of report documents: render from a template and a source, list, read the rendered
/// content, and edit a draft. The review workflow is in `ReportService+Workflow.swift`.
struct ReportService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock
    let sources: ReportSourceRegistry
    let templates: ReportTemplateService
    let pdf: PDFRenderer

    func list(scope: AccessScope) async throws -> [ReportDocument] {
        let prefixes = scope.prefixes(for: .reportsRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            let filter = SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)
            return try connection.query("\(ReportDocument.select) WHERE \(filter) ORDER BY r.created_at DESC, r.id",
                                        parameters)
        }
        return scope.filter(try rows.map(ReportDocument.init(row:)), .reportsRead) { $0.ref }
    }

    func get(_ id: String, scope: AccessScope, permission: Permission = .reportsRead) async throws -> ReportDocument {
        let report = try await load(id)
        try scope.require(permission, on: report.ref, what: "report")
        return report
    }

    func create(_ body: ReportCreate, scope: AccessScope, context: AppRequestContext) async throws -> ReportDocument {
        let templateID = try VerificationValidation.id(body.templateID, field: "template_id")
        let kind = try VerificationValidation.kind(body.sourceKind, field: "source_kind")
        let sourceID = try VerificationValidation.name(body.sourceID, field: "source_id")
        let title = try body.title.map { try VerificationValidation.name($0, field: "title") }
        let rendered = try await render(templateID: templateID, kind: kind, sourceID: sourceID, title: title,
                                        scope: scope)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        let author = try context.requirePrincipal().id
        try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO reports (id, organisation_id, title, template_id, template_name, source_kind, source_id,
                    state, author_id, html, csv, html_sha256, csv_sha256, rendered_at, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10, $11, $12, $13, $13, $13)
                """, .text(id), .text(rendered.organisation.id), .text(rendered.title), .text(rendered.template.id),
                .text(rendered.template.name), .text(kind), .text(sourceID), .text(author), .text(rendered.html),
                .text(rendered.csv), .text(rendered.htmlSHA256), .text(rendered.csvSHA256), .integer(now))
            try auditor.append(.init(action: "reports.create", target: id, organisationID: rendered.organisation.id,
                                     details: ["source": "\(kind):\(sourceID)", "template_id": rendered.template.id,
                                               "html_sha256": rendered.htmlSHA256]),
                               context: context, on: connection)
        }
        return try await load(id)
    }

    /// Edits a draft (new title or template) and renders it again from the source's current data;
    /// an empty body just refreshes. Anything but a draft is 409: what was reviewed is what is published.
    func update(_ id: String, _ body: ReportUpdate, scope: AccessScope, context: AppRequestContext) async throws
        -> ReportDocument
    {
        let report = try await get(id, scope: scope, permission: .reportsCreate)
        guard report.state == .draft else { throw Self.notEditable(report) }
        let title = try body.title.map { try VerificationValidation.name($0, field: "title") } ?? report.title
        let templateID = try body.templateID.map { try VerificationValidation.id($0, field: "template_id") }
            ?? report.templateID
        let rendered = try await render(templateID: templateID, kind: report.sourceKind, sourceID: report.sourceID,
                                        title: title, scope: scope)
        let now = clock.micros, auditor = self.auditor
        try await database.write { connection in
            let changed = try connection.execute(
                """
                UPDATE reports SET title = $2, template_id = $3, template_name = $4, html = $5, csv = $6,
                    html_sha256 = $7, csv_sha256 = $8, pdf = NULL, pdf_sha256 = NULL, rendered_at = $9, updated_at = $9
                WHERE id = $1 AND state = 'draft'
                """, .text(report.id), .text(rendered.title), .text(rendered.template.id),
                .text(rendered.template.name), .text(rendered.html), .text(rendered.csv), .text(rendered.htmlSHA256),
                .text(rendered.csvSHA256), .integer(now))
            guard changed == 1 else { throw APIError.conflict("the report left the draft state while it was edited") }
            try auditor.append(.init(action: "reports.update", target: report.id, organisationID: report.organisationID,
                                     details: ["title": rendered.title, "template_id": rendered.template.id,
                                               "html_sha256": rendered.htmlSHA256]),
                               context: context, on: connection)
        }
        return try await load(report.id)
    }

    static func notEditable(_ report: ReportDocument) -> APIError {
        report.state == .published
            ? APIError(.conflict, "report_published", "the report is published: its content is frozen")
            : APIError(.conflict, "report_not_draft",
                       "the report is \(report.state.rawValue): only a draft can be edited (return it to draft first)")
    }

    enum Content { case html, csv }

    func content(_ id: String, _ content: Content, scope: AccessScope) async throws -> String {
        let report = try await get(id, scope: scope)
        let column = content == .html ? "html" : "csv"
        return try await database.read { connection in
            try connection.first("SELECT \(column) FROM reports WHERE id = $1", .text(report.id))?.text(column) ?? ""
        }
    }

    /// The report as PDF. Rendered once per content and kept (a published report's PDF is then
    /// as fixed as its HTML); 503 when no renderer is installed.
    func pdf(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> [UInt8] {
        let report = try await get(id, scope: scope)
        let stored = try await database.read { connection in
            try connection.first("SELECT pdf, html FROM reports WHERE id = $1", .text(report.id))
        }
        guard let stored else { throw APIError.notFound("report") }
        if case .blob(let bytes) = stored["pdf"], !bytes.isEmpty { return bytes }
        let bytes = try await pdf.render(html: try stored.text("html"))
        let digest = ReportDigest.sha256(bytes), auditor = self.auditor
        return try await database.write { connection in
            let changed = try connection.execute(
                "UPDATE reports SET pdf = $2, pdf_sha256 = $3 WHERE id = $1 AND pdf IS NULL AND html_sha256 = $4",
                .text(report.id), .blob(bytes), .text(digest), .text(report.htmlSHA256))
            if changed == 1 {
                try auditor.append(.init(action: "reports.pdf", target: report.id, organisationID: report.organisationID,
                                         details: ["pdf_sha256": digest, "html_sha256": report.htmlSHA256]),
                                   context: context, on: connection)
                return bytes
            }
            // Another request stored one first (or the draft changed): serve what is stored now.
            if case .blob(let kept)? = try connection.first("SELECT pdf FROM reports WHERE id = $1", .text(report.id))?["pdf"],
               !kept.isEmpty { return kept }
            return bytes
        }
    }

    func load(_ id: String) async throws -> ReportDocument {
        guard UUID(uuidString: id) != nil else { throw APIError.notFound("report") }
        let row = try await database.read { try $0.first("\(ReportDocument.select) WHERE r.id = $1", .text(id.lowercased())) }
        guard let row else { throw APIError.notFound("report") }
        return try ReportDocument(row: row)
    }
}
