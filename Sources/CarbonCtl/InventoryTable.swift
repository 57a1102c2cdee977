import CarbonCore

/// The inventory for people: totals by kind and gas, then each source with its formula trail.
enum InventoryTable {
    static func render(_ report: InventoryReport) -> String {
        var out = "\(report.organisation)  \(report.period.from) … \(report.period.to)  GWP \(report.gwp)  (factor year \(report.reportingYear))\n\n"
        out += table(["Emissions by kind", "tCO2e"], report.byKind.pairs.map { [$0.key, $0.value] }
            + [["TOTAL", report.totalTCO2e]])
        out += "\n" + table(["Net mass by gas", "t"], report.byGas.pairs.map { [$0.key, $0.value] })
        out += "\nMemo: biogenic CO2 outside the total: \(report.memo.biogenicCO2) t\n"
        if !report.intensities.isEmpty {
            out += "\n" + table(["Intensity", "value", "unit"], report.intensities.map { [$0.name ?? $0.id, $0.value, $0.unit] })
        }
        for source in report.sources {
            out += "\n\(source.id) (\(source.kind)): \(source.tco2e) tCO2e\(source.counted ? "" : " (not counted)")\n"
            for step in source.trail {
                let inputs = step.substitution.isEmpty ? "" : " [\(step.substitution)]"
                let result = step.result.isEmpty ? "" : " = \(step.result)"
                out += "    \(step.label): \(step.formula)\(inputs)\(result)\n"
            }
            for factor in source.factors where factor.source != "input" {
                out += "    factor \(factor.parameter): \(factor.factorID ?? "-") = \(factor.value) \(factor.unit) — \(factor.source) [\(factor.verificationStatus)\(factor.defaulted ? ", defaulted" : "")]\n"
            }
        }
        return out
    }

    /// A plain text table: the first column left-aligned, the others right-aligned.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ") + "\n"
        }
        return line(header) + line(widths.map { String(repeating: "-", count: $0) }) + rows.map(line).joined()
    }
}
