import CarbonCore
import Foundation
import Testing

/// examples/region.json (the README's example for `carbonctl region`) is accepted, rolls up
/// exactly, and encodes with the documented keys.
@Suite struct RegionalExampleTests {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/region.json")

    @Test func exampleIsAcceptedAndRollsUp() throws {
        let model = try RegionalModel.decode(json: try Data(contentsOf: Self.url))
        let result = try RegionalAccounting.calculate(model, factors: nil)
        #expect(result.nodes.map(\.id) == ["P", "A", "A1", "A2", "B"])
        for year in [2022, 2023] {
            let province = try RegionalTesting.year(result, "P", year)
            let cityA = try RegionalTesting.year(result, "A", year)
            let cityB = try RegionalTesting.year(result, "B", year)
            let counties = try [RegionalTesting.year(result, "A1", year), RegionalTesting.year(result, "A2", year)]
            #expect(cityA.territorial == counties.map(\.territorial).reduce(0, +))
            #expect(province.territorial == cityA.territorial + cityB.territorial)
            #expect(province.consumption == cityA.consumption + cityB.consumption)
            #expect(province.gdpSource == "reported" && cityA.gdpSource == "sum_of_children")
            #expect(province.territorialIntensity != nil)
            #expect(counties[0].enterpriseDiagnostic != nil && province.enterpriseDiagnostic != nil)
        }
        let json = try #require(try JSONSerialization.jsonObject(with: result.encodedJSON()) as? [String: Any])
        #expect(json["net_export_policy"] as? String == "credit")
        if ProcessInfo.processInfo.environment["REGIONAL_PRINT"] != nil {
            print(String(decoding: try result.encodedJSON(), as: UTF8.self))
        }
    }
}
