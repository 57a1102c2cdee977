import ArgumentParser

/// The operator and admin command line: accounting runs, the factor library, unit conversions,
/// and alarms at the edge (through the agent's control socket; central alarms need the aggregator).
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
                      UnitsCommand.self, AlarmsCommand.self, AdminCommand.self, AuditCommand.self,
                      ServerAlarmsCommand.self, ServerInventoriesCommand.self, ServerReportsCommand.self]
    )

    static func main() { main(ServerModeArguments.rewrite(Array(CommandLine.arguments.dropFirst()))) }
}
