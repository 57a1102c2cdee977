import CarbonCore
import CarbonData
import Foundation

/// Builds and runs inventories for tests against the shipped factor library.
enum Inventories {
    static let library: FactorLibrary = try! FactorSeed.library()

    /// An inventory around `sources` (each a JSON object text), calculated.
    static func run(_ sources: [String], gwp: String = "AR5", year: Int? = nil, production: String? = nil)
        throws -> InventoryResult
    {
        try InventoryCalculator(library: library).calculate(input(sources, gwp: gwp, year: year, production: production))
    }

    static func input(_ sources: [String], gwp: String = "AR5", year: Int? = nil, production: String? = nil)
        throws -> InventoryInput
    {
        let yearField = year.map { #""year": \#($0),"# } ?? ""
        let productionField = production.map { #", "production": \#($0)"# } ?? ""
        let json = """
            {"organisation": "Test plant", "period": {"from": "2024-01-01", "to": "2024-12-31"}, "gwp": "\(gwp)", \(yearField)
             "sources": [\(sources.joined(separator: ","))]\(productionField)}
            """
        return try InputDecoding.decode(InventoryInput.self, from: Data(json.utf8))
    }

    /// The rounded figure the report would print.
    static func tco2e(_ value: Decimal) -> String { DecimalText.format(value, places: 3) }

    static func source(_ result: InventoryResult, _ id: String) -> SourceResult {
        result.sources.first { $0.id == id }!
    }
}
