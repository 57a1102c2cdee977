import HTTPTypes
import CarbonCore
import Foundation

/// Imports of readings from third-party systems: one site per import, every row cleaned by
/// `ImportCleaner`, the accepted rows stored all together with the report in one transaction (or
/// nothing at all), marked with the import's number so history can tell them apart.
struct ImportService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    static let maximumRows = 100_000

    struct Input: Sendable {
        let format: String
        let siteID: String
        let rows: [ImportRow]
        let rules: ImportRules?
    }

    func create(_ input: Input, scope: AccessScope, context: AppRequestContext) async throws -> ImportReport {
        guard input.rows.count <= Self.maximumRows else {
            throw APIError(.contentTooLarge, "too_many_rows", "an import holds at most \(Self.maximumRows) rows")
        }
        let now = clock.micros, auditor = self.auditor, id = SecretToken.newID()
        let actor = scope.principal.id
        return try await database.write { connection in
            guard let site = try OrganisationRef.load(id: input.siteID, on: connection), scope.canSee(site) else {
                throw APIError.unknownReference("site_id", "site")
            }
            try scope.require(.readingsWrite, on: site, what: "site")
            let targets = try Self.targets(siteID: site.id, on: connection)
            if connection.dialect == .postgres {
                // The same per-agent lock as ingest: aggregates of a series merge one writer at a time.
                for agent in Set(targets.map(\.agentID)).sorted() {
                    try connection.execute("SELECT pg_advisory_xact_lock(7402027, hashtext($1))", .text(agent))
                }
            }
            var rules = input.rules ?? ImportRules(), source = input.rules == nil ? "default" : "request"
            if input.rules == nil, let row = try connection.first("SELECT rules FROM import_rules WHERE site_id = $1",
                                                                  .text(site.id)),
               let stored = ImportRules.decode(text: try row.text("rules")) {
                rules = stored
                source = "site"
            }
            let screened = ImportCleaner.screen(input.rows, siteID: site.id, targets: targets, rules: rules,
                                                nowMs: now / 1000)
            let stored = try Self.storedValues(of: screened.candidates, on: connection)
            let (accepted, duplicates) = ImportCleaner.deduplicate(screened.candidates, stored: stored)
            let report = ImportReport(
                id: id, siteID: site.id, format: input.format, createdAt: ServiceClock.iso(now), createdBy: actor,
                rows: .init(total: input.rows.count, accepted: accepted.count, rejected: screened.rejected.count,
                            duplicates: duplicates.count),
                rejected: screened.rejected, duplicates: duplicates,
                gaps: ImportCleaner.gaps(screened.candidates, rules: rules),
                series: Self.summaries(accepted, targets: targets), rules: rules, rulesSource: source)

            let number = try Self.insertImport(report, actor: actor, now: now, on: connection)
            try ReadingStore.insertReadings(accepted.map { candidate -> [SQLValue] in
                [.integer(candidate.seriesID), .integer(candidate.timeMs), .integer(-number),
                 .integer(Int64(candidate.row)), .text(DecimalText.plain(candidate.value)), .text("good")]
            }, load: .insert, on: connection)
            try ReadingAggregates.apply(
                ReadingAggregates.fold(accepted.map { ($0.seriesID, $0.timeMs, $0.value) }, timeZone: site.timeZone),
                on: connection)
            try auditor.append(
                .init(action: "readings.import", target: id, organisationID: site.id,
                      details: ["format": input.format, "rows": String(input.rows.count),
                                "accepted": String(accepted.count), "rejected": String(screened.rejected.count),
                                "duplicates": String(duplicates.count), "rules": source]),
                context: context, on: connection)
            return report
        }
    }

    func list(siteID: String?, limit: Int, scope: AccessScope) async throws -> [ImportSummary] {
        let prefixes = scope.prefixes(for: .readingsRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            var conditions = [SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)]
            if let siteID {
                parameters.append(.text(siteID.lowercased()))
                conditions.append("i.site_id = $\(parameters.count)")
            }
            parameters.append(.integer(Int64(limit)))
            return try connection.query(
                Self.select + " WHERE " + conditions.joined(separator: " AND ")
                    + " ORDER BY i.created_at DESC, i.number DESC LIMIT $\(parameters.count)", parameters)
        }
        let loaded = try rows.map { row in (try OrganisationRef(row: row, prefix: "o_"), try Self.summary(row)) }
        return scope.filter(loaded, .readingsRead) { $0.0 }.map(\.1)
    }

    func get(_ id: String, scope: AccessScope) async throws -> ImportReport {
        guard UUIDText.isValid(id) else { throw APIError.notFound("import") }
        let row = try await database.read { connection in
            try connection.first(Self.select + " WHERE i.id = $1", .text(id.lowercased()))
        }
        guard let row else { throw APIError.notFound("import") }
        try scope.require(.readingsRead, on: try OrganisationRef(row: row, prefix: "o_"), what: "import")
        guard let report = try? JSONDecoder().decode(ImportReport.self, from: Data(try row.text("report").utf8)) else {
            throw DatabaseError(.decoding, "reading_imports.report of \(id) is not a report")
        }
        return report
    }

    /// A site's standing rules (the defaults when none are stored).
    func rules(siteID: String, scope: AccessScope) async throws -> ImportRules {
        guard UUIDText.isValid(siteID) else { throw APIError.notFound("organisation") }
        let (site, text) = try await database.read { connection -> (OrganisationRef?, String?) in
            (try OrganisationRef.load(id: siteID.lowercased(), on: connection),
             try connection.first("SELECT rules FROM import_rules WHERE site_id = $1", .text(siteID.lowercased()))?
                .text("rules"))
        }
        guard let site else { throw APIError.notFound("organisation") }
        try scope.require(.readingsRead, on: site, what: "organisation")
        return text.flatMap(ImportRules.decode(text:)) ?? ImportRules()
    }

    func setRules(siteID: String, _ rules: ImportRules, scope: AccessScope, context: AppRequestContext) async throws
        -> ImportRules
    {
        guard UUIDText.isValid(siteID) else { throw APIError.notFound("organisation") }
        let now = clock.micros, auditor = self.auditor, actor = scope.principal.id
        return try await database.write { connection in
            guard let site = try OrganisationRef.load(id: siteID.lowercased(), on: connection) else {
                throw APIError.notFound("organisation")
            }
            try scope.require(.readingsWrite, on: site, what: "organisation")
            try connection.execute(
                "INSERT INTO import_rules (site_id, rules, updated_by, updated_at) VALUES ($1, $2, $3, $4) "
                    + "ON CONFLICT (site_id) DO UPDATE SET rules = excluded.rules, updated_by = excluded.updated_by, "
                    + "updated_at = excluded.updated_at",
                .text(site.id), .text(rules.text), .text(actor), .integer(now))
            try auditor.append(.init(action: "readings.import_rules.set", target: site.id, organisationID: site.id,
                                     details: ["rules": rules.text]), context: context, on: connection)
            return rules
        }
    }

    // MARK: - SQL

    static let select = """
        SELECT i.id, i.site_id, i.format, i.created_by, i.created_at, i.rows_total, i.rows_accepted, i.rows_rejected,
               i.rows_duplicate, i.report, o.id AS o_id, o.path AS o_path, o.time_zone AS o_time_zone
        FROM reading_imports i JOIN organisations o ON o.id = i.site_id
        """

    static func summary(_ row: SQLRow) throws -> ImportSummary {
        ImportSummary(
            id: try row.text("id"), siteID: try row.text("site_id"), format: try row.text("format"),
            createdAt: ServiceClock.iso(try row.int64("created_at")), createdBy: try row.text("created_by"),
            rows: .init(total: Int(try row.int64("rows_total")), accepted: Int(try row.int64("rows_accepted")),
                        rejected: Int(try row.int64("rows_rejected")), duplicates: Int(try row.int64("rows_duplicate"))))
    }

    /// Every series of the site, with the agent that owns it (the `device` column names it).
    static func targets(siteID: String, on connection: any SQLConnection) throws -> [ImportCleaner.Target] {
        try connection.query(
            "SELECT s.id, s.tag, s.unit, s.agent_id, a.name FROM series s JOIN agents a ON a.id = s.agent_id "
                + "WHERE s.site_id = $1 ORDER BY s.id", .text(siteID)
        ).map { row in
            ImportCleaner.Target(seriesID: try row.int64("id"), tag: try row.text("tag"), unit: try row.text("unit"),
                                 agentID: try row.text("agent_id"), agentName: try row.text("name"))
        }
    }

    /// The stored values at exactly the candidates' times, by series and time.
    static func storedValues(of candidates: [ImportCleaner.Candidate], on connection: any SQLConnection) throws
        -> [Int64: [Int64: [Decimal]]]
    {
        var stored: [Int64: [Int64: [Decimal]]] = [:]
        let bySeries = Dictionary(grouping: candidates, by: \.seriesID)
        for (seriesID, rows) in bySeries {
            let times = Array(Set(rows.map(\.timeMs))).sorted()
            for start in stride(from: 0, to: times.count, by: 256) {
                var parameters: [SQLValue] = [.integer(seriesID)]
                let list = BulkInsert.inList("time_ms", times[start..<min(start + 256, times.count)].map { .integer($0) },
                                             parameters: &parameters)
                for row in try connection.query("SELECT time_ms, value FROM readings WHERE series_id = $1 AND \(list)",
                                                parameters) {
                    guard let value = try? DecimalText.parse(try row.text("value")) else { continue }
                    stored[seriesID, default: [:]][try row.int64("time_ms"), default: []].append(value)
                }
            }
        }
        return stored
    }

    static func summaries(_ accepted: [ImportCleaner.Candidate], targets: [ImportCleaner.Target])
        -> [ImportReport.SeriesSummary]
    {
        let bySeries = Dictionary(grouping: accepted, by: \.seriesID)
        return targets.compactMap { target in
            guard let rows = bySeries[target.seriesID] else { return nil }
            return ImportReport.SeriesSummary(seriesID: target.seriesID, tag: target.tag, unit: target.unit,
                                              accepted: rows.count,
                                              convertedFrom: Array(Set(rows.compactMap(\.convertedFrom))).sorted())
        }
    }

    /// The import's row, and its number (the negated `store_epoch` of its readings).
    static func insertImport(_ report: ImportReport, actor: String, now: Int64, on connection: any SQLConnection) throws
        -> Int64
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(report), as: UTF8.self)
        let number = connection.dialect == .postgres ? "" : "number, "
        let next = connection.dialect == .postgres ? "" : "(SELECT coalesce(max(number), 0) + 1 FROM reading_imports), "
        try connection.execute(
            """
            INSERT INTO reading_imports (id, \(number)site_id, format, created_by, created_at, rows_total, rows_accepted,
                                         rows_rejected, rows_duplicate, report)
            VALUES ($1, \(next)$2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, .text(report.id), .text(report.siteID), .text(report.format), .text(actor), .integer(now),
            .integer(Int64(report.rows.total)), .integer(Int64(report.rows.accepted)),
            .integer(Int64(report.rows.rejected)), .integer(Int64(report.rows.duplicates)), .text(text))
        guard let row = try connection.first("SELECT number FROM reading_imports WHERE id = $1", .text(report.id)) else {
            throw DatabaseError(.sql, "import \(report.id) vanished inside its transaction")
        }
        return try row.int64("number")
    }
}
