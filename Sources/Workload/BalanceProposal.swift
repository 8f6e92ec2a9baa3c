import Duty
import Foundation
import GRDB
import GridErrors
import GridGeometry
package import GridStore
package import Grids

/// `gridplan balance`: the gridders and grids of one area, community or street, turned into a
/// ``BalanceInstance``, solved, and described as moves (grid, from, to, load, radius change).
package final class BalanceProposal {
    package struct Options: Sendable {
        package var withinLevel: GridLevel
        package var withinCode: String
        package var maxRadius: Double?
        package var maxMoves: Int?
        package var timeLimit: Double

        package init(withinLevel: GridLevel, withinCode: String, maxRadius: Double? = nil, maxMoves: Int? = nil, timeLimit: Double = 1.8) {
            self.withinLevel = withinLevel; self.withinCode = withinCode
            self.maxRadius = maxRadius; self.maxMoves = maxMoves; self.timeLimit = timeLimit
        }
    }
    package struct Move: Sendable {
        package var grid: String
        package var from: String?, to: String
        package var load: Double
        package var radiusBeforeM: Double?, radiusAfterM: Double
    }
    /// Measures of the people involved under one assignment.
    package struct Side: Sendable {
        package var maxRatio: Double, meanRatio: Double, cv: Double, gini: Double
        package var largestRadiusM: Double
        package var overCapacity: [String]
        package var ratios: [String: Double]
    }

    package let model: WorkloadModel
    package let options: Options
    /// The grids balanced (indices into model.grids) and the people who may take them.
    package let grids: [Int]
    package let people: [WorkloadModel.Gridder]
    package let instance: BalanceInstance
    /// radius[g][p] in metres: from person p's base to the farthest point of grid g.
    package let radius: [[Double]]
    package let solution: BalanceSolution
    package var warnings: [String] = []

    package init(model: WorkloadModel, options: Options) throws {
        self.model = model; self.options = options
        let snapshot = model.snapshot
        guard
            let region = snapshot.grids.indices.first(where: {
                snapshot.grids[$0].level == options.withinLevel && snapshot.grids[$0].code == options.withinCode
            })
        else {
            throw GridplanError(.notFound, "no \(options.withinLevel.name) grid with code \(options.withinCode) on \(model.day)")
        }
        guard options.withinLevel <= model.level else {
            throw GridplanError(.badArgument, "\(setting: "within") \(options.withinLevel.name) is below the level balanced (\(model.level.name))")
        }
        func inside(_ i: Int) -> Bool {
            var j = i
            while j != region {
                guard let f = snapshot.grids[j].parentFid, let k = snapshot.index(ofFid: f) else { return false }
                j = k
            }
            return true
        }
        grids = model.grids.indices.filter { inside(model.grids[$0].index) }
        guard !grids.isEmpty else {
            throw GridplanError(.notFound, "\(options.withinCode) holds no \(model.level.name) grid with a code on \(model.day)")
        }
        let codes = Set(grids.map { model.grids[$0].code })
        let regionGeometry = snapshot.metric[region]
        // The people: primaries of these grids, and gridders without any duty based inside the region.
        var pool: [WorkloadModel.Gridder] = []
        for g in model.gridders {
            if g.grids.contains(where: codes.contains) {
                pool.append(g)
            } else if g.grids.isEmpty, let b = g.base,
                try regionGeometry.intersects(try Geometry(x: b.x, y: b.y, context: snapshot.context))
            {
                pool.append(g)
            }
        }
        guard !pool.isEmpty else {
            throw GridplanError(
                .notFound,
                "\(options.withinCode) has no gridder on \(model.day): "
                    + "no primary of its grids and no gridder without duty based there")
        }
        for p in pool {
            guard let c = p.capacity else {
                throw GridplanError(
                    .badInput,
                    "\(p.person.id) (\(p.person.name)): role \(p.person.role.rawValue) has no capacity; "
                        + "give one in the roster's capacity column or the rules")
            }
            if !(c > 0) { throw GridplanError(.badInput, "\(p.person.id) (\(p.person.name)): capacity \(c); a gridder's capacity must be positive") }
            if let b = p.base, !(try model.insidePlan(b)) {
                throw GridplanError(
                    .badInput,
                    "\(p.person.id) (\(p.person.name)): base \(p.person.lon!),\(p.person.lat!) lies outside the plan; "
                        + "correct it in the roster")
            }
        }
        people = pool
        let personIndex = Dictionary(uniqueKeysWithValues: pool.enumerated().map { ($1.person.id, $0) })
        radius = try grids.map { gi in try pool.map { p in try model.radius(base: p.base, grid: model.grids[gi]) } }
        let allowed = radius.map { row in row.map { r in options.maxRadius.map { r <= $0 } ?? true } }
        for (k, gi) in grids.enumerated() where !allowed[k].contains(true) {
            let nearest = zip(pool, radius[k]).min { $0.1 < $1.1 }!
            let within = String(format: "%.0f", options.maxRadius!), distance = String(format: "%.0f", nearest.1)
            throw GridplanError(
                .badArgument, "no gridder can serve it within \(within) m (nearest: \(nearest.0.person.id) at \(distance) m)",
                source: ErrorSource(feature: "grid \(model.grids[gi].code)"),
                hint: "raise \(setting: "max-radius") or add a gridder")
        }
        let fixed = pool.map { p in p.grids.filter { !codes.contains($0) }.reduce(0.0) { $0 + (model.grid(code: $1)?.load ?? 0) } }
        let current = grids.map { model.grids[$0].primary.flatMap { personIndex[$0] } }
        for (k, gi) in grids.enumerated() where current[k] == nil {
            warnings.append("grid \(model.grids[gi].code) has no primary gridder on \(model.day); the proposal gives it one")
        }
        instance = BalanceInstance(
            loads: grids.map { model.grids[$0].load }, capacities: pool.map { $0.capacity! },
            fixedLoads: fixed, current: current, allowed: allowed)
        do {
            solution = try Balancer.solve(instance, timeLimit: options.timeLimit, maxMoves: options.maxMoves)
        } catch BalanceError.tooFewMoves(let k) {
            throw GridplanError(
                .badArgument,
                "\(setting: "max-moves") \(options.maxMoves!): the radius limit alone moves \(k) grids away from gridders too far from them")
        }
    }

    /// The assignment now (nil where a grid has nobody).
    package var currentAssignment: [Int?] { instance.current }

    package var moves: [Move] {
        grids.indices.compactMap { k in
            let to = solution.assignment[k]
            guard to != instance.current[k] else { return nil }
            let from = instance.current[k]
            return Move(
                grid: model.grids[grids[k]].code, from: from.map { people[$0].person.id }, to: people[to].person.id,
                load: instance.loads[k], radiusBeforeM: from.map { radius[k][$0] }, radiusAfterM: radius[k][to])
        }
    }

    /// Measures of the people involved, for the current assignment (nil entries left out) or another.
    package func side(_ assignment: [Int?]) -> Side {
        var load = instance.fixedLoads
        var far = Array(repeating: 0.0, count: people.count)
        for (k, p) in assignment.enumerated() {
            guard let p else { continue }
            load[p] += instance.loads[k]; far[p] = max(far[p], radius[k][p])
        }
        // Radius over all their grids, those outside the region too.
        for (p, g) in people.enumerated() {
            for code in g.grids where !grids.contains(where: { model.grids[$0].code == code }) {
                if let grid = model.grid(code: code), let r = try? model.radius(base: g.base, grid: grid) { far[p] = max(far[p], r) }
            }
        }
        let ratios = zip(load, instance.capacities).map { $0 / $1 }
        let s = Spread(ratios)
        return Side(
            maxRatio: s.max, meanRatio: s.mean, cv: s.cv, gini: s.gini, largestRadiusM: far.max() ?? 0,
            overCapacity: people.indices.filter { ratios[$0] > 1 + 1e-12 }.map { people[$0].person.id },
            ratios: Dictionary(uniqueKeysWithValues: people.indices.map { (people[$0].person.id, ratios[$0]) }))
    }

    /// Writes the moves as duties from `day`: each moved grid's open primary duty ends that day and
    /// the new gridder's starts, all in one transaction recorded as a plan version.
    /// Nil (and nothing written) when there is nothing to move.
    package func apply(store: any WritablePlanStore, day: String, command: String) throws -> Int64? {
        let moves = self.moves
        guard !moves.isEmpty else { return nil }
        return try store.writing { w in
            // Duty changes take turns (as `duty set` and roster imports do): no grid gets a second primary meanwhile.
            try w.serialize(on: "roster")
            let version = try PlanVersion.begin(
                w, validFrom: day, command: command, note: "\(moves.count) primary duties moved by balance within \(options.withinCode)")
            let now = Clock.now()
            for mv in moves {
                // Locked on a server: a duty change made meanwhile elsewhere waits, then sees these ended.
                let open = try w.rows(
                    """
                    SELECT id, person_id, valid_from FROM duties WHERE grid_code = ? AND role = 'primary' AND (valid_to IS NULL OR valid_to > ?)
                    ORDER BY id\(w.lockingRows())
                    """, [mv.grid, day].map(\.databaseValue))
                for row in open {
                    let from: String = row["valid_from"], person: String = row["person_id"]
                    if from >= day {
                        throw GridplanError(
                            .conflict, "grid \(mv.grid): \(person)'s primary duty starts on \(from), not before \(day); nothing was applied")
                    }
                    try w.execute("UPDATE duties SET valid_to = ? WHERE id = ?", [day.databaseValue, (row["id"] as Int64).databaseValue])
                }
                let values: [DatabaseValueConvertible?] = [mv.to, mv.grid, model.level.rawValue, day, "balance, plan version \(version)", now]
                try w.execute(
                    """
                    INSERT INTO duties (person_id, grid_code, level, role, valid_from, valid_to, note, created_at)
                    VALUES (?, ?, ?, 'primary', ?, NULL, ?, ?)
                    """, values.map { $0?.databaseValue ?? .null })
            }
            return version
        }
    }
}
