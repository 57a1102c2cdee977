import HTTPTypes
import CarbonCore
import Hummingbird
import NIOCore

/// HTTP for report templates and report documents: decode, call the services, encode.
struct ReportsController {
    let service: ReportService
    let templates: ReportTemplateService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        registerTemplates(in: routes)
        let service = self.service, scopes = self.scopes
        routes.add(.get, "/api/v1/reports", access: .permission(.reportsRead), tag: "reports",
                   summary: "List the reports the caller may see", response: .array(ReportDocument.schema)) { _, context in
            JSONReply(try await service.list(scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/reports", access: .permission(.reportsCreate), tag: "reports",
                   summary: "Render a report from a template and a source object (source_kind + source_id) as a draft",
                   request: ReportCreate.schema, response: ReportDocument.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(ReportCreate.self, from: request, context: context)
            return JSONReply(try await service.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/reports/:id", access: .permission(.reportsRead), tag: "reports",
                   summary: "One report's metadata, state and digests", response: ReportDocument.schema) { _, context in
            JSONReply(try await service.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.patch, "/api/v1/reports/:id", access: .permission(.reportsCreate), tag: "reports",
                   summary: "Edit a draft (title, template) and render it again from its source; 409 unless draft",
                   request: ReportUpdate.schema, response: ReportDocument.schema) { request, context in
            let body = try await JSONBody.decode(ReportUpdate.self, from: request, context: context)
            return JSONReply(try await service.update(try context.parameters.require("id"), body,
                                                      scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.get, "/api/v1/reports/:id/content.html", access: .permission(.reportsRead), tag: "reports",
                   summary: "The rendered report as HTML") { _, context in
            let html = try await service.content(try context.parameters.require("id"), .html,
                                                 scope: try await scopes.scope(for: context))
            return Self.file(ByteBuffer(string: html), type: "text/html; charset=utf-8", name: nil)
        }
        routes.add(.get, "/api/v1/reports/:id/content.csv", access: .permission(.reportsRead), tag: "reports",
                   summary: "The tabular part of the report as CSV") { _, context in
            let id = try context.parameters.require("id")
            let csv = try await service.content(id, .csv, scope: try await scopes.scope(for: context))
            return Self.file(ByteBuffer(string: csv), type: "text/csv; charset=utf-8", name: "report-\(id).csv")
        }
        routes.add(.get, "/api/v1/reports/:id/content.pdf", access: .permission(.reportsRead), tag: "reports",
                   summary: "The report as PDF (headless Chromium); 503 when no renderer is installed",
                   errors: [503]) { _, context in
            let id = try context.parameters.require("id")
            let bytes = try await service.pdf(id, scope: try await scopes.scope(for: context), context: context)
            return Self.file(ByteBuffer(bytes: bytes), type: "application/pdf", name: "report-\(id).pdf")
        }
        registerWorkflow(in: routes)
    }

    private func registerWorkflow(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes
        routes.add(.post, "/api/v1/reports/:id/submit", access: .permission(.reportsCreate), tag: "reports",
                   summary: "Send a draft for review (draft → in_review)", response: ReportDocument.schema) { _, context in
            JSONReply(try await service.submit(try context.parameters.require("id"),
                                               scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.post, "/api/v1/reports/:id/approve", access: .permission(.reportsRead), tag: "reports",
                   summary: "Approve a report in review (the source's review permission; never its author)",
                   response: ReportDocument.schema) { _, context in
            JSONReply(try await service.approve(try context.parameters.require("id"),
                                                scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.post, "/api/v1/reports/:id/return", access: .permission(.reportsRead), tag: "reports",
                   summary: "Return a report in review to draft, with a reason", request: ReportReturn.schema,
                   response: ReportDocument.schema) { request, context in
            let body = try await JSONBody.decode(ReportReturn.self, from: request, context: context)
            return JSONReply(try await service.returnToDraft(try context.parameters.require("id"), body,
                                                             scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.post, "/api/v1/reports/:id/publish", access: .permission(.reportsPublish), tag: "reports",
                   summary: "Publish an approved report: its content is frozen, pinned by SHA-256",
                   response: ReportDocument.schema) { _, context in
            JSONReply(try await service.publish(try context.parameters.require("id"),
                                                scope: try await scopes.scope(for: context), context: context))
        }
    }

    private func registerTemplates(in routes: RouteRegistry) {
        let templates = self.templates, scopes = self.scopes
        routes.add(.get, "/api/v1/report-templates", access: .permission(.reportsRead), tag: "reports",
                   summary: "The built-in templates and the organisation templates the caller may see",
                   response: .array(ReportTemplate.schema)) { _, context in
            JSONReply(try await templates.list(scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/report-templates", access: .permission(.reportsCreate), tag: "reports",
                   summary: "Create an organisation's template (mustache; a broken one is 422 naming its line)",
                   request: ReportTemplateCreate.schema, response: ReportTemplate.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(ReportTemplateCreate.self, from: request, context: context)
            return JSONReply(try await templates.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/report-templates/:id", access: .permission(.reportsRead), tag: "reports",
                   summary: "One template", response: ReportTemplate.schema) { _, context in
            JSONReply(try await templates.get(try context.parameters.require("id"),
                                              scope: try await scopes.scope(for: context)))
        }
        routes.add(.patch, "/api/v1/report-templates/:id", access: .permission(.reportsCreate), tag: "reports",
                   summary: "Change an organisation's template (built-in ones are read-only: 409)",
                   request: ReportTemplateUpdate.schema, response: ReportTemplate.schema) { request, context in
            let body = try await JSONBody.decode(ReportTemplateUpdate.self, from: request, context: context)
            return JSONReply(try await templates.update(try context.parameters.require("id"), body,
                                                        scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.delete, "/api/v1/report-templates/:id", access: .permission(.reportsCreate), tag: "reports",
                   summary: "Delete an organisation's template (reports made with it keep their content)",
                   status: 204) { _, context in
            try await templates.delete(try context.parameters.require("id"), scope: try await scopes.scope(for: context),
                                       context: context)
            return Response(status: .noContent)
        }
    }

    /// Rendered content: scripts and remote loads are switched off for browsers that open it, as
    /// a template author could otherwise ship script to every reader.
    static func file(_ body: ByteBuffer, type: String, name: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
        headers[.xContentTypeOptions] = "nosniff"
        if let name { headers[.contentDisposition] = "attachment; filename=\"\(name)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
