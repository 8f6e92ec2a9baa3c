import Foundation
import GridGeometry
import Grids

/// How many full-time gridders a region needs so that every load is within capacity and every
/// radius within the limit, and where their bases would serve best.
///
/// The count starts at the bound no assignment can beat (total load over one gridder's capacity)
/// and grows until bases and an assignment are found: bases are spread by load-weighted k-means
/// over the grids' centres and snapped to a point inside a grid; the grids are then assigned by
/// ``Balancer`` (radius limit as reach). Each base then moves to the point, among its grids', that
/// makes its farthest grid nearest, and the assignment is solved again.
package struct Staffing {
    package struct Base {
        package var lon: Double, lat: Double
        package var grids: [String]
        package var load: Double
        package var radiusM: Double
    }
    package var capacity: Double
    package var lowerBound: Int
    package var current: Int
    /// The count found, nil when even one gridder per grid cannot meet capacity and radius.
    package var needed: Int?
    package var bases: [Base]
    /// Grids too heavy for one gridder: only a boundary change helps them.
    package var tooHeavy: [String]
    /// The largest count tried in the time given.
    package var searchedUpTo = 0

    package static func plan(proposal: BalanceProposal, maxRadius: Double?) throws -> Staffing {
        let model = proposal.model
        let capacity = model.rules.capacity["full_time_gridder"] ?? 1500
        let grids = proposal.grids.map { model.grids[$0] }
        let loads = grids.map(\.load)
        let total = loads.reduce(0, +)
        let heavy = grids.filter { $0.load > capacity }.map(\.code)
        let lower = max(1, Int((total / capacity - 1e-9).rounded(.up)))
        var result = Staffing(capacity: capacity, lowerBound: lower, current: proposal.people.count, needed: nil, bases: [], tooHeavy: heavy)
        guard heavy.isEmpty else { return result }
        let sites = try grids.map { try model.snapshot.metric[$0.index].pointOnSurface().xy }
        let centres = try grids.map { try model.snapshot.metric[$0.index].centroid().xy }
        let siteRadius = try sites.map { s in try grids.map { try model.radius(base: s, grid: $0) } }
        let deadline = Date().addingTimeInterval(2)
        // Counts tried: the bound, then growing steps (1, 2, 4, …) until one works, then halving the
        // interval between the largest count that failed and the smallest that worked.
        var failed = lower - 1, found: Int? = nil, tried = lower
        var k = lower, step = 1
        while Date() < deadline {
            tried = max(tried, k)
            if let bases = try attempt(k) { found = k; result.bases = bases } else { failed = max(failed, k) }
            if let f = found {
                if f - failed <= 1 { break }
                k = (failed + f) / 2
            } else {
                guard k < grids.count else { break }
                k = min(grids.count, k + step); step *= 2
            }
        }
        let lowestFound = found
        result.needed = lowestFound
        result.searchedUpTo = tried
        return result

        /// Bases and an assignment for k gridders within capacity and radius, or nil.
        func attempt(_ k: Int) throws -> [Base]? {
            var chosen = Self.spread(k, centres: centres, weights: loads, sites: sites)
            for round in 0..<2 {
                let inst = BalanceInstance(
                    loads: loads, capacities: Array(repeating: capacity, count: k),
                    current: Array(repeating: nil, count: grids.count),
                    allowed: grids.indices.map { g in chosen.map { s in maxRadius.map { siteRadius[s][g] <= $0 } ?? true } })
                guard !inst.allowed.contains(where: { !$0.contains(true) }) else { break }
                let s = try Balancer.solve(inst, timeLimit: 0.15)
                if s.maxRatio <= 1 + 1e-9 && (round == 1 || Date() > deadline) {
                    var held = Array(repeating: [Int](), count: k)
                    for (g, p) in s.assignment.enumerated() { held[p].append(g) }
                    return try held.enumerated().map { p, gs in
                        let site = sites[chosen[p]]
                        let ll = try model.snapshot.toLonLat(try Geometry(x: site.x, y: site.y, context: model.snapshot.context)).xy
                        return Base(
                            lon: ll.x, lat: ll.y, grids: gs.map { grids[$0].code }, load: gs.reduce(0) { $0 + loads[$1] },
                            radiusM: gs.map { siteRadius[chosen[p]][$0] }.max() ?? 0)
                    }
                }
                // Each base to the site among its grids' that brings its farthest grid nearest, and again.
                var held = Array(repeating: [Int](), count: k)
                for (g, p) in s.assignment.enumerated() { held[p].append(g) }
                chosen = held.enumerated().map { p, gs in
                    gs.min { a, b in gs.map { siteRadius[a][$0] }.max()! < gs.map { siteRadius[b][$0] }.max()! } ?? chosen[p]
                }
            }
            return nil
        }
    }

    /// k sites by load-weighted k-means over grid centres (deterministic start: heaviest grid,
    /// then the farthest from those chosen), each snapped to the nearest grid's inner point.
    static func spread(_ k: Int, centres: [(x: Double, y: Double)], weights: [Double], sites: [(x: Double, y: Double)]) -> [Int] {
        var seeds = [weights.indices.max { weights[$0] < weights[$1] }!]
        while seeds.count < k {
            let far = centres.indices.max { a, b in
                seeds.map { hypot(centres[a].x - centres[$0].x, centres[a].y - centres[$0].y) }.min()!
                    < seeds.map { hypot(centres[b].x - centres[$0].x, centres[b].y - centres[$0].y) }.min()!
            }!
            seeds.append(far)
        }
        var means = seeds.map { centres[$0] }
        for _ in 0..<10 {
            var sx = Array(repeating: 0.0, count: k), sy = sx, sw = sx
            for (i, c) in centres.enumerated() {
                let j = means.indices.min { hypot(c.x - means[$0].x, c.y - means[$0].y) < hypot(c.x - means[$1].x, c.y - means[$1].y) }!
                let w = max(weights[i], 1e-9)
                sx[j] += w * c.x; sy[j] += w * c.y; sw[j] += w
            }
            means = means.indices.map { sw[$0] > 0 ? (sx[$0] / sw[$0], sy[$0] / sw[$0]) : means[$0] }
        }
        var used = Set<Int>()
        return means.map { m in
            let s = sites.indices.filter { !used.contains($0) }.min {
                hypot(sites[$0].x - m.x, sites[$0].y - m.y) < hypot(sites[$1].x - m.x, sites[$1].y - m.y)
            }!
            used.insert(s)
            return s
        }
    }

    package var lines: [String] {
        if !tooHeavy.isEmpty {
            return [
                "staffing: grids heavier than one gridder's capacity (\(Int(capacity))): \(tooHeavy.joined(separator: ", ")); "
                    + "only a boundary change helps"
            ]
        }
        guard let needed else {
            return ["staffing: no count from \(lowerBound) to \(searchedUpTo) gridders met capacity and radius in the time given"]
        }
        var out = ["staffing: \(needed) full-time gridders of capacity \(Int(capacity)) needed (at least \(lowerBound); \(current) serve now)"]
        for (i, b) in bases.enumerated() {
            out.append(
                String(
                    format: "  base %d at %.6f,%.6f: %d grids, load %.0f (ratio %.2f), radius %.0f m",
                    i + 1, b.lon, b.lat, b.grids.count, b.load, b.load / capacity, b.radiusM))
        }
        return out
    }
}
