import HTTPTypes
import CarbonCore
import Foundation

/// The `verification` report source: a plan with its process records, as the context of the
/// built-in verification report (and of organisations' own templates for it). The table is one
/// row per process record.
struct VerificationReportSource: ReportSource {
    let database: any Database
    var kind: String { "verification" }
    var reviewPermission: Permission { .verificationReview }

    func load(id: String, scope: AccessScope) async throws -> ReportData {
        let service = VerificationService(database: database, auditor: Auditor(database: database, clock: .system),
                                          clock: .system)
        let plan = try await service.plan(id, scope: scope)
        let records = try await service.records(planID: plan.id, scope: scope)
        let organisationName = try await database.read { connection in
            try connection.first("SELECT name FROM organisations WHERE id = $1", .text(plan.organisationID))?.text("name")
        } ?? ""
        return ReportData(organisation: plan.ref, organisationName: organisationName, title: plan.title,
                          context: Self.context(plan: plan, records: records), table: Self.table(records))
    }

    static func context(plan: VerificationPlan, records: [VerificationRecord]) -> ReportValue {
        func value(_ record: VerificationRecord) -> ReportValue {
            .object([
                "id": .text(record.id), "kind": .text(record.kind), "title": .text(record.title),
                "description": .text(record.description), "occurred_on": .text(record.occurredOn),
                "severity": .text(record.severity ?? ""), "resolution": .text(record.resolution ?? ""),
                "resolution_note": .text(record.resolutionNote ?? ""),
                "is_open": .flag(record.resolution == "open"),
                "evidence": .list(record.evidence.map {
                    .object(["reference": .text($0.reference), "description": .text($0.description ?? "")])
                }),
            ])
        }
        let findings = records.filter { $0.kind == "finding" }
        let open = findings.filter { $0.resolution == "open" }
        let bySeverity: [ReportValue] = VerificationRecord.severities.reversed().map { severity in
            .object(["severity": .text(severity),
                     "count": .text(String(findings.filter { $0.severity == severity }.count))])
        }
        return .object([
            "plan": .object([
                "id": .text(plan.id), "title": .text(plan.title), "subject_kind": .text(plan.subjectKind),
                "subject_id": .text(plan.subjectID), "scope": .text(plan.scope), "method": .text(plan.method),
                "standard": .text(plan.standard), "starts_on": .text(plan.startsOn), "ends_on": .text(plan.endsOn),
                "team": .list(plan.team.map { .object(["name": .text($0.name), "role": .text($0.role)]) }),
                "schedule": .list(plan.schedule.map { .object(["activity": .text($0.activity), "date": .text($0.date)]) }),
            ]),
            "data_collection": .list(records.filter { $0.kind == "data_collection" }.map(value)),
            "site_checks": .list(records.filter { $0.kind == "site_check" }.map(value)),
            "findings": .list(findings.map(value)),
            "summary": .object([
                "records": .text(String(records.count)), "findings": .text(String(findings.count)),
                "open_findings": .text(String(open.count)), "all_resolved": .flag(open.isEmpty),
                "by_severity": .list(bySeverity),
            ]),
        ])
    }

    static func table(_ records: [VerificationRecord]) -> ReportTable {
        ReportTable(
            columns: ["record_id", "kind", "occurred_on", "title", "description", "severity", "resolution",
                      "resolution_note", "evidence"],
            rows: records.map { record in
                [record.id, record.kind, record.occurredOn, record.title, record.description, record.severity ?? "",
                 record.resolution ?? "", record.resolutionNote ?? "",
                 record.evidence.map(\.reference).joined(separator: "; ")]
            })
    }
}
