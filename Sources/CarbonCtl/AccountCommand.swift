import ArgumentParser
import CarbonCore
import Foundation

struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Account an enterprise inventory (GB/T 32150) and print the result.")

    @Argument(help: "The inventory JSON file ('-' for standard input).")
    var file: String

    @Option(help: "json (default) or table.")
    var format: OutputFormat = .json

    @OptionGroup var factors: FactorOptions

    func run() throws {
        try reportingFailures(file: file) {
            let library = try factors.library()
            let input = try InputDecoding.decode(InventoryInput.self, from: try readInput(file))
            let result = try InventoryCalculator(library: library).calculate(input)
            let report = InventoryReport(result)
            switch format {
            case .json: try printJSON(report)
            case .table: print(InventoryTable.render(report), terminator: "")
            case .csv: throw Failure("--format csv is for factor listings; use json or table")
            }
        }
    }
}
