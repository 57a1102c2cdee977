import CarbonCore
import Foundation

/// The `product_footprint` report source: one footprint version, named by its own id (the UUID
/// `POST /api/v1/products/:id/footprints` returns). Figures are CarbonCore's, per functional unit,
/// rounded once as the version's JSON is (CO2e and percentages to the result's places, per-unit
/// intensities to 6). The table (CSV) has one row per line of the report: the total, each stage,
/// process and gas.
struct ProductFootprintReportSource: ReportSource {
    let database: any Database
    var kind: String { "product_footprint" }
    /// Whoever may change the product's definition vouches for its published footprint.
    var reviewPermission: Permission { .productsUpdate }

    func load(id: String, scope: AccessScope) async throws -> ReportData {
        let auditor = Auditor(database: database, clock: .system)
        let products = ProductService(database: database, auditor: auditor, clock: .system)
        let footprints = FootprintService(database: database, auditor: auditor, clock: .system, products: products)
        let (version, result) = try await footprints.reportData(footprintID: id, scope: scope)
        let product = try await products.load(version.productID)
        let organisationName = try await database.read { connection in
            try connection.first("SELECT name FROM organisations WHERE id = $1", .text(version.ref.id))?.text("name")
        } ?? ""
        let view = ProductFootprintReportView(product: product, version: version, result: result)
        return ReportData(organisation: version.ref, organisationName: organisationName,
                          title: "\(product.name) v\(version.version)", context: view.context, table: view.table)
    }
}

/// A footprint version read as report lines.
struct ProductFootprintReportView {
    let product: Product
    let version: FootprintVersion
    let result: FootprintResult

    static let stageLabels: [LifecycleStage: String] = [
        .rawMaterial: "原材料获取 Raw material acquisition", .production: "生产 Production",
        .transport: "运输 Distribution and transport", .use: "使用 Use", .endOfLife: "废弃处置 End of life",
    ]

    func co2e(_ value: Decimal) -> String { DecimalText.format(value, places: result.places) }
    func share(_ value: Decimal?) -> String { value.map(co2e) ?? "" }
    var unit: String { result.unit.symbol }
    var functionalUnit: String { result.functionalUnit.description }
    /// The total for one unit of the functional product (the functional unit may be, say, 1000 units).
    var perProductUnit: String {
        result.functionalUnit.value == 0 ? ""
            : DecimalText.format(result.total / result.functionalUnit.value, places: FootprintResult.perUnitPlaces)
    }

    var context: ReportValue {
        let stages: [ReportValue] = result.stages.map { stage in
            .object(["stage": .text(stage.stage.rawValue), "label": .text(Self.stageLabels[stage.stage] ?? stage.stage.rawValue),
                     "emissions": .text(co2e(stage.emissions)), "share": .text(share(stage.sharePercent))])
        }
        let processes: [ReportValue] = result.processes.map { process in
            .object(["id": .text(process.processID), "name": .text(process.name),
                     "stage": .text(Self.stageLabels[process.stage] ?? process.stage.rawValue),
                     "product": .text(process.product), "scaling": .text(DecimalText.plain(process.scaling)),
                     "supplied": .text(process.supplied.description), "emissions": .text(co2e(process.emissions)),
                     "share": .text(share(process.sharePercent))])
        }
        let gases: [ReportValue] = result.gases.map { gas in
            .object(["gas": .text(gas.gas), "gwp": .text(DecimalText.plain(gas.gwp)), "emissions": .text(co2e(gas.emissions)),
                     "share": .text(share(gas.sharePercent))])
        }
        let allocations: [ReportValue] = result.allocations.flatMap { report in
            report.shares.map { part in
                .object(["process_id": .text(report.processID), "method": .text(report.method.rawValue),
                         "product": .text(part.product), "share": .text(DecimalText.plain(part.share)),
                         "allocated": .text(co2e(part.allocatedEmissions))])
            }
        }
        var totals: [ReportValue] = [
            Self.line("碳足迹 Footprint per functional unit (\(functionalUnit))", co2e(result.total), unit),
            Self.line("每单位产品 Per \(result.functionalUnit.unit.symbol) of \(result.functionalProduct)", perProductUnit,
                      "\(unit)/\(result.functionalUnit.unit.symbol)"),
        ]
        if let hotspot = result.hotspotStage {
            totals.append(Self.line("热点阶段 Hotspot stage", Self.stageLabels[hotspot] ?? hotspot.rawValue, ""))
        }
        if let hotspot = result.hotspotProcess {
            totals.append(Self.line("热点过程 Hotspot process", hotspot, ""))
        }
        return .object([
            "product": .object([
                "id": .text(product.id), "name": .text(product.name), "code": .text(product.code),
                "description": .text(product.description ?? ""), "version": .text(String(version.version)),
                "input_hash": .text(version.inputHash), "calculated_at": .text(version.createdAt),
                "functional_unit": .text(functionalUnit),
                "functional_unit_description": .text(result.functionalUnitDescription ?? ""),
                "gwp_edition": .text(result.gwpEdition.rawValue), "unit": .text(unit), "total": .text(co2e(result.total)),
            ]),
            "totals": .list(totals),
            "stages": .list(stages),
            "processes": .list(processes),
            "gases": .list(gases),
            "allocations": .list(allocations),
            "has_allocations": .flag(!allocations.isEmpty),
            "trail": .list(result.trail.steps.map { step in
                .object(["label": .text(step.label), "formula": .text(step.formula), "substitution": .text(step.substitution),
                         "result": .text(step.result), "note": .text(step.note ?? "")])
            }),
        ])
    }

    static func line(_ label: String, _ value: String, _ unit: String) -> ReportValue {
        .object(["label": .text(label), "value": .text(value), "unit": .text(unit)])
    }

    static let columns = ["section", "key", "name", "stage", "emissions", "unit", "share_percent"]

    var table: ReportTable {
        var rows: [[String]] = [["total", "total", functionalUnit, "", co2e(result.total), unit, "100"]]
        for stage in result.stages {
            rows.append(["stage", stage.stage.rawValue, Self.stageLabels[stage.stage] ?? "", stage.stage.rawValue,
                         co2e(stage.emissions), unit, share(stage.sharePercent)])
        }
        for process in result.processes {
            rows.append(["process", process.processID, process.name, process.stage.rawValue, co2e(process.emissions), unit,
                         share(process.sharePercent)])
        }
        for gas in result.gases {
            rows.append(["gas", gas.gas, gas.gas, "", co2e(gas.emissions), unit, share(gas.sharePercent)])
        }
        return ReportTable(columns: Self.columns, rows: rows)
    }
}
