import ArgumentParser
import CarbonCore
import Foundation

struct FootprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprint", abstract: "Product carbon footprint of a process network (ISO 14067 stages).")
    @Argument(help: "The product model JSON file ('-' for standard input).") var file: String

    func run() throws {
        try reportingFailures(file: file) {
            throw Failure("footprint: not wired yet")
        }
    }
}

struct RegionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "region", abstract: "Regional accounting: roll-ups, territorial and consumption views, trends.")
    @Argument(help: "The regional model JSON file ('-' for standard input).") var file: String

    func run() throws {
        try reportingFailures(file: file) {
            throw Failure("region: not wired yet")
        }
    }
}
