import ArgumentParser
import Foundation
import GridErrors
import GridFormats
import GridProjection
import Grids

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the current grids of one level to GeoPackage, GeoJSON, Shapefile or CSV.",
        discussion: """
            Example:
              gridplan export --db plan.gpkg --level community --format shp \\
                  --out communities.shp --to-crs EPSG:4546
            """)

    @OptionGroup var store: ReadablePlanOptions
    @Option(help: "The level to export: street, community, area or unit.") var level: GridLevel
    @Option(help: "Output format: gpkg, geojson, shp or csv (WKT geometry column).") var format: VectorFormat
    @Option(help: "The file to write (replaced if it exists); - for standard output (geojson or csv).") var out: String
    // --to-crs as in `coords`: elsewhere --crs is the CRS of what is read. The default stays in the
    // help text so that the old spelling, --crs, can stand in for it.
    @Option(help: "The CRS written: cgcs2000 (EPSG:4490, the default), gcj02 or bd09 for map apps, EPSG:NNNN or a PROJ definition.")
    var toCrs: String?
    @Option(name: .customLong("crs"), help: oldSpelling(of: "--to-crs")) var oldCrs: String?
    @Flag(help: "Print the report as JSON (snake_case keys; on standard error when standard output carries the data).") var json = false

    var crs: String { get throws { try renamed(toCrs, oldCrs, new: "--to-crs", old: "--crs") ?? "cgcs2000" } }

    func validate() throws {
        let crs = try self.crs
        try reportingErrors { _ = try parseCRS(crs, option: "--to-crs") }
    }

    func run() throws {
        try reportingErrors {
            try OutputPaths.check(out, "out", plan: store.path)
            let target = try parseCRS(try crs, option: "--to-crs")
            if format == .geojson, !(try target.isGeographic) {
                warn(
                    "GeoJSON in \(target) is not RFC 7946 (which is longitude/latitude): written with a \"crs\" member, as GDAL does; "
                        + "many tools will ignore it")
            }
            let plan = try store.open()
            defer { store.close(plan) }
            let count = try GridExporter.run(store: plan, level: level, format: format, out: out, crs: target)
            if json {
                struct ExportReport: Encodable { var written: Int, level: GridLevel, format: String, crs: String, out: String }
                try printReport(ExportReport(written: count, level: level, format: format.rawValue, crs: target.description, out: out), dataTo: out)
                return
            }
            ReportLines(dataTo: out).say("wrote \(count) \(level) grids to \(out == "-" ? "standard output" : out) (\(format.rawValue), \(target))")
        }
    }
}
