import HTTPTypes
import CarbonCore
import Foundation

/// The review workflow: draft → in_review → approved → published, and in_review → draft with a
/// reason. Approval needs the source's review permission and a reviewer who is not the author
/// (four eyes). Each transition is a conditional UPDATE on the expected state, so two requests
/// racing cannot both move the report, and each is audited in its transaction.
extension ReportService {
    func submit(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> ReportDocument {
        let report = try await get(id, scope: scope, permission: .reportsCreate)
        return try await move(report, from: .draft, to: .inReview, action: "reports.submit", context: context,
                              set: "submitted_at = $3, return_reason = NULL")
    }

    func approve(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> ReportDocument {
        let report = try await get(id, scope: scope)
        try scope.require(reviewPermission(report), on: report.ref, what: "report")
        let reviewer = try context.requirePrincipal().id
        guard reviewer != report.authorID else {
            throw APIError(.forbidden, "four_eyes", "the author of a report cannot approve it: another reviewer must")
                .denial("four eyes: author may not approve")
        }
        return try await move(report, from: .inReview, to: .approved, action: "reports.approve", context: context,
                              set: "approved_at = $3, reviewer_id = $4", .text(reviewer))
    }

    func returnToDraft(_ id: String, _ body: ReportReturn, scope: AccessScope, context: AppRequestContext) async throws
        -> ReportDocument
    {
        let report = try await get(id, scope: scope)
        try scope.require(reviewPermission(report), on: report.ref, what: "report")
        let reason = try VerificationValidation.name(body.reason, field: "reason")
        let reviewer = try context.requirePrincipal().id
        return try await move(report, from: .inReview, to: .draft, action: "reports.return", context: context,
                              details: ["reason": reason],
                              set: "return_reason = $4, reviewer_id = $5, approved_at = NULL", .text(reason),
                              .text(reviewer))
    }

    /// Publication freezes the report. The stored HTML is checked against its digest first, so a
    /// report whose bytes were changed behind the service's back is not published.
    func publish(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> ReportDocument {
        let report = try await get(id, scope: scope, permission: .reportsPublish)
        let stored = try await database.read { connection in
            try connection.first("SELECT html, csv FROM reports WHERE id = $1", .text(report.id))
        }
        guard let stored,
              ReportDigest.sha256(Array(try stored.text("html").utf8)) == report.htmlSHA256,
              ReportDigest.sha256(Array(try stored.text("csv").utf8)) == report.csvSHA256
        else { throw APIError.conflict("the stored content does not match its digest; render the report again") }
        let publisher = try context.requirePrincipal().id
        return try await move(report, from: .approved, to: .published, action: "reports.publish", context: context,
                              details: ["html_sha256": report.htmlSHA256, "csv_sha256": report.csvSHA256],
                              set: "published_at = $3, publisher_id = $4", .text(publisher))
    }

    func reviewPermission(_ report: ReportDocument) -> Permission {
        sources.source(report.sourceKind)?.reviewPermission ?? .reportsPublish
    }

    /// `set` may use `$3` (now) and `$4…` (`extra`).
    private func move(_ report: ReportDocument, from: ReportDocument.State, to: ReportDocument.State, action: String,
                      context: AppRequestContext, details: [String: String] = [:], set: String,
                      _ extra: SQLValue...) async throws -> ReportDocument
    {
        guard report.state == from else {
            throw APIError(.conflict, report.state == .published ? "report_published" : "invalid_transition",
                           "the report is \(report.state.rawValue); \(action.dropFirst(8)) needs \(from.rawValue)")
        }
        let now = clock.micros, auditor = self.auditor
        try await database.write { connection in
            let changed = try connection.execute(
                "UPDATE reports SET state = '\(to.rawValue)', updated_at = $3, \(set) WHERE id = $1 AND state = $2",
                [.text(report.id), .text(from.rawValue), .integer(now)] + extra)
            guard changed == 1 else { throw APIError.conflict("the report changed state meanwhile; reload it") }
            var details = details
            details["from"] = from.rawValue
            details["to"] = to.rawValue
            try auditor.append(.init(action: action, target: report.id, organisationID: report.organisationID,
                                     details: details), context: context, on: connection)
        }
        return try await load(report.id)
    }
}
