import Foundation

/// Regional accounting (M4): rolls a region tree up from its leaves, year by year, and reports
/// each node in two labelled views (territorial and consumption), with the standard-coal method,
/// intensities, trends and a formula trail. The naive sum of enterprise totals appears only as a
/// labelled diagnostic.
public enum RegionalAccounting {
    public static let territorialView =
        "territorial: direct emissions inside the boundary; electricity flows not counted"

    public static func consumptionView(_ policy: RegionalModel.NetExportPolicy?) -> String {
        switch policy {
        case .credit?:
            "consumption: direct + net imported electricity × grid factor; a net export is credited (negative adjustment)"
        case .clampToZero?:
            "consumption: direct + net imported electricity × grid factor; a net export counts as 0 (clamped per node, so this view is not additive over children)"
        case nil:
            "consumption: the model has no electricity settings, so it equals the territorial view"
        }
    }

    /// Calculates every node of `model`. `factors` answers `factor_id` references and fills
    /// tCO2/tce coefficients the model leaves out; pass nil to use only the model's own values.
    public static func calculate(
        _ model: RegionalModel, factors: (any FactorResolving)?
    ) throws(CalculationError) -> RegionalResult {
        let tree = try RegionalTree(model.nodes)
        var calculator = RegionalCalculator(model: model, factors: factors)
        var state = RollUp(count: model.nodes.count)
        // Reverse pre-order visits every child before its parent.
        for index in tree.preOrder.reversed() {
            state.results[index] = try calculator.node(index, tree: tree, state: &state)
        }
        let policy = model.electricity?.netExportPolicy
        return RegionalResult(
            name: model.name, netExportPolicy: policy, territorialView: territorialView,
            consumptionView: consumptionView(policy), gdpUnit: model.gdpUnit,
            nodes: tree.preOrder.compactMap { state.results[$0] })
    }
}

/// What the roll-up keeps per node while it walks up the tree.
struct RollUp {
    var totals: [[Int: RegionalTotals]]
    var gdp: [[Int: Decimal]]
    var results: [RegionalResult.Node?]

    init(count: Int) {
        totals = Array(repeating: [:], count: count)
        gdp = Array(repeating: [:], count: count)
        results = Array(repeating: nil, count: count)
    }
}

extension RegionalCalculator {
    /// One node, all years. A year's figures come from the node's own data or from the sum of
    /// its children, never both (that would count the children twice) and never from only some
    /// children (that would silently under-count the parent).
    mutating func node(_ index: Int, tree: RegionalTree, state: inout RollUp) throws(CalculationError)
        -> RegionalResult.Node
    {
        let node = tree.nodes[index]
        let children = tree.children[index]
        let ownYears = node.years.filter { $0.value.hasEmissionData }.keys
        let childYears = children.flatMap { state.totals[$0].keys }
        var years: [RegionalResult.Year] = []
        for year in Set(ownYears).union(childYears).sorted() {
            let field = tree.field(index, year: year)
            var trail = FormulaTrail()
            let method: RegionalResult.Method
            var totals: RegionalTotals
            if let data = node.years[year], data.hasEmissionData {
                if let child = children.first(where: { state.totals[$0][year] != nil }) {
                    throw CalculationError(
                        .invalidInput,
                        "'\(node.id)' has its own emission data for \(year) and so does its child '\(tree.nodes[child].id)'; the parent would count it twice (remove one)",
                        field: field)
                }
                (method, totals) = try own(data, field: field, trail: &trail)
            } else {
                if let missing = children.first(where: { state.totals[$0][year] == nil }),
                    let present = children.first(where: { state.totals[$0][year] != nil })
                {
                    throw CalculationError(
                        .missingInput,
                        "'\(tree.nodes[missing].id)' has no emission data for \(year) while its sibling '\(tree.nodes[present].id)' has; the total of '\(node.id)' would be incomplete",
                        field: "nodes[\(missing)].years")
                }
                method = .sumOfChildren
                totals = sumOfChildren(children, year: year, tree: tree, state: state, trail: &trail)
            }
            state.totals[index][year] = totals
            let gdp = try gdp(index, year: year, tree: tree, state: &state, trail: &trail)
            years.append(try views(totals, method: method, year: year, node: node.id, gdp: gdp, trail: trail))
        }
        let territorial = years.map { (year: $0.year, value: $0.territorial) }
        let consumption = years.map { (year: $0.year, value: $0.consumption) }
        return RegionalResult.Node(
            id: node.id, name: node.name, level: node.level, parent: node.parent,
            children: children.map { tree.nodes[$0].id }, depth: tree.depth[index], years: years,
            territorialTrend: RegionalTrend.trend(territorial, view: RegionalAccounting.territorialView),
            consumptionTrend: RegionalTrend.trend(
                consumption, view: RegionalAccounting.consumptionView(model.electricity?.netExportPolicy)))
    }

    private func sumOfChildren(
        _ children: [Int], year: Int, tree: RegionalTree, state: RollUp,
        trail: inout FormulaTrail
    ) -> RegionalTotals {
        var totals = RegionalTotals()
        let parts = children.compactMap { state.totals[$0][year] }
        for part in parts { totals.add(part) }
        let names = children.map { tree.nodes[$0].id }.joined(separator: " + ")
        trail.step(
            "E_direct", "Σ children: \(names)", parts.map { Quantity($0.direct, .tonneCO2) },
            Quantity(totals.direct, .tonneCO2), note: "exact sum, no rounding at intermediate levels")
        trail.step(
            "EL_net", "Σ children: \(names)", parts.map { Quantity($0.netImport, .megawattHour) },
            Quantity(totals.netImport, .megawattHour), note: "flows between children cancel out")
        return totals
    }

    /// The node's own GDP for the year when given (statistical GDP of a province is not the sum
    /// of its cities'), else the sum of the children's when every child has one.
    private func gdp(
        _ index: Int, year: Int, tree: RegionalTree, state: inout RollUp,
        trail: inout FormulaTrail
    ) throws(CalculationError) -> (value: Decimal, source: String)? {
        if let given = tree.nodes[index].years[year]?.gdp {
            let field = tree.field(index, year: year) + ".gdp"
            let value = try Self.signed(given, in: model.gdpUnit, field: field)
            guard value > 0 else {
                throw CalculationError(
                    .invalidInput, "GDP \(given) must be positive (it divides the emissions)", field: field)
            }
            state.gdp[index][year] = value
            trail.step("GDP", "reported GDP", [given], Quantity(value, model.gdpUnit))
            return (value, "reported")
        }
        let children = tree.children[index]
        let parts = children.compactMap { state.gdp[$0][year] }
        guard !children.isEmpty, parts.count == children.count else { return nil }
        let sum = parts.reduce(0, +)
        state.gdp[index][year] = sum
        trail.step("GDP", "Σ children's GDP", parts.map { Quantity($0, model.gdpUnit) }, Quantity(sum, model.gdpUnit))
        return (sum, "sum_of_children")
    }
}
