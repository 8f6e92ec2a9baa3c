import ArgumentParser
import Foundation
import Geocoding
import GridErrors
import GridStore
import Grids

struct GazetteerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gazetteer",
        abstract: "Load and search the places geocoding matches against.",
        subcommands: [GazetteerImport.self, GazetteerSearch.self])
}

struct GazetteerImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import divisions, roads, house numbers, compounds/POIs or buildings into the plan's gazetteer.",
        discussion: """
            Reads CSV (lon/lat or WKT columns) or anything GDAL reads. Fields are found by name (name, code, level, \
            parent_code, aliases, road, number, number_to, compound, building, county_code, street_code, \
            community_code, lon, lat, or their Chinese names); rename with --field role=name. Places without \
            division codes get them from the plan's grids, so import the grids first. A file imported again \
            replaces its earlier rows.

            Roads may carry house-number ranges on their lines: TIGER-style per side (from_left, to_left, \
            from_right, to_right, optional parity_left/parity_right; also LFROMADD …, 左起/左止/右起/右止), or one \
            range (number_from or number, number_to, optional parity and side; also 门牌起/门牌止, 单双号). The from \
            number is at the line's first point, the to number at its last. Parity odd/单, even/双 or all/全; \
            default: odd when both ends are odd, even when both are even, else all. A house number not known as a \
            point but inside a range is placed along the line by linear interpolation.

            --defaults loads the sample: the real divisions of 赤坎区 (GeoData/chikan/divisions.csv) and the \
            generated roads, house numbers, compounds, buildings and POIs of GeoData/chikan/gazetteer/.

            Examples:
              gridplan gazetteer import --defaults --db plan.gpkg
              gridplan gazetteer import roads.shp --kind road --db plan.gpkg --crs gcj02
              # road lines with house-number ranges (from_left … to_right):
              gridplan gazetteer import road_ranges.geojson --kind road --db plan.gpkg
              gridplan gazetteer import 门牌.csv --kind address --field road=街路巷 \\
                  --field number=门牌号 --db plan.gpkg --crs cgcs2000
            """)

    @Argument(help: "The file to import (omit with --defaults); - for standard input.") var file: String?
    @Flag(help: "Print the report as JSON (snake_case keys; on standard error when standard output carries the data).") var json = false
    @Option(help: "What the file holds: admin, road, address, poi (compounds and POIs), building.") var kind: String?
    @OptionGroup var store: WritablePlanOptions
    @Option(help: "CRS of the coordinates (wgs84, gcj02, bd09, cgcs2000, EPSG:NNNN; default: the file's).") var crs: String?
    @Option(help: "Text encoding of the input (e.g. CP936 for GBK; default: detected).") var encoding: String?
    @Option(name: .customLong("field"), help: "role=field, e.g. name=地名 (repeatable).") var fields: [String] = []
    @Flag(help: "Mark the rows as generated (synthetic) data.") var generated = false
    @Flag(help: "Import the sample gazetteer of 赤坎区 from GeoData/.") var defaults = false
    @Option(help: "The GeoData folder for --defaults (default: found from here upwards).") var geodata: String?

    /// The option rules, checked before the plan is opened (or created).
    func validate() throws {
        try reportingErrors {
            if !defaults { _ = try importOptions() }
        }
    }

    /// What to import from FILE, as the options say.
    func importOptions() throws -> (file: String, options: GazetteerImporter.Options) {
        guard let file else { throw GridplanError(.badArgument, "give a FILE to import, or --defaults") }
        guard let kindText = kind, let kind = PlaceKind(rawValue: kindText) else {
            throw GridplanError(.badArgument, "--kind is required: one of \(PlaceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var options = GazetteerImporter.Options(kind: kind)
        options.crs = try crs.map { try parseCRS($0, option: "--crs") }
        options.encoding = encoding
        options.generated = generated
        for f in fields {
            let parts = f.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw GridplanError(.badArgument, "--field \(f): expected role=field") }
            options.fields[parts[0]] = parts[1]
        }
        return (file, options)
    }

    func run() throws {
        try reportingErrors {
            let plan = try store.open(create: true)
            defer { store.close(plan) }
            if defaults {
                guard let dir = GazetteerDefaults.geoData(geodata) else {
                    throw GridplanError(.notFound, "--defaults: no GeoData/chikan/divisions.csv found; give --geodata DIR")
                }
                let reports = try GazetteerDefaults.importAll(into: plan, geoData: dir)
                if json { try printReport(reports); return }
                for r in reports { print(line(r)) }
                return
            }
            let (file, options) = try importOptions()
            let input = try InputFile(file)
            defer { input.remove() }
            let progress = ProgressLine("reading \(file)", total: csvRows(input.path))
            let report = try GazetteerImporter.run(file: input.path, into: plan, options: options) { progress.update($0) }
            progress.finish(report.imported)
            if json { try printReport([report]); return }
            print(line(report))
        }
    }

    /// One file's report line, in the user's language (each part a message of its own).
    func line(_ r: GazetteerImporter.Report) -> String {
        var parts: [Wording] = ["\(r.file): \(r.imported) \(r.kind.rawValue) places (\(r.names) names)"]
        if r.replaced > 0 { parts.append(", replacing \(r.replaced)") }
        if r.located > 0 { parts.append(", \(r.located) located in the grids") }
        if r.ranges > 0 { parts.append(", \(r.ranges) house-number ranges") }
        return parts.map { $0.localized(flag) }.joined()
    }
}

struct GazetteerSearch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find places by any part of their name (FTS5 trigram index; for one or two characters, names starting with them).",
        discussion: """
            On a server's plan the places are indexed for the question by the same SQLite FTS5 index the \
            file keeps (the server keeps none), so the answer and its order are the file's.

            Example:
              gridplan gazetteer search 海滨 --db plan.gpkg
            """)

    @Argument(help: "Text to search for.") var text: String
    @OptionGroup var store: ReadablePlanOptions
    @Option(help: "At most this many places.") var limit = 20
    @Flag(help: "Print the places as JSON (snake_case keys; exit status 1 when none match, as without it).") var json = false

    func validate() throws { try checkRange(limit, 1...10_000, option: "--limit") }

    func run() throws {
        try reportingErrors {
            let plan = try store.open()
            defer { store.close(plan) }
            let rows = try GazetteerQuery.search(text, in: plan, limit: limit)
            if json {
                try printReport(GazetteerSearchJSON(query: text, places: rows.map(GazetteerSearchJSON.Place.init)))
                if rows.isEmpty { throw ExitCode(1) }
                return
            }
            if rows.isEmpty { say("no places match '\(text)'"); throw ExitCode(1) }
            for r in rows {
                let chain = [r.countyCode, r.streetCode, r.communityCode].compactMap { $0 }.joined(separator: " › ")
                print("\(r.name)\t\(r.kind)\(r.level.map { "/\($0)" } ?? "")\t\(r.code ?? "")\t\(chain)")
            }
        }
    }
}

/// `gazetteer search --json`: the text asked and the places found, best first.
struct GazetteerSearchJSON: Codable, Sendable {
    struct Place: Codable, Sendable {
        var fid: Int64
        var name: String
        var kind: String
        @Nullable var level: String?
        @Nullable var code: String?
        @Nullable var countyCode: String?
        @Nullable var streetCode: String?
        @Nullable var communityCode: String?

        init(_ h: GazetteerHit) {
            fid = h.fid; name = h.name; kind = h.kind; level = h.level; code = h.code
            countyCode = h.countyCode; streetCode = h.streetCode; communityCode = h.communityCode
        }
    }

    var query: String
    var places: [Place]
}
