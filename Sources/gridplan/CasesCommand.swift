import ArgumentParser
import Cases
import Foundation
import GridErrors
import GridGeometry
import GridProjection
import GridStore
import Grids

struct CasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "Store incidents, assigned to grids, and ask spatial questions about them.",
        subcommands: [Import.self, Query.self, Stats.self, Reassign.self, Dispatch.self, Advance.self, History.self, Overdue.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import incidents from CSV, GeoJSON or any GDAL format, assigning each to its grids.",
            discussion: """
                Each row needs an id (kept as given; importing the same id again updates the case) and a location: \
                coordinates, or at least an address (to be geocoded later). Rows that cannot be used (no id, bad \
                coordinates, an unreadable time, an unknown severity or status, no location at all) go to the reject \
                file with their line number and the reason. The import commits in batches together with a \
                checkpoint: if it is killed, running the same command again resumes after the last stored batch. \
                An import of 50,000 rows or more (and no fewer than the plan holds) drops the cases' indexes by grid, \
                time, status and category while it loads and builds them after its last batch (far faster than keeping them up to date \
                row by row); killed in between, the cases are all there and answer the same, without those indexes until \
                the import is resumed or another one runs. Times are stored as local time (China Standard Time unless the text carries a zone). \
                Into a plan on a server (--db postgresql://…) each batch is one transaction as well, its indexes stay in place, and \
                several imports may run at once.

                Example:
                  gridplan cases import hotline-2024.csv --db plan.gpkg --crs gcj02 \\
                      --id-field 工单号 --time-field 上报时间
                """)

        @Argument(help: "The incident file; - for standard input (an interrupted run then starts over).") var file: String
        @OptionGroup var store: WritablePlanOptions
        @Option(help: "Field with the case id (default: id, case_id, 编号, 工单号, …).") var idField: String?
        @Option(help: "Longitude field (default: lon, lng, longitude, x, 经度).") var lonField: String?
        @Option(help: "Latitude field (default: lat, latitude, y, 纬度).") var latField: String?
        @Option(help: "CRS of the coordinates: wgs84, gcj02, bd09, cgcs2000, EPSG:NNNN (required if the file has none).") var crs: String?
        @Option(help: "Field with the time reported (default: reported_at, time, 上报时间, …).") var timeField: String?
        @Option(help: "Field with the category code (default: category, 类别, 事件类型).") var categoryField: String?
        @Option(help: "Field with the address text (default: address, 地址, …).") var addressField: String?
        @Option(help: "Field with the source channel (default: channel, source, 来源, 渠道).") var channelField: String?
        @Option(help: "Field with the severity: ordinary/important/major or 一般/重要/重大 (default: severity, 等级).") var severityField: String?
        @Option(help: "Field with the life-cycle status (default: status, 状态).") var statusField: String?
        @Option(help: "Field with the closing time (default: closed_at, 结案时间).") var closedField: String?
        @Option(help: "Where to write rejected rows (default: FILE-NAME.rejects.csv in the current folder).") var rejects: String?
        @Flag(help: "Print the report as JSON (snake_case keys; on standard error when standard output carries the data).") var json = false
        @Option(help: "Rows per transaction.") var batchSize: Int = 20_000
        @Option(help: "Points outside every grid but within this many metres of one are snapped to it.") var snapM: Double = 30
        @Option(help: "Text encoding of the input (e.g. CP936 for GBK; default: detected).") var encoding: String?
        @Flag(help: "Start from the first row even if an earlier run of this file was interrupted.") var restart = false

        func validate() throws {
            try checkRange(batchSize, OptionRange.batchSize, option: "--batch-size")
            try checkRange(snapM, OptionRange.snapMetres, option: "--snap-m")
            try reportingErrors { _ = try crs.map { try parseCRS($0, option: "--crs") } }
        }

        func run() throws {
            try reportingErrors {
                let rejectsPath = rejects ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension + ".rejects.csv"
                try OutputPaths.check(rejectsPath, "rejects", plan: store.path, inputs: [(nil, file)])
                var options = CaseImportOptions()
                options.idField = idField; options.lonField = lonField; options.latField = latField
                options.crs = try crs.map { try parseCRS($0, option: "--crs") }
                options.timeField = timeField; options.categoryField = categoryField; options.addressField = addressField
                options.channelField = channelField; options.severityField = severityField; options.statusField = statusField
                options.closedField = closedField; options.rejectsPath = rejects; options.batchSize = max(1, batchSize)
                options.snapMetres = snapM; options.encoding = encoding; options.restart = restart
                options.threads = ProcessInfo.processInfo.activeProcessorCount
                let plan = try store.open()
                defer { store.close(plan) }
                let progress = ProgressLine("importing \(file)")
                let input = try InputFile(file)
                defer { input.remove() }
                let report = try CaseImporter.run(
                    file: input.path, into: plan, options: options,
                    // A batch's figures clear the builds' state (a small import builds first
                    // what a killed bulk import left unbuilt).
                    progress: { done, total in progress.update(done, total: total, detail: "") },
                    indexing: { index, of in
                        let stage: Wording = "building index \(index) of \(of)"
                        progress.update(detail: stage.localized(flag))
                    })
                progress.finish(report.rows, detail: "")
                if json {
                    try printReport(report)
                    try rejectedRows(report.rejected)
                    return
                }
                if report.resumedFrom > 0 { say("resumed after row \(report.resumedFrom) of an interrupted run") }
                let statuses = statusCounts(report.byStatus)
                let seconds = String(format: "%.1f", report.seconds), crs = report.sourceCRS ?? "no CRS (none had any)"
                // No statuses when no row was stored: then no empty brackets either.
                if statuses.isEmpty {
                    say(
                        "\(report.inserted) cases added, \(report.updated) updated, \(report.rejected) rejected in \(seconds) s; coordinates read in \(crs)"
                    )
                } else {
                    say(
                        "\(report.inserted) cases added, \(report.updated) updated, \(report.rejected) rejected (\(statuses)) "
                            + "in \(seconds) s; coordinates read in \(crs)")
                }
                if let path = report.rejectsPath, report.rejected > 0 || report.resumedFrom > 0 { say("rejected rows: \(path)") }
                try rejectedRows(report.rejected)
            }
        }
    }

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, geojson }

    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find stored cases by place, grid, time, status and category.",
            discussion: """
                Spatial filters use the GeoPackage R-tree; distances are geodesic metres. A list is written as it \
                is read, in time order, so every case of a backlog of millions can go to a file in flat memory.

                Examples:
                  gridplan cases query --db plan.gpkg --bbox 110.35,21.25,110.37,21.27 \\
                      --status dispatched
                  gridplan cases query --db plan.gpkg --near 110.3594,21.2707 --radius 500 \\
                      --format geojson
                  gridplan cases query --db plan.gpkg --near 110.3594,21.2707 --nearest 10
                  gridplan cases query --db plan.gpkg --grid 440802007001 \\
                      --from 2024-01-01 --to 2024-02-01 --category 01
                  gridplan cases query --db plan.gpkg --format csv > cases.csv
                """)

        @OptionGroup var store: ReadablePlanOptions
        @Option(help: "MINLON,MINLAT,MAXLON,MAXLAT (CGCS2000).") var bbox: String?
        @Option(help: "LON,LAT of a point (CGCS2000), with --radius or --nearest.") var near: String?
        @Option(help: "With --near: cases within this many metres (default 1000 when --nearest is not given).") var radius: Double?
        @Option(help: "With --near: the K nearest cases.") var nearest: Int?
        @Option(help: "A grid code at any level (street, community, area or unit).") var grid: String?
        @Option(help: "Reported at or after this time (e.g. 2024-01-01).") var from: String?
        @Option(help: "Reported before this time.") var to: String?
        @Option(help: "Life-cycle status, e.g. dispatched.") var status: String?
        @Option(help: "Category code; sub-categories under it match too.") var category: String?
        @Option(help: "Output: table, csv or geojson.") var format: OutputFormat = .table
        @Flag(help: "Print the cases as JSON: the GeoJSON of --format geojson, which the server's GET /api/cases answers too.")
        var json = false
        @Option(help: "At most this many cases.") var limit: Int?
        @Flag(help: "Print how long the query took on standard error (the store and a reading connection already open, printing excluded).")
        var timing = false
        @Option(
            help: ArgumentHelp(
                "With --timing: ask the same question this many times in this process and print each time.",
                discussion:
                    "The first time prepares the statements and connects to the R-tree, as a new connection does; the later ones answer "
                    + "as a server's open connection would. The cases are printed once."))
        var `repeat` = 1

        func numbers(_ text: String, _ count: Int, _ option: String) throws -> [Double] {
            let parts = text.split(separator: ",").compactMap { DecimalNumber.parse($0) }
            guard parts.count == count else { throw GridplanError(.badArgument, "\(option) \(text): expected \(count) comma-separated numbers") }
            return parts
        }

        func validate() throws {
            if json && format == .csv { throw ValidationError("--json prints GeoJSON: give it or --format csv, not both") }
            try checkRange(radius, OptionRange.metres, option: "--radius")
            try checkRange(nearest, 1...100_000, option: "--nearest")
            try checkRange(limit, 0...100_000_000, option: "--limit")
            try checkRange(`repeat`, 1...1000, option: "--repeat")
            if `repeat` > 1 && !timing { throw ValidationError("--repeat times the question again: give --timing with it") }
            try reportingErrors { _ = try (box(), point()) }
        }

        func box() throws -> Envelope? {
            guard let bbox else { return nil }
            let b = try numbers(bbox, 4, "--bbox")
            guard b[0] <= b[2], b[1] <= b[3] else { throw GridplanError(.badArgument, "--bbox \(bbox): write MINLON,MINLAT,MAXLON,MAXLAT") }
            return Envelope(minX: b[0], minY: b[1], maxX: b[2], maxY: b[3])
        }

        func point() throws -> (lon: Double, lat: Double)? {
            guard let near else { return nil }
            let p = try numbers(near, 2, "--near")
            return (p[0], p[1])
        }

        func run() throws {
            try reportingErrors {
                var q = CaseQuery()
                q.bbox = try box()
                q.near = try point()
                q.radiusM = radius; q.nearest = nearest; q.grid = grid; q.from = from; q.to = to
                q.status = status; q.category = category; q.limit = limit
                let plan = try store.open()
                defer { store.close(plan) }
                // With --timing, the reading connection is opened first: what is timed is the query
                // itself, as a server with open connections would answer it.
                if timing { try plan.reading { _ in } }
                let output: CaseListWriter.Format =
                    switch json ? .geojson : format {
                    case .table: .table
                    case .csv: .csv
                    case .geojson: .geojson
                    }
                let writer = CaseListWriter(output, to: .standardOutput)
                if timing {
                    var records: [CaseRecord] = []
                    for _ in 0..<`repeat` {
                        let started = Date()
                        records = try q.run(plan)
                        let ms = Date().timeIntervalSince(started) * 1000
                        FileHandle.standardError.write(Data("query: \(records.count) cases in \(String(format: "%.2f", ms)) ms\n".utf8))
                    }
                    for r in records { try writer.write(r) }
                } else {
                    // Written as read: a list of millions is never held (an export of the backlog).
                    // Counted once the progress is first shown, for its percent and time left.
                    let progress = ProgressLine("cases written")
                    try q.each(plan) { record, total in
                        try writer.write(record)
                        if writer.count % 1_000 == 0 { try progress.update(writer.count, countingTotal: total) }
                    }
                    progress.finish(writer.count)
                }
                try writer.finish()
                if output == .geojson { print() }
                if output == .table { tell("\(writer.count) cases") }
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Case counts per grid by category and status, closure figures, and grids that stand out.",
            discussion: """
                Per grid of the level: cases, counts per status and per top category, closure rate (closed or feedback \
                over all), the shares closed within 24 hours and within 7 days of being reported (cumulative), and the \
                rate per 1,000 households; grids whose rate lies beyond 1.5 interquartile ranges from the level's \
                quartiles are marked high or low.

                Example:
                  gridplan cases stats --db plan.gpkg --level community \\
                      --from 2024-01-01 --to 2025-01-01
                """)

        @OptionGroup var store: ReadablePlanOptions
        // Optional, the default named in the help: ArgumentParser would show a default level by its number.
        @Option(name: .customLong("level"), help: "The level of the grids counted (default: unit).") var levelOption: GridLevel?
        var level: GridLevel { levelOption ?? .unit }
        @Option(help: "Reported at or after this time.") var from: String?
        @Option(help: "Reported before this time.") var to: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingErrors {
                let plan = try store.open()
                defer { store.close(plan) }
                let progress = ProgressLine("cases counted")
                let stats = try CaseStats.compute(store: plan, level: level, from: from, to: to) { done, total in
                    progress.update(done, total: total)
                }
                progress.finish()
                if json {
                    try printJSON(CaseStatsJSON(stats))
                    return
                }
                print("grid\tname\tcases\tclosed\t≤24h\t≤7d\tper 1000 hh\tstands out\ttop categories")
                for g in stats.grids {
                    // Most cases first, ties by category code: the same line on every run.
                    let top = g.byCategory.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
                        .map { "\($0.key):\($0.value)" }.joined(separator: " ")
                    print(
                        [
                            g.code, g.name ?? "", String(g.total), pct(g.closureRate), pct(g.closedWithin24h), pct(g.closedWithin7d),
                            g.perThousandHouseholds.map { String(format: "%.1f", $0) } ?? "", g.outlier ?? "", top,
                        ].joined(separator: "\t"))
                }
                say("\(stats.total) cases in \(stats.grids.count) \(stats.level) grids; \(stats.unassigned) without a \(stats.level) grid")
            }
        }

        func pct(_ v: Double) -> String { String(format: "%.0f %%", v * 100) }
    }

    struct Reassign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign every stored case to the current plan after a redraw, keeping earlier assignments in history.",
            discussion: "Example:\n  gridplan cases reassign --db plan.gpkg")

        @OptionGroup var store: WritablePlanOptions
        @Option(help: "Points outside every grid but within this many metres of one are snapped to it.") var snapM: Double = 30
        @Flag(help: "Print the report as JSON (snake_case keys).") var json = false

        func validate() throws { try checkRange(snapM, OptionRange.snapMetres, option: "--snap-m") }

        func run() throws {
            try reportingErrors {
                let plan = try store.open()
                defer { store.close(plan) }
                let report = try reassigningWithProgress(plan, snapMetres: snapM)
                if json { try printReport(report); return }
                say(
                    "\(report.cases) cases checked against the current plan; "
                        + "\(report.moved) changed grid (earlier assignments kept in case_assignments)")
            }
        }
    }
}

/// Files every stored case under the current plan on all cores, with the progress every long job
/// shows (a backlog of millions takes minutes): `cases reassign`, and `codes` after new codes.
func reassigningWithProgress(_ plan: any WritablePlanStore, snapMetres: Double = 30) throws -> Cases.Reassign.Report {
    let progress = ProgressLine("reassigning")
    let report = try Cases.Reassign.run(store: plan, snapMetres: snapMetres, threads: ProcessInfo.processInfo.activeProcessorCount) {
        done, total in progress.update(done, total: total)
    }
    progress.finish(report.cases)
    return report
}
