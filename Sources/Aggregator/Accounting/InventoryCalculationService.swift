import CarbonCore
import Foundation
import HTTPTypes

/// Calculates inventories into immutable versions, lists and shows them, and approves them.
/// A calculation resolves telemetry and manual data into CarbonCore's input, runs CarbonCore, and
/// stores a new version only when the inputs as resolved or the factors used differ from the
/// latest version's (the hash of both); otherwise the latest version is the answer.
struct InventoryCalculationService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock
    let inventories: InventoryService

    /// Everything a calculation needs from the database, read in one snapshot.
    struct Prepared: Sendable {
        let run: InventoryRun
        let resolution: InventoryResolution
        let monthly: JSONValue
    }

    func prepare(_ inventory: Inventory, monthly withMonths: Bool) async throws -> Prepared {
        let nowMs = clock.micros / 1000
        return try await database.read { connection in
            let library = try AccountingFactors.library(for: inventory.organisation, on: connection)
            let mappings = try InventoryResolution.loadMappings(organisationID: inventory.organisationID, on: connection)
            let range = inventory.reportingPeriod.bounds(in: inventory.organisation.timeZone)
            let resolution = try InventoryResolution.resolve(inventory, mappings: mappings, range: range, nowMs: nowMs,
                                                             on: connection)
            let run = try InventoryRun.calculate(resolution.document, library: library)
            let monthly = withMonths
                ? try MonthlyTrend.months(inventory, mappings: mappings, library: library, nowMs: nowMs, on: connection)
                : .null
            return Prepared(run: run, resolution: resolution, monthly: monthly)
        }
    }

    func calculate(_ id: String, scope: AccessScope, context: AppRequestContext) async throws -> CalculationReply {
        let inventory = try await inventories.get(id, scope: scope, permission: .inventoriesCalculate)
        let prepared = try await prepare(inventory, monthly: true)
        let run = prepared.run
        let result = JSONValue.object([
            "report": try JSONValue.from(run.report),
            "breakdown": run.breakdown(sites: prepared.resolution.sites, organisationID: inventory.organisationID),
            "coverage": try JSONValue.from(prepared.resolution.coverage),
            "monthly": prepared.monthly,
        ])
        let inputsText = String(decoding: try run.input.canonical(), as: UTF8.self)
        let factorsText = String(decoding: try JSONValue.from(run.factors).canonical(), as: UTF8.self)
        let resultText = String(decoding: try result.canonical(), as: UTF8.self)
        let principal = try context.requirePrincipal()
        let now = clock.micros, auditor = self.auditor, inventoryID = inventory.id
        let (number, created) = try await database.write { connection -> (Int64, Bool) in
            // Two calculations at once must not both take the next number (READ COMMITTED on PostgreSQL).
            if connection.dialect == .postgres {
                _ = try connection.query("SELECT id FROM inventories WHERE id = $1 FOR UPDATE", .text(inventoryID))
            }
            let latest = try connection.first(
                "SELECT number, input_hash FROM inventory_versions WHERE inventory_id = $1 ORDER BY number DESC LIMIT 1",
                .text(inventoryID))
            if let latest, try latest.text("input_hash") == run.hash { return (try latest.int64("number"), false) }
            let number = (try latest?.int64("number") ?? 0) + 1
            try connection.execute(
                """
                INSERT INTO inventory_versions (inventory_id, number, input_hash, inputs, factors, result, total_tco2e,
                  calculated_by, calculated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """, .text(inventoryID), .integer(number), .text(run.hash), .text(inputsText), .text(factorsText),
                .text(resultText), .text(DecimalText.plain(run.total)), .text(principal.id), .integer(now))
            try auditor.append(.init(action: "inventories.calculate", target: inventoryID,
                                     organisationID: inventory.organisationID,
                                     details: ["version": String(number), "input_hash": run.hash,
                                               "total_tco2e": DecimalText.format(run.total, places: 3)]),
                               context: context, on: connection)
            return (number, true)
        }
        let detail = try await self.detail(inventory, number: Int(number), currentHash: run.hash)
        return CalculationReply(created: created, version: detail)
    }

    func versions(_ id: String, scope: AccessScope) async throws -> [InventoryVersionSummary] {
        let inventory = try await inventories.get(id, scope: scope)
        return try await database.read { connection in
            try connection.query(
                "SELECT \(InventoryVersionSummary.columns) FROM inventory_versions WHERE inventory_id = $1 ORDER BY number",
                .text(inventory.id)
            ).map(InventoryVersionSummary.init(row:))
        }
    }

    /// A version's full stored result (report with trails, breakdowns, coverage, monthly trend),
    /// whether it is stale, and the year-on-year comparison. The reports module builds on this.
    func version(_ id: String, _ number: String, scope: AccessScope) async throws -> InventoryVersionDetail {
        let inventory = try await inventories.get(id, scope: scope)
        guard let number = Int(number), number > 0 else { throw APIError.notFound("inventory version") }
        // Stale when today's data or factors would give another hash; a calculation that now fails
        // (a factor withdrawn) also means the stored figures are no longer what would be reported.
        let current = try? await prepare(inventory, monthly: false).run.hash
        return try await detail(inventory, number: number, currentHash: current)
    }

    func approve(_ id: String, _ number: String, scope: AccessScope, context: AppRequestContext) async throws
        -> InventoryVersionSummary
    {
        let inventory = try await inventories.get(id, scope: scope, permission: .inventoriesApprove)
        guard let number = Int64(number), number > 0 else { throw APIError.notFound("inventory version") }
        let principal = try context.requirePrincipal()
        let now = clock.micros, auditor = self.auditor
        return try await database.write { connection in
            let select = "SELECT \(InventoryVersionSummary.columns) FROM inventory_versions WHERE inventory_id = $1 AND number = $2"
            let lock = connection.dialect == .postgres ? " FOR UPDATE" : ""
            guard let row = try connection.first(select + lock, .text(inventory.id), .integer(number)) else {
                throw APIError.notFound("inventory version")
            }
            let version = try InventoryVersionSummary(row: row)
            guard version.approvedAt == nil else {
                throw APIError(.conflict, "already_approved", "version \(number) was approved at \(version.approvedAt ?? ""); an approved version is final")
            }
            guard version.calculatedBy != principal.id else {
                throw APIError(.forbidden, "same_person", "a version is approved by someone other than who calculated it")
            }
            try connection.execute(
                "UPDATE inventory_versions SET approved_by = $3, approved_at = $4 WHERE inventory_id = $1 AND number = $2 AND approved_at IS NULL",
                .text(inventory.id), .integer(number), .text(principal.id), .integer(now))
            try auditor.append(.init(action: "inventories.approve", target: inventory.id,
                                     organisationID: inventory.organisationID,
                                     details: ["version": String(number), "input_hash": version.inputHash]),
                               context: context, on: connection)
            return try InventoryVersionSummary(row: try connection.first(select, .text(inventory.id), .integer(number))!)
        }
    }

    private func detail(_ inventory: Inventory, number: Int, currentHash: String?) async throws -> InventoryVersionDetail {
        try await database.read { connection in
            guard let row = try connection.first(
                "SELECT \(InventoryVersionSummary.columns), inputs, factors, result FROM inventory_versions WHERE inventory_id = $1 AND number = $2",
                .text(inventory.id), .integer(Int64(number)))
            else { throw APIError.notFound("inventory version") }
            let summary = try InventoryVersionSummary(row: row)
            let previous = try connection.first(
                """
                SELECT v.inventory_id, v.number, v.input_hash, v.total_tco2e, v.calculated_by, v.calculated_at, v.approved_by,
                  v.approved_at FROM inventory_versions v JOIN inventories i ON i.id = v.inventory_id
                WHERE i.organisation_id = $1 AND i.reporting_year = $2
                ORDER BY CASE WHEN v.approved_at IS NULL THEN 1 ELSE 0 END, v.calculated_at DESC, v.number DESC LIMIT 1
                """, .text(inventory.organisationID), .integer(Int64(inventory.reportingYear - 1)))
            return InventoryVersionDetail(
                summary: summary, stale: currentHash != summary.inputHash,
                inputs: try JSONValue.parse(try row.text("inputs")), factors: try JSONValue.parse(try row.text("factors")),
                result: try JSONValue.parse(try row.text("result")),
                yearOnYear: try previous.map { YearOnYear(previous: try InventoryVersionSummary(row: $0), current: summary.total) })
        }
    }
}
