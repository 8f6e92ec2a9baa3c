import ArgumentParser
import Foundation
import GridErrors
import Grids

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print counts, areas, households and basic checks of the current plan, per level.",
        discussion: "Example:\n  gridplan summary --db plan.gpkg")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
        try reportingErrors {
            let plan = try store.open()
            let summary = try PlanSummary.compute(store: plan)
            if json {
                try printJSON(PlanSummaryJSON(summary))
                return
            }
            guard !summary.levels.isEmpty else { say("\(store.path): no grids yet; add some with `gridplan import`"); return }
            say("plan \(store.path) (areas measured in \(summary.metricCRS))")
            print(
                pad("level", 10) + pad("grids", 7) + pad("area km²", 11) + pad("households", 12) + pad("residents", 11) + pad("invalid", 9)
                    + pad("no parent", 10) + "multi-part")
            for s in summary.levels {
                print(
                    pad(s.level.name, 10) + pad("\(s.count)", 7) + pad(String(format: "%.3f", s.areaM2 / 1e6), 11)
                        + pad("\(s.households)", 12) + pad("\(s.residents)", 11) + pad("\(s.invalid)", 9)
                        + pad("\(s.withoutParent)", 10) + "\(s.multiPart)")
            }
        }
    }

    func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
