import ArgumentParser
import Foundation
import GridErrors
import Grids

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Work with the plan's history.",
        subcommands: [DiffCommand.self])

    struct DiffCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "List grids added, removed and reshaped between two days or versions, and what moved.",
            discussion: """
                A moment is a day (YYYY-MM-DD: the grids in force that day) or a plan version number (see \
                `gridplan versions`). Grids are matched by level and code, or name where they have no code. \
                Reshaped grids show the m² gained and lost and the households on the lost part (estimated by \
                area share). The pieces that moved between grids are written to the `plan_changes` layer.

                Example:
                  gridplan plan diff --db plan.gpkg --from 2024-01-01 --to 2025-01-01
                """)

        @OptionGroup var store: WritablePlanOptions
        @Option(help: "The earlier moment: YYYY-MM-DD or a version number.") var from: String
        @Option(help: "The later moment: YYYY-MM-DD or a version number.") var to: String
        @Option(help: "Differences smaller than this many m² are ignored.") var toleranceM2: Double = 1.0
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            try checkRange(toleranceM2, 0...1e9, option: "--tolerance-m2")
            try reportingErrors { _ = try moments() }
        }

        func moments() throws -> (PlanMoment, PlanMoment) {
            guard let a = PlanMoment(from) else { throw GridplanError(.badArgument, "--from \(from): write a day as YYYY-MM-DD or a version number") }
            guard let b = PlanMoment(to) else { throw GridplanError(.badArgument, "--to \(to): write a day as YYYY-MM-DD or a version number") }
            return (a, b)
        }

        func run() throws {
            try reportingErrors {
                let (a, b) = try moments()
                let plan = try store.open()
                defer { store.close(plan) }
                let progress = ProgressLine("grids compared")
                let result = try PlanDiff.run(store: plan, from: a, to: b, toleranceM2: toleranceM2) { done, total in
                    progress.update(done, total: total)
                }
                progress.finish()
                if json {
                    try printJSON(PlanDiffJSON(result))
                    return
                }
                for c in result.changes {
                    let hh = "\(c.householdsBefore.map(String.init) ?? "-")→\(c.householdsAfter.map(String.init) ?? "-") households"
                    let area = "+\(String(format: "%.0f", c.gainedM2)) m² -\(String(format: "%.0f", c.lostM2)) m²"
                    print("\(c.change.rawValue)\t\(c.level.name)\t\(c.grid)\t\(area)\t\(hh)")
                }
                for p in result.pieces {
                    let households = p.households.map { String(format: "%.0f", $0) } ?? "?"
                    let area = String(format: "%.0f", p.areaM2)
                    print("moved\t\(p.level.name)\t\(p.from ?? "-") → \(p.to ?? "(no grid)")\t\(area) m²\t≈\(households) households")
                }
                say(
                    "\(result.changes.count) grids changed, \(result.unchanged) unchanged, "
                        + "\(result.pieces.count) pieces moved (layer plan_changes)")
            }
        }
    }
}
