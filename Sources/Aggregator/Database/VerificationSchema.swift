/// Schema version 8: verification (M7) and the report engine. Plans, their process records,
/// organisation-owned report templates and rendered report documents with their review states.
/// Lists (team, schedule, evidence) are JSON text: they are read and written whole with their row.
enum VerificationSchema {
    static let migrations: [Migration] = [
        Migration(version: 8, name: "verification-reports") { dialect in
            let bytes = dialect == .postgres ? "BYTEA" : "BLOB"
            return [
                """
                CREATE TABLE verification_plans (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    title TEXT NOT NULL,
                    subject_kind TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    method TEXT NOT NULL,
                    standard TEXT NOT NULL,
                    starts_on TEXT NOT NULL,
                    ends_on TEXT NOT NULL,
                    schedule TEXT NOT NULL,
                    team TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX verification_plans_organisation ON verification_plans(organisation_id)",
                """
                CREATE TABLE verification_records (
                    id TEXT PRIMARY KEY,
                    plan_id TEXT NOT NULL REFERENCES verification_plans(id),
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    kind TEXT NOT NULL,
                    title TEXT NOT NULL,
                    description TEXT NOT NULL,
                    occurred_on TEXT NOT NULL,
                    severity TEXT,
                    resolution TEXT,
                    resolution_note TEXT,
                    evidence TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX verification_records_plan ON verification_records(plan_id, created_at)",
                """
                CREATE TABLE report_templates (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    source_kind TEXT,
                    body TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX report_templates_organisation ON report_templates(organisation_id)",
                """
                CREATE TABLE reports (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    title TEXT NOT NULL,
                    template_id TEXT NOT NULL,
                    template_name TEXT NOT NULL,
                    source_kind TEXT NOT NULL,
                    source_id TEXT NOT NULL,
                    state TEXT NOT NULL,
                    author_id TEXT NOT NULL,
                    reviewer_id TEXT,
                    publisher_id TEXT,
                    return_reason TEXT,
                    html TEXT NOT NULL,
                    csv TEXT NOT NULL,
                    html_sha256 TEXT NOT NULL,
                    csv_sha256 TEXT NOT NULL,
                    pdf \(bytes),
                    pdf_sha256 TEXT,
                    rendered_at BIGINT NOT NULL,
                    submitted_at BIGINT,
                    approved_at BIGINT,
                    published_at BIGINT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX reports_organisation ON reports(organisation_id, created_at)",
            ]
        }
    ]
}
