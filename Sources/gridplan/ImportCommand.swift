import ArgumentParser
import Foundation
import GridErrors
import GridProjection
import Grids
import PostGIS

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import grid polygons of one level from any vector format GDAL reads.",
        discussion: """
            Reads Shapefile (GBK .dbf files without .cpg are detected), GeoJSON, KML/KMZ, GeoPackage, \
            CSV with a WKT column or lon/lat columns, and every other format GDAL reads. Geometries are \
            stored in CGCS2000 (EPSG:4490) longitude/latitude. The import is one transaction: on any \
            error nothing is stored. Grids with the code of a current grid of the same level replace it \
            (the old one is kept in history); a grid the file holds exactly as it is current (the same \
            shape, code, name, kind, parent and counts) keeps its row.

            Example:
              gridplan import GeoData/chikan/units.geojson --db plan.gpkg --level unit \\
                  --parent-field parent
            """)

    @Argument(help: "The file to read; - for standard input (GeoJSON, CSV or GeoPackage).") var file: String
    @Flag(help: "Print the report as JSON (snake_case keys; on standard error when standard output carries the data).") var json = false
    @OptionGroup var store: WritablePlanOptions
    @Option(help: "The level of the grids in the file: street, community, area or unit.") var level: GridLevel
    @Option(help: "The layer to read, for files with several (default: the first).") var layer: String?
    @Option(
        help: """
            The CRS of the file: EPSG:NNNN, wgs84, cgcs2000, gcj02, bd09 or any PROJ definition. \
            Required when the file has none; overrides the file's when given.
            """)
    var crs: String?
    @Option(help: "Field holding the grid code (default: code, 编码, …).") var codeField: String?
    @Option(help: "Field holding the grid name (default: name, 名称, …).") var nameField: String?
    @Option(help: "Field holding the parent's code or name (default: parent, parent_code, 上级, …).") var parentField: String?
    @Option(help: "Field holding households (default: households, 户数, …).") var householdsField: String?
    @Option(help: "Field holding residents (default: residents, population, 人口, …).") var residentsField: String?
    @Option(help: "Field holding the grid kind (comprehensive, or a dedicated kind: school, hospital, …).") var kindField: String?
    @Option(help: "Text encoding of a Shapefile .dbf or CSV, e.g. CP936 (GBK) or UTF-8 (default: detected).") var encoding: String?
    @Option(help: "The day the grids take effect, YYYY-MM-DD (default: today).") var validFrom: String?
    @Flag(help: "Replace the whole level: grids of this level the file leaves out end; those it holds unchanged keep their rows.") var replace = false

    func validate() throws {
        try reportingErrors { _ = try crs.map { try parseCRS($0, option: "--crs") } }
    }

    func run() throws {
        try reportingErrors {
            var options = ImportOptions(level: level)
            options.layer = layer
            options.crs = try crs.map { try parseCRS($0, option: "--crs") }
            options.codeField = codeField; options.nameField = nameField; options.parentField = parentField
            options.householdsField = householdsField; options.residentsField = residentsField; options.kindField = kindField
            options.encoding = encoding; options.validFrom = validFrom; options.replaceLevel = replace
            // A failed import into a new file leaves no file behind.
            let onServer = PostgresURL.isServer(store.path)
            let existed = onServer || FileManager.default.fileExists(atPath: store.path)
            let report: ImportReport
            let input = try InputFile(file)
            defer { input.remove() }
            do {
                let progress = ProgressLine("reading \(file)")
                let plan = try store.open(create: true)
                defer { store.close(plan) }
                report = try GridImporter.run(file: input.path, into: plan, options: options) {
                    progress.update($0, total: $1)
                }
                progress.finish(report.imported)
            } catch {
                if !existed { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.path + suffix) } }
                throw error
            }
            report.warnings.forEach { warn(Wording($0)) }
            if json { try printReport(report); return }
            say(
                "imported \(report.imported) \(level) grids from \(file) (CRS \(report.sourceCRS) → EPSG:4490) into \(shownLocation(store.path)), "
                    + "plan version \(report.versionID)")
            if report.unchanged > 0 {
                say("  \(report.unchanged) of them were current as they are (the same shape, code, name and counts): their rows kept")
            }
            if report.superseded > 0 && replace {
                say("  ended \(report.superseded) earlier grids of the level, redrawn or left out of the file (kept in history)")
            } else if report.superseded > 0 {
                say("  replaced \(report.superseded) earlier grids of the same code, or name when they have no code (kept in history)")
            }
            if !report.emptyLevelsAbove.isEmpty && report.emptyLevelsAbove.count == level.rawValue - 1 {
                let names = report.emptyLevelsAbove.map(\.name).joined(separator: ", ")
                say("  the plan has no \(names) grids yet: these grids get parents when a level above is imported")
            }
            if report.parentsLinked > 0 { say("  linked \(report.parentsLinked) grids to their parents by the parent field") }
            if report.parentsInferred > 0 { say("  linked \(report.parentsInferred) grids to the parent holding most of their area") }
            for weak in report.weakParents.prefix(20) {
                say("  \(weak.child): only \(String(format: "%.1f", weak.share * 100)) % inside its parent \(weak.parent)")
            }
            if report.weakParents.count > 20 { say("  … and \(report.weakParents.count - 20) more grids under 99 % inside their parent") }
            if !report.orphans.isEmpty { say("  \(report.orphans.count) grids lie in no grid one level up, e.g. \(report.orphans[0])") }
            for (ref, grids) in report.unmatchedParents.sorted(by: { $0.key < $1.key }) {
                say("  parent '\(ref)' not found one level up (named by \(grids.count) grid\(grids.count == 1 ? "" : "s"), e.g. \(grids[0]))")
            }
            if !report.invalidGeometries.isEmpty {
                say("  \(report.invalidGeometries.count) invalid geometries stored as given (see `gridplan validate`):")
                report.invalidGeometries.prefix(10).forEach { print("    \($0)") }
            }
        }
    }
}
