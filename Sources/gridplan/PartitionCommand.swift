import ArgumentParser
import Foundation
import GridErrors
import GridFormats
import GridProjection
import Grids
import Planning

struct PartitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Generate area or unit grids along streets, balanced in households, as a new plan version.",
        discussion: """
            Cuts each parent grid into blocks along the barrier lines (streets, lanes, rivers, railways: any \
            line layer GDAL reads), puts every building or address point in its block, and groups adjacent \
            blocks into contiguous grids of target households (default 400, within 300–500), balance first, \
            Polsby–Popper compactness second. Grid edges are barrier lines or the parent's boundary, never \
            anything else, and the grids tile the parent. Blocks that alone exceed the maximum are reported \
            (number, place, households) and become grids of their own. The same --seed gives the same plan.

            Residents are a bound too: at most --max-residents per grid (default from the sizing rules: 2,500 \
            for unit grids; 0 for none). --max-radius M makes the search avoid grids whose farthest point is \
            more than M metres from their centre (second to the household and resident bounds). Grids over \
            either are listed in the report.

            --dedicated FILE: polygons (schools, markets, parks, hospitals, industrial parks, enterprises) \
            carved out of the parent first, each a grid of its own with the kind its kind field names \
            (school, market, hospital, industrial_park, enterprise, commercial, dedicated, or 学校, 市场, 医院, \
            工业园区, 企业, 商业, 专属网格; no field: dedicated). An unknown kind is refused, naming the feature. \
            Their households are counted in them, they are exempt from the bounds, and their boundaries become \
            grid edges; the rest is cut into blocks as usual (--count counts the other grids only).

            --seeds FILE: points (gridders' bases); a grid grows from the block of each seed, and each grid \
            keeps its seed, so without --count there are as many grids per parent as seeds in it (bounds then \
            ±25 % of the mean unless --min/--max are given). Seeds in one block, or in a dedicated grid, are \
            reported; the report gives the seed of every grid.

            The grids replace the parent's current grids of that level (ended, kept in history). With \
            --redraw they start from those grids instead, and only the blocks needed to bring every grid \
            within bounds move (chains of moves through full grids to one with room, fewest households \
            first); the households, buildings and cases that change grid are reported. Dedicated grids are \
            kept as they are. Grids of one area (or parent) whose households cannot meet the bounds in that \
            many grids, however blocks move, are left as they are and reported with the number that would.

            Examples:
              gridplan partition --db plan.gpkg --parent 440802001001 \\
                  --barriers roads.geojson --buildings buildings.geojson
              gridplan partition --db plan.gpkg --level community \\
                  --barriers roads.shp --buildings addresses.csv --seed 7
              gridplan partition --db plan.gpkg --parent 440802001001 \\
                  --barriers roads.geojson --buildings b.geojson \\
                  --redraw --lock 440802001001003
              gridplan partition --db plan.gpkg --parent 440802001001 \\
                  --barriers roads.geojson --buildings b.geojson \\
                  --dedicated schools.shp --dedicated-kind-field 类型
              gridplan partition --db plan.gpkg --parent 440802001001 \\
                  --barriers roads.geojson --buildings b.geojson \\
                  --seeds bases.csv --max-radius 400
            """)

    @OptionGroup var store: WritablePlanOptions
    @Option(help: "The grid to cut (code or name).") var parent: String?
    @Option(help: "Cut every current grid of this level, each separately.") var level: GridLevel?
    @Option(help: "Barrier lines: any line layer GDAL reads.") var barriers: String
    @Option(help: "Buildings or address points with households (points, or polygons taken at a point on their surface).") var buildings: String
    @Option(help: "Field of --buildings holding households (default: households, hh, 户数, …).") var householdsField: String?
    @Option(help: "Field of --buildings holding residents (default: residents, population, 人口, …).") var residentsField: String?
    @Option(
        name: .customLong("crs-of-inputs"),
        help: """
            CRS of --barriers and --buildings when the files have none (or to override): EPSG:NNNN, wgs84, \
            gcj02, …
            """)
    var inputCRS: String?
    @Option(help: "Target households per grid.") var target: Double?
    @Option(help: "Minimum households per grid.") var min: Double?
    @Option(help: "Maximum households per grid.") var max: Double?
    @Option(help: "A number of grids per parent instead of a target (min/max default to ±25 % of the mean; the residents cap still applies).")
    var count: Int?
    @Flag(help: "Start from the existing grids and move only the blocks needed.") var redraw = false
    @Option(help: "Comma-separated codes of grids to keep unchanged (with --redraw).") var lock: String?
    @Flag(
        help: """
            With --redraw: where a parent's grids cannot meet the bounds in their number, split the fullest \
            (new codes by the code rules) or merge the emptiest into its neighbours (ended grids kept in history).
            """)
    var allowCountChanges = false
    @Option(help: "Seed of the search: the same seed gives the same plan.") var seed: UInt64 = 1
    // Optional, the default named in the help: ArgumentParser would show a default level by its number.
    @Option(name: .customLong("out-level"), help: "The level of the generated grids: area or unit (default: unit).")
    var outLevelOption: GridLevel?
    var outLevel: GridLevel { outLevelOption ?? .unit }
    @Option(help: "Blocks smaller than this many m² merge into the neighbour they share the longest boundary with.") var minBlockM2: Double = 1000
    @Option(help: "Blocks sharing less boundary than this many metres (a corner) are not neighbours.") var adjacencyM: Double = 1
    @Option(help: "The day the grids take effect, YYYY-MM-DD (default: today).") var validFrom: String?
    @Flag(help: "Compute and report, write nothing.") var dryRun = false
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: "Also write the blocks (households, grid) to this file (.geojson, .gpkg, .shp or .csv), e.g. to compare with other tools.")
    var blocksOut: String?
    @Option(help: "Most residents in a grid, a bound like --max (default: the sizing rules' cap for the level, 2,500 for unit grids; 0: none).")
    var maxResidents: Double?
    @Option(
        help: """
            Longest distance in metres from a grid's centre to its farthest point (as radius_m in the report); \
            the search avoids exceeding it, grids over it are reported.
            """)
    var maxRadius: Double?
    @Option(
        help: """
            Polygons that become grids of their own (schools, markets, parks, industrial parks, hospitals, \
            enterprises): any polygon layer GDAL reads.
            """)
    var dedicated: String?
    @Option(help: "Field of --dedicated naming each polygon's kind (default: kind, grid_kind, 类型, 网格类型; no such field: dedicated).")
    var dedicatedKindField: String?
    @Option(help: "Field of --dedicated naming each polygon (default: name, 名称, …); unnamed ones get generated names.")
    var dedicatedNameField: String?
    @Option(
        help: """
            Seed points (gridders' bases), any point layer GDAL reads: one grid grows from each, and without \
            --count their number per parent is the number of grids.
            """)
    var seeds: String?
    @Option(help: "Field of --seeds identifying each seed in the report (default: id, name, 编号, 姓名, …; else the feature number).")
    var seedsIdField: String?

    /// The option rules, checked before any file is read (exit status 2, as for a usage error).
    func validate() throws {
        for (value, option) in [(target, "--target"), (min, "--min"), (max, "--max"), (maxResidents, "--max-residents")] {
            try checkRange(value, 0...1e9, option: option)
        }
        try checkRange(minBlockM2, 0...1e9, option: "--min-block-m2")
        try checkRange(adjacencyM, 0...1000, option: "--adjacency-m")
        try checkPositive(maxRadius, upTo: OptionRange.metres.upperBound, option: "--max-radius")
        try checkRange(count, 1...1_000_000, option: "--count")
        try reportingErrors {
            guard (parent == nil) != (level == nil) else { throw GridplanError(.badArgument, "give exactly one of --parent CODE and --level LEVEL") }
            guard outLevel == .area || outLevel == .unit else { throw GridplanError(.badArgument, "--out-level must be area or unit") }
            if lock != nil && !redraw { throw GridplanError(.badArgument, "--lock needs --redraw") }
            if allowCountChanges && !redraw { throw GridplanError(.badArgument, "--allow-count-changes needs --redraw") }
            if redraw && dedicated != nil {
                throw GridplanError(
                    .badArgument, "--dedicated makes a fresh plan: it cannot go with --redraw (a redraw keeps existing dedicated grids as they are)")
            }
            if redraw && seeds != nil { throw GridplanError(.badArgument, "--seeds makes a fresh plan: it cannot go with --redraw") }
            if seeds != nil && count != nil {
                throw GridplanError(.badArgument, "give --seeds or --count, not both: with seeds, the number of grids is the number of seeds")
            }
            if dedicated == nil && (dedicatedKindField != nil || dedicatedNameField != nil) {
                throw GridplanError(.badArgument, "--dedicated-kind-field and --dedicated-name-field need --dedicated")
            }
            if seeds == nil && seedsIdField != nil { throw GridplanError(.badArgument, "--seeds-id-field needs --seeds") }
            if let maxRadius, !(maxRadius > 0) { throw GridplanError(.badArgument, "--max-radius must be a positive number of metres") }
            if let maxResidents, !(maxResidents >= 0) { throw GridplanError(.badArgument, "--max-residents must be 0 (none) or more") }
            if let count, count < 1 { throw GridplanError(.badArgument, "--count must be at least 1") }
            let targets = partitionOptions().targets
            guard targets.min <= targets.target, targets.target <= targets.max else {
                throw GridplanError(.badArgument, "need --min ≤ --target ≤ --max (got \(targets.min), \(targets.target), \(targets.max))")
            }
            if let blocksOut { _ = try blocksFormat(blocksOut) }
            if let inputCRS { _ = try parseCRS(inputCRS, option: "--crs-of-inputs") }
        }
    }

    /// The partitioner's options as the flags give them, over the sizing rules' defaults.
    func partitionOptions() -> PartitionOptions {
        var options = PartitionOptions()
        if let count {
            options.targets.count = count
            if min == nil && max == nil { options.targets.countSpread = 0.25 }
        }
        if seeds != nil && min == nil && max == nil { options.targets.countSpread = 0.25 }
        let rule = SizingRules.defaults.rule(level: outLevel, kind: GridKind.comprehensive.rawValue)
        let cap = maxResidents ?? rule?.maxResidents.map(Double.init)
        options.targets.maxResidents = cap.flatMap { $0 > 0 ? $0 : nil }
        options.targets.maxRadius = maxRadius
        options.targets.target = target ?? options.targets.target
        options.targets.min = min ?? options.targets.min
        options.targets.max = max ?? options.targets.max
        options.seed = seed
        options.outLevel = outLevel
        options.redraw = redraw
        options.allowCountChanges = allowCountChanges
        options.locked = Set((lock ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        options.minBlockM2 = minBlockM2
        options.adjacencyToleranceM = adjacencyM
        options.validFrom = validFrom
        options.dryRun = dryRun
        options.keepBlocks = blocksOut != nil
        options.command =
            "partition \(parent.map { "--parent \($0)" } ?? "--level \(level!)") --out-level \(outLevel)"
            + "\(redraw ? " --redraw" : "") --seed \(seed)"
            + (dedicated.map { " --dedicated \(($0 as NSString).lastPathComponent)" } ?? "")
            + (seeds.map { " --seeds \(($0 as NSString).lastPathComponent)" } ?? "")
        return options
    }

    /// The format of a --blocks-out file, from its extension.
    func blocksFormat(_ path: String) throws -> VectorFormat {
        let ext = (path as NSString).pathExtension.lowercased()
        guard let format = VectorFormat(rawValue: ext == "json" ? "geojson" : ext) else {
            throw GridplanError(.badArgument, "--blocks-out \(path): write .geojson, .gpkg, .shp or .csv")
        }
        return format
    }

    func run() throws {
        try reportingErrors {
            try OutputPaths.check(
                blocksOut, "blocks-out", plan: store.path,
                inputs: [("barriers", barriers), ("buildings", buildings), ("dedicated", dedicated), ("seeds", seeds)])
            var options = partitionOptions()
            let crs = try inputCRS.map { try parseCRS($0, option: "--crs-of-inputs") }
            let plan = try store.open()
            defer { store.close(plan) }
            let points = try HouseholdPoints.read(path: buildings, crs: crs, householdsField: householdsField, residentsField: residentsField)
            if let dedicated {
                options.dedicated = try DedicatedSite.read(path: dedicated, crs: crs, kindField: dedicatedKindField, nameField: dedicatedNameField)
            }
            if let seeds { options.seeds = try SeedPoints.read(path: seeds, crs: crs, idField: seedsIdField) }
            let sources = StorePlanningSources(store: plan)
            let progress = ProgressLine("partitioning, parent grids")
            options.progress = { progress.update($0, total: $1) }
            let report = try Partitioner.run(
                store: plan, parent: parent, level: level, barriersPath: barriers, buildings: points,
                barrierCRS: crs, options: options, cases: sources, roster: sources)
            progress.finish()
            if let blocksOut { try writeBlocks(report, to: blocksOut) }
            // The report's own Codable types, written as every command writes JSON.
            if json { try printJSON(report) } else { printText(report, options: options) }
        }
    }

    func writeBlocks(_ r: PartitionReport, to path: String) throws {
        let format = try blocksFormat(path)
        let writer = try VectorWriter(
            path: path, format: format, layerName: "blocks", crs: .cgcs2000,
            fields: [
                ("parent", .text), ("block", .integer), ("households", .real), ("residents", .real), ("grid", .integer), ("grid_code", .text),
                ("kind", .text),
            ])
        for b in r.blocks {
            try writer.write(
                wkb: b.wkb,
                values: [
                    .text(b.parent), .integer(Int64(b.block)), .real(b.households), .real(b.residents),
                    .integer(Int64(b.grid)), b.gridCode.map { .text($0) } ?? .null, .text(b.kind),
                ])
        }
        _ = try writer.close()
    }

    func printText(_ r: PartitionReport, options: PartitionOptions) {
        let withSeeds = seeds != nil
        print(
            "grid\tname\tkind\thouseholds\tresidents\tbuildings\tblocks\tarea_m2\tcompactness\tradius_m\twithin\(redraw ? "\tchanged" : "")\(withSeeds ? "\tseed" : "")"
        )
        for p in r.parents {
            for g in p.grids {
                let within = g.dedicated ? "exempt" : g.withinBounds ? "yes" : "no"
                print(
                    [
                        g.code ?? "", g.name, g.kind, String(format: "%.0f", g.households), String(format: "%.0f", g.residents), String(g.buildings),
                        String(g.blocks), String(format: "%.0f", g.areaM2), String(format: "%.3f", g.compactness),
                        String(format: "%.0f", g.radiusM), within,
                    ].joined(separator: "\t") + (redraw ? (g.changed ? "\tyes" : "\tno") : "")
                        + (withSeeds ? "\t" + g.seeds.joined(separator: "+") : ""))
            }
        }
        print("")
        for p in r.parents {
            var caps: Wording = ""
            if let most = p.targets.maxResidents { caps = caps + ", at most \(String(format: "%.0f", most)) residents" }
            if let most = p.targets.maxRadius { caps = caps + ", radius at most \(String(format: "%.0f", most)) m" }
            say(
                "\(p.code ?? p.name): target \(String(format: "%.0f", p.targets.target)) (\(String(format: "%.0f", p.targets.min))–\(String(format: "%.0f", p.targets.max))\(caps)); \(p.faces) faces → \(p.blocks) blocks (\(p.smallBlocksMerged) small ones merged), \(String(format: "%.0f", p.households)) households in \(p.buildings) buildings → \(p.grids.count) grids; \(p.endedGrids) earlier grids ended; \(String(format: "%.2f", p.seconds)) s"
            )
            for o in p.oversizeBlocks {
                let most = String(format: "%.0f", p.targets.max)
                let caps: Wording =
                    p.targets.maxResidents.map { "the maximum \(most) households or \(String(format: "%.0f", $0)) residents" }
                    ?? "the maximum \(most) households"
                say(
                    "  block \(o.block) at \(String(format: "%.6f,%.6f", o.lon, o.lat)) (\(String(format: "%.0f", o.households)) households, \(String(format: "%.0f", o.residents)) residents, \(String(format: "%.0f", o.areaM2)) m²) alone exceeds \(caps): it is the grid \(o.grid) of its own"
                )
            }
            let dedicatedGrids = p.grids.filter(\.dedicated)
            if !dedicatedGrids.isEmpty {
                let list = dedicatedGrids.map { "\($0.code ?? $0.name) \($0.kind) \(String(format: "%.0f", $0.households))" }
                say(
                    "  \(dedicatedGrids.count) dedicated grids (exempt from the bounds), \(String(format: "%.0f", p.dedicated.households)) households: \(list.joined(separator: ", "))"
                )
            }
            if !p.dedicated.clipped.isEmpty {
                say("  dedicated sites partly outside \(p.name) (the part inside is the grid): \(p.dedicated.clipped.joined(separator: ", "))")
            }
            let holed = p.grids.filter { $0.holes > 0 }
            if !holed.isEmpty {
                let list = holed.map { $0.code ?? $0.name }.joined(separator: ", ")
                say("  \(holed.count) grids surround other grids (holes; validate warns): \(list)")
            }
            if p.cuts.onDedicated > 0 {
                say("  \(p.cuts.onDedicated) grid edge segments follow dedicated grids' boundaries where no barrier runs")
            }
            let overResidents = p.grids.filter(\.overMaxResidents)
            if !overResidents.isEmpty, let cap = p.targets.maxResidents {
                let list = overResidents.map { "\($0.code ?? $0.name) (\(String(format: "%.0f", $0.residents)))" }.joined(separator: ", ")
                say("  \(overResidents.count) grids over \(String(format: "%.0f", cap)) residents: \(list)")
            }
            let overRadius = p.grids.filter(\.overMaxRadius)
            if !overRadius.isEmpty, let m = p.targets.maxRadius {
                let list = overRadius.map { "\($0.code ?? $0.name) (\(String(format: "%.0f", $0.radiusM)) m)" }.joined(separator: ", ")
                say("  \(overRadius.count) grids with a radius over \(String(format: "%.0f", m)) m: \(list)")
            }
            if withSeeds {
                let without = p.grids.filter { !$0.dedicated && $0.seeds.isEmpty }
                let one = p.grids.filter { !$0.dedicated && $0.seeds.count == 1 }.count
                if without.isEmpty {
                    say("  seeds: \(p.seeds.inside) in \(p.name); \(one) grids hold exactly one")
                } else {
                    let list = without.map { $0.code ?? $0.name }.joined(separator: ", ")
                    say("  seeds: \(p.seeds.inside) in \(p.name); \(one) grids hold exactly one; \(without.count) grids hold none: \(list)")
                }
                for s in p.seeds.notOwnGrid { say("  seed \(s.seed) grows no grid of its own: \(s.reason)") }
            }
            let multi = p.grids.filter { $0.parts > 1 }
            if !multi.isEmpty {
                say(
                    "  \(multi.count) grids are in several parts (the parent's blocks do not connect): \(multi.map { $0.code ?? $0.name }.joined(separator: ", "))"
                )
            }
            if !p.childlessBetween.isEmpty {
                say(
                    "  warning: \(p.childlessBetween.count) grids between \(p.name) and the new \(options.outLevel) grids keep no children: \(p.childlessBetween.prefix(5).joined(separator: ", "))"
                )
            }
            if redraw {
                let moved = p.redraw
                let households = String(format: "%.0f", moved.movedHouseholds), changed = p.grids.filter(\.changed).count
                if let cases = moved.movedCases {
                    say(
                        "  redraw: \(moved.movedBlocks) blocks, \(households) households, \(moved.movedBuildings) buildings, \(cases) cases change grid; \(changed) grids changed; edges on old grid boundaries where no barrier runs: \(p.cuts.onOldBoundariesOnly) segments"
                    )
                } else {
                    say(
                        "  redraw: \(moved.movedBlocks) blocks, \(households) households, \(moved.movedBuildings) buildings change grid; \(changed) grids changed; edges on old grid boundaries where no barrier runs: \(p.cuts.onOldBoundariesOnly) segments"
                    )
                }
                for g in p.redraw.infeasibleGroups {
                    let households = String(format: "%.0f", g.households)
                    if p.targets.maxResidents != nil {
                        say(
                            "  \(g.group): \(households) households, \(String(format: "%.0f", g.residents)) residents cannot meet the bounds in \(g.grids) grids (\(g.needed) would): its grids are left as they are"
                        )
                    } else {
                        say(
                            "  \(g.group): \(households) households cannot meet the bounds in \(g.grids) grids (\(g.needed) would): its grids are left as they are"
                        )
                    }
                }
                for g in p.redraw.countChanges {
                    let verb: Wording = g.gridsAfter > g.gridsBefore ? "grids added" : "grids merged"
                    say(
                        "  \(g.group): \(String(format: "%.0f", g.households)) households: \(g.gridsBefore) → \(g.gridsAfter) grids (\(verb))"
                    )
                }
                if !p.redraw.affectedGridders.isEmpty {
                    let gridders = p.redraw.affectedGridders.map { "\($0.grid) \($0.person)" }
                    say("  primary gridders of changed grids: \(gridders.joined(separator: ", "))")
                }
            }
        }
        say(
            "overall: \(r.allGrids.count) grids, \(String(format: "%.1f", r.shareWithinBounds * 100)) % within bounds, max deviation from target: \(String(format: "%.0f", r.maxDeviation)), mean compactness \(String(format: "%.3f", r.meanCompactness)), cuts not on barriers: \(r.cutsNotOnBarriers), buildings outside the parents: \(r.buildingsOutside) of \(r.buildingsRead), \(String(format: "%.2f", r.seconds)) s"
        )
        if !r.dedicatedOutside.isEmpty { say("dedicated sites inside no parent (no grid made): \(r.dedicatedOutside.joined(separator: ", "))") }
        if !r.seedsOutside.isEmpty { say("seeds inside no parent (not used): \(r.seedsOutside.joined(separator: ", "))") }
        if let v = r.versionID {
            say("written as plan version \(v)\(r.relinked > 0 ? "; \(r.relinked) grids below relinked by area" : "")")
        } else {
            say("dry run: nothing written")
        }
    }
}
