import CarbonCore
import Foundation
import Testing

@Suite struct FactorLibraryTests {
    let library = Inventories.library

    @Test func everySeedRowIsShippedWithSourceAndStatus() throws {
        #expect(library.factors.count == 118)
        let statuses = Set(library.factors.map(\.verificationStatus))
        #expect(statuses.isSubset(of: ["read", "read_secondary", "derived", "recalled"]))
        #expect(library.factors.allSatisfy { !$0.publication.isEmpty })
    }

    @Test func latestYearNotAfterTheRequestedOne() throws {
        let query = FactorQuery(parameter: "grid_factor", region: "华东", scope: "average", year: 2025)
        #expect(try library.resolve(query).factorID == "CN-ELEC-REG-华东-2023")
        #expect(try library.resolve(FactorQuery(parameter: "grid_factor", region: "华东", scope: "average", year: 2022)).factorID
                == "CN-ELEC-REG-华东-2022")
    }

    @Test func nothingApplicableIsAnExplicitError() throws {
        let error = #expect(throws: CalculationError.self) {
            try library.resolve(FactorQuery(parameter: "grid_factor", region: "华东", scope: "average", year: 2020))
        }
        #expect(error?.code == .noFactor)
    }

    @Test func severalCandidatesAreListed() throws {
        let error = #expect(throws: CalculationError.self) {
            try library.resolve(FactorQuery(parameter: "grid_factor", region: "CN", year: 2022))
        }
        #expect(error?.code == .ambiguousFactor)
        #expect(error?.message.contains("CN-ELEC-NAT-2022") == true && error?.message.contains("CN-ELEC-NATFOSSIL-2022") == true)
    }

    /// REG-04: the same MWh under each factor-choice policy, and the record says which factor.
    @Test func reg04GridFactorPolicy() throws {
        let want = try Fixture.testCase("regional_cases.json", "REG-04")["expected"] as! [String: String]
        let policies: [(String, String)] = [
            ("provincial_河北_2022", #"{"region": "河北", "year": 2022}"#),
            ("regional_华北_2022", #"{"region": "华北", "year": 2022}"#),
            ("national_2022", #"{"year": 2022}"#),
            ("national_excl_market_nonfossil_2022", #"{"year": 2022, "scope": "excluding_market_nonfossil"}"#),
            ("national_2023", #"{"year": 2023}"#),
            ("ETS_grid_factor_2022_reporting", #"{"year": 2022, "scope": "ets_reporting"}"#),
        ]
        for (key, grid) in policies {
            let result = try Inventories.run([#"{"id": "e", "kind": "purchased_electricity", "quantity": {"value": "1000000", "unit": "MWh"}, "grid": \#(grid)}"#])
            #expect(Inventories.tco2e(result.total) == want[key], "\(key)")
            let used = Inventories.source(result, "e").trail.factors[0]
            #expect(used.factorID != nil && used.dataYear != nil && !used.source.isEmpty)
        }
    }

    @Test func userSetOverridesTheDefaultAndSaysSo() throws {
        let csv = """
            factor_id,parameter,subject,value,unit,region,scope,publication
            PLANT-NG-NCV,ncv,natural_gas,385.00,GJ/10^4Nm3,CN,default,plant lab report 2024
            """
        let user = library.overlaying(try FactorLibrary.parseCSV(csv, factorSet: "plant-lab"))
        let factor = try user.resolve(FactorQuery(parameter: "ncv", subject: "natural_gas", region: "CN", scope: "default"))
        #expect(factor.factorID == "PLANT-NG-NCV" && factor.overrides == "CN-NG-NCV" && factor.factorSet == "plant-lab")
        let result = try InventoryCalculator(library: user).calculate(try Inventories.input(
            [#"{"id": "b", "kind": "combustion", "fuel": "natural_gas", "quantity": {"value": "1", "unit": "10^4Nm3"}}"#]))
        #expect(Inventories.source(result, "b").trail.factors.contains { $0.overrides == "CN-NG-NCV" && $0.factorSet == "plant-lab" })
    }

    @Test func malformedUserSetNamesLineAndField() throws {
        let csv = "factor_id,parameter,value,unit\nX,ncv,12x,GJ/t\n"
        let error = #expect(throws: CalculationError.self) { try FactorLibrary.parseCSV(csv, factorSet: "bad") }
        #expect(error?.message.contains("line 2") == true)
        #expect(error?.field == "value")
    }

    @Test func csvExportReadsBackIdentically() throws {
        let again = try FactorLibrary.parseCSV(FactorLibrary.csv(library.factors))
        #expect(again == library.factors)
    }
}
