import ArgumentParser
import Foundation
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
        // gridplan's own version (one constant in Grids) and the libraries it runs on, as loaded.
        version: GridplanVersion.report(),
        groupedSubcommands: [
            CommandGroup(
                name: "Plan",
                subcommands: [
                    ImportCommand.self, ValidateCommand.self, StatsCommand.self, SummaryCommand.self, CodesCommand.self,
                    PartitionCommand.self, ExportCommand.self, VersionsCommand.self, PlanCommand.self,
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
}
