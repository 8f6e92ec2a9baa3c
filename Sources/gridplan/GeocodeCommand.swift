import ArgumentParser
import Cases
import Foundation
import GRDB
import Geocoding
import GridErrors
import GridProjection
import GridStore
import Grids
import PostGIS

struct GeocodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geocode",
        abstract: "Place Chinese addresses on the map against the plan's gazetteer.",
        subcommands: [GeocodeFile.self, GeocodeParse.self, GeocodeOne.self],
        defaultSubcommand: GeocodeFile.self)
}

/// Opens the plan's gazetteer, loading the sample on first use when the gazetteer is empty.
func openGeocoder(_ plan: any PlanStore, defaults: Bool) throws -> Geocoder {
    let count = try plan.reading { try GazetteerStamp.placeCount($0) }
    if count == 0 {
        // Only a GeoPackage is written: a plan on a server gets its gazetteer where it came from.
        guard defaults, let dir = GazetteerDefaults.geoData(), let plan = plan as? GeoPackage else {
            throw GridplanError(
                .notFound, "\(plan.location): the gazetteer is empty; load it with `gridplan gazetteer import` (--defaults for the sample)")
        }
        warn("the gazetteer is empty: loading the sample (\(dir)/chikan) first")
        _ = try GazetteerDefaults.importAll(into: plan, geoData: dir)
    }
    return Geocoder(index: try GazetteerIndex(store: plan))
}

/// The coordinate systems an --also (--out-crs) option names, in order: gcj02 and bd09 only.
func alsoSystems(_ also: String?) throws -> [String] {
    let systems = (also ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    if let bad = systems.first(where: { $0 != "gcj02" && $0 != "bd09" }) {
        throw GridplanError(.badArgument, "--also \(bad): expected gcj02 or bd09")
    }
    return systems
}

struct GeocodeFile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file",
        abstract: "Geocode the address column of a file (the default subcommand: `gridplan geocode FILE …`).",
        discussion: """
            Writes a CSV with every input column and: match_level (building, house_number, compound, grid, road, \
            community, street, county, none), confidence 0–1 (of answers at 0.8 or more, 95 % or more are right on the \
            labelled sets), certain_level (the finest level the text makes certain), lon/lat (CGCS2000), \
            the place matched, the county, \
            street and community with codes, interpolated (house number not in the gazetteer, placed) and \
            interpolation (how: points = between known numbers, range = on the road line whose house-number \
            range holds it, extrapolated = beyond the known numbers), fuzzy (one character differed, or part of \
            a longer name), reason (why not more precise), alternatives (places almost as good), and when \
            the row has coordinates (--crs gcj02 for app coordinates) the distance to them and whether it is \
            beyond --disagree-m (building, house number, compound; ×5 for a road). For a community, street or \
            grid, they disagree when the row's point is not in it (by distance, ×2 to ×10, outside the plan); \
            never for a county. --assign adds the grid of every level (rules of `gridplan assign`).

            Near names: a name one character off the gazetteer's (火星路 for 红星路), or only part of one, is \
            answered only when the address confirms it (a street or community named that holds the place, or \
            a character of the same sound: 洪星路). Otherwise the row is placed at the finest division the text \
            names, with the near name in alternatives and the reason "not in the gazetteer as written".

            Runs on all cores; killed, it resumes from OUT.checkpoint (same input file; --restart to start over). \
            GBK input is detected; --encoding forces one.

            Example:
              gridplan geocode backlog.csv --address-field 地址 --db plan.gpkg \\
                  --out placed.csv --assign
            """)

    @Argument(help: "The input file (CSV or anything GDAL reads); - for standard input.") var file: String
    @Option(help: "The field holding the address.") var addressField: String
    @OptionGroup var store: WritablePlanOptions
    @Option(help: "The CSV file to write; - for standard output (the report then goes to standard error).") var out: String
    @Flag(help: "Print the report as JSON (snake_case keys; on standard error when standard output carries the data).") var json = false
    @Flag(help: "Also assign each point to the grids.") var assign = false
    @Option(help: "CRS of coordinates in the input, if any (wgs84, gcj02, bd09, cgcs2000, EPSG:NNNN).") var crs: String?
    @Option(help: "Longitude field of input coordinates.") var lonField: String?
    @Option(help: "Latitude field of input coordinates.") var latField: String?
    @Option(
        help: """
            Input coordinates farther than this many metres from a geocoded building, house number or compound \
            are flagged (more for coarser levels).
            """)
    var disagreeM: Double = 300
    @Option(
        name: [.customLong("also"), .customLong("out-crs")],
        help: "Also write coordinates in: gcj02, bd09 (comma-separated; lon/lat stay CGCS2000).") var also: String?
    @Option(help: "Text encoding of the input (e.g. CP936 for GBK; default: detected).") var encoding: String?
    // No default value: help would show this machine's core count next to "all cores".
    @Option(help: "Threads (default: all cores).") var threads: Int?
    // --batch-size as in `cases import`; the default stays in the help text so that --batch can stand in for it.
    @Option(help: "Rows per batch (and per checkpoint; default: 20000).") var batchSize: Int?
    @Option(name: .customLong("batch"), help: oldSpelling(of: "--batch-size")) var oldBatch: Int?
    @Flag(help: "Ignore a checkpoint and start over.") var restart = false
    @Flag(help: "Load the sample gazetteer when the plan's is empty.") var defaults = false

    func validate() throws {
        try checkRange(disagreeM, OptionRange.metres, option: "--disagree-m")
        try checkRange(threads, OptionRange.threads, option: "--threads")
        try checkRange(batchSize, OptionRange.batchSize, option: "--batch-size")
        try checkRange(oldBatch, OptionRange.batchSize, option: "--batch")
        try reportingErrors {
            _ = try crs.map { try parseCRS($0, option: "--crs") }
            _ = try alsoSystems(also)
        }
        _ = try batch
    }

    var batch: Int { get throws { try renamed(batchSize, oldBatch, new: "--batch-size", old: "--batch") ?? 20_000 } }

    func run() throws {
        try reportingErrors {
            try OutputPaths.check(out, "out", plan: store.path, inputs: [(nil, file)])
            let source = try crs.map { try parseCRS($0, option: "--crs") }
            let threads = self.threads ?? ProcessInfo.processInfo.activeProcessorCount
            let plan = try store.open()
            defer { store.close(plan) }
            let geocoder = try openGeocoder(plan, defaults: defaults)
            let input = try InputFile(file)
            defer { input.remove() }
            let reader = try CaseReader(path: input.path, lonField: lonField, latField: latField, crs: source, encoding: encoding)
            let assigner = assign ? try Assigner(store: plan) : nil
            // Rows with their own coordinates are located in the grids too, to check them against
            // the division the address names.
            let hasGrids = try plan.reading { try GridRecord.currentCount($0) } > 0
            let locator = try assigner ?? (reader.sourceCRS != nil && hasGrids ? Assigner(store: plan) : nil)
            var options = BatchGeocoder.Options(addressField: addressField, out: out)
            options.threads = threads
            options.batchSize = try batch
            options.disagreementMetres = disagreeM
            options.restart = restart
            let systems = try alsoSystems(also)
            options.gcj02 = systems.contains("gcj02")
            options.bd09 = systems.contains("bd09")
            // Counting rows through GDAL reads the file once more: a plain CSV's are counted, for
            // another CSV a byte scan is enough.
            let progress = ProgressLine(
                "geocoding \(file)", total: reader.countedRows ?? csvRows(input.path) ?? (isatty(STDERR_FILENO) == 1 ? reader.rowCount : nil))
            let report = try BatchGeocoder.run(
                reader: reader, geocoder: geocoder, assigner: assigner, locator: locator, options: options,
                progress: { progress.update($0) })
            progress.finish(report.rows)
            if json { try printReport(report, dataTo: out); return }
            let lines = ReportLines(dataTo: out)
            if report.resumedAt > 0 { lines.say("resumed after row \(report.resumedAt)") }
            lines.say("geocoded \(report.rows) addresses; wrote \(out == "-" ? "standard output" : out)")
            for level in MatchLevel.allCases {
                let n = report.byLevel[level.rawValue] ?? 0
                let share = Double(n) * 100 / Double(max(1, report.rows))
                if n > 0 { lines.print("  " + padded(localizedWord(level.rawValue), to: 14) + String(format: "%8d  %5.1f %%", n, share)) }
            }
            if !report.unmatchedByReason.isEmpty {
                lines.say("unmatched, by reason:")
                for (reason, n) in report.unmatchedByReason.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
                    lines.print(String(format: "  %8d  ", n) + UnmatchedReason.wording(reason).localized(flag))
                }
            }
            if report.disagreements > 0 {
                lines.say(
                    "\(report.disagreements) rows whose own coordinates disagree with the address (disagrees=true; --disagree-m \(Int(disagreeM)))")
            }
            if !report.byAssignStatus.isEmpty {
                lines.say("grids: \(statusCounts(report.byAssignStatus))")
            }
            tell("engine: \(String(format: "%.0f", report.addressesPerSecond)) addresses/s on \(threads) threads")
        }
    }
}

struct GeocodeParse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Show how an address is normalised and split into components (no plan needed).",
        discussion: """
            The province and city an address leaves out are filled in from the national division list (Ministry \
            of Civil Affairs, 2025-12-31) where one division answers: 赤坎区 gives 湛江市 and 广东省, 廉江市 alone is \
            a county of 湛江市, a town named after a county of the city written is in it (德宏州芒市镇: 芒市), 朝阳区 \
            alone gives nothing (北京 and 长春 both have one). "inferred" names what was filled in; matching against \
            a gazetteer goes by what is written. --as-written turns this off.

            Examples:
              gridplan geocode parse '广东省湛江市赤坎区南桥街道南华社区海滨路12号3栋2单元501'
              # only what is written (no 湛江市 or 广东省 filled in):
              gridplan geocode parse --as-written '赤坎区海滨路12号'
              # one JSON object a line:
              gridplan geocode parse --lines addresses.txt > parsed.jsonl
            """)

    @Argument(help: "The address (omit with --lines).") var text: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(
        help: """
            The components as written: no province, city or county filled in from the national division list, and no \
            division read without its suffix after the one above it (陕西省西安…, 湛江赤坎…).
            """)
    var asWritten = false
    @Option(
        name: .customLong("db"),
        help: "A plan whose gazetteer names divisions written without suffix (optional): a GeoPackage or a postgresql:// address.")
    var db: String?
    @Option(help: "A UTF-8 file of addresses, one a line: prints one JSON object a line, and the parsing speed on stderr.")
    var lines: String?
    @Option(
        name: .customLong("repeat"),
        help: "With --lines: parse the file this many times and report the fastest run (a benchmark's figure; the machine's noise only slows).")
    var runs: Int = 1

    func validate() throws {
        try reportingErrors {
            if text == nil && lines == nil { throw GridplanError(.badArgument, "give an ADDRESS, or --lines FILE") }
            if runs < 1 { throw GridplanError(.badArgument, "--repeat must be at least 1, not \(runs)") }
        }
    }

    func run() throws {
        try reportingErrors {
            var parser = AddressParser(completingDivisions: !asWritten)
            if let db {
                let store = try ReadablePlanOptions.parse(["--db", db])
                let plan = try store.open()
                defer { store.close(plan) }
                parser = AddressParser(lexicon: try GazetteerIndex(store: plan).lexicon, completingDivisions: !asWritten)
            }
            if let lines { try parseLines(lines, parser); return }
            guard let text else { throw GridplanError(.badArgument, "give an ADDRESS, or --lines FILE") }
            try AddressLimit.check(text)
            let c = parser.parse(text)
            let normalized = AddressNormalizer.normalize(text)
            if json {
                try printJSON(AddressParseJSON(normalized: normalized, components: c))
            } else {
                say("normalized: \(normalized)")
                for (k, v) in c.fields { print("\(k): \(v)") }
            }
        }
    }

    /// Parses every line, timing the parser alone (not the reading or the printing).
    func parseLines(_ path: String, _ parser: AddressParser) throws {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw GridplanError(.badInput, "\(path): cannot read it as UTF-8 text")
        }
        let addresses = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .dropLast(text.hasSuffix("\n") ? 1 : 0)
        // The ICU table and the parser's static tables are built once, before timing (the national
        // division list only for an address that leaves a level out).
        _ = parser.parse("廣東省湛江市赤坎區海濱路12號")
        _ = parser.parse("赤坎區海濱路12號")
        var start = Date()
        let parsed = addresses.map { parser.parse($0) }
        var seconds = Date().timeIntervalSince(start)
        // Later runs parse into one reused array, whose results are freed outside the timing: a
        // backlog's parser runs in memory it has used before, not in pages the first run asked
        // the system for.
        var again: [AddressComponents] = []
        again.reserveCapacity(addresses.count)
        if runs > 1 { again.append(contentsOf: parsed) } // its pages touched before any run writes them
        for _ in 1..<runs {
            again.removeAll(keepingCapacity: true)
            start = Date()
            // By index: `for a in addresses` retained and released each line, a few per cent of a pass.
            for i in addresses.indices { again.append(parser.parse(addresses[i])) }
            seconds = min(seconds, Date().timeIntervalSince(start))
        }
        var out = ""
        for (text, c) in zip(addresses, parsed) {
            // The components alone: a line carries no number_value, unlike `parse --json`.
            var line = AddressParseJSON(normalized: AddressNormalizer.normalize(text), components: c)
            line.numberValue = nil
            out += try JSONOutput.string(line, pretty: false) + "\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        FileHandle.standardError.write(
            Data(
                String(
                    format: "parsed %d addresses in %.3f s: %.0f addresses/s on 1 thread\n",
                    addresses.count, seconds, Double(addresses.count) / max(seconds, 1e-9)
                ).utf8))
    }
}

struct GeocodeOne: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address",
        abstract: "Geocode one address and print the result with its alternatives.",
        discussion: "Example:\n  gridplan geocode address '赤坎区海滨路12号' --db plan.gpkg --json")

    @Argument(help: "The address.") var text: String
    @OptionGroup var store: ReadablePlanOptions
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Load the sample gazetteer when the plan's is empty.") var defaults = false
    @Option(
        name: [.customLong("also"), .customLong("out-crs")],
        help: "Also print coordinates in: gcj02, bd09 (comma-separated; JSON always has both).") var also: String?

    func validate() throws {
        try reportingErrors { _ = try alsoSystems(also) }
    }

    func run() throws {
        try reportingErrors {
            let systems = try alsoSystems(also)
            try AddressLimit.check(text)
            // Only --defaults may write (the sample gazetteer into an empty plan file).
            let writesSample = defaults && !PostgresURL.isServer(store.path)
            let plan = writesSample ? try PlanFile(path: store.path).open() : try store.open()
            defer { store.close(plan) }
            let r = try openGeocoder(plan, defaults: defaults).geocode(text)
            if json { try printJSON(GeocodeResultJSON(r)); return }
            print(
                "\(r.level.rawValue) \(r.confidence)" + (r.level != .none ? String(format: "  %.7f, %.7f", r.lon, r.lat) : "")
                    + (r.matched.map { "  \($0)" } ?? "") + (r.interpolation.map { " (interpolated: \($0.rawValue))" } ?? "")
                    + (r.fuzzy ? " (fuzzy)" : ""))
            let chain = [(r.countyName, r.countyCode), (r.streetName, r.streetCode), (r.communityName, r.communityCode)]
                .compactMap { n, c in c.map { "\(n ?? "?") \($0)" } }
            if !chain.isEmpty { say("in: \(chain.joined(separator: " › "))") }
            if r.level != .none {
                for system in systems {
                    let c = system == "gcj02" ? ChinaOffsets.wgs84ToGCJ02(lon: r.lon, lat: r.lat) : ChinaOffsets.wgs84ToBD09(lon: r.lon, lat: r.lat)
                    print(String(format: "%@: %.7f, %.7f", system as NSString, c.lon, c.lat))
                }
            }
            if r.certainLevel != r.level { say("certain only to: \(r.certainLevel.rawValue)") }
            if let reason = r.reason { say("reason: \(reason)") }
            for a in r.alternatives { print(String(format: "or: %@ %.3f  %.7f, %.7f", a.name as NSString, a.confidence, a.lon, a.lat)) }
        }
    }
}
