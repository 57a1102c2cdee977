import CarbonCore
import Foundation

/// The `inventory` report source: one calculated inventory version, named
/// `<inventory id>:<version number>` (e.g. `6f1c…:2`) because a version's identity is its number
/// within its inventory. Every figure comes from the version's stored result, already rounded
/// once by CarbonCore (tCO2e to 3 places, gas tonnes to 6), so the report shows exactly what the
/// API returns for `GET /api/v1/inventories/:id/versions/:number`. The table (CSV) is one row per
/// emission source with its formula trail and factors.
struct InventoryReportSource: ReportSource {
    let database: any Database
    var kind: String { "inventory" }
    /// Approving a report of an inventory is approving its figures for publication.
    var reviewPermission: Permission { .inventoriesApprove }

    func load(id: String, scope: AccessScope) async throws -> ReportData {
        let parts = id.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, UUID(uuidString: String(parts[0])) != nil, let number = Int(parts[1]), number > 0 else {
            throw APIError.notFound("inventory version")
        }
        let auditor = Auditor(database: database, clock: .system)
        let inventories = InventoryService(database: database, auditor: auditor, clock: .system)
        let calculations = InventoryCalculationService(database: database, auditor: auditor, clock: .system,
                                                       inventories: inventories)
        let inventory = try await inventories.get(String(parts[0]), scope: scope)
        let detail = try await calculations.version(inventory.id, String(number), scope: scope)
        let view = InventoryReportView(inventory: inventory, detail: detail)
        return ReportData(organisation: inventory.organisation, organisationName: inventory.organisationName,
                          title: "\(inventory.name) v\(number)", context: view.context, table: view.table)
    }
}

/// The stored version result read as report rows (pure, so tests and templates agree on it).
struct InventoryReportView {
    let inventory: Inventory
    let detail: InventoryVersionDetail

    var report: JSONValue { detail.result["report"] ?? .null }
    var breakdown: JSONValue { detail.result["breakdown"] ?? .null }

    struct Row {
        let id: String
        let kind: String
        let scope: String
        let tco2e: String
        let counted: Bool
        let activity: String
        let activityUnit: String
        let gases: [(gas: String, tonnes: String)]
        let steps: [FormulaTrail.Step]
        let factors: [FactorUse]

        var gasesText: String { gases.map { "\($0.gas) \($0.tonnes) t" }.joined(separator: "; ") }
        var formulaText: String { steps.map(InventoryReportView.stepText).joined(separator: " | ") }
        var factorsText: String {
            factors.map { "\($0.parameter) = \($0.value) \($0.unit) (\($0.source))" }.joined(separator: "; ")
        }
    }

    static func stepText(_ step: FormulaTrail.Step) -> String {
        var text = "\(step.label): \(step.formula)"
        if !step.substitution.isEmpty { text += " = \(step.substitution)" }
        if !step.result.isEmpty { text += " = \(step.result)" }
        if let note = step.note, !note.isEmpty { text += " (\(note))" }
        return text
    }

    /// Gases in the order GB/T 32150 lists them, others after.
    static let gasOrder = ["CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3"]
    static func ordered(_ keys: some Sequence<String>) -> [String] {
        keys.sorted { (gasOrder.firstIndex(of: $0) ?? 99, $0) < (gasOrder.firstIndex(of: $1) ?? 99, $1) }
    }

    static let kindLabels: [String: String] = [
        "combustion": "化石燃料燃烧 Fuel combustion", "process": "工业过程 Process",
        "purchased_electricity": "购入电力 Purchased electricity", "exported_electricity": "输出电力 Exported electricity",
        "purchased_heat": "购入热力 Purchased heat", "exported_heat": "输出热力 Exported heat",
        "recovered_co2": "CO2回收利用 Recovered CO2", "fugitive": "逸散排放 Fugitive", "cems": "在线监测 CEMS",
    ]
    static let scopeLabels = ["scope_1": "范围一 Scope 1 (direct)", "scope_2": "范围二 Scope 2 (energy indirect)"]

    var rows: [Row] {
        let inputs = Dictionary((detail.inputs["sources"]?.array ?? []).compactMap { source -> (String, JSONValue)? in
            source["id"]?.string.map { ($0, source) }
        }, uniquingKeysWith: { first, _ in first })
        return (report["sources"]?.array ?? []).map { source in
            let id = source["id"]?.string ?? "", kind = source["kind"]?.string ?? ""
            let gases = source["gases"]?.object ?? [:]
            let quantity = inputs[id]?["quantity"]
            return Row(
                id: id, kind: kind,
                scope: SourceResult.Kind(rawValue: kind).map(InventoryRun.scope(of:)) ?? "scope_1",
                tco2e: source["tco2e"]?.string ?? "", counted: source["counted"] == .bool(true),
                activity: quantity?["value"]?.string ?? "", activityUnit: quantity?["unit"]?.string ?? "",
                gases: Self.ordered(gases.keys).map { ($0, gases[$0]?.string ?? "") },
                steps: Self.decode([FormulaTrail.Step].self, source["trail"]),
                factors: Self.decode([FactorUse].self, source["factors"]))
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ value: JSONValue?) -> T where T: ExpressibleByArrayLiteral {
        guard let value, let data = try? value.canonical(), let decoded = try? JSONDecoder().decode(T.self, from: data)
        else { return [] }
        return decoded
    }

    var context: ReportValue {
        let summary = detail.summary
        let period = report["period"]
        let rows = self.rows
        var totals: [ReportValue] = [
            Self.total("排放总量 Total emissions", report["total_tco2e"]?.string ?? summary.totalTCO2e, "tCO2e")
        ]
        for scope in (breakdown["by_scope"]?.object ?? [:]).keys.sorted() {
            totals.append(Self.total(Self.scopeLabels[scope] ?? scope, breakdown["by_scope"]?[scope]?.string ?? "", "tCO2e"))
        }
        let byGas = report["by_gas"]?.object ?? [:]
        for gas in Self.ordered(byGas.keys) { totals.append(Self.total(gas, byGas[gas]?.string ?? "", "t")) }
        if let biogenic = report["memo"]?["biogenic_co2_t"]?.string {
            totals.append(Self.total("生物质CO2（备忘）Biogenic CO2 (memo)", biogenic, "t"))
        }
        let byKind = breakdown["by_kind"]?.object ?? [:], percent = breakdown["structure_percent"]?.object ?? [:]
        let structure: [ReportValue] = byKind.keys.sorted().map { kind in
            .object(["kind": .text(kind), "label": .text(Self.kindLabels[kind] ?? kind),
                     "tco2e": .text(byKind[kind]?.string ?? ""), "percent": .text(percent[kind]?.string ?? "")])
        }
        let trend: [ReportValue] = (detail.result["monthly"]?.array ?? []).map { month in
            .object(["month": .text(month["month"]?.string ?? ""), "total_tco2e": .text(month["total_tco2e"]?.string ?? ""),
                     "error": .text(month["error"]?.string ?? "")])
        }
        let intensities: [ReportValue] = (report["intensities"]?.array ?? []).map { line in
            .object(["name": .text(line["name"]?.string ?? line["id"]?.string ?? ""),
                     "value": .text(line["value"]?.string ?? ""), "unit": .text(line["unit"]?.string ?? ""),
                     "production": .text(line["production"]?.string ?? "")])
        }
        var fields: [String: ReportValue] = [
            "inventory": .object([
                "id": .text(inventory.id), "name": .text(inventory.name), "organisation": .text(inventory.organisationName),
                "version": .text(String(summary.number)), "status": .text(summary.status),
                "reporting_year": .text(String(inventory.reportingYear)),
                "period": .text("\(period?["from"]?.string ?? inventory.period.from) – \(period?["to"]?.string ?? inventory.period.to)"),
                "method": .text("GB/T 32150-2015 · GWP \(report["gwp"]?.string ?? inventory.gwp ?? "")"),
                "input_hash": .text(summary.inputHash), "calculated_at": .text(summary.calculatedAt),
                "approved_at": .text(summary.approvedAt ?? ""), "approved": .flag(summary.approvedAt != nil),
                "stale": .flag(detail.stale), "total_tco2e": .text(summary.totalTCO2e),
            ]),
            "totals": .list(totals),
            "rows": .list(rows.map(Self.value)),
            "structure": .list(structure),
            "trend": .list(trend),
            "has_trend": .flag(!trend.isEmpty),
            "intensities": .list(intensities),
            "has_intensities": .flag(!intensities.isEmpty),
        ]
        if let change = detail.yearOnYear {
            fields["year_on_year"] = .object([
                "previous_version": .text(String(change.previousVersion)), "previous_status": .text(change.previousStatus),
                "previous_total_tco2e": .text(change.previousTotalTCO2e), "change_tco2e": .text(change.changeTCO2e),
                "change_percent": .text(change.changePercent ?? "—"),
            ])
        }
        return .object(fields)
    }

    static func total(_ label: String, _ value: String, _ unit: String) -> ReportValue {
        .object(["label": .text(label), "value": .text(value), "unit": .text(unit)])
    }

    static func value(_ row: Row) -> ReportValue {
        .object([
            "source": .text(row.id), "kind": .text(kindLabels[row.kind] ?? row.kind),
            "scope": .text(scopeLabels[row.scope] ?? row.scope), "emissions": .text(row.tco2e),
            "counted": .flag(row.counted), "has_factors": .flag(!row.factors.isEmpty),
            "activity": .text(row.activity), "unit": .text(row.activityUnit),
            "gases": .text(row.gasesText), "factor": .text(row.factorsText), "formula": .text(row.formulaText),
            "steps": .list(row.steps.map { step in
                .object(["label": .text(step.label), "formula": .text(step.formula),
                         "substitution": .text(step.substitution), "result": .text(step.result),
                         "note": .text(step.note ?? "")])
            }),
            "factors": .list(row.factors.map { factor in
                .object(["parameter": .text(factor.parameter), "value": .text(factor.value), "unit": .text(factor.unit),
                         "source": .text(factor.source), "factor_id": .text(factor.factorID ?? ""),
                         "verification_status": .text(factor.verificationStatus)])
            }),
        ])
    }

    static let columns = ["source_id", "kind", "scope", "tco2e", "counted", "activity", "activity_unit", "gases",
                          "factors", "formula_trail"]

    var table: ReportTable {
        ReportTable(columns: Self.columns, rows: rows.map { row in
            [row.id, row.kind, row.scope, row.tco2e, row.counted ? "true" : "false", row.activity, row.activityUnit,
             row.gasesText, row.factorsText, row.formulaText]
        })
    }
}
