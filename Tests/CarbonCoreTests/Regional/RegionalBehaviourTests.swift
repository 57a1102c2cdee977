import CarbonCore
import Foundation
import Testing

/// Rules of the regional model that the fixture cases do not pin down on their own.
@Suite struct RegionalBehaviourTests {
    typealias T = RegionalTesting

    static func reported(_ direct: String, net: String? = nil) -> [String: Any] {
        var total: [String: Any] = ["direct_emissions": T.quantity(direct, "tCO2")]
        if let net { total["net_imported_electricity"] = T.quantity(net, "MWh") }
        return ["reported_total": total]
    }

    func twoCounties(policy: String, grid: [String: String] = T.quantity("0.5", "tCO2/MWh")) -> [String: Any] {
        [
            "electricity": ["grid_factor": grid, "net_export_policy": policy],
            "nodes": [
                ["id": "C"],
                ["id": "exporter", "parent": "C", "years": ["2022": Self.reported("1000", net: "-600")]],
                ["id": "importer", "parent": "C", "years": ["2022": Self.reported("200", net: "400")]],
            ],
        ]
    }

    /// Clamping applies to each node's own balance: the city's net export is 200 MWh, clamped to
    /// 0, not the sum of its counties' clamped adjustments (0 + 200).
    @Test func clampAppliesToEachNodesOwnBalance() throws {
        let result = try T.run(twoCounties(policy: "clamp_to_zero"))
        #expect(try T.year(result, "exporter", 2022).consumption == 1000)
        #expect(try T.year(result, "importer", 2022).consumption == 400)
        let city = try T.year(result, "C", 2022)
        #expect(city.netImportedElectricity == -200)
        #expect(city.consumption == 1200)
        #expect(city.consumptionView.contains("clamped"))
        #expect(city.trail.steps.contains { $0.formula.contains("clamped to 0") })
        let credited = try T.year(try T.run(twoCounties(policy: "credit")), "C", 2022)
        #expect(credited.consumption == 1100)
    }

    @Test func gridFactorInOtherUnitsIsConverted() throws {
        let perKWh = try T.run(twoCounties(policy: "credit", grid: T.quantity("0.5", "kgCO2/kWh")))
        #expect(T.tCO2(try T.year(perKWh, "C", 2022).consumption) == "1100.000")
    }

    @Test func yearSpecificGridFactorWins() throws {
        var model = twoCounties(policy: "credit")
        model["electricity"] = [
            "grid_factor": T.quantity("0.5", "tCO2/MWh"),
            "grid_factor_by_year": ["2022": ["value": "0.6776", "unit": "tCO2/MWh", "source": "华北 2022"]],
            "net_export_policy": "credit",
        ]
        let year = try T.year(try T.run(model), "importer", 2022)
        #expect(year.electricityAdjustment == Decimal(string: "271.04"))
        #expect(year.trail.factors.first?.source == "input: 华北 2022")
    }

    @Test func noYearOnYearAcrossAGap() throws {
        let result = try T.run([
            "nodes": [["id": "R", "years": ["2019": Self.reported("100"), "2021": Self.reported("90"),
                                             "2022": Self.reported("99")]]],
        ])
        let trend = try #require(result.node("R")?.territorialTrend)
        #expect(trend.yearOnYear.map(\.year) == [2022])
        #expect(trend.yearOnYear.first?.percent == 10)
        #expect(trend.peakYear == 2019)
        #expect(trend.changeFromPeakPercent == -1)
    }

    @Test func gdpIsTheParentsOwnWhenGivenElseTheSumOfChildren() throws {
        var c = twoCounties(policy: "credit")
        var nodes = try #require(c["nodes"] as? [[String: Any]])
        for index in 1...2 {
            var years = try #require(nodes[index]["years"] as? [String: [String: Any]])
            years["2022"]?["gdp"] = T.quantity(index == 1 ? "100" : "300", "10^4 yuan")
            nodes[index]["years"] = years
        }
        c["nodes"] = nodes
        let summed = try T.year(try T.run(c), "C", 2022)
        #expect(summed.gdp == 400 && summed.gdpSource == "sum_of_children")
        #expect(summed.territorialIntensity == 3)
        nodes[0]["years"] = ["2022": ["gdp": T.quantity("5", "亿元")]]
        c["nodes"] = nodes
        let own = try T.year(try T.run(c), "C", 2022)
        #expect(own.gdp == 50_000 && own.gdpSource == "reported")
    }

    @Test func resultJSONUsesStringsForDecimals() throws {
        let data = try T.run(twoCounties(policy: "credit")).encodedJSON()
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let node = try #require((json["nodes"] as? [[String: Any]])?.first)
        let year = try #require((node["years"] as? [[String: Any]])?.first)
        #expect(year["year"] as? Int == 2022)
        #expect(year["consumption_tco2"] as? String == "1100.000")
        #expect(year["net_imported_electricity_mwh"] as? String == "-200.000")
        #expect(year["method"] as? String == "sum_of_children")
        #expect((year["trail"] as? [String: Any])?["steps"] is [Any])
        // Byte-stable: the same model encodes to the same bytes.
        #expect(try T.run(twoCounties(policy: "credit")).encodedJSON() == data)
    }
}
