import HTTPTypes
import CarbonCore
import Foundation

extension ReportService {
    struct Rendered: Sendable {
        let organisation: OrganisationRef
        let title: String
        let template: ReportTemplate
        let html: String
        let csv: String
        var htmlSHA256: String { ReportDigest.sha256(Array(html.utf8)) }
        var csvSHA256: String { ReportDigest.sha256(Array(csv.utf8)) }
    }

    /// Loads the source (its own read check), checks the caller may make reports for its
    /// organisation and may use the template, and renders both parts. Objects the caller cannot
    /// see are named as unknown references (422), the same as missing ones.
    func render(templateID: String, kind: String, sourceID: String, title: String?, scope: AccessScope) async throws
        -> Rendered
    {
        guard let source = sources.source(kind) else {
            throw APIError.invalidField("source_kind", "unknown source kind '\(kind)'; known: \(sources.kinds.joined(separator: ", "))")
        }
        let data: ReportData
        do {
            data = try await source.load(id: sourceID, scope: scope)
        } catch let error as APIError where error.code == "not_found" {
            throw Self.unknown("source_id", kind, error)
        }
        do {
            try scope.require(.reportsCreate, on: data.organisation, what: "report source")
        } catch let error as APIError where error.code == "not_found" {
            throw Self.unknown("source_id", kind, error)
        }
        let template: ReportTemplate
        do {
            template = try await templates.get(templateID, scope: scope)
        } catch let error as APIError where error.code == "not_found" {
            throw Self.unknown("template_id", "report template", error)
        }
        if let expected = template.sourceKind, expected != kind {
            throw APIError.invalidField("template_id", "the template is for '\(expected)' reports, not '\(kind)'")
        }
        if let owner = template.ref, !owner.path.contains(data.organisation.path) {
            throw APIError.invalidField(
                "template_id", "the template belongs to another organisation: use one of the report's organisation or above")
        }
        let compiled = template.builtIn
            ? ReportRenderer.compileBuiltIn(template.body) : try ReportRenderer.compile(template.body, field: "template_id")
        let finalTitle = title ?? data.title
        let context = data.context.merging([
            "report": .object([
                "title": .text(finalTitle), "organisation": .text(data.organisationName),
                "generated_at": .text(ServiceClock.iso(clock.micros)), "source_kind": .text(kind),
                "source_id": .text(sourceID), "template": .text(template.name),
            ])
        ])
        return Rendered(organisation: data.organisation, title: finalTitle, template: template,
                        html: ReportRenderer.html(compiled, context: context), csv: ReportRenderer.csv(data.table))
    }

    private static func unknown(_ field: String, _ what: String, _ cause: APIError) -> APIError {
        let error = APIError.unknownReference(field, what)
        return cause.deniedBecause.map { error.denial($0) } ?? error
    }
}
