import ArgumentParser
import Foundation
import GridErrors
import GridStore
import Grids

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print counts, areas, households and basic checks of the current plan, per level.",
        discussion: "Example:\n  gridplan summary --db plan.gpkg")

    @OptionGroup var store: ReadablePlanOptions
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
        try reportingErrors {
            let plan = try store.open()
            defer { store.close(plan) }
            let summary = try PlanSummary.compute(store: plan)
            if json {
                try printJSON(PlanSummaryJSON(summary))
                return
            }
            guard !summary.levels.isEmpty else { say("\(plan.location): no grids yet; add some with `gridplan import`"); return }
            say("plan \(plan.location) (areas measured in \(summary.metricCRS))")
            let widths = [10, 7, 11, 12, 11, 9, 10]
            let headers = ["level", "grids", "area km²", "households", "residents", "invalid", "no parent"]
            // The header row is one text of the message catalogue, its Chinese padded for Chinese widths.
            print(Wording(zip(headers, widths).map { padded($0, to: $1) }.joined() + "multi-part").localized(flag))
            for s in summary.levels {
                print(
                    padded(localizedWord(s.level.name), to: 10) + padded("\(s.count)", to: 7)
                        + padded(String(format: "%.3f", s.areaM2 / 1e6), to: 11) + padded("\(s.households)", to: 12)
                        + padded("\(s.residents)", to: 11) + padded("\(s.invalid)", to: 9) + padded("\(s.withoutParent)", to: 10)
                        + "\(s.multiPart)")
            }
        }
    }
}
