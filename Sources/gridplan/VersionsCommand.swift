import ArgumentParser
import Grids

struct VersionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "List the plan's versions: every import or redraw, with the day it takes effect.",
        discussion: "Example:\n  gridplan versions --db plan.gpkg")

    @OptionGroup var store: ReadablePlanOptions
    @Flag(help: "Print the report as JSON (snake_case keys; on standard error when standard output carries the data).") var json = false

    func run() throws {
        try reportingErrors {
            let plan = try store.open()
            defer { store.close(plan) }
            let versions = try PlanVersion.all(store: plan)
            if json { try printReport(versions); return }
            for v in versions {
                print("\(v.id)\t\(v.validFrom)\t+\(v.added) -\(v.ended)\t\(v.command)")
            }
        }
    }
}
