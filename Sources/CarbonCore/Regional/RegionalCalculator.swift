import Foundation

/// Additive figures of one node-year. A parent's are the exact sums of its children's: nothing
/// here is rounded, so `parent == Σ children` holds to the last digit.
struct RegionalTotals {
    var direct: Decimal = 0
    /// MWh; negative for a net exporter.
    var netImport: Decimal = 0
    var bySource: [RegionalResult.DirectSource: Decimal] = [:]
    var tceByGroup: [RegionalModel.FuelGroup: Decimal] = [:]
    var enterprise: EnterpriseSums?

    struct EnterpriseSums {
        var scope1: Decimal = 0
        var purchased: Decimal = 0
        var generation: Decimal = 0
        /// (name, scope 1 tCO2, purchased MWh), only at the node holding the reports.
        var reports: [(name: String, scope1: Decimal, purchased: Decimal)] = []
    }

    mutating func add(_ other: RegionalTotals) {
        direct += other.direct
        netImport += other.netImport
        bySource.merge(other.bySource, uniquingKeysWith: +)
        tceByGroup.merge(other.tceByGroup, uniquingKeysWith: +)
        if let theirs = other.enterprise {
            var sums = enterprise ?? EnterpriseSums()
            sums.scope1 += theirs.scope1
            sums.purchased += theirs.purchased
            sums.generation += theirs.generation
            enterprise = sums
        }
    }
}

/// The calculation's working state: the model, the factor library, and the factors resolved so
/// far (each coefficient is looked up once and then reused for every node and year).
struct RegionalCalculator {
    let model: RegionalModel
    let factors: (any FactorResolving)?
    private var cache: [String: (quantity: Quantity, use: FactorUse)] = [:]

    init(model: RegionalModel, factors: (any FactorResolving)?) {
        self.model = model
        self.factors = factors
    }

    static let tce = Unit(symbol: "tce", dimension: .energy, factor: Decimal(293_076) / 10_000)
    static let tCO2PerMWh = Unit.tonneCO2 / .megawattHour
    static let tCO2PerTce = Unit.tonneCO2 / tce
    static let percent = Unit(symbol: "%", dimension: .none, factor: Decimal(1) / 100)

    /// A coefficient from the input or the factor library, with how it entered (for the trail).
    /// `fallback` is the library query used when the input leaves the coefficient out.
    mutating func resolve(
        _ input: RegionalModel.FactorInput?, parameter: String, field: String,
        fallback: FactorQuery? = nil
    ) throws(CalculationError) -> (quantity: Quantity, use: FactorUse) {
        if let cached = cache[field] { return cached }
        let resolved: (quantity: Quantity, use: FactorUse)
        switch input {
        case .quantity(let quantity, let source):
            // A value typed into the model is "input"; its stated publication, if any, goes with it.
            resolved = (
                quantity,
                FactorUse(
                    parameter: parameter, value: quantity.value, unit: quantity.unit.symbol,
                    source: source.map { "input: \($0)" } ?? "input",
                    verificationStatus: "input", defaulted: false)
            )
        case .factorID(let id):
            guard let factors else {
                throw CalculationError(
                    .noFactor, "factor_id '\(id)' needs the factor library, and none was given",
                    field: field)
            }
            let factor: EmissionFactor
            do { factor = try factors.resolve(FactorQuery(factorID: id)) } catch { throw error.at(field) }
            resolved = (factor.quantity, factor.use(as: parameter, defaulted: false))
        case nil:
            guard let fallback, let factors else {
                throw CalculationError(.missingInput, "\(parameter) is required here", field: field)
            }
            let factor: EmissionFactor
            do { factor = try factors.resolve(fallback) } catch { throw error.at(field) }
            resolved = (factor.quantity, factor.use(as: parameter, defaulted: true))
        }
        cache[field] = resolved
        return resolved
    }

    /// A coefficient converted to `unit`, refused when negative.
    mutating func coefficient(
        _ input: RegionalModel.FactorInput?, parameter: String, in unit: Unit, field: String,
        fallback: FactorQuery? = nil
    ) throws(CalculationError) -> (value: Decimal, use: FactorUse) {
        let resolved = try resolve(input, parameter: parameter, field: field, fallback: fallback)
        let value: Decimal
        do { value = try resolved.quantity.value(in: unit) } catch { throw error.at(field) }
        guard value >= 0 else {
            throw CalculationError(
                .negativeQuantity, "\(parameter) \(resolved.quantity) must not be negative", field: field)
        }
        return (value, resolved.use)
    }

    /// The grid factor for `year` in tCO2/MWh: the year's own entry, else the general one.
    mutating func gridFactor(year: Int, needed by: String) throws(CalculationError) -> (value: Decimal, use: FactorUse)
    {
        guard let electricity = model.electricity else {
            throw CalculationError(
                .missingInput,
                "\(by) reports electricity, so the model needs an electricity section with grid_factor and net_export_policy",
                field: "electricity")
        }
        if let entry = electricity.gridFactorByYear[year] {
            return try coefficient(
                entry, parameter: "grid_factor", in: Self.tCO2PerMWh,
                field: "electricity.grid_factor_by_year.\(year)")
        }
        guard let general = electricity.gridFactor else {
            throw CalculationError(
                .missingInput, "no grid factor for \(year) (needed by \(by))",
                field: "electricity.grid_factor")
        }
        return try coefficient(general, parameter: "grid_factor", in: Self.tCO2PerMWh, field: "electricity.grid_factor")
    }

    /// `quantity` in `unit`, refused when negative (emissions, purchases, fuel use cannot be).
    static func nonNegative(_ quantity: Quantity, in unit: Unit, field: String) throws(CalculationError) -> Decimal {
        let value = try signed(quantity, in: unit, field: field)
        guard value >= 0 else {
            throw CalculationError(.negativeQuantity, "\(quantity) must not be negative", field: field)
        }
        return value
    }

    static func signed(_ quantity: Quantity, in unit: Unit, field: String) throws(CalculationError) -> Decimal {
        do { return try quantity.value(in: unit) } catch { throw error.at(field) }
    }
}
