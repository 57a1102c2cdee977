import Foundation

/// The product system as a square technology matrix: one column per (allocated) process, one row
/// per product, each product made by exactly one column. A multi-output process becomes one
/// column per output, each carrying its allocated part of the inputs and emissions.
struct ProcessNetwork {
    struct Column {
        var processIndex: Int
        var processID: String
        var name: String
        var stage: LifecycleStage
        var product: String
        /// What one run of this column makes, in the product's own unit.
        var output: Quantity
        var inputs: [(product: String, amount: Quantity, field: String)]
        var flows: [CharacterisedFlow]
        /// CO2e per run, in the result unit.
        var direct: Decimal
    }

    var columns: [Column] = []
    var allocations: [AllocationReport] = []
    /// Product → column.
    var index: [String: Int] = [:]

    init(model: FootprintModel, evaluator: ElementaryFlowEvaluator, trail: inout FormulaTrail) throws(CalculationError) {
        guard !model.processes.isEmpty else {
            throw CalculationError(.missingInput, "a footprint needs at least one process", field: "processes")
        }
        var ids: Set<String> = []
        for (position, process) in model.processes.enumerated() {
            do throws(CalculationError) {
                guard !process.id.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw CalculationError(.missingInput, "a process needs an id", field: "id")
                }
                guard ids.insert(process.id).inserted else {
                    throw CalculationError(.invalidInput, "another process already has id '\(process.id)'", field: "id")
                }
                try add(process, at: position, evaluator: evaluator, trail: &trail)
            } catch {
                throw error.at("processes[\(position)]")
            }
        }
    }

    private mutating func add(_ process: FootprintModel.UnitProcess, at position: Int, evaluator: ElementaryFlowEvaluator,
                              trail: inout FormulaTrail) throws(CalculationError) {
        let outputs = [process.product] + (process.coProducts ?? [])
        var amounts: [Quantity] = []
        for (index, output) in outputs.enumerated() {
            let field = index == 0 ? "product" : "co_products[\(index - 1)]"
            let amount = try ElementaryFlowEvaluator.quantity(
                FootprintModel.Amount(amount: output.amount, unit: output.unit), field: field)
            guard amount.value > 0 else {
                throw CalculationError(.invalidInput, "a process must make a positive amount of \(output.product)",
                                       field: "\(field).amount")
            }
            if outputs[..<index].contains(where: { $0.product == output.product }) {
                throw CalculationError(.invalidInput, "'\(output.product)' is listed twice among this process's outputs",
                                       field: "\(field).product")
            }
            if let other = self.index[output.product] {
                throw CalculationError(.invalidInput,
                                       "'\(output.product)' is also made by process '\(columns[other].processID)'; "
                                           + "each product needs one producer (name alternatives as separate products)",
                                       field: "\(field).product")
            }
            amounts.append(amount)
        }

        var flows: [CharacterisedFlow] = []
        for (index, flow) in (process.emissions ?? []).enumerated() {
            let label = "\(process.id): \(flow.label ?? flow.gas ?? "emissions[\(index)]")"
            do { flows.append(try evaluator.evaluate(flow, label: label, trail: &trail)) } catch {
                throw error.at("emissions[\(index)]")
            }
        }
        var inputs: [(product: String, amount: Quantity, field: String)] = []
        for (index, input) in (process.inputs ?? []).enumerated() {
            let field = "inputs[\(index)]"
            let amount = try ElementaryFlowEvaluator.quantity(
                FootprintModel.Amount(amount: input.amount, unit: input.unit), field: field)
            inputs.append((input.product, amount, field))
        }

        var shares: [Decimal] = [1]
        if outputs.count > 1 {
            guard let allocation = process.allocation else {
                throw CalculationError(.missingInput, "a process with co-products needs an allocation method (mass or economic)",
                                       field: "allocation")
            }
            trail.note("allocation[\(process.id)]", allocation.method.hierarchyStep, result: allocation.justification ?? "")
            let computed = try CoProductAllocation.shares(of: outputs, amounts: amounts, method: allocation.method,
                                                          trail: &trail)
            shares = computed.map(\.share)
            allocations.append(report(process, allocation, outputs, amounts, computed, flows))
        }

        let flowParts = flows.map { CoProductAllocation.split($0.co2e, shares: shares) }
        let inputParts = inputs.map { CoProductAllocation.split($0.amount.value, shares: shares) }
        for (k, output) in outputs.enumerated() {
            var columnFlows = flows
            for f in columnFlows.indices { columnFlows[f].co2e = flowParts[f][k] }
            var direct = Decimal(0)
            for flow in columnFlows { direct += flow.co2e }
            let columnInputs = inputs.enumerated().map { i, input in
                (input.product, Quantity(inputParts[i][k], input.amount.unit), input.field)
            }
            index[output.product] = columns.count
            columns.append(Column(processIndex: position, processID: process.id, name: process.name ?? process.id,
                                  stage: process.stage, product: output.product, output: amounts[k],
                                  inputs: columnInputs, flows: columnFlows, direct: direct))
        }
    }

    private func report(_ process: FootprintModel.UnitProcess, _ allocation: FootprintModel.Allocation,
                        _ outputs: [FootprintModel.Output], _ amounts: [Quantity],
                        _ computed: [(basis: Quantity, share: Decimal)], _ flows: [CharacterisedFlow]) -> AllocationReport {
        var total = Decimal(0)
        for flow in flows { total += flow.co2e }
        let parts = flows.map { CoProductAllocation.split($0.co2e, shares: computed.map(\.share)) }
        let shares = outputs.indices.map { k in
            var allocated = Decimal(0)
            for part in parts { allocated += part[k] }
            return AllocationReport.Share(product: outputs[k].product, amount: amounts[k], basis: computed[k].basis,
                                          share: computed[k].share, allocatedEmissions: allocated,
                                          perUnit: allocated / amounts[k].value)
        }
        return AllocationReport(processID: process.id, method: allocation.method,
                                hierarchyStep: allocation.method.hierarchyStep, justification: allocation.justification,
                                processEmissions: total, shares: shares)
    }

    /// A = outputs on the diagonal minus inputs, every input in its producer's unit.
    func technologyMatrix() throws(CalculationError) -> [[Decimal]] {
        var matrix = Array(repeating: Array(repeating: Decimal(0), count: columns.count), count: columns.count)
        for (j, column) in columns.enumerated() {
            matrix[j][j] += column.output.value
            for input in column.inputs {
                let field = "processes[\(column.processIndex)].\(input.field)"
                guard let row = index[input.product] else {
                    throw CalculationError(.missingInput,
                                           "no process makes '\(input.product)'; add one, or enter its emissions directly",
                                           field: "\(field).product")
                }
                let amount: Quantity
                do { amount = try input.amount.converted(to: columns[row].output.unit) } catch {
                    throw error.at("\(field).unit")
                }
                matrix[row][j] -= amount.value
            }
        }
        return matrix
    }
}
