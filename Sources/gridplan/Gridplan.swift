import ArgumentParser
import Foundation
import GridStore
import Grids

@main
struct Gridplan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridplan",
        abstract: "A GIS engine for community grid governance (网格化治理).",
        discussion: """
            Loads, validates and serves a four-level grid hierarchy (street → community → area → unit) \
            kept in one GeoPackage file that opens as-is in QGIS and GDAL.
            """,
        // gridplan's own version (one constant in Grids); `main` adds the libraries it runs on, as loaded.
        version: "gridplan \(GridplanVersion.version)",
        groupedSubcommands: [
            CommandGroup(
                name: "Plan",
                subcommands: [
                    ImportCommand.self, ValidateCommand.self, StatsCommand.self, SummaryCommand.self, CodesCommand.self,
                    PartitionCommand.self, ExportCommand.self, VersionsCommand.self, PlanCommand.self, CopyCommand.self,
                ]),
            CommandGroup(name: "Cases", subcommands: [AssignCommand.self, CasesCommand.self]),
            CommandGroup(
                name: "People and duty",
                subcommands: [
                    PeopleCommand.self, DutyCommand.self, DepartmentsCommand.self, WhoCoversCommand.self, LoadCommand.self,
                    BalanceCommand.self,
                ]),
            CommandGroup(name: "Addresses and coordinates", subcommands: [GeocodeCommand.self, GazetteerCommand.self, CoordsCommand.self]),
            CommandGroup(name: "Serving", subcommands: [ServeCommand.self]),
        ]
    )

    /// `--version` also names the libraries as loaded, which loads GDAL: answered here, before the
    /// parser builds the configuration, so that other commands do not load GDAL at every start.
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst().prefix { $0 != "--" }
        if arguments.contains("--version") { // as ArgumentParser reads it: on any command
            print(GridplanVersion.report())
            return
        }
        sqliteSkipMemoryStatistics()
        // Any plan this process opens (a command's, `copy`'s, the server's) shows its upgrade.
        SchemaUpgrade.setObserver { UpgradeProgress.shared.observe($0) }
        await main(nil)
    }
}
