import ArgumentParser
import Foundation

@main
struct Gridplan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridplan",
        abstract: "A GIS engine for community grid governance (网格化治理).",
        discussion: """
            Loads, validates and serves a four-level grid hierarchy (street → community → area → unit)
            kept in one GeoPackage file that opens as-is in QGIS and GDAL.
            """,
        version: "0.1.0",
        subcommands: [ImportCommand.self, ValidateCommand.self, StatsCommand.self, CodesCommand.self, ExportCommand.self,
                      AssignCommand.self, CasesCommand.self, PeopleCommand.self, DutyCommand.self, DepartmentsCommand.self, WhoCoversCommand.self,
                      PartitionCommand.self, GeocodeCommand.self, GazetteerCommand.self, ServeCommand.self,
                      LoadCommand.self, BalanceCommand.self,
                      SummaryCommand.self, VersionsCommand.self, PlanCommand.self, CoordsCommand.self]
    )
}
