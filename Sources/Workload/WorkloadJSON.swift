import Duty
import Foundation
import GridProjection
import Grids

// The JSON that `gridplan load --json` and `gridplan balance --json` print: Codable output types
// with the snake_case keys scripts and notebooks read, written through `JSONOutput`.

/// How even a set of loads (or load/capacity ratios) is.
package struct SpreadJSON: Codable, Sendable {
    var count: Int, max: Double, mean: Double, cv: Double, gini: Double
    var maxOverMean: Double
    init(_ s: Spread) { count = s.count; max = s.max; mean = s.mean; cv = s.cv; gini = s.gini; maxOverMean = s.maxOverMean }
    enum CodingKeys: String, CodingKey { case count, max, mean, cv, gini, maxOverMean = "max_over_mean" }
}

/// `gridplan load --json`.
package struct LoadJSON: Codable, Sendable {
    struct Person: Codable, Sendable {
        var id: String, name: String, role: String, load: Double
        @Nullable var capacity: Double?
        @Nullable var ratio: Double?
        var radiusM: Double, meanDistanceM: Double, grids: [String], baseKnown: Bool
        enum CodingKeys: String, CodingKey {
            case id, name, role, load, capacity, ratio, grids
            case radiusM = "radius_m", meanDistanceM = "mean_distance_m", baseKnown = "base_known"
        }
    }
    struct Grid: Codable, Sendable {
        var code: String
        @Nullable var name: String?
        var load: Double
        @Nullable var primary: String?
        var households: Double, residents: Double, cases: Double, dedicated: Int, patrolM: Double
        enum CodingKeys: String, CodingKey {
            case code, name, load, primary, households, residents, cases, dedicated, patrolM = "patrol_m"
        }
    }
    /// The spread of the people's load/capacity ratios, and who is over capacity or unplaced.
    package struct Summary: Codable, Sendable {
        package var day: String, level: String, people: Int, grids: Int
        package var gridsWithoutPrimary: [String]
        package var maxRatio: Double, meanRatio: Double, maxOverMean: Double, cv: Double, gini: Double
        package var largestRadiusM: Double
        package var overCapacity: [String], peopleWithoutBase: [String]
        package var metricCRS: String
        var levels: [String: SpreadJSON]
        enum CodingKeys: String, CodingKey {
            case day, level, people, grids, cv, gini, levels
            case gridsWithoutPrimary = "grids_without_primary", maxRatio = "max_ratio", meanRatio = "mean_ratio"
            case maxOverMean = "max_over_mean", largestRadiusM = "largest_radius_m", overCapacity = "over_capacity"
            case peopleWithoutBase = "people_without_base", metricCRS = "metric_crs"
        }
    }
    var people: [Person]
    var grids: [Grid]
    package var summary: Summary
    /// The weights, severities, categories and capacities the loads were counted with.
    var rules: WorkloadRules

    package init(_ report: LoadReport) {
        people = report.people.map {
            Person(
                id: $0.id, name: $0.name, role: $0.role, load: $0.load, capacity: $0.capacity, ratio: $0.ratio, radiusM: $0.radiusM,
                meanDistanceM: $0.meanDistanceM, grids: $0.grids, baseKnown: $0.hasBase)
        }
        grids = report.grids.map {
            Grid(
                code: $0.code, name: $0.name, load: $0.load, primary: $0.primary, households: $0.households, residents: $0.residents,
                cases: $0.cases, dedicated: $0.dedicated, patrolM: $0.patrolM)
        }
        let ratios = Spread(report.people.compactMap(\.ratio))
        summary = Summary(
            day: report.day, level: report.level.name, people: report.people.count, grids: report.grids.count,
            gridsWithoutPrimary: report.grids.filter { $0.primary == nil }.map(\.code),
            maxRatio: ratios.max, meanRatio: ratios.mean, maxOverMean: ratios.maxOverMean, cv: ratios.cv, gini: ratios.gini,
            largestRadiusM: report.people.map(\.radiusM).max() ?? 0,
            overCapacity: report.people.filter { ($0.ratio ?? 0) > 1 }.map(\.id),
            peopleWithoutBase: report.people.filter { !$0.hasBase }.map(\.id), metricCRS: report.metricCRS,
            levels: Dictionary(uniqueKeysWithValues: report.levels.map { ($0.0.name, SpreadJSON($0.1)) }))
        rules = report.rules
    }
}

/// `gridplan balance --json`: the proposal, the loads before and after, and what was added.
package struct BalanceJSON: Codable, Sendable {
    struct Within: Codable, Sendable { var level: String, code: String }
    struct Side: Codable, Sendable {
        var maxRatio: Double, meanRatio: Double, cv: Double, gini: Double, largestRadiusM: Double, overCapacity: [String]
        enum CodingKeys: String, CodingKey {
            case cv, gini
            case maxRatio = "max_ratio", meanRatio = "mean_ratio", largestRadiusM = "largest_radius_m", overCapacity = "over_capacity"
        }
        init(_ x: BalanceProposal.Side) {
            maxRatio = x.maxRatio; meanRatio = x.meanRatio; cv = x.cv; gini = x.gini
            largestRadiusM = x.largestRadiusM; overCapacity = x.overCapacity
        }
    }
    struct Move: Codable, Sendable {
        var grid: String
        @Nullable var from: String?
        var to: String, load: Double, loadChange: Double
        @Nullable var radiusBeforeM: Double?
        var radiusAfterM: Double
        @Nullable var radiusChangeM: Double?
        enum CodingKeys: String, CodingKey {
            case grid, from, to, load, loadChange = "load_change"
            case radiusBeforeM = "radius_before_m", radiusAfterM = "radius_after_m", radiusChangeM = "radius_change_m"
        }
    }
    struct Person: Codable, Sendable {
        var id: String, name: String, capacity: Double, fixedLoad: Double, ratioBefore: Double, ratioAfter: Double
        enum CodingKeys: String, CodingKey {
            case id, name, capacity, fixedLoad = "fixed_load", ratioBefore = "ratio_before", ratioAfter = "ratio_after"
        }
    }
    struct Grid: Codable, Sendable {
        var code: String, load: Double
        @Nullable var before: String?
        var after: String
    }
    var within: Within
    var day: String
    @Nullable var maxRadiusM: Double?
    @Nullable var maxMoves: Int?
    var before: Side, after: Side
    var lowerBound: Double, optimal: Bool, movesOptimal: Bool, gap: Double, seconds: Double, nodes: Int
    var moves: [Move], people: [Person], grids: [Grid]
    var warnings: [String]
    var metricCRS: String
    @Nullable var appliedVersion: Int64?
    @Nullable var staffing: StaffingJSON?
    @Nullable var coverage: CoverageJSON?
    /// `--allow-boundary-changes`: the redraw tried, and what reassignment alone reached.
    @Nullable var boundaryChanges: BoundaryChangesJSON?
    enum CodingKeys: String, CodingKey {
        case within, day, before, after, optimal, gap, seconds, nodes, moves, people, grids, warnings, staffing, coverage
        case maxRadiusM = "max_radius_m", maxMoves = "max_moves", lowerBound = "lower_bound", movesOptimal = "moves_optimal"
        case metricCRS = "metric_crs", appliedVersion = "applied_version", boundaryChanges = "boundary_changes"
    }

    package init(
        _ proposal: BalanceProposal, before: BalanceProposal.Side, after: BalanceProposal.Side, appliedVersion: Int64?,
        staffing: Staffing?, coverage: EmergencyCoverage?, boundaryChanges: BoundaryChangesJSON? = nil
    ) {
        self.boundaryChanges = boundaryChanges
        let s = proposal.solution, instance = proposal.instance
        within = Within(level: proposal.options.withinLevel.name, code: proposal.options.withinCode)
        day = proposal.model.day
        maxRadiusM = proposal.options.maxRadius
        maxMoves = proposal.options.maxMoves
        self.before = Side(before)
        self.after = Side(after)
        lowerBound = s.lowerBound; optimal = s.ratioOptimal; movesOptimal = s.movesOptimal
        gap = s.maxRatio > 0 ? (s.maxRatio - s.lowerBound) / s.maxRatio : 0
        seconds = s.seconds; nodes = s.nodes
        moves = proposal.moves.map { m in
            Move(
                grid: m.grid, from: m.from, to: m.to, load: m.load, loadChange: m.load, radiusBeforeM: m.radiusBeforeM,
                radiusAfterM: m.radiusAfterM, radiusChangeM: m.radiusBeforeM.map { m.radiusAfterM - $0 })
        }
        people = proposal.people.enumerated().map { p, g in
            Person(
                id: g.person.id, name: g.person.name, capacity: instance.capacities[p], fixedLoad: instance.fixedLoads[p],
                ratioBefore: before.ratios[g.person.id] ?? 0, ratioAfter: after.ratios[g.person.id] ?? 0)
        }
        grids = proposal.grids.enumerated().map { k, gi in
            Grid(
                code: proposal.model.grids[gi].code, load: instance.loads[k],
                before: instance.current[k].map { proposal.people[$0].person.id }, after: proposal.people[s.assignment[k]].person.id)
        }
        warnings = proposal.warnings
        metricCRS = proposal.model.snapshot.projector.metricCRS.description
        self.appliedVersion = appliedVersion
        self.staffing = staffing.map(StaffingJSON.init)
        self.coverage = coverage.map(CoverageJSON.init)
    }
}

/// How many gridders a region needs (`balance --staffing`).
package struct StaffingJSON: Codable, Sendable {
    struct Base: Codable, Sendable {
        var lon: Double, lat: Double, grids: [String], load: Double, ratio: Double, radiusM: Double
        enum CodingKeys: String, CodingKey { case lon, lat, grids, load, ratio, radiusM = "radius_m" }
    }
    var capacity: Double, lowerBound: Int, current: Int
    @Nullable var needed: Int?
    var tooHeavy: [String], searchedUpTo: Int, bases: [Base]
    enum CodingKeys: String, CodingKey {
        case capacity, current, needed, bases
        case lowerBound = "lower_bound", tooHeavy = "too_heavy", searchedUpTo = "searched_up_to"
    }
    init(_ s: Staffing) {
        capacity = s.capacity; lowerBound = s.lowerBound; current = s.current; needed = s.needed
        tooHeavy = s.tooHeavy; searchedUpTo = s.searchedUpTo
        bases = s.bases.map { Base(lon: $0.lon, lat: $0.lat, grids: $0.grids, load: $0.load, ratio: $0.load / s.capacity, radiusM: $0.radiusM) }
    }
}

/// Emergency coverage (`balance --coverage-radius`).
package struct CoverageJSON: Codable, Sendable {
    struct Short: Codable, Sendable {
        var grid: String, coveredShare: Double
        enum CodingKeys: String, CodingKey { case grid, coveredShare = "covered_share" }
    }
    struct Extra: Codable, Sendable { var lon: Double, lat: Double, grid: String }
    var k: Int, radiusM: Double, responders: Int, households: Double, coveredShare: Double
    var short: [Short], extraResponders: [Extra], extraOptimal: Bool, unreachableShare: Double
    enum CodingKeys: String, CodingKey {
        case k, responders, households, short
        case radiusM = "radius_m", coveredShare = "covered_share", extraResponders = "extra_responders"
        case extraOptimal = "extra_optimal", unreachableShare = "unreachable_share"
    }
    init(_ c: EmergencyCoverage) {
        k = c.k; radiusM = c.radius; responders = c.responders; households = c.households; coveredShare = c.coveredShare
        short = c.short.map { Short(grid: $0.grid, coveredShare: $0.coveredShare) }
        extraResponders = c.extra.map { Extra(lon: $0.lon, lat: $0.lat, grid: $0.grid) }
        extraOptimal = c.extraOptimal; unreachableShare = c.unreachableShare
    }
}

/// `balance --allow-boundary-changes`: the redraw of the region's grids (the partition engine's redraw,
/// adding or merging grids where their number cannot work) and the balance it allowed, next to the
/// best that reassignment alone reached. `used` is false when the redraw did not lower the largest ratio:
/// the answer is then reassignment alone, and nothing of the redraw is written.
package struct BoundaryChangesJSON: Codable, Sendable {
    package var redrawn: String
    package var movedBlocks: Int, movedHouseholds: Double
    package var gridsAdded: Int, gridsMerged: Int, endedGrids: Int
    var reassignmentAlone: BalanceJSON.Side
    var redrawnAfter: BalanceJSON.Side
    package var used: Bool
    @Nullable var redrawVersion: Int64?
    /// The largest load/capacity ratio by reassignment alone, and with the redraw.
    package var aloneMaxRatio: Double { reassignmentAlone.maxRatio }
    package var redrawnMaxRatio: Double { redrawnAfter.maxRatio }
    package var version: Int64? { redrawVersion }
    enum CodingKeys: String, CodingKey {
        case redrawn, used
        case movedBlocks = "moved_blocks", movedHouseholds = "moved_households", gridsAdded = "grids_added", gridsMerged = "grids_merged"
        case endedGrids = "ended_grids", reassignmentAlone = "reassignment_alone", redrawnAfter = "redrawn_after"
        case redrawVersion = "redraw_version"
    }

    package init(
        redrawn: String, movedBlocks: Int, movedHouseholds: Double, gridsAdded: Int, gridsMerged: Int, endedGrids: Int,
        reassignmentAlone: BalanceProposal.Side, redrawnAfter: BalanceProposal.Side, used: Bool, redrawVersion: Int64?
    ) {
        self.redrawn = redrawn
        self.movedBlocks = movedBlocks; self.movedHouseholds = movedHouseholds
        self.gridsAdded = gridsAdded; self.gridsMerged = gridsMerged; self.endedGrids = endedGrids
        self.reassignmentAlone = BalanceJSON.Side(reassignmentAlone); self.redrawnAfter = BalanceJSON.Side(redrawnAfter)
        self.used = used
        self.redrawVersion = redrawVersion
    }
}
