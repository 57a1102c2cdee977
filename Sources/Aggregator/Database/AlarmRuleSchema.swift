/// Schema version 10: server-side alarm rules (issue 5, M3). A rule watches one series' aggregate
/// over the current hour or day (the site's day) and raises central alarms of origin 'rule'
/// (`alarms.source_key` = 'rule:<rule id>', kinds H and HH) through the CarbonCore engine.
///
/// The engine's saved state and the evaluation watermark live on the rule row: an evaluation
/// locks the row (FOR UPDATE on PostgreSQL, the write transaction on SQLite), so two replicas
/// evaluating the same minute run one after the other and the second, seeing the watermark at or
/// past its time, writes nothing. Decimals are exact text, times microseconds UTC.
enum AlarmRuleSchema {
    static let migrations: [Migration] = [
        Migration(version: 10, name: "alarm_rules") { _ in
            [
                """
                CREATE TABLE alarm_rules (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    name TEXT NOT NULL,
                    series_id BIGINT NOT NULL REFERENCES series(id),
                    aggregate TEXT NOT NULL CHECK (aggregate IN ('sum', 'avg', 'max', 'last')),
                    period TEXT NOT NULL CHECK (period IN ('hour', 'day')),
                    factor TEXT,
                    unit TEXT,
                    early_warning TEXT,
                    threshold TEXT NOT NULL,
                    deadband TEXT NOT NULL,
                    enabled BIGINT NOT NULL,
                    -- CarbonCore AlarmEngine JSON; NULL until the first evaluation.
                    engine_state TEXT,
                    last_value TEXT,
                    evaluated_at BIGINT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX alarm_rules_organisation ON alarm_rules(organisation_id)",
                "CREATE INDEX alarm_rules_enabled ON alarm_rules(enabled)",
            ]
        }
    ]
}
