import Foundation

/// From a node-year's additive totals to its reported figures: the territorial view, the
/// consumption view under the net-export policy, intensities, and the enterprise diagnostic.
extension RegionalCalculator {
    mutating func views(
        _ totals: RegionalTotals, method: RegionalResult.Method, year: Int, node: String,
        gdp: (value: Decimal, source: String)?, trail: FormulaTrail
    ) throws(CalculationError)
        -> RegionalResult.Year
    {
        var trail = trail
        let purchased = totals.enterprise?.purchased ?? 0
        // The grid factor is looked up only when some electricity figure is non-zero, so a
        // model without electricity needs no electricity section.
        var grid: (value: Decimal, use: FactorUse)?
        if totals.netImport != 0 || purchased != 0 {
            grid = try gridFactor(year: year, needed: "'\(node)' in \(year)")
        }
        if let grid { trail.use(grid.use) }
        let gridQuantity = Quantity(grid?.value ?? 0, Self.tCO2PerMWh)

        let territorial = trail.step(
            "E_territorial", "E_direct (territorial view)",
            [Quantity(totals.direct, .tonneCO2)], Quantity(totals.direct, .tonneCO2)
        ).value
        var adjustment: Decimal = 0
        if let grid {
            let net = Quantity(totals.netImport, .megawattHour)
            adjustment =
                trail.step(
                    "E_electricity", "EL_net × EF_grid", [net, gridQuantity],
                    Quantity(totals.netImport * grid.value, .tonneCO2)
                ).value
            if model.electricity?.netExportPolicy == .clampToZero, adjustment < 0 {
                adjustment = 0
                trail.note(
                    "E_electricity", "net export clamped to 0 (net_export_policy clamp_to_zero)",
                    result: Quantity(0, .tonneCO2).description)
            }
        }
        let consumption = trail.step(
            "E_consumption", "E_territorial + E_electricity (consumption view)",
            [Quantity(territorial, .tonneCO2), Quantity(adjustment, .tonneCO2)],
            Quantity(territorial + adjustment, .tonneCO2)
        ).value

        var territorialIntensity: Decimal?
        var consumptionIntensity: Decimal?
        if let gdp {
            let intensityUnit = Unit.tonneCO2 / model.gdpUnit
            let money = Quantity(gdp.value, model.gdpUnit)
            territorialIntensity =
                trail.step(
                    "I_territorial", "E_territorial / GDP",
                    [Quantity(territorial, .tonneCO2), money],
                    Quantity(territorial / gdp.value, intensityUnit)
                ).value
            consumptionIntensity =
                trail.step(
                    "I_consumption", "E_consumption / GDP",
                    [Quantity(consumption, .tonneCO2), money],
                    Quantity(consumption / gdp.value, intensityUnit)
                ).value
        }
        let diagnostic = totals.enterprise.map { diagnose($0, grid: gridQuantity, trail: &trail) }
        return RegionalResult.Year(
            year: year, method: method, territorialView: RegionalAccounting.territorialView,
            consumptionView: RegionalAccounting.consumptionView(model.electricity?.netExportPolicy),
            territorial: territorial, netImportedElectricity: totals.netImport, electricityAdjustment: adjustment,
            consumption: consumption, directBySource: totals.bySource,
            tceByGroup: totals.tceByGroup, gdp: gdp?.value, gdpSource: gdp?.source,
            territorialIntensity: territorialIntensity, consumptionIntensity: consumptionIntensity,
            enterpriseDiagnostic: diagnostic, trail: trail)
    }

    /// REG-01. The naive sum adds every reporter's scope 2 to the scope 1 of the plant that
    /// generated that electricity; the overlap is the reporters' purchases that local generation
    /// can cover, valued at the same grid factor the naive sum used.
    private func diagnose(
        _ sums: RegionalTotals.EnterpriseSums, grid: Quantity,
        trail: inout FormulaTrail
    ) -> RegionalResult.EnterpriseDiagnostic {
        let enterprises = sums.reports.map { report in
            let indirect = report.purchased * grid.value
            return RegionalResult.EnterpriseTotal(
                name: report.name, scope1: report.scope1, indirect: indirect,
                total: report.scope1 + indirect)
        }
        for enterprise in enterprises {
            trail.step(
                "E_total_\(enterprise.name)", "scope 1 + purchased electricity × EF_grid (diagnostic)",
                [Quantity(enterprise.scope1, .tonneCO2), Quantity(enterprise.indirect, .tonneCO2)],
                Quantity(enterprise.total, .tonneCO2))
        }
        let naive = trail.step(
            "E_naive", "Σ scope 1 + Σ purchased × EF_grid (diagnostic, NOT the inventory)",
            [Quantity(sums.scope1, .tonneCO2), Quantity(sums.purchased, .megawattHour), grid],
            Quantity(sums.scope1 + sums.purchased * grid.value, .tonneCO2)
        ).value
        let overlap = min(sums.purchased, sums.generation)
        let doubleCounted = trail.step(
            "E_double_counted", "min(Σ purchased, Σ local generation of reporters) × EF_grid",
            [Quantity(overlap, .megawattHour), grid], Quantity(overlap * grid.value, .tonneCO2),
            note: "electricity generated and used inside the region, counted at the plant and again at the user"
        ).value
        return RegionalResult.EnterpriseDiagnostic(
            enterprises: enterprises, scope1: sums.scope1, purchasedElectricity: sums.purchased,
            localGeneration: sums.generation, naiveSum: naive, doubleCounted: doubleCounted)
    }
}
