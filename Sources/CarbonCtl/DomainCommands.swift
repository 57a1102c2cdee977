import ArgumentParser
import CarbonCore
import Foundation

struct FootprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprint", abstract: "Product carbon footprint of a process network (ISO 14067 stages).")
    @Argument(help: "The product model JSON file ('-' for standard input).") var file: String
    @Option(help: "json (default) or table.") var format: OutputFormat = .json
    @OptionGroup var factors: FactorOptions

    func run() throws {
        try reportingFailures(file: file) {
            let model = try FootprintModel.decode(json: try readInput(file))
            let result = try FootprintCalculator.calculate(model, factors: try factors.library())
            switch format {
            case .json: try printJSON(result)
            case .table: print(FootprintTable.render(result), terminator: "")
            case .csv: throw Failure("--format csv is for factor listings; use json or table")
            }
        }
    }
}

struct RegionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "region", abstract: "Regional accounting: roll-ups, territorial and consumption views, trends.")
    @Argument(help: "The regional model JSON file ('-' for standard input).") var file: String
    @OptionGroup var factors: FactorOptions

    func run() throws {
        try reportingFailures(file: file) {
            let model = try RegionalModel.decode(json: try readInput(file))
            let result = try RegionalAccounting.calculate(model, factors: try factors.library())
            print(String(decoding: try result.encodedJSON(), as: UTF8.self))
        }
    }
}
