/// Schema version 6: accounting (issue 5, M4/M5). Inventories keep their draft inputs as JSON text
/// (the CarbonCore input format, so nothing is lost in translation); every calculation writes an
/// immutable row of `inventory_versions` with the inputs as resolved, the factors used, the full
/// result and the hash that tells an unchanged recalculation from a new one. Tag mappings belong
/// to an organisation and feed every inventory of that organisation; organisation factors are
/// layered over the shipped library when that organisation's inventories are calculated.
enum AccountingSchema {
    static let migrations: [Migration] = [
        Migration(version: 6, name: "accounting") { _ in
            [
                """
                CREATE TABLE inventory_mappings (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    source_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    series_id BIGINT,
                    aggregation TEXT,
                    unit TEXT,
                    conversion TEXT,
                    concentration_series_id BIGINT,
                    flow_series_id BIGINT,
                    template TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX inventory_mappings_organisation ON inventory_mappings(organisation_id, source_id)",
                """
                CREATE TABLE inventories (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    name TEXT NOT NULL,
                    reporting_year BIGINT NOT NULL,
                    period_from TEXT NOT NULL,
                    period_to TEXT NOT NULL,
                    gwp TEXT,
                    sources TEXT NOT NULL,
                    production TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX inventories_organisation ON inventories(organisation_id, reporting_year)",
                """
                CREATE TABLE inventory_versions (
                    inventory_id TEXT NOT NULL REFERENCES inventories(id),
                    number BIGINT NOT NULL,
                    input_hash TEXT NOT NULL,
                    inputs TEXT NOT NULL,
                    factors TEXT NOT NULL,
                    result TEXT NOT NULL,
                    total_tco2e TEXT NOT NULL,
                    calculated_by TEXT NOT NULL,
                    calculated_at BIGINT NOT NULL,
                    approved_by TEXT,
                    approved_at BIGINT,
                    PRIMARY KEY (inventory_id, number))
                """,
                """
                CREATE TABLE organisation_factors (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    factor_id TEXT NOT NULL,
                    record TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    UNIQUE (organisation_id, factor_id))
                """,
            ]
        }
    ]
}
