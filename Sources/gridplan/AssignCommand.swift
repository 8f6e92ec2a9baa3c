import ArgumentParser
import Cases
import Foundation
import GridErrors
import GridFormats
import GridProjection
import Grids

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Add the grid at every level to each row of an incident file, storing nothing.",
        discussion: """
            Reads CSV (longitude/latitude columns), GeoJSON points or any GDAL format, and writes a CSV with \
            every input column plus: assign_status (inside, boundary, snapped, outside, no_location, \
            bad_location, unreadable), the unit/area/community/street codes and names, distance_m to the nearest grid for \
            snapped and outside points, nearest_code, the point in CGCS2000, and assign_problem: why a \
            bad_location row's coordinates could not be used, or why an unreadable row's bytes could not all be read \
            (not in the file's encoding, a NUL byte, lines swallowed by an unbalanced quote). --columns writes \
            only the added columns named, in the order named.

            Rules: inside a grid → that grid; on a boundary shared by grids → the one with the lowest code; \
            outside all grids → outside, with the nearest grid and its distance; within --snap-m of it → \
            snapped to it (GPS noise). The coordinates' CRS is required (--crs or the file's): a coordinate \
            from Amap taken as WGS84 lands hundreds of metres off.

            Example:
              gridplan assign incidents.csv --db plan.gpkg --out assigned.csv --crs gcj02
            """)

    @Argument(help: "The incident file; - for standard input.") var file: String
    @OptionGroup var store: ReadablePlanOptions
    @Option(help: "The CSV file to write; - for standard output (the report then goes to standard error).") var out: String
    @Flag(help: "Print the report as JSON (snake_case keys; on standard error when standard output carries the data).") var json = false
    @Option(help: "Longitude (x) field (default: lon, lng, longitude, x, 经度).") var lonField: String?
    @Option(help: "Latitude (y) field (default: lat, latitude, y, 纬度).") var latField: String?
    @Option(help: "CRS of the coordinates: wgs84, gcj02, bd09, cgcs2000, EPSG:NNNN (required if the file has none).") var crs: String?
    @Option(help: "Points outside every grid but within this many metres of one are snapped to it.") var snapM: Double = 30
    // No default value: help would show this machine's core count next to "all cores".
    @Option(help: "Threads for the assignment engine (default: all cores).") var threads: Int?
    @Option(help: "Text encoding of the input (e.g. CP936 for GBK; default: detected).") var encoding: String?
    @Option(
        help: ArgumentHelp(
            "Which added columns to write, comma separated, in this order (default: all).",
            discussion: "Any of \(AssignFile.addedColumns.joined(separator: ", ")); e.g. assign_status,unit_code, for a file of "
                + "id,lon,lat, writes about a quarter of the bytes.",
            valueName: "names")) var columns: String?

    func validate() throws {
        try checkRange(snapM, OptionRange.snapMetres, option: "--snap-m")
        try checkRange(threads, OptionRange.threads, option: "--threads")
        try reportingErrors { _ = try crs.map { try parseCRS($0, option: "--crs") } }
        try reportingErrors { _ = try AssignFile.AddedColumn.parse(columns) }
    }

    func run() throws {
        try reportingErrors {
            try OutputPaths.check(out, "out", plan: store.path, inputs: [(nil, file)])
            let source = try crs.map { try parseCRS($0, option: "--crs") }
            let threads = self.threads ?? ProcessInfo.processInfo.activeProcessorCount
            let added = try AssignFile.AddedColumn.parse(columns)
            let plan = try store.open()
            defer { store.close(plan) }
            let input = try InputFile(file)
            defer { input.remove() }
            // The point index is built while the file is checked (both take a while on a large plan
            // or file); its errors still come after the file's.
            let snapM = self.snapM
            let building = ThreadOutcome("assigner") { try Assigner(store: plan, snapMetres: snapM) }
            // A plain CSV is read as bytes; anything else (or anything odd in it) through GDAL.
            let report: AssignFile.Report, sourceCRS: CRS?, level: GridLevel
            if let plain = PlainAssignInput(path: input.path, lonField: lonField, latField: latField, crs: source, encoding: encoding) {
                let assigner = try building.wait()
                let progress = ProgressLine("assigning \(file)", total: plain.csv.rowCount)
                report = try AssignFile.run(
                    plain: plain, assigner: assigner, out: out, threads: threads, columns: added, progress: { progress.update($0) })
                progress.finish(report.rows)
                (sourceCRS, level) = (plain.sourceCRS, assigner.level)
            } else {
                let reader: CaseReader
                do {
                    reader = try CaseReader(path: input.path, lonField: lonField, latField: latField, crs: source, encoding: encoding)
                } catch {
                    _ = try? building.wait()
                    throw error
                }
                let assigner = try building.wait()
                let progress = ProgressLine("assigning \(file)", total: csvRows(input.path))
                report = try AssignFile.run(
                    reader: reader, assigner: assigner, out: out, threads: threads, columns: added, progress: { progress.update($0) })
                progress.finish(report.rows)
                (sourceCRS, level) = (reader.sourceCRS, assigner.level)
            }
            if json { try printReport(report, dataTo: out); return }
            let counts = statusCounts(report.byStatus)
            ReportLines(dataTo: out).say(
                "assigned \(report.rows) rows to \(level) grids: \(counts); coordinates read in "
                    + "\(sourceCRS?.description ?? "no CRS (none had any)"); wrote \(out == "-" ? "standard output" : out)")
            let rate = String(format: "%.0f", report.pointsPerSecond), seconds = String(format: "%.3f", report.engineSeconds)
            tell("engine: \(rate) points/s on \(report.threads) threads (\(seconds) s)")
        }
    }
}
