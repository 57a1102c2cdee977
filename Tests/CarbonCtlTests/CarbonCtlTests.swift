import Foundation
import Testing

/// carbonctl end to end: the built binary, its exit status, and what it prints where.
@Suite struct CarbonCtlTests {
    func carbonctl(_ arguments: String..., stdin: String? = nil) throws -> CommandRun {
        try CommandRun.run("carbonctl", arguments, stdin: stdin)
    }

    @Test func accountsTheExampleInventory() throws {
        let run = try carbonctl("account", "examples/inventory.json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect(json["total_tco2e"] as? String == "16547.149")
        let sources = json["sources"] as! [[String: Any]]
        #expect(sources.map { $0["id"] as! String } == ["boiler", "kiln", "grid", "steam", "capture", "gis"])
        #expect(sources.allSatisfy { ($0["trail"] as? [Any])?.isEmpty == false })
        #expect((json["memo"] as? [String: String])?["biogenic_co2_t"] == "0.000000")
    }

    @Test func tableFormatIsForPeople() throws {
        let run = try carbonctl("account", "--format", "table", "examples/inventory.json")
        #expect(run.status == 0)
        #expect(run.stdout.contains("TOTAL") && run.stdout.contains("16547.149") && run.stdout.contains("CN-ELEC-REG-华东-2022"))
    }

    @Test func badInputIsOneLineOnStderrWithStatusTwo() throws {
        let inventory = #"{"organisation": "A", "period": {"from": "2024-01-01", "to": "2024-12-31"}, "sources": [{"id": "boiler", "kind": "combustion", "fuel": "natural_gas", "quantity": {"value": "250", "unit": "10^4 Nm3"}, "ncv": {"value": "389.31", "unit": "GJ/Nm"}}]}"#
        let run = try carbonctl("account", "-", stdin: inventory)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(run.stderr.hasPrefix("carbonctl: -: sources[0].ncv.unit: source 'boiler': unknown unit 'GJ/Nm'"))
    }

    @Test func missingFileIsNamed() throws {
        let run = try carbonctl("account", "no-such-inventory.json")
        #expect(run.status == 2 && run.stdout.isEmpty)
        #expect(run.stderr.contains("no-such-inventory.json"))
    }

    @Test func unitsConvertIsExact() throws {
        #expect(try carbonctl("units", "convert", "1", "tce", "GJ").stdout == "29.3076 GJ\n")
        #expect(try carbonctl("units", "convert", "1", "GJ", "MWh", "--places", "12").stdout == "0.277777777778 MWh\n")
        #expect(try carbonctl("units", "convert", "1", "tC", "tCO2", "--chemistry", "--places", "12").stdout == "3.666666666667 tCO2\n")
        let wrong = try carbonctl("units", "convert", "1", "MWh", "t")
        #expect(wrong.status == 2 && wrong.stderr.contains("1 MWh") && wrong.stderr.contains("(t)"))
    }

    @Test func factorGetAppliesTheYearRuleAndExplainsAmbiguity() throws {
        let run = try carbonctl("factors", "get", "--parameter", "grid_factor", "--region", "华东", "--year", "2024")
        #expect(run.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect(json["factor_id"] as? String == "CN-ELEC-REG-华东-2023")
        #expect(json["verification_status"] as? String == "read")
        let ambiguous = try carbonctl("factors", "get", "--parameter", "grid_factor", "--year", "2022")
        #expect(ambiguous.status == 2 && ambiguous.stderr.contains("CN-ELEC-NATFOSSIL-2022"))
    }

    @Test func factorExportCSVHasEveryRow() throws {
        let run = try carbonctl("factors", "export")
        #expect(run.status == 0)
        #expect(run.stdout.split(separator: "\n").count == 119)
        #expect(run.stdout.hasPrefix("factor_id,category,parameter,subject,"))
    }

    @Test func userFactorSetOverridesAndIsReported() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("carbonctl-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let set = dir.appendingPathComponent("plant-lab.json")
        try Data(#"[{"factor_id": "LAB-NG-NCV", "parameter": "ncv", "subject": "natural_gas", "region": "CN", "scope": "default", "value": "385", "unit": "GJ/10^4Nm3"}]"#.utf8).write(to: set)
        let run = try carbonctl("factors", "get", "--parameter", "ncv", "--fuel", "natural_gas", "--region", "CN", "--factors", set.path)
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect(json["overrides"] as? String == "CN-NG-NCV" && json["factor_set"] as? String == "plant-lab")
    }

    @Test func footprintOfTheExampleProduct() throws {
        let run = try carbonctl("footprint", "examples/footprint.json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect(json.values.contains { ($0 as? String) == "332.456" })
        let table = try carbonctl("footprint", "--format", "table", "examples/footprint.json")
        #expect(table.stdout.contains("Hotspot stage: use"))
    }

    @Test func regionOfTheExampleProvince() throws {
        let run = try carbonctl("region", "examples/region.json")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("NOT a regional inventory"))
        let broken = try carbonctl("region", "-", stdin: #"{"name": 1}"#)
        #expect(broken.status == 2 && broken.stdout.isEmpty && broken.stderr.split(separator: "\n").count == 1)
    }

    @Test func benchmarkComparisonFromProduction() throws {
        let inventory = #"{"organisation": "Cement", "period": {"from": "2024-01-01", "to": "2024-12-31"}, "sources": [{"id": "k", "kind": "process", "quantity": {"value": "1000000", "unit": "t"}, "factor": {"value": "0.9007655", "unit": "tCO2/t"}}], "production": [{"id": "clinker", "quantity": {"value": "1000000", "unit": "t"}, "benchmark": {"value": "0.860", "unit": "tCO2e/t"}, "peers": ["0.812", "0.845", "0.861", "0.870", "0.884", "0.899", "0.901", "0.915", "0.930", "0.962"]}]}"#
        let run = try carbonctl("account", "-", stdin: inventory)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let benchmark = (json["intensities"] as! [[String: Any]])[0]["benchmark"] as! [String: Any]
        #expect(benchmark["meets_benchmark"] as? Bool == false)
        #expect(benchmark["gap_percent"] as? String == "4.740")
    }
}
