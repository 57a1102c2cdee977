import ArgumentParser
import CarbonCore
import Foundation

struct UnitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units", abstract: "Convert between units, exactly.", subcommands: [Convert.self, List.self])

    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert VALUE from one unit to another (e.g. `units convert 1 tce GJ`).",
            discussion: "tC ↔ tCO2 (44/12) is a chemical conversion and is allowed here with --chemistry.")
        @Argument(help: "A decimal number.") var value: String
        @Argument(help: "The unit of VALUE.") var from: String
        @Argument(help: "The unit to convert to.") var to: String
        @Option(help: "Decimal places of the printed result (rounded half-up); exact when omitted.") var places: Int?
        @Flag(help: "Allow carbon ↔ CO2 conversion by 44/12.") var chemistry = false

        func run() throws {
            try reportingFailures {
                let quantity = try Quantity(value: value, unit: from)
                let target = try CarbonCore.Unit.parse(to)
                let converted = try Self.convert(quantity, to: target, chemistry: chemistry)
                let text = places.map { DecimalText.format(converted.value, places: $0) } ?? DecimalText.plain(converted.value)
                print("\(text) \(target.symbol)")
            }
        }

        /// With `chemistry`, a carbon quantity converts to CO2 (× 44/12) and back (× 12/44), in any
        /// compound (tC/TJ → tCO2/GJ); without it, only same-dimension conversions are allowed.
        static func convert(_ quantity: Quantity, to target: CarbonCore.Unit, chemistry: Bool) throws(CalculationError) -> Quantity {
            if chemistry {
                let routes: [(CarbonCore.Dimension.Base, CarbonCore.Dimension.Base, Decimal, Decimal)] = [(.carbon, .co2, 44, 12), (.co2, .carbon, 12, 44)]
                for (from, to, numerator, denominator) in routes
                where quantity.dimension[from] == 1 && quantity.dimension / CarbonCore.Dimension(from) == target.dimension / CarbonCore.Dimension(to) {
                    let unit = quantity.unit.renamed(quantity.unit.symbol, dimension: target.dimension)
                    return try Quantity(quantity.value * numerator / denominator, unit).converted(to: target)
                }
            }
            return try quantity.converted(to: target)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every accepted unit symbol with its dimension.")
        func run() throws {
            let rows = UnitCatalog.catalogue.map { [$0.symbol, $0.aliases.joined(separator: " "), "\($0.dimension)",
                                                    DecimalText.plain($0.factor), $0.note] }
            print(InventoryTable.table(["symbol", "aliases", "dimension", "to base", "note"], rows), terminator: "")
            print("Prefixes 10^N, 万 (10^4) and 亿 (10^8) combine with any symbol; '/' and '·' form compound units.")
        }
    }
}

