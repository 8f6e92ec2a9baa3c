import ArgumentParser
import Grids

struct VersionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "List the plan's versions: every import or redraw, with the day it takes effect.",
        discussion: "Example:\n  gridplan versions --db plan.gpkg")

    @OptionGroup var store: StoreOptions

    func run() throws {
        try reportingErrors {
            for v in try PlanVersion.all(store: try store.open()) {
                print("\(v.id)\t\(v.validFrom)\t+\(v.added) -\(v.ended)\t\(v.command)")
            }
        }
    }
}
