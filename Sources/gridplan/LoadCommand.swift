import ArgumentParser
import Foundation
import GridErrors
import Grids
import Workload

/// Options `load` and `balance` share: the day, how load is counted, the street lines.
struct WorkloadOptions: ParsableArguments {
    @Option(help: "The day measured (default: today).") var at: String?
    @Option(help: "Weights, e.g. households=1,residents=0,cases=2,dedicated=300,patrol_km=50 (default: the rules').")
    var weights: String?
    @Option(help: "Workload rules (JSON): weights, severity and category factors, capacity per role, case window.")
    var workloadRules: String?
    @Option(name: .customLong("rules"), help: oldSpelling(of: "--workload-rules")) var oldRules: String?
    @Option(help: "Street lines (GeoJSON or any GDAL format, longitude/latitude) for patrol length inside each grid.")
    var roads: String?

    func validate() throws { _ = try rules }
    var rules: String? { get throws { try renamed(workloadRules, oldRules, new: "--workload-rules", old: "--rules") } }

    func resolvedRules() throws -> WorkloadRules {
        var r = try (try rules).map { try WorkloadRules.load(path: $0) } ?? .defaults
        if let weights { try r.apply(weightsOption: weights) }
        return r
    }
}

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Workload and service radius of every gridder: load against capacity, farthest point served, evenness.",
        discussion: """
            A grid's load is a weighted sum: households (1 each by default), residents (0), cases reported in the \
            year before the day (2 each, times 3 if important and 10 if major, times a category factor), dedicated \
            institutions in it (300 each) and street length inside it (--roads, per km). A person's load is the sum \
            over the grids they are primary of, set against their capacity (the roster's capacity column, else the \
            role's default: 1,500 full-time, 500 part-time, 200 mobile). Weights and defaults come from --workload-rules.

            The service radius runs from the person's base (or, where none is known, each grid's centre) to the \
            farthest point of each grid served, in metres in the plan's Gauss–Krüger zone; the mean distance to \
            households takes them as spread evenly over each grid. The summary gives the largest ratio and its \
            mean, the coefficient of variation, the Gini coefficient, the largest radius and the people over \
            capacity, and the spread of grid loads at this level and every level above.

            Example:
              gridplan load --db plan.gpkg --at 2024-06-01 \\
                  --weights households=1,cases=2 --json
            """)

    @OptionGroup var store: ReadablePlanOptions
    @OptionGroup var workload: WorkloadOptions
    // Optional, the default named in the help: ArgumentParser would show a default level by its number.
    @Option(name: .customLong("level"), help: "The level whose grids and primaries are measured (default: unit).")
    var levelOption: GridLevel?
    var level: GridLevel { levelOption ?? .unit }
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let day = try dayOption(workload.at)
            let plan = try store.open()
            defer { store.close(plan) }
            let model = try WorkloadModel(store: plan, day: day, level: level, rules: try workload.resolvedRules(), roads: workload.roads)
            let report = try LoadReport(model: model)
            if json { try printJSON(LoadJSON(report)); return }
            print("id\tname\trole\tload\tcapacity\tratio\tradius_m\tmean_distance_m\tgrids")
            for p in report.people.sorted(by: { ($0.ratio ?? 0) > ($1.ratio ?? 0) }) {
                print(
                    [
                        p.id, p.name, p.role, String(format: "%.0f", p.load), p.capacity.map { String(format: "%.0f", $0) } ?? "",
                        p.ratio.map { String(format: "%.2f", $0) } ?? "", String(format: "%.0f", p.radiusM),
                        String(format: "%.0f", p.meanDistanceM), p.grids.joined(separator: " "),
                    ].joined(separator: "\t"))
            }
            let s = LoadJSON(report).summary
            let uncovered = s.gridsWithoutPrimary
            func f(_ format: String, _ x: Double) -> String { String(format: format, x) }
            say(
                "\(report.people.count) people, \(report.grids.count) grids (\(uncovered.count) without a primary) on \(day): "
                    + "largest ratio \(f("%.2f", s.maxRatio)), mean \(f("%.2f", s.meanRatio)), CV \(f("%.2f", s.cv)), "
                    + "Gini \(f("%.2f", s.gini)), largest radius \(f("%.0f", s.largestRadiusM)) m, \(s.overCapacity.count) over capacity")
            for (l, spread) in report.levels {
                say(
                    "  \(l.name) grid loads: \(spread.count) grids, max \(f("%.0f", spread.max)), mean \(f("%.0f", spread.mean)), "
                        + "max/mean \(f("%.2f", spread.maxOverMean)), CV \(f("%.2f", spread.cv)), Gini \(f("%.2f", spread.gini))")
            }
            if !uncovered.isEmpty {
                let listed = uncovered.prefix(10).joined(separator: ", ") + (uncovered.count > 10 ? ", …" : "")
                warn("grids without a primary gridder on \(day): \(listed)")
            }
        }
    }
}
