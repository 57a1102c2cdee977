import CarbonCore
import Hummingbird

/// HTTP for the audit log: search and the full-chain export. Checkpoints are deliberately not
/// served: they live in a file outside the database, and `carbonctl audit verify` reads that file.
struct AuditController {
    let service: AuditService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes
        routes.add(.get, "/api/v1/audit", access: .permission(.auditRead), tag: "audit",
                   summary: "Search the audit log (actor_id, action prefix, outcome, organisation_id, from, to, "
                       + "after_sequence, limit ≤ 1000); the search is itself audited",
                   response: AuditSearchReply.schema, query: AuditQuery.parameters) { request, context in
            let query = try AuditQuery(parameters: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
            return JSONReply(try await service.search(query, scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.get, "/api/v1/audit/export", access: .permission(.auditExport), tag: "audit",
                   summary: "The whole hash chain as JSON lines (application/x-ndjson), for offline verification; "
                       + "auditors at a root only") { _, context in
            let head = try await service.beginExport(scope: try await scopes.scope(for: context), context: context)
            let body = ResponseBody { writer in
                try await service.streamExport(through: head) { try await writer.write($0) }
                try await writer.finish(nil)
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/x-ndjson"
            headers[.contentDisposition] = "attachment; filename=\"audit-export.jsonl\""
            return Response(status: .ok, headers: headers, body: body)
        }
    }
}
