import ArgumentParser

/// The operator and admin command line. Today: accounting runs, the factor library and unit
/// conversions; alarm handling (edge and central) arrives with the agent and the aggregator.
@main
struct CarbonCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "carbonctl",
        abstract: "Carbon accounting, emission factors and units from the command line.",
        discussion: """
            Bad input exits with status 2 and one line on standard error naming the file, the \
            source and the field; nothing is printed on standard output then.
            """,
        subcommands: [AccountCommand.self, FootprintCommand.self, RegionCommand.self, FactorsCommand.self,
                      UnitsCommand.self]
    )
}
