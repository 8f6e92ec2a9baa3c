import ArgumentParser
import Foundation
import GridErrors
import GridStore
import Grids
import Planning
import Workload

struct BalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance",
        abstract: "Propose the fewest changes of gridders that even out load against capacity within an area, community or street.",
        discussion: """
            Reassigns the unit grids of the region among its gridders (the primaries of its grids, and gridders \
            without any duty based inside it) to make the largest load/capacity ratio as small as possible, keeping \
            every grid within --max-radius of its gridder's base; among the assignments that reach it, the one that \
            changes the fewest grids. The search is exact and proves its answer when it can within --time-limit; the \
            lower bound it proved is printed beside the answer. Loads are counted as `gridplan load` counts them.

            --staffing adds how many gridders the region needs for every load within capacity and every radius \
            within the limit, with where their bases would serve best. --coverage-radius adds emergency coverage: \
            the share of households with at least --coverage-k people on duty within the radius, the grids short \
            of it and the fewest extra responders (placed at grid centres) that close the gap.

            Nothing is written without --apply; then each moved grid's primary duty ends on --at and the new \
            gridder's starts that day, in one transaction recorded as a plan version, and `who-covers` answers \
            with the new gridders from that day.

            --allow-boundary-changes (with --barriers and --buildings, as for `partition`): where reassignment \
            leaves someone over capacity, the region's unit grids are redrawn where the plan stays as it is (a \
            copy of a GeoPackage; on a server, a transaction rolled back unless the redraw is applied) \
            (`partition --redraw --allow-count-changes`: only blocks of grids out of bounds move; grids are added \
            or merged where their number cannot work) and balanced again. The redraw is kept only if it lowers \
            the largest ratio; the report gives both answers and the households that change grid. With --apply \
            the redraw is written first (a plan version, from --at), then the duties.

            Example:
              gridplan balance --db plan.gpkg --within community 440802007001 \\
                  --max-radius 1500 --at 2024-07-01 --json
            """)

    @OptionGroup var store: WritablePlanOptions
    @OptionGroup var workload: WorkloadOptions
    @Option(parsing: .upToNextOption, help: "The region: a level (area, community, street) and a grid code.") var within: [String]
    @Option(help: "Largest distance (m) from a gridder's base to the farthest point of a grid they serve.") var maxRadius: Double?
    @Option(help: "Change at most this many grids that have a gridder (the bound and 'optimal' then hold for that many changes).")
    var maxMoves: Int?
    @Option(help: "Seconds the search may take before it answers with the best found.") var timeLimit: Double = 1.8
    @Flag(help: "Also work out how many gridders the region needs and where to base them.") var staffing = false
    @Option(help: "Emergency coverage: responders must be within this many metres.") var coverageRadius: Double?
    @Option(help: "Emergency coverage: responders needed at every household (default 2).") var coverageK: Int = 2
    @Flag(help: "Write the proposal as duties from --at (a plan version).") var apply = false
    @Flag(help: "Where reassignment leaves someone over capacity, also try redrawing the region's unit grids (see below).")
    var allowBoundaryChanges = false
    @Option(help: "With --allow-boundary-changes: barrier lines for the redraw, any line layer GDAL reads.") var barriers: String?
    @Option(help: "With --allow-boundary-changes: buildings or address points with households, as for `partition`.")
    var buildings: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard within.count == 2, let level = GridLevel(name: within[0]) else {
            throw ValidationError("--within takes a level and a code, e.g. --within community 440802007001")
        }
        guard level != .unit else { throw ValidationError("--within unit: a unit grid has one gridder; name an area, community or street") }
        try checkPositive(maxRadius, upTo: OptionRange.metres.upperBound, option: "--max-radius")
        try checkPositive(coverageRadius, upTo: OptionRange.metres.upperBound, option: "--coverage-radius")
        try checkPositive(timeLimit, upTo: 3600, option: "--time-limit")
        try checkRange(coverageK, 1...100, option: "--coverage-k")
        try checkRange(maxMoves, 0...1_000_000, option: "--max-moves")
        if let r = maxRadius, !(r > 0) { throw ValidationError("--max-radius \(r): must be a positive number of metres") }
        if let k = maxMoves, k < 0 { throw ValidationError("--max-moves \(k): must not be negative") }
        if !(timeLimit > 0) { throw ValidationError("--time-limit must be positive") }
        if coverageK < 1 { throw ValidationError("--coverage-k must be at least 1") }
        if let r = coverageRadius, !(r > 0) { throw ValidationError("--coverage-radius \(r): must be a positive number of metres") }
        if allowBoundaryChanges && (barriers == nil || buildings == nil) {
            throw ValidationError("--allow-boundary-changes needs --barriers and --buildings (the redraw cuts grids along them)")
        }
        if !allowBoundaryChanges && (barriers != nil || buildings != nil) {
            throw ValidationError("--barriers and --buildings go with --allow-boundary-changes")
        }
    }

    /// The reassignment proposal on `plan` as of `day`.
    func propose(_ plan: any PlanStore, day: String) throws -> BalanceProposal {
        let model = try WorkloadModel(store: plan, day: day, level: .unit, rules: try workload.resolvedRules(), roads: workload.roads)
        let progress = ProgressLine("balancing, seconds of the time limit", total: Int(timeLimit.rounded(.up)), showsRate: false)
        defer { progress.finish() }
        return try ticking(progress) {
            try BalanceProposal(
                model: model,
                options: .init(
                    withinLevel: GridLevel(name: within[0])!, withinCode: within[1], maxRadius: maxRadius, maxMoves: maxMoves,
                    timeLimit: timeLimit))
        }
    }

    /// The redraw of the region's unit grids, as `partition --parent CODE --redraw --allow-count-changes` makes it.
    func redraw(_ plan: any WritablePlanStore, day: String, points: HouseholdPoints) throws -> PartitionReport {
        var options = PartitionOptions()
        options.redraw = true
        options.allowCountChanges = true
        options.validFrom = day
        options.command = "balance --within \(within.joined(separator: " ")) --allow-boundary-changes"
        let sources = StorePlanningSources(store: plan)
        return try Partitioner.run(
            store: plan, parent: within[1], level: nil, barriersPath: barriers!, buildings: points, options: options, cases: sources,
            roster: sources)
    }

    /// Redraws where the plan itself stays as it is and balances again there; with `apply`, and only
    /// when the redraw lowers the largest ratio, the redraw is made on the plan (same seed, same result).
    func balanceWithRedraw(_ plan: any WritablePlanStore, day: String, first: BalanceProposal) throws -> (BalanceProposal, BoundaryChangesJSON) {
        let points = try HouseholdPoints.read(path: buildings!, crs: nil)
        let alone = first.side(first.solution.assignment.map { $0 })
        let helps = { (second: BalanceProposal) in second.side(second.solution.assignment.map { $0 }).maxRatio < alone.maxRatio - 1e-9 }
        let (redrawn, second, version) =
            try (plan as? GeoPackage).map { try redrawOnCopy(of: $0, day: day, points: points, helps: helps) }
            ?? redrawInTransaction(plan, day: day, points: points, helps: helps)
        let after = second.side(second.solution.assignment.map { $0 })
        let used = helps(second)
        let final = version == nil ? (used ? second : first) : try propose(plan, day: day)
        let changes = redrawn.parents.flatMap(\.redraw.countChanges)
        let summary = BoundaryChangesJSON(
            redrawn: within[1], movedBlocks: redrawn.parents.reduce(0) { $0 + $1.redraw.movedBlocks },
            movedHouseholds: redrawn.parents.reduce(0.0) { $0 + $1.redraw.movedHouseholds },
            gridsAdded: changes.reduce(0) { $0 + Swift.max(0, $1.gridsAfter - $1.gridsBefore) },
            gridsMerged: changes.reduce(0) { $0 + Swift.max(0, $1.gridsBefore - $1.gridsAfter) },
            endedGrids: redrawn.parents.reduce(0) { $0 + $1.endedGrids }, reassignmentAlone: alone, redrawnAfter: after, used: used,
            redrawVersion: version)
        return (final, summary)
    }

    /// On a GeoPackage: the redraw and the second proposal on a copy in a temporary folder; the
    /// redraw made again on the plan when it is to be applied. Answers the redraw's version, if made.
    private func redrawOnCopy(
        of plan: GeoPackage, day: String, points: HouseholdPoints, helps: (BalanceProposal) -> Bool
    ) throws -> (PartitionReport, BalanceProposal, Int64?) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridplan-balance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copyPath = folder.appendingPathComponent("plan.gpkg").path
        try plan.backup(to: copyPath)
        let copy = try PlanFile(path: copyPath).open()
        let redrawn = try redraw(copy, day: day, points: points)
        let second = try propose(copy, day: day)
        let version = apply && helps(second) ? try redraw(plan, day: day, points: points).versionID : nil
        return (redrawn, second, version)
    }

    /// On a server: the redraw and the second proposal in one transaction (other writers see none
    /// of it), committed when it is to be applied and rolled back otherwise. PostgreSQL does not
    /// take back the plan-version and grid numbers a rolled-back redraw drew: later ones skip them.
    private func redrawInTransaction(
        _ plan: any WritablePlanStore, day: String, points: HouseholdPoints, helps: (BalanceProposal) -> Bool
    ) throws -> (PartitionReport, BalanceProposal, Int64?) {
        struct Undo: Error {}
        var tried: (PartitionReport, BalanceProposal)? = nil
        do {
            try plan.writing { _ in
                let redrawn = try redraw(plan, day: day, points: points)
                let second = try propose(plan, day: day)
                tried = (redrawn, second)
                if !(apply && helps(second)) { throw Undo() }
            }
        } catch is Undo {}
        guard let (redrawn, second) = tried else { preconditionFailure("the redraw neither answered nor failed") }
        return (redrawn, second, apply && helps(second) ? redrawn.versionID : nil)
    }

    func run() throws {
        try reportingErrors {
            let day = try dayOption(workload.at)
            let plan = try store.open()
            defer { store.close(plan) }
            let first = try propose(plan, day: day)
            var proposal = first
            var boundary: BoundaryChangesJSON? = nil
            if allowBoundaryChanges, !proposal.side(proposal.solution.assignment.map { $0 }).overCapacity.isEmpty {
                (proposal, boundary) = try balanceWithRedraw(plan, day: day, first: proposal)
            }
            let staff = try staffing ? Staffing.plan(proposal: proposal, maxRadius: maxRadius) : nil
            let cover = try coverageRadius.map { try EmergencyCoverage.measure(proposal: proposal, radius: $0, k: coverageK) }
            var version: Int64? = nil
            if apply {
                version = try proposal.apply(store: plan, day: day, command: "balance --within \(within.joined(separator: " "))")
            }
            // Before: the plan as it is (before any redraw); after: the answer, with the redraw where one is used.
            let before = first.side(first.currentAssignment), after = proposal.side(proposal.solution.assignment.map { $0 })
            let s = proposal.solution
            if json {
                try printJSON(
                    BalanceJSON(
                        proposal, before: before, after: after, appliedVersion: version, staffing: staff, coverage: cover,
                        boundaryChanges: boundary))
                return
            }
            proposal.warnings.forEach { warn(Wording($0)) }
            print("grid\tfrom\tto\tload\tradius_before_m\tradius_after_m")
            for m in proposal.moves {
                print(
                    [
                        m.grid, m.from ?? "-", m.to, String(format: "%.0f", m.load), m.radiusBeforeM.map { String(format: "%.0f", $0) } ?? "",
                        String(format: "%.0f", m.radiusAfterM),
                    ].joined(separator: "\t"))
            }
            func f(_ format: String, _ x: Double) -> String { String(format: format, x) }
            let optimal: Wording = s.ratioOptimal ? ", optimal" : "", fewest: Wording = s.movesOptimal ? " (fewest)" : ""
            say(
                "\(proposal.grids.count) grids, \(proposal.people.count) gridders: largest ratio \(f("%.3f", before.maxRatio)) → "
                    + "\(f("%.3f", after.maxRatio)) (lower bound \(f("%.3f", s.lowerBound))\(optimal)), CV \(f("%.2f", before.cv)) → "
                    + "\(f("%.2f", after.cv)), largest radius \(f("%.0f", before.largestRadiusM)) → \(f("%.0f", after.largestRadiusM)) m, "
                    + "\(before.overCapacity.count) over capacity → \(after.overCapacity.count); \(s.moves) moves\(fewest) "
                    + "in \(f("%.2f", s.seconds)) s")
            if let b = boundary {
                let households = String(format: "%.0f", b.movedHouseholds)
                let alone = f("%.3f", b.aloneMaxRatio), redrawn = f("%.3f", b.redrawnMaxRatio)
                say(
                    "boundary changes: a redraw of \(b.redrawn) moves \(households) households (\(b.gridsAdded) grids added, "
                        + "\(b.gridsMerged) merged); largest ratio by reassignment alone \(alone), with the redraw \(redrawn)")
                if !b.used { say("the redraw does not lower the largest ratio: the answer above is reassignment alone") }
                if let v = b.version { say("redraw applied as plan version \(v)") }
            }
            if let staff { staff.lines.forEach { print($0) } }
            if let cover { cover.lines.forEach { print($0) } }
            if let version {
                say("applied as plan version \(version): \(s.moves) primary duties change on \(day)")
            } else if s.moves > 0 {
                say("nothing written; --apply writes these duties from \(day)")
            } else if apply {
                say("nothing to apply: no grid changes hands")
            }
        }
    }
}
