import Foundation

/// Product carbon footprint (requirement M6): solves the process network for the functional
/// unit, then reports CO2e by lifecycle stage, by process and by gas, with hotspot shares and a
/// formula trail a verifier can redo by hand.
public enum FootprintCalculator {
    /// - Parameter factors: the factor library, needed only when an emission names a `factor_id`.
    public static func calculate(_ model: FootprintModel, factors: (any FactorResolving)? = nil)
        throws(CalculationError) -> FootprintResult
    {
        var trail = FormulaTrail()
        let unit = try resultUnit(model.resultUnit)
        let map = try CharacterisationMap(setting: model.gwp)
        trail.note("GWP", "IPCC \(map.edition.rawValue) GWP-100"
                   + (model.gwp?.edition == nil ? " (default: ISO 14067 asks for the latest IPCC values)" : ""))
        let evaluator = ElementaryFlowEvaluator(map: map, resultUnit: unit, factors: factors)
        let network = try ProcessNetwork(model: model, evaluator: evaluator, trail: &trail)
        let (demandColumn, demand, demandInProductUnit) = try functionalUnit(model.functionalUnit, network)
        var f = Array(repeating: Decimal(0), count: network.columns.count)
        f[demandColumn] = demandInProductUnit
        let scaling = try solve(network, demand: f, trail: &trail)

        var processes: [FootprintResult.ProcessContribution] = []
        var gases: [FootprintResult.GasContribution] = []
        for (j, column) in network.columns.enumerated() where scaling[j] != 0 {
            let supplied = Quantity(scaling[j] * column.output.value, column.output.unit)
            let emissions = scaling[j] * column.direct
            if column.direct != 0 {
                trail.step("E[\(column.processID)→\(column.product)]", "s × E_run",
                           [Quantity(scaling[j], runs), Quantity(column.direct, unit)], Quantity(emissions, unit),
                           note: "s = \(supplied) / \(column.output) made per run")
            }
            processes.append(.init(processID: column.processID, name: column.name, stage: column.stage,
                                   product: column.product, scaling: scaling[j], supplied: supplied, emissions: emissions))
            for flow in column.flows {
                let part = scaling[j] * flow.co2e
                if let g = gases.firstIndex(where: { $0.gas == flow.gas }) {
                    gases[g].emissions += part
                } else {
                    gases.append(.init(gas: flow.gas, gwp: flow.gwp, emissions: part))
                }
            }
        }

        var stages: [FootprintResult.StageSubtotal] = []
        var total = Decimal(0)
        for stage in LifecycleStage.allCases {
            let members = processes.filter { $0.stage == stage }
            var subtotal = Decimal(0)
            for member in members { subtotal += member.emissions }
            trail.step("E_\(stage.rawValue)", "Σ E[process in \(stage.rawValue)]",
                       members.map { Quantity($0.emissions, unit) }, Quantity(subtotal, unit))
            stages.append(.init(stage: stage, emissions: subtotal))
            total += subtotal
        }
        trail.step("E_total", "Σ E_stage", stages.map { Quantity($0.emissions, unit) }, Quantity(total, unit),
                   note: "per \(demand) \(model.functionalUnit.product)")

        var hotspotStage: LifecycleStage? = nil
        var hotspotProcess: String? = nil
        if total > 0 {
            for s in stages.indices {
                stages[s].sharePercent = share(stages[s].emissions, of: total, "share_\(stages[s].stage.rawValue)", unit, &trail)
            }
            for p in processes.indices { processes[p].sharePercent = processes[p].emissions / total * 100 }
            for g in gases.indices { gases[g].sharePercent = gases[g].emissions / total * 100 }
            hotspotStage = stages.first { $0.emissions == stages.map(\.emissions).max() }?.stage
            hotspotProcess = processes.first { $0.emissions == processes.map(\.emissions).max() }?.processID
            trail.note("hotspot", "largest stage subtotal (ties: earlier stage)", result: hotspotStage?.rawValue ?? "")
        } else {
            trail.note("shares", "total is zero: no shares or hotspot")
        }

        return FootprintResult(name: model.name, functionalProduct: model.functionalUnit.product, functionalUnit: demand,
                               functionalUnitDescription: model.functionalUnit.description, unit: unit,
                               gwpEdition: map.edition, total: total, stages: stages, hotspotStage: hotspotStage,
                               processes: processes, hotspotProcess: hotspotProcess, gases: gases,
                               allocations: network.allocations, trail: trail)
    }

    /// A dimensionless count of process runs, for the trail.
    static let runs = Unit(symbol: "runs", dimension: .none, factor: 1)
    static let percent = Unit(symbol: "%", dimension: .none, factor: Decimal(string: "0.01")!)

    static func resultUnit(_ text: String?) throws(CalculationError) -> Unit {
        guard let text else { return .kilogramCO2e }
        let unit: Unit
        do { unit = try Unit.parse(text) } catch { throw error.at("result_unit") }
        guard unit.dimension == .co2e else {
            throw CalculationError(.dimensionMismatch, "results are CO2e; \(text) is \(unit.dimension)", field: "result_unit")
        }
        return unit
    }

    /// The demanded product's column and the amount in that product's unit.
    static func functionalUnit(_ fu: FootprintModel.FunctionalUnit, _ network: ProcessNetwork)
        throws(CalculationError) -> (column: Int, amount: Quantity, inProductUnit: Decimal)
    {
        guard let column = network.index[fu.product] else {
            throw CalculationError(.missingInput, "no process makes '\(fu.product)'", field: "functional_unit.product")
        }
        let amount = try ElementaryFlowEvaluator.quantity(FootprintModel.Amount(amount: fu.amount, unit: fu.unit),
                                                          field: "functional_unit")
        guard amount.value > 0 else {
            throw CalculationError(.invalidInput, "the functional unit must be a positive amount", field: "functional_unit.amount")
        }
        do { return (column, amount, try amount.value(in: network.columns[column].output.unit)) } catch {
            throw error.at("functional_unit.unit")
        }
    }

    /// s from A·s = f, refusing a process that would have to run backwards.
    static func solve(_ network: ProcessNetwork, demand: [Decimal], trail: inout FormulaTrail)
        throws(CalculationError) -> [Decimal]
    {
        let matrix = try network.technologyMatrix()
        var s = try DecimalLinearSystem.solve(matrix, demand, names: network.columns.map(\.product))
        let largest = s.map(\.magnitude).max() ?? 0
        for j in s.indices where s[j] < 0 {
            if s[j].magnitude <= largest * DecimalLinearSystem.relativeTolerance { s[j] = 0; continue }
            let column = network.columns[j]
            throw CalculationError(.invalidInput,
                                   "process '\(column.processID)' would have to run \(DecimalText.plain(s[j])) times: "
                                       + "the network consumes more '\(column.product)' than it makes",
                                   field: "processes[\(column.processIndex)]")
        }
        trail.note("s", "A·s = f over \(s.count) products, Gaussian elimination with partial pivoting",
                   result: zip(network.columns, s).map { "\($0.product)=\(DecimalText.plain($1))" }.joined(separator: "; "))
        return s
    }

    static func share(_ part: Decimal, of total: Decimal, _ label: String, _ unit: Unit, _ trail: inout FormulaTrail)
        -> Decimal
    {
        trail.step(label, "E_stage / E_total × 100", [Quantity(part, unit), Quantity(total, unit)],
                   Quantity(part / total * 100, percent)).value
    }
}
