import ArgumentParser
import Foundation
import GridFormats
import GridProjection
import Grids
import Planning

struct PartitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Generate area or unit grids along streets, balanced in households, as a new plan version.",
        discussion: """
            Cuts each parent grid into blocks along the barrier lines (streets, lanes, rivers, railways: any
            line layer GDAL reads), puts every building or address point in its block, and groups adjacent
            blocks into contiguous grids of target households (default 400, within 300–500), balance first,
            Polsby–Popper compactness second. Grid edges are barrier lines or the parent's boundary, never
            anything else, and the grids tile the parent. Blocks that alone exceed the maximum are reported
            and become grids of their own. The same --seed gives the same plan.

            The grids replace the parent's current grids of that level (ended, kept in history). With
            --redraw they start from those grids instead, and only the blocks needed to bring every grid
            within bounds move; the households, buildings and cases that change grid are reported.

            Examples:
              gridplan partition --db plan.gpkg --parent 440802001001 --barriers roads.geojson --buildings buildings.geojson
              gridplan partition --db plan.gpkg --level community --barriers roads.shp --buildings addresses.csv --seed 7
              gridplan partition --db plan.gpkg --parent 440802001001 --barriers roads.geojson --buildings b.geojson --redraw --lock 440802001001003
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "The grid to cut (code or name).") var parent: String?
    @Option(help: "Cut every current grid of this level, each separately.") var level: GridLevel?
    @Option(help: "Barrier lines: any line layer GDAL reads.") var barriers: String
    @Option(help: "Buildings or address points with households (points, or polygons taken at a point on their surface).") var buildings: String
    @Option(help: "Field of --buildings holding households (default: households, hh, 户数, …).") var householdsField: String?
    @Option(help: "Field of --buildings holding residents (default: residents, population, 人口, …).") var residentsField: String?
    @Option(name: .customLong("crs-of-inputs"), help: "CRS of --barriers and --buildings when the files have none (or to override): EPSG:NNNN, wgs84, gcj02, …")
    var inputCRS: String?
    @Option(help: "Target households per grid.") var target: Double?
    @Option(help: "Minimum households per grid.") var min: Double?
    @Option(help: "Maximum households per grid.") var max: Double?
    @Option(help: "A number of grids per parent instead of a target (min/max default to ±25 % of the mean).") var count: Int?
    @Flag(help: "Start from the existing grids and move only the blocks needed.") var redraw = false
    @Option(help: "Comma-separated codes of grids to keep unchanged (with --redraw).") var lock: String?
    @Option(help: "Seed of the search: the same seed gives the same plan.") var seed: UInt64 = 1
    @Option(help: "The level of the generated grids: area or unit.") var outLevel: GridLevel = .unit
    @Option(help: "Blocks smaller than this many m² merge into the neighbour they share the longest boundary with.") var minBlockM2: Double = 1000
    @Option(help: "Blocks sharing less boundary than this many metres (a corner) are not neighbours.") var adjacencyM: Double = 1
    @Option(help: "The day the grids take effect, YYYY-MM-DD (default: today).") var validFrom: String?
    @Flag(help: "Compute and report, write nothing.") var dryRun = false
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: "Also write the blocks (households, grid) to this file (.geojson, .gpkg, .shp or .csv), e.g. to compare with other tools.")
    var blocksOut: String?

    func run() throws {
        try reportingErrors {
            guard (parent == nil) != (level == nil) else { throw CLIError("give exactly one of --parent CODE and --level LEVEL", status: 2) }
            guard outLevel == .area || outLevel == .unit else { throw CLIError("--out-level must be area or unit", status: 2) }
            if lock != nil && !redraw { throw CLIError("--lock needs --redraw", status: 2) }
            var options = PartitionOptions()
            if let count {
                guard count >= 1 else { throw CLIError("--count must be at least 1", status: 2) }
                options.targets.count = count
                if min == nil && max == nil { options.targets.countSpread = 0.25 }
            }
            options.targets.target = target ?? options.targets.target
            options.targets.min = min ?? options.targets.min
            options.targets.max = max ?? options.targets.max
            guard options.targets.min <= options.targets.target, options.targets.target <= options.targets.max else {
                throw CLIError("need --min ≤ --target ≤ --max (got \(options.targets.min), \(options.targets.target), \(options.targets.max))", status: 2)
            }
            options.seed = seed
            options.outLevel = outLevel
            options.redraw = redraw
            options.locked = Set((lock ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            options.minBlockM2 = minBlockM2
            options.adjacencyToleranceM = adjacencyM
            options.validFrom = validFrom
            options.dryRun = dryRun
            options.keepBlocks = blocksOut != nil
            options.command = "partition \(parent.map { "--parent \($0)" } ?? "--level \(level!)") --out-level \(outLevel)\(redraw ? " --redraw" : "") --seed \(seed)"
            let crs = try inputCRS.map { try parseCRS($0, option: "--crs-of-inputs") }
            let plan = try store.open()
            let points = try HouseholdPoints.read(path: buildings, crs: crs, householdsField: householdsField, residentsField: residentsField)
            let report = try Partitioner.run(store: plan, parent: parent, level: level, barriersPath: barriers, buildings: points,
                                             barrierCRS: crs, options: options)
            if let blocksOut { try writeBlocks(report, to: blocksOut) }
            json ? printJSON(report) : printText(report, options: options)
        }
    }

    func writeBlocks(_ r: PartitionReport, to path: String) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        guard let format = VectorFormat(rawValue: ext == "json" ? "geojson" : ext) else {
            throw CLIError("--blocks-out \(path): write .geojson, .gpkg, .shp or .csv", status: 2)
        }
        let writer = try VectorWriter(path: path, format: format, layerName: "blocks", crs: .cgcs2000, fields: [
            ("parent", .text), ("block", .integer), ("households", .real), ("residents", .real), ("grid", .integer), ("grid_code", .text)])
        for b in r.blocks {
            try writer.write(wkb: b.wkb, values: [.text(b.parent), .integer(Int64(b.block)), .real(b.households), .real(b.residents),
                                                  .integer(Int64(b.grid)), b.gridCode.map { .text($0) } ?? .null])
        }
        _ = try writer.close()
    }

    func printText(_ r: PartitionReport, options: PartitionOptions) {
        print("grid\tname\thouseholds\tresidents\tbuildings\tblocks\tarea_m2\tcompactness\tradius_m\twithin\(redraw ? "\tchanged" : "")")
        for p in r.parents {
            for g in p.grids {
                print([g.code ?? "", g.name, String(format: "%.0f", g.households), String(format: "%.0f", g.residents), String(g.buildings),
                       String(g.blocks), String(format: "%.0f", g.areaM2), String(format: "%.3f", g.compactness),
                       String(format: "%.0f", g.radiusM), g.withinBounds ? "yes" : "no"].joined(separator: "\t") + (redraw ? (g.changed ? "\tyes" : "\tno") : ""))
            }
        }
        print("")
        for p in r.parents {
            print("\(p.code ?? p.name): target \(String(format: "%.0f", p.targets.target)) (\(String(format: "%.0f", p.targets.min))–\(String(format: "%.0f", p.targets.max))); \(p.faces) faces → \(p.blocks) blocks (\(p.smallBlocksMerged) small ones merged), \(String(format: "%.0f", p.households)) households in \(p.buildings) buildings → \(p.grids.count) grids; \(p.endedGrids) earlier grids ended; \(String(format: "%.2f", p.seconds)) s")
            for o in p.oversizeBlocks {
                print("  a block of \(String(format: "%.0f", o.households)) households (\(String(format: "%.0f", o.areaM2)) m²) alone exceeds the maximum \(String(format: "%.0f", p.targets.max)): it is a grid of its own")
            }
            let multi = p.grids.filter { $0.parts > 1 }
            if !multi.isEmpty { print("  \(multi.count) grids are in several parts (the parent's blocks do not connect): \(multi.map { $0.code ?? $0.name }.joined(separator: ", "))") }
            if !p.childlessBetween.isEmpty {
                print("  warning: \(p.childlessBetween.count) grids between \(p.name) and the new \(options.outLevel) grids keep no children: \(p.childlessBetween.prefix(5).joined(separator: ", "))")
            }
            if redraw {
                print("  redraw: \(p.movedBlocks) blocks, \(String(format: "%.0f", p.movedHouseholds)) households, \(p.movedBuildings) buildings\(p.movedCases.map { ", \($0) cases" } ?? "") change grid; \(p.grids.filter(\.changed).count) grids changed; edges on old grid boundaries where no barrier runs: \(p.cutsOnOldBoundariesOnly) segments")
                if !p.affectedGridders.isEmpty {
                    print("  primary gridders of changed grids: " + p.affectedGridders.map { "\($0.grid) \($0.person)" }.joined(separator: ", "))
                }
            }
        }
        print("overall: \(r.allGrids.count) grids, \(String(format: "%.1f", r.shareWithinBounds * 100)) % within bounds, max deviation from target: \(String(format: "%.0f", r.maxDeviation)), mean compactness \(String(format: "%.3f", r.meanCompactness)), cuts not on barriers: \(r.cutsNotOnBarriers), buildings outside the parents: \(r.buildingsOutside) of \(r.buildingsRead), \(String(format: "%.2f", r.seconds)) s")
        if let v = r.versionID { print("written as plan version \(v)\(r.relinked > 0 ? "; \(r.relinked) grids below relinked by area" : "")") }
        else { print("dry run: nothing written") }
    }

    func printJSON(_ r: PartitionReport) {
        print(jsonString([
            "version": r.versionID as Any, "seconds": r.seconds, "grids": r.allGrids.count,
            "share_within_bounds": r.shareWithinBounds, "max_deviation": r.maxDeviation, "target": r.targets.target,
            "mean_compactness": r.meanCompactness, "cuts_not_on_barriers": r.cutsNotOnBarriers,
            "buildings_read": r.buildingsRead, "buildings_outside": r.buildingsOutside,
            "parents": r.parents.map { p in
                ["code": p.code as Any, "name": p.name, "faces": p.faces, "blocks": p.blocks, "small_blocks_merged": p.smallBlocksMerged,
                 "households": p.households, "buildings": p.buildings, "ended_grids": p.endedGrids, "seconds": p.seconds,
                 "cuts_on_barriers": p.cutsOnBarriers, "cuts_on_old_boundaries_only": p.cutsOnOldBoundariesOnly,
                 "cuts_not_on_barriers": p.cutsNotOnBarriers,
                 "oversize_blocks": p.oversizeBlocks.map { ["households": $0.households, "area_m2": $0.areaM2] },
                 "moved_blocks": p.movedBlocks, "moved_households": p.movedHouseholds, "moved_buildings": p.movedBuildings,
                 "moved_cases": p.movedCases as Any,
                 "affected_gridders": p.affectedGridders.map { ["grid": $0.grid, "person": $0.person] },
                 "grids": p.grids.map { g in
                     ["code": g.code as Any, "name": g.name, "households": g.households, "residents": g.residents, "buildings": g.buildings,
                      "blocks": g.blocks, "area_m2": g.areaM2, "compactness": g.compactness, "radius_m": g.radiusM,
                      "within_bounds": g.withinBounds, "parts": g.parts, "changed": g.changed] as [String: Any]
                 }] as [String: Any]
            },
        ]))
    }
}
