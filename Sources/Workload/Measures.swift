import Duty
import Foundation
import GridProjection
package import Grids

/// How even a set of values is: the largest against the mean, the coefficient of variation
/// (population standard deviation over mean) and the Gini coefficient (0 = all equal).
package struct Spread: Sendable {
    package var count: Int
    package var max: Double, mean: Double
    package var maxOverMean: Double, cv: Double, gini: Double

    /// Sums run over the values sorted, so the figures do not depend on their order (a dictionary's
    /// values come in a different order in each process, and floating-point sums follow the order).
    package init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else { max = 0; mean = 0; maxOverMean = 0; cv = 0; gini = 0; return }
        let n = Double(values.count)
        let sorted = values.sorted(), total = sorted.reduce(0, +)
        let top = sorted.last!, average = total / n
        let variance = sorted.reduce(0) { $0 + ($1 - average) * ($1 - average) } / n
        max = top; mean = average
        maxOverMean = average > 0 ? top / average : 0
        cv = average > 0 ? variance.squareRoot() / average : 0
        // Gini from the sorted values: sum (2i - n - 1) x_i / (n * sum x).
        gini = total > 0 ? sorted.enumerated().reduce(0) { $0 + (2 * Double($1.offset + 1) - n - 1) * $1.element } / (n * total) : 0
    }

}

/// One gridder's measures.
package struct PersonMeasure: Sendable {
    package var id: String, name: String, role: String
    package var load: Double
    package var capacity: Double?
    /// load / capacity (nil without a capacity).
    package var ratio: Double?
    /// Farthest point of any grid served, from the base (or each grid's centre where none is known).
    package var radiusM: Double
    /// Mean distance to the households of the grids served (households spread over each grid).
    package var meanDistanceM: Double
    package var grids: [String]
    package var hasBase: Bool

}

/// `gridplan load`: every gridder and grid of a level, and how even the loads are.
package struct LoadReport {
    package var day: String
    package var level: GridLevel
    package var people: [PersonMeasure]
    package var grids: [WorkloadModel.Grid]
    package var metricCRS: String
    /// Load spread of the grids at the measured level and every level above (children summed).
    package var levels: [(GridLevel, Spread)]
    package var rules: WorkloadRules

    package init(model: WorkloadModel) throws {
        day = model.day; level = model.level; rules = model.rules
        grids = model.grids
        metricCRS = model.snapshot.projector.metricCRS.description
        people = try model.gridders.map { g in
            let load = model.load(of: g)
            var radius = 0.0, distanceSum = 0.0, households = 0.0
            for code in g.grids {
                guard let grid = model.grid(code: code) else { continue }
                radius = max(radius, try model.radius(base: g.base, grid: grid))
                let weight = max(grid.households, 1)
                distanceSum += weight * (try model.meanDistance(base: g.base, grid: grid)); households += weight
            }
            return PersonMeasure(
                id: g.person.id, name: g.person.name, role: g.person.role.rawValue, load: load, capacity: g.capacity,
                ratio: g.capacity.map { load / $0 }, radiusM: radius,
                meanDistanceM: households > 0 ? distanceSum / households : 0, grids: g.grids, hasBase: g.base != nil)
        }
        // Sum the loads up the hierarchy.
        let snapshot = model.snapshot
        var byIndex: [Int: Double] = [:]
        for g in model.grids { byIndex[g.index] = g.load }
        var levels: [(GridLevel, Spread)] = [(model.level, Spread(model.grids.map(\.load)))]
        var current = byIndex
        var l = model.level
        while let up = l.parent {
            var next: [Int: Double] = [:]
            for (i, load) in current {
                guard let pf = snapshot.grids[i].parentFid, let pi = snapshot.index(ofFid: pf) else { continue }
                var j = pi
                while snapshot.grids[j].level > up, let f = snapshot.grids[j].parentFid, let k = snapshot.index(ofFid: f) { j = k }
                if snapshot.grids[j].level == up { next[j, default: 0] += load }
            }
            if !next.isEmpty { levels.append((up, Spread(Array(next.values)))) }
            current = next.isEmpty ? current : next
            l = up
        }
        self.levels = levels
    }

}
