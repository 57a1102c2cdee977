import Foundation

/// A node-year's own data turned into additive totals: enterprise reports, energy statistics
/// (the standard-coal method), or a total reported as a whole.
extension RegionalCalculator {
    mutating func own(_ data: RegionalModel.YearData, field: String, trail: inout FormulaTrail)
        throws(CalculationError) -> (RegionalResult.Method, RegionalTotals)
    {
        let given = [data.enterpriseReports != nil, data.energyStatistics != nil, data.reportedTotal != nil]
        guard given.filter({ $0 }).count == 1 else {
            throw CalculationError(
                .invalidInput,
                "give one of enterprise_reports, energy_statistics or reported_total per node and year (together they would overlap)",
                field: field)
        }
        if data.enterpriseReports == nil, data.otherElectricityConsumption != nil || data.otherLocalGeneration != nil {
            throw CalculationError(
                .invalidInput,
                "other_electricity_consumption and other_local_generation complete enterprise_reports; with energy statistics or a reported total give net_imported_electricity instead",
                field: field)
        }
        if let reports = data.enterpriseReports {
            return (.enterpriseReports, try enterprises(reports, data, field: field, trail: &trail))
        }
        if let statistics = data.energyStatistics {
            return (.energyStatistics, try energy(statistics, field: field + ".energy_statistics", trail: &trail))
        }
        guard let reported = data.reportedTotal else {
            throw CalculationError(.missingInput, "no emission data", field: field)
        }
        return (.reportedTotal, try reportedTotal(reported, field: field + ".reported_total", trail: &trail))
    }

    /// Territorial = Σ scope 1 of the reporters. Net import = what everyone in the node consumes
    /// minus what is generated in it; the reporters' scope 2 is NOT added to the territory.
    private func enterprises(
        _ reports: [RegionalModel.EnterpriseReport], _ data: RegionalModel.YearData,
        field: String, trail: inout FormulaTrail
    ) throws(CalculationError) -> RegionalTotals {
        var sums = RegionalTotals.EnterpriseSums()
        for (index, report) in reports.enumerated() {
            let at = "\(field).enterprise_reports[\(index)]"
            let scope1 = try Self.nonNegative(report.scope1Emissions, in: .tonneCO2, field: at + ".scope1_emissions")
            let purchased = try Self.nonNegative(
                report.purchasedElectricity, in: .megawattHour,
                field: at + ".purchased_electricity")
            var generation: Decimal = 0
            if let local = report.localGeneration {
                generation = try Self.nonNegative(local, in: .megawattHour, field: at + ".local_generation")
            }
            sums.scope1 += scope1
            sums.purchased += purchased
            sums.generation += generation
            sums.reports.append((report.name, scope1, purchased))
        }
        var otherUse: Decimal = 0
        if let other = data.otherElectricityConsumption {
            otherUse = try Self.nonNegative(other, in: .megawattHour, field: field + ".other_electricity_consumption")
        }
        var otherGeneration: Decimal = 0
        if let other = data.otherLocalGeneration {
            otherGeneration = try Self.nonNegative(other, in: .megawattHour, field: field + ".other_local_generation")
        }
        let tCO2 = sums.reports.map { Quantity($0.scope1, .tonneCO2) }
        trail.step(
            "E_direct", "Σ scope 1 of reporting enterprises (\(sums.reports.map(\.name).joined(separator: " + ")))",
            tCO2, Quantity(sums.scope1, .tonneCO2), note: "covers the reporting enterprises only")
        let use = trail.step(
            "EL_use", "Σ purchased electricity + other consumption",
            sums.reports.map { Quantity($0.purchased, .megawattHour) } + [Quantity(otherUse, .megawattHour)],
            Quantity(sums.purchased + otherUse, .megawattHour))
        let generated = trail.step(
            "EL_generation", "Σ local generation + other local generation",
            [Quantity(sums.generation, .megawattHour), Quantity(otherGeneration, .megawattHour)],
            Quantity(sums.generation + otherGeneration, .megawattHour))
        let net = trail.step(
            "EL_net", "EL_use − EL_generation", [use, generated],
            Quantity(use.value - generated.value, .megawattHour))
        var totals = RegionalTotals()
        totals.direct = sums.scope1
        totals.netImport = net.value
        totals.bySource[.enterpriseScope1] = sums.scope1
        totals.enterprise = sums
        return totals
    }

    /// Standard-coal method (REG-02): fuel quantity × tce coefficient, summed per fuel group,
    /// × the group's tCO2/tce.
    private mutating func energy(
        _ statistics: RegionalModel.EnergyStatistics, field: String,
        trail: inout FormulaTrail
    ) throws(CalculationError) -> RegionalTotals {
        var totals = RegionalTotals()
        for (index, line) in statistics.fuels.enumerated() {
            let at = "\(field).fuels[\(index)]"
            guard let fuel = model.fuels[line.fuel] else {
                let known = model.fuels.keys.sorted().joined(separator: ", ")
                throw CalculationError(
                    .invalidInput, "fuel '\(line.fuel)' is not defined in fuels (defined: \(known))",
                    field: at + ".fuel")
            }
            guard line.quantity.value >= 0 else {
                throw CalculationError(
                    .negativeQuantity, "\(line.quantity) must not be negative", field: at + ".quantity")
            }
            let coefficient = try resolve(
                fuel.tceCoefficient, parameter: "tce_coefficient_\(line.fuel)",
                field: "fuels.\(line.fuel).tce_coefficient")
            trail.use(coefficient.use)
            let product = line.quantity * coefficient.quantity
            let tce: Decimal
            do { tce = try product.value(in: Self.tce) } catch {
                throw CalculationError(
                    .dimensionMismatch,
                    "\(line.quantity) × \(coefficient.quantity) is \(product.dimension), not standard coal (tce): the quantity's unit must match the coefficient's denominator",
                    field: at + ".quantity")
            }
            trail.step(
                "tce_\(line.fuel)", "quantity × tce coefficient (\(fuel.group.rawValue))",
                [line.quantity, coefficient.quantity], Quantity(tce, Self.tce))
            totals.tceByGroup[fuel.group, default: 0] += tce
        }
        for group in RegionalModel.FuelGroup.allCases {
            guard let tce = totals.tceByGroup[group] else { continue }
            let factor = try coefficient(
                model.co2PerTce[group], parameter: "co2_per_tce_\(group.rawValue)", in: Self.tCO2PerTce,
                field: "co2_per_tce.\(group.rawValue)",
                fallback: FactorQuery(category: "region_ef", parameter: "tce_factor", subject: group.rawValue))
            trail.use(factor.use)
            let emissions = trail.step(
                "E_\(group.rawValue)", "tce_\(group.rawValue) × EF_\(group.rawValue)",
                [Quantity(tce, Self.tce), Quantity(factor.value, Self.tCO2PerTce)],
                Quantity(tce * factor.value, .tonneCO2)
            ).value
            totals.bySource[group.directSource] = emissions
            totals.direct += emissions
        }
        trail.step(
            "E_direct", "Σ fuel groups (coal + oil + gas)",
            RegionalModel.FuelGroup.allCases.compactMap { group in
                totals.bySource[group.directSource]
                    .map { Quantity($0, .tonneCO2) }
            }, Quantity(totals.direct, .tonneCO2))
        if let net = statistics.netImportedElectricity {
            totals.netImport = try Self.signed(net, in: .megawattHour, field: field + ".net_imported_electricity")
            trail.step(
                "EL_net", "net imported electricity (energy statistics)", [net],
                Quantity(totals.netImport, .megawattHour))
        }
        return totals
    }

    private func reportedTotal(
        _ reported: RegionalModel.ReportedTotal, field: String,
        trail: inout FormulaTrail
    ) throws(CalculationError) -> RegionalTotals {
        var totals = RegionalTotals()
        totals.direct = try Self.nonNegative(
            reported.directEmissions, in: .tonneCO2, field: field + ".direct_emissions")
        totals.bySource[.reportedTotal] = totals.direct
        trail.step(
            "E_direct", "reported total" + (reported.source.map { " (\($0))" } ?? ""),
            [reported.directEmissions], Quantity(totals.direct, .tonneCO2))
        if let net = reported.netImportedElectricity {
            totals.netImport = try Self.signed(net, in: .megawattHour, field: field + ".net_imported_electricity")
            trail.step("EL_net", "reported net imported electricity", [net], Quantity(totals.netImport, .megawattHour))
        }
        return totals
    }
}

extension RegionalModel.FuelGroup {
    var directSource: RegionalResult.DirectSource {
        switch self {
        case .coal: .coal
        case .oil: .oil
        case .gas: .gas
        }
    }
}
