import ArgumentParser
import Duty
import Foundation
import GridErrors
import GridGeometry
import GridStore
import Grids

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the plan's hierarchy: geometry, nesting, seamless coverage, codes and sizes.",
        discussion: """
            Findings: invalid geometry (GEOS's reason and location), a child outside its parent, a grid with \
            no parent, a parent with no children, overlaps between grids of a level, gaps in a parent not \
            covered by its children, multi-part grids, holes, duplicate codes, households or residents outside \
            the sizing rules; once the plan has a roster: unit grids with no primary on duty, streets and communities \
            with no chief, duties still open in grids that no longer exist, and people primary in grids farther apart than \
            --max-primary-spread-m. Areas are in m² in the plan's local projected CRS. Coverage differences under \
            --sliver-m2 are reported as digitising noise. Every finding is also written, with its location, \
            to the `findings` layer of the GeoPackage, to be seen in QGIS (on a server's plan, to its `findings` table, \
            with the same rows).

            Exit status: 0 when clean (noise alone counts as clean), 1 when there are findings, 2 when the \
            input is unusable.

            Examples:
              gridplan validate --db plan.gpkg
              gridplan validate --db plan.gpkg --json --sliver-m2 5 \\
                  --sizing-rules rules.json
              gridplan validate --db plan.gpkg --fix
            """)

    @OptionGroup var store: WritablePlanOptions
    @Flag(help: "Print a machine-readable JSON report.") var json = false
    @Option(help: "Coverage differences smaller than this many m² are reported as digitising noise.") var sliverM2: Double = 1.0
    @Option(help: "A JSON file of sizing rules per level and kind (default: unit grids 300–500 households, ≤ 2,500 residents).")
    var sizingRules: String?
    @Option(name: .customLong("rules"), help: oldSpelling(of: "--sizing-rules")) var oldRules: String?
    @Flag(help: "Repair invalid geometries with GEOS make-valid first (the invalid versions stay in history).") var fix = false
    @Option(help: "Report a person primary in grids farther apart than this many metres.") var maxPrimarySpreadM: Double = 2000
    @Option(help: "The day the roster checks look at (default: today).") var at: String?

    /// A bad --at is a usage mistake (exit status 2), found before any check runs or --fix repairs anything.
    func validate() throws {
        try checkRange(sliverM2, 0...1e9, option: "--sliver-m2")
        try checkPositive(maxPrimarySpreadM, upTo: OptionRange.metres.upperBound, option: "--max-primary-spread-m")
        _ = try rules
        try reportingErrors {
            do { _ = try dayOption(at) } catch { throw CLIError(error, status: 2) }
        }
    }

    var rules: String? { get throws { try renamed(sizingRules, oldRules, new: "--sizing-rules", old: "--rules") } }

    func run() throws {
        var dirty = false
        try reportingErrors {
            let plan: any WritablePlanStore
            do {
                plan = try store.open()
            } catch { throw CLIError(error, status: 2) }
            defer { store.close(plan) }
            let sizing: SizingRules
            do { sizing = try (try rules).map { try SizingRules.load(path: $0) } ?? .defaults } catch { throw CLIError(error, status: 2) }
            var report: Validation.Report
            // Anything that stops the check (a store, GEOS or PROJ error) is "unusable input", never "findings".
            do {
                let progress = ProgressLine("validating")
                var validator = Validator(sliverM2: sliverM2, rules: sizing)
                validator.progress = { progress.update($0, total: $1) }
                let day = try dayOption(at)
                // The roster's own step (Duty module), on the same snapshot and into the same findings layer.
                report = try Validation.run(store: plan, validator: validator, fix: fix) { snapshot in
                    try RosterChecks.run(store: plan, plan: snapshot, day: day, maxPrimarySpreadM: maxPrimarySpreadM)
                }
                progress.finish()
            } catch let e as GridplanError { throw CLIError(e, status: 2) } catch {
                throw CLIError(GridplanError(.failed, "\(error)", source: .file(plan.location)), status: 2)
            }
            dirty = report.hasProblems
            if json {
                try printJSON(ValidationJSON(report))
                return
            }
            report.repaired.forEach { say("repaired \($0)") }
            let bySeverity = Dictionary(grouping: report.findings, by: \.severity)
            // More than five findings of one kind for one grid are summed up on one line; the
            // findings layer and --json keep every one.
            let groups = Dictionary(grouping: report.findings.filter { $0.severity != .noise }) { "\($0.kind.rawValue)|\($0.grids.first ?? "")" }
            var printed = Set<String>()
            for f in report.findings where f.severity != .noise {
                let key = "\(f.kind.rawValue)|\(f.grids.first ?? "")"
                let group = groups[key] ?? []
                if group.count <= 5 {
                    print("\(f.severity.rawValue)\t\(f.level.name)\t\(f.kind.rawValue)\t\(f.wording.localized(flag))")
                } else if printed.insert(key).inserted {
                    let total = group.compactMap(\.measure).reduce(0, +), largest = group.compactMap(\.measure).max() ?? 0
                    let unit = f.unit ?? ""
                    let kind = f.kind.rawValue.replacingOccurrences(of: "_", with: " ")
                    say(
                        "\(f.severity.rawValue)\t\(f.level.name)\t\(f.kind.rawValue)\t\(f.grids.first ?? ""): \(group.count) \(kind) findings, "
                            + "\(String(format: "%.0f", total)) \(unit) in all, the largest \(String(format: "%.0f", largest)) \(unit)")
                }
            }
            if let noise = bySeverity[.noise], !noise.isEmpty {
                let total = noise.compactMap(\.measure).reduce(0, +)
                say(
                    "noise\t\(noise.count) coverage differences under \(sliverM2) m² (total \(String(format: "%.3g", total)) m²): "
                        + "digitising noise, listed in the findings layer")
            }
            let missing = GridLevel.allCases.filter { report.gridsPerLevel[$0] == nil }
            if !missing.isEmpty {
                let present = GridLevel.allCases.filter { report.gridsPerLevel[$0] != nil }.map(\.name).joined(separator: ", ")
                say(
                    "note\tthe plan has no \(missing.map(\.name).joined(separator: ", ")) grids: "
                        + "nesting and coverage are checked between the levels present (\(present))")
            }
            let errors = bySeverity[.error]?.count ?? 0, warnings = bySeverity[.warning]?.count ?? 0
            say(
                report.hasProblems
                    ? "\(report.gridCount) grids checked: \(errors) errors, \(warnings) warnings (findings layer in \(plan.location))"
                    : "\(report.gridCount) grids checked: clean")
        }
        if dirty { throw ExitCode(1) }
    }
}
