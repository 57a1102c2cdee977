/// Schema version 11: regional accounting (M4). An account is a CarbonCore regional model (region
/// tree, enterprise reports, energy statistics, electricity settings) owned by an organisation and
/// kept as its JSON text, so the API and `carbonctl region` accept the same documents. Every
/// calculation writes an immutable `regional_versions` row with the model as calculated, the full
/// result (views, trends, trails) and the hash of model and factors; an unchanged model gives the
/// existing version back.
enum RegionalSchema {
    static let migrations: [Migration] = [
        Migration(version: 11, name: "regional") { _ in
            [
                """
                CREATE TABLE regional_accounts (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    name TEXT NOT NULL,
                    model TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX regional_accounts_organisation ON regional_accounts(organisation_id)",
                """
                CREATE TABLE regional_versions (
                    account_id TEXT NOT NULL REFERENCES regional_accounts(id),
                    number BIGINT NOT NULL,
                    input_hash TEXT NOT NULL,
                    model TEXT NOT NULL,
                    result TEXT NOT NULL,
                    calculated_by TEXT NOT NULL,
                    calculated_at BIGINT NOT NULL,
                    PRIMARY KEY (account_id, number),
                    UNIQUE (account_id, input_hash))
                """,
            ]
        },
    ]
}
