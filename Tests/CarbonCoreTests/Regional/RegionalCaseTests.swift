import CarbonCore
import Foundation
import Testing

/// REG-01..03 of regional_cases.json to the last digit. Inputs are read from the fixture; the
/// coefficients REG-02 only names in its source text are typed here with that source.
@Suite struct RegionalCaseTests {
    typealias T = RegionalTesting

    // MARK: REG-01: enterprise reports in a county with a power plant

    func reg01Model(policy: String) throws -> [String: Any] {
        let inputs = try T.inputs("REG-01")
        let enterprises = try #require(inputs["enterprises"] as? [String: [String: String]])
        let generation = try #require(inputs["local_generation_MWh (all by A_power)"] as? String)
        let other = try #require(inputs["other_electricity_consumption_MWh"] as? String)
        let parameters = try #require(try T.fixture("REG-01")["parameters"] as? [[String: Any]])
        let grid = try #require(parameters.first?["value"] as? String)
        let reports: [[String: Any]] = try enterprises.keys.sorted().map { name in
            let report = try #require(enterprises[name])
            var entry: [String: Any] = [
                "name": name,
                "scope1_emissions": T.quantity(try #require(report["scope1_tCO2"]), "tCO2"),
                "purchased_electricity": T.quantity(try #require(report["purchased_electricity_MWh"]), "MWh"),
            ]
            if name == "A_power" { entry["local_generation"] = T.quantity(generation, "MWh") }
            return entry
        }
        return [
            "name": "REG-01 county",
            "electricity": ["grid_factor": T.quantity(grid, "tCO2/MWh"), "net_export_policy": policy],
            "nodes": [
                [
                    "id": "county", "level": "county",
                    "years": [
                        "2022": [
                            "enterprise_reports": reports,
                            "other_electricity_consumption": T.quantity(other, "MWh"),
                        ]
                    ],
                ]
            ],
        ]
    }

    @Test func reg01ViewsAndDoubleCounting() throws {
        let want = try T.expected("REG-01")
        let credited = try T.year(try T.run(try reg01Model(policy: "credit")), "county", 2022)
        let clamped = try T.year(try T.run(try reg01Model(policy: "clamp_to_zero")), "county", 2022)
        let diagnostic = try #require(credited.enterpriseDiagnostic)
        #expect(T.tCO2(diagnostic.naiveSum) == want["a_naive_sum_of_enterprise_totals_tCO2"] as? String)
        #expect(T.tCO2(credited.territorial) == want["b_territorial_direct_tCO2"] as? String)
        #expect(T.tCO2(credited.consumption) == want["c_direct_plus_net_import_tCO2"] as? String)
        #expect(T.tCO2(clamped.consumption) == want["d_net_export_clamped_tCO2"] as? String)
        #expect(T.tCO2(diagnostic.doubleCounted) == want["double_counted_amount_tCO2"] as? String)
        #expect(credited.netImportedElectricity == -300_000)
        #expect(credited.method == .enterpriseReports)
    }

    @Test func reg01EnterpriseTotalsMatchTheFixtureTrail() throws {
        // "enterprise reported totals = scope1 + MWh x 0.6776: A_power=1200000.000000000000, ..."
        let trail = try #require(try T.fixture("REG-01")["formula_trail"] as? [String])
        let listed = try #require(trail.first?.split(separator: ":", maxSplits: 1).last)
        var want: [String: Decimal] = [:]
        for pair in listed.split(separator: ",") {
            let parts = pair.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            want[parts[0]] = try DecimalText.parse(parts[1])
        }
        let year = try T.year(try T.run(try reg01Model(policy: "credit")), "county", 2022)
        let totals = try #require(year.enterpriseDiagnostic?.enterprises)
        #expect(totals.count == 4)
        for total in totals { #expect(total.total == want[total.name], "\(total.name)") }
    }

    @Test func reg01NaiveSumIsOnlyALabelledDiagnostic() throws {
        let result = try T.run(try reg01Model(policy: "credit"))
        let year = try T.year(result, "county", 2022)
        let naive = try #require(year.enterpriseDiagnostic?.naiveSum)
        #expect(year.territorial != naive && year.consumption != naive)
        let json = try #require(try JSONSerialization.jsonObject(with: result.encodedJSON()) as? [String: Any])
        let views = try #require(json["views"] as? [String: String])
        #expect(views["territorial"]?.hasPrefix("territorial") == true)
        #expect(views["consumption"]?.contains("credited") == true)
        let node = try #require((json["nodes"] as? [[String: Any]])?.first)
        let encoded = try #require((node["years"] as? [[String: Any]])?.first)
        #expect(encoded["territorial_tco2"] as? String == "2602000.000")
        #expect(encoded["consumption_tco2"] as? String == "2398720.000")
        let diagnostic = try #require(encoded["enterprise_diagnostic"] as? [String: Any])
        #expect((diagnostic["label"] as? String)?.contains("NOT a regional inventory") == true)
        #expect(diagnostic["naive_sum_of_enterprise_totals_tco2"] as? String == "3069544.000")
        #expect(diagnostic["double_counted_tco2"] as? String == "467544.000")
    }

    // MARK: REG-02: provincial standard-coal method

    /// Coefficients from REG-02's source: GB/T 2589-2020 annex (recalled) for tce, tslxft.com for
    /// tCO2/tce and the 广西 grid factor.
    func reg02Model(co2PerTce: [String: Any]?, grid: [String: String]) throws -> [String: Any] {
        let inputs = try T.inputs("REG-02")
        func value(_ key: String) throws -> String { try #require(inputs[key] as? String) }
        var model: [String: Any] = [
            "name": "REG-02 province",
            "gdp_unit": "10^4 yuan",
            "electricity": ["grid_factor": grid, "net_export_policy": "credit"],
            "fuels": [
                "raw_coal": ["group": "coal", "tce_coefficient": T.quantity("0.7143", "kgce/kg")],
                "gasoline": ["group": "oil", "tce_coefficient": T.quantity("1.4714", "kgce/kg")],
                "diesel": ["group": "oil", "tce_coefficient": T.quantity("1.4571", "kgce/kg")],
                "natural_gas": ["group": "gas", "tce_coefficient": T.quantity("1.2143", "kgce/Nm3")],
            ],
            "nodes": [
                [
                    "id": "province", "level": "province",
                    "years": [
                        "2022": [
                            "energy_statistics": [
                                "fuels": [
                                    ["fuel": "raw_coal", "quantity": T.quantity(try value("raw_coal_t"), "t")],
                                    ["fuel": "gasoline", "quantity": T.quantity(try value("gasoline_t"), "t")],
                                    ["fuel": "diesel", "quantity": T.quantity(try value("diesel_t"), "t")],
                                    [
                                        "fuel": "natural_gas",
                                        "quantity": T.quantity(try value("natural_gas_10^4m3"), "10^4 Nm3"),
                                    ],
                                ],
                                "net_imported_electricity": T.quantity(
                                    try value("net_imported_electricity_MWh"), "MWh"),
                            ],
                            "gdp": T.quantity(try value("GDP_10^4_yuan"), "10^4 yuan"),
                        ]
                    ],
                ]
            ],
        ]
        if let co2PerTce { model["co2_per_tce"] = co2PerTce }
        return model
    }

    func checkReg02(_ year: RegionalResult.Year) throws {
        let want = try T.expected("REG-02")
        #expect(T.tCO2(year.territorial) == want["direct_tCO2"] as? String)
        #expect(T.tCO2(year.electricityAdjustment) == want["indirect_tCO2"] as? String)
        #expect(T.tCO2(year.consumption) == want["total_tCO2"] as? String)
        let intensity = try #require(year.consumptionIntensity)
        #expect(DecimalText.format(intensity, places: 6) == want["intensity_tCO2_per_10^4_yuan_6dp"] as? String)
        // tce per group as in the fixture trail: coal 3571500, oil 441420 + 728550, gas 2428600.
        #expect(year.tceByGroup[.coal] == 3_571_500)
        #expect(year.tceByGroup[.oil] == 1_169_970)
        #expect(year.tceByGroup[.gas] == 2_428_600)
        #expect(year.method == .energyStatistics)
    }

    @Test func reg02StandardCoalMethodWithInputCoefficients() throws {
        let model = try reg02Model(
            co2PerTce: [
                "coal": T.quantity("2.66", "tCO2/tce"), "oil": T.quantity("1.73", "tCO2/tce"),
                "gas": T.quantity("1.56", "tCO2/tce"),
            ],
            grid: T.quantity("0.3938", "tCO2/MWh"))
        try checkReg02(try T.year(try T.run(model), "province", 2022))
    }

    @Test func reg02CoefficientsFromTheFactorLibrary() throws {
        // co2_per_tce left out: the library's region_ef tce_factor per group fills it, marked defaulted.
        let model = try reg02Model(co2PerTce: nil, grid: ["factor_id": "CN-REG-GX-GRID"])
        let year = try T.year(try T.run(model, factors: try RegionalFactorTable.reg02()), "province", 2022)
        try checkReg02(year)
        let used = year.trail.factors
        #expect(used.contains { $0.factorID == "CN-REG-COAL-TCE" && $0.defaulted })
        #expect(used.contains { $0.factorID == "CN-REG-GX-GRID" && !$0.defaulted })
        #expect(used.contains { $0.parameter == "tce_coefficient_raw_coal" && $0.source == "input" })
    }

    // MARK: REG-03: roll-up county → city → province, trend

    func reg03Model() throws -> [String: Any] {
        let inputs = try T.inputs("REG-03")
        func series(_ key: String) throws -> [String: Any] {
            let values = try #require(inputs[key] as? [String: String])
            return values.mapValues { ["reported_total": ["direct_emissions": T.quantity($0, "tCO2")]] }
        }
        return [
            "name": "REG-03 province",
            "nodes": [
                ["id": "P", "level": "province", "years": try series("province series other years")],
                ["id": "X", "level": "city", "parent": "P"],
                ["id": "X1", "level": "county", "parent": "X", "years": try series("X1 (county of city X)")],
                ["id": "X2", "level": "county", "parent": "X", "years": try series("X2 (county of city X)")],
                ["id": "Y", "level": "city", "parent": "P", "years": try series("Y (city reported as a whole)")],
            ],
        ]
    }

    @Test func reg03RollUpAndTrend() throws {
        let want = try T.expected("REG-03")
        let result = try T.run(try reg03Model())
        #expect(T.tCO2(try T.year(result, "X", 2022).territorial) == want["city_X_2022"] as? String)
        #expect(T.tCO2(try T.year(result, "X", 2023).territorial) == want["city_X_2023"] as? String)
        #expect(T.tCO2(try T.year(result, "P", 2022).territorial) == want["province_2022"] as? String)
        #expect(T.tCO2(try T.year(result, "P", 2023).territorial) == want["province_2023"] as? String)
        #expect(try T.year(result, "P", 2022).method == .sumOfChildren)
        #expect(try T.year(result, "P", 2019).method == .reportedTotal)

        let trend = try #require(result.node("P")?.territorialTrend)
        let yoy = try #require(want["yoy_percent_3dp"] as? [String: String])
        #expect(trend.yearOnYear.count == yoy.count)
        for change in trend.yearOnYear {
            #expect(DecimalText.format(change.percent, places: 3) == yoy[String(change.year)], "\(change.year)")
        }
        #expect(trend.peakYear == want["peak_year"] as? Int)
        #expect(T.tCO2(trend.peakValue) == want["peak_value"] as? String)
        #expect(trend.lastYear == 2025)
        let decline = try #require(trend.changeFromPeakPercent)
        #expect(DecimalText.format(decline, places: 3) == want["decline_from_peak_to_2025_percent_3dp"] as? String)
        // No electricity anywhere: the consumption view equals the territorial one, and says so.
        #expect(result.netExportPolicy == nil)
        #expect(result.consumptionView.contains("equals the territorial view"))
        #expect(try T.year(result, "P", 2023).consumption == T.year(result, "P", 2023).territorial)
    }

    @Test func reg03ParentIsTheExactSumWithATrail() throws {
        let result = try T.run(try reg03Model())
        let city = try T.year(result, "X", 2023)
        let counties = try T.year(result, "X1", 2023).territorial + T.year(result, "X2", 2023).territorial
        #expect(city.territorial == counties)
        let step = try #require(city.trail.steps.first { $0.label == "E_direct" })
        #expect(step.formula == "Σ children: X1 + X2")
        #expect(step.result == "1970600.375 tCO2")
    }
}
