import ArgumentParser
import CarbonCore
import Foundation

struct FactorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "factors",
        abstract: "Query and export the emission factor library.",
        subcommands: [List.self, Get.self, Export.self])

    struct Filter: ParsableArguments {
        @Option(help: "electricity, heat, fuel_parameter, fuel_ef, process_ef, region_ef, constant") var category: String?
        @Option(help: "ncv, carbon_content, oxidation, co2_factor, ch4_factor, n2o_factor, grid_factor, …") var parameter: String?
        @Option(help: "Fuel, material or activity key (natural_gas, raw_coal, calcite, electricity).") var fuel: String?
        @Option(help: "CO2, CH4 or N2O.") var gas: String?
        @Option(help: "CN, GLOBAL, a grid region (华东) or a province (河北).") var region: String?
        @Option(help: "average, excluding_market_nonfossil, fossil, ets_reporting, default, …") var scope: String?
        @Option(help: "Data year: the latest factor not after it is chosen (get), or none newer is listed.") var year: Int?

        var query: FactorQuery {
            FactorQuery(category: category, parameter: parameter, subject: fuel, gas: gas, region: region, scope: scope,
                        year: year)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the factors that match the filters.")
        @OptionGroup var filter: Filter
        @Option(help: "table (default), json or csv.") var format: OutputFormat = .table
        @OptionGroup var factors: FactorOptions

        func run() throws {
            try reportingFailures {
                try FactorsCommand.print(try factors.library().matching(filter.query), format: format)
            }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The one factor that applies: by id, or by the filters with the year rule.",
            discussion: "Several candidates are an error that lists them; name one with its id.")
        @Argument(help: "A factor_id (optional when filters are given).") var factorID: String?
        @OptionGroup var filter: Filter
        @Option(help: "json (default), table or csv.") var format: OutputFormat = .json
        @OptionGroup var factors: FactorOptions

        func run() throws {
            try reportingFailures {
                var query = filter.query
                query.factorID = factorID
                guard query != FactorQuery() else { throw Failure("give a factor_id or at least one filter") }
                try FactorsCommand.print([try factors.library().resolve(query)], format: format, single: true)
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export the library (or the filtered part) as CSV or JSON.")
        @OptionGroup var filter: Filter
        @Option(help: "csv (default) or json.") var format: OutputFormat = .csv
        @OptionGroup var factors: FactorOptions

        func run() throws {
            try reportingFailures {
                try FactorsCommand.print(try factors.library().matching(filter.query), format: format)
            }
        }
    }

    static func print(_ factors: [EmissionFactor], format: OutputFormat, single: Bool = false) throws {
        switch format {
        case .csv: Swift.print(FactorLibrary.csv(factors), terminator: "")
        case .json:
            let records = factors.map(FactorRecord.init)
            if single, let first = records.first { try printJSON(first) } else { try printJSON(records) }
        case .table:
            let rows = factors.map { f in
                [f.factorID, f.parameter, f.subject ?? "", DecimalText.plain(f.quantity.value), f.quantity.unit.symbol,
                 f.region ?? "", f.scope, f.dataYear.map(String.init) ?? "-", f.verificationStatus,
                 f.factorSet == "default" ? "" : f.factorSet]
            }
            Swift.print(InventoryTable.table(["factor_id", "parameter", "subject", "value", "unit", "region", "scope",
                                              "year", "status", "set"], rows), terminator: "")
        }
    }
}

/// A factor as JSON: every column, decimals as strings.
struct FactorRecord: Encodable {
    var factorID, category, parameter, name, value, unit, scope, publication, sourceRead, verificationStatus, factorSet: String
    var subject, gas, region, regionLevel, yearNote, notes, overrides: String?
    var dataYear: Int?

    init(_ f: EmissionFactor) {
        factorID = f.factorID; category = f.category; parameter = f.parameter; name = f.name
        value = DecimalText.plain(f.quantity.value); unit = f.quantity.unit.symbol; scope = f.scope
        publication = f.publication; sourceRead = f.sourceRead; verificationStatus = f.verificationStatus
        factorSet = f.factorSet; subject = f.subject; gas = f.gas; region = f.region; regionLevel = f.regionLevel
        yearNote = f.yearNote; notes = f.notes; overrides = f.overrides; dataYear = f.dataYear
    }

    enum CodingKeys: String, CodingKey {
        case factorID = "factor_id", category, parameter, subject, name, value, unit, gas, region
        case regionLevel = "region_level", scope, dataYear = "data_year", yearNote = "year_note", publication
        case sourceRead = "source_read", verificationStatus = "verification_status", notes
        case factorSet = "factor_set", overrides
    }
}
