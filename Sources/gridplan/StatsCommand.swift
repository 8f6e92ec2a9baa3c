import ArgumentParser
import Foundation
import GridErrors
import Grids

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Measure every grid: area, perimeter, compactness, households, residents, children, radius.",
        discussion: """
            Per grid and rolled up per level (count, min/median/max, share within the sizing rules). Areas and \
            lengths are in m² and m in the plan's local projected CRS (the CGCS2000 Gauss–Krüger zone in China). \
            Compactness is Polsby–Popper (4πA/P²); radius is from the grid's centroid to its farthest point.

            Examples:
              gridplan stats --db plan.gpkg --level unit
              gridplan stats --db plan.gpkg --json > stats.json
            """)

    @OptionGroup var store: ReadablePlanOptions
    @Option(help: "Only this level: street, community, area or unit.") var level: GridLevel?
    @Flag(help: "Print JSON instead of tables.") var json = false
    @Option(help: "A JSON file of sizing rules (see `validate --help`).") var sizingRules: String?
    @Option(name: .customLong("rules"), help: oldSpelling(of: "--sizing-rules")) var oldRules: String?

    func validate() throws { _ = try rules }
    var rules: String? { get throws { try renamed(sizingRules, oldRules, new: "--sizing-rules", old: "--rules") } }

    func run() throws {
        try reportingErrors {
            let sizing = try (try rules).map { try SizingRules.load(path: $0) } ?? .defaults
            let plan = try store.open()
            defer { store.close(plan) }
            let stats = try GridStats.compute(try PlanSnapshot(store: plan), rules: sizing, level: level)
            if let level, stats.grids.isEmpty {
                throw GridplanError(.notFound, "the plan has no \(level.name) grids")
            }
            if json {
                try printJSON(GridStatsJSON(stats))
                return
            }
            print("grid\tlevel\tarea_m2\tperimeter_m\tcompactness\thouseholds\tresidents\tchildren\tradius_m\twithin_rules")
            for g in stats.grids {
                print(
                    [
                        g.code ?? g.name ?? "", g.level.name, String(format: "%.0f", g.areaM2), String(format: "%.0f", g.perimeterM),
                        String(format: "%.3f", g.compactness), g.households.map(String.init) ?? "", g.residents.map(String.init) ?? "",
                        String(g.children), String(format: "%.0f", g.radiusM), g.withinRules ? "yes" : "no",
                    ].joined(separator: "\t"))
            }
            print("")
            print("level\tcount\tarea_m2 min/median/max\thouseholds min/median/max\tcompactness median\tradius_m max\twithin rules")
            for l in stats.levels {
                func mmm(_ s: GridStats.Spread?) -> String { s.map { String(format: "%.0f/%.0f/%.0f", $0.min, $0.median, $0.max) } ?? "-" }
                let compactness = l.compactness.map { String(format: "%.3f", $0.median) } ?? "-"
                let radius = l.radius.map { String(format: "%.0f", $0.max) } ?? "-"
                print(
                    "\(l.level.name)\t\(l.count)\t\(mmm(l.area))\t\(mmm(l.households))\t\(compactness)\t\(radius)\t"
                        + "\(String(format: "%.1f", l.shareWithinRules * 100)) %")
            }
        }
    }
}
