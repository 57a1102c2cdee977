import CarbonCore
import Foundation
import Testing

/// Helpers for the regional suites: models are written as JSON objects (so every test also goes
/// through the strict decoder) and fixture values are read, not retyped.
enum RegionalTesting {
    static func fixture(_ id: String) throws -> [String: Any] {
        try Fixture.testCase("regional_cases.json", id)
    }

    static func expected(_ id: String) throws -> [String: Any] {
        try #require(try fixture(id)["expected"] as? [String: Any])
    }

    static func inputs(_ id: String) throws -> [String: Any] {
        try #require(try fixture(id)["inputs"] as? [String: Any])
    }

    static func quantity(_ value: String, _ unit: String) -> [String: String] { ["value": value, "unit": unit] }

    static func model(_ object: [String: Any]) throws -> RegionalModel {
        try RegionalModel.decode(json: try JSONSerialization.data(withJSONObject: object))
    }

    static func run(_ object: [String: Any], factors: (any FactorResolving)? = nil) throws -> RegionalResult {
        try RegionalAccounting.calculate(try model(object), factors: factors)
    }

    /// The error `body` throws, or nil.
    static func error(_ body: () throws -> Void) -> CalculationError? {
        do {
            try body()
            return nil
        } catch let error as CalculationError {
            return error
        } catch {
            Issue.record("not a CalculationError: \(error)")
            return nil
        }
    }

    static func tCO2(_ value: Decimal?) -> String? { value.map { DecimalText.format($0, places: 3) } }

    static func year(_ result: RegionalResult, _ node: String, _ year: Int) throws -> RegionalResult.Year {
        try #require(result.node(node)?.year(year))
    }
}

/// A fixed factor table standing in for the factor library.
struct RegionalFactorTable: FactorResolving {
    var factors: [EmissionFactor]

    func resolve(_ query: FactorQuery) throws(CalculationError) -> EmissionFactor {
        let found = factors.filter { factor in
            (query.factorID.map { $0 == factor.factorID } ?? true)
                && (query.subject.map { $0 == factor.subject } ?? true)
                && (query.parameter.map { $0 == factor.parameter } ?? true)
        }
        guard found.count == 1 else { throw CalculationError(.noFactor, "no single factor fits \(query)") }
        return found[0]
    }

    /// The three tCO2/tce coefficients and the 广西 grid factor of REG-02, as in factor_reference.csv.
    static func reg02() throws -> RegionalFactorTable {
        func factor(_ id: String, _ parameter: String, _ subject: String, _ value: String, _ unit: String) throws
            -> EmissionFactor
        {
            EmissionFactor(
                factorID: id, category: parameter == "grid_factor" ? "electricity" : "region_ef",
                parameter: parameter, subject: subject, name: id,
                quantity: try Quantity(value: value, unit: unit), gas: "CO2",
                publication: "tslxft.com/tpfgls/bmzn/13587.html", verificationStatus: "read")
        }
        return RegionalFactorTable(factors: [
            try factor("CN-REG-COAL-TCE", "tce_factor", "coal", "2.66", "tCO2/tce"),
            try factor("CN-REG-OIL-TCE", "tce_factor", "oil", "1.73", "tCO2/tce"),
            try factor("CN-REG-GAS-TCE", "tce_factor", "gas", "1.56", "tCO2/tce"),
            try factor("CN-REG-GX-GRID", "grid_factor", "electricity", "0.3938", "tCO2/MWh"),
        ])
    }
}
