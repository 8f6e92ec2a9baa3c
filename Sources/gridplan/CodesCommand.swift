import ArgumentParser
import Cases
import Foundation
import GridErrors
import GridStore
import Grids

struct CodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes",
        abstract: "Generate codes for the grids that have none, without renumbering any that have one.",
        discussion: """
            Default scheme (15-digit unit codes as in Beijing's rules): street = 6-digit county code + 3, \
            community = street + 3, area = community + 2, unit = community + 3 (numbered across the community). \
            Within each parent, grids are numbered west→east, north→south (rows of the map, read like text). \
            New numbers follow the largest already used under the same prefix.

            Examples:
              gridplan codes --db plan.gpkg --county 440802 --dry-run
              gridplan codes --db plan.gpkg \\
                  --scheme street=county+3,community=street+3,area=community+3,unit=area+3
            """)

    @OptionGroup var store: WritablePlanOptions

    @Flag(help: "Print the report as JSON (snake_case keys; on standard error when standard output carries the data).") var json = false
    @Option(help: "The 6-digit county code (GB/T 2260), e.g. 440802 (default: taken from the street codes).") var county: String?
    @Option(help: "The code scheme, LEVEL=BASE+DIGITS for each level.") var scheme: String?
    @Flag(help: "Show the codes that would be given without storing them.") var dryRun = false

    func validate() throws {
        try reportingErrors {
            if let county, county.count != 6 || !county.allSatisfy(\.isNumber) {
                throw GridplanError(.badArgument, "--county \(county): a county code has 6 digits (GB/T 2260), e.g. 440802")
            }
            _ = try scheme.map { try CodeScheme(parsing: $0) }
        }
    }

    func run() throws {
        try reportingErrors {
            let codeScheme = try scheme.map { try CodeScheme(parsing: $0) } ?? .standard
            let plan = try store.open(forReading: dryRun) // a dry run only reads: a writer does not hold it up
            defer { store.close(plan) }
            let result = try GridCodes.generate(store: plan, county: county, scheme: codeScheme, dryRun: dryRun)
            if json {
                // Refiled cases follow as in the text report.
                struct CodesReport: Encodable { var assigned: [GridCodes.Assignment], skipped: [String], casesRefiled: Int? }
                var refiled: Int? = nil
                if !dryRun, !result.assigned.isEmpty, try Cases.Reassign.locatedCases(in: plan) > 0 {
                    refiled = try reassigningWithProgress(plan).moved
                }
                try printReport(CodesReport(assigned: result.assigned, skipped: result.skipped, casesRefiled: refiled))
                return
            }
            for a in result.assigned { print("\(a.code)\t\(a.level.name)\t\(a.label)") }
            result.skipped.forEach { warn(Wording($0)) }
            say(
                "\(dryRun ? "would give" : "gave") \(result.assigned.count) codes (scheme \(codeScheme))"
                    + (result.skipped.isEmpty ? "" : "; \(result.skipped.count) grids left without a code"))
            // Stored cases are filed under grid codes (or names, for grids that had none): refile them.
            if !dryRun, !result.assigned.isEmpty, try Cases.Reassign.locatedCases(in: plan) > 0 {
                let report = try reassigningWithProgress(plan)
                say("\(report.moved) of \(report.cases) stored cases refiled under the new codes (earlier filing kept in case_assignments)")
            }
        }
    }

}
