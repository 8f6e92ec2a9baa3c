import Duty
import Foundation
import GridGeometry
import Grids

/// Emergency coverage (最小应急单元): the share of households with at least K people on duty
/// within R metres of them, the grids that fall short, and the fewest extra responders, each
/// based at a grid's inner point, that bring every household there.
package struct EmergencyCoverage {
    package struct Short {
        package var grid: String
        package var coveredShare: Double
    }
    package var k: Int, radius: Double
    package var responders: Int
    package var households: Double
    package var coveredShare: Double
    package var short: [Short]
    /// Extra responders' bases (longitude/latitude), and whether their count is proven least.
    package var extra: [(lon: Double, lat: Double, grid: String)]
    package var extraOptimal: Bool
    /// Households no responder placed at a grid's inner point can reach in time.
    package var unreachableShare: Double

    package static func measure(proposal: BalanceProposal, radius: Double, k: Int) throws -> EmergencyCoverage {
        let model = proposal.model
        let grids = proposal.grids.map { model.grids[$0] }
        let responders = model.responders
        // Demand: lattice points standing for each grid's households.
        var points: [(x: Double, y: Double, households: Double, grid: Int)] = []
        for (gi, g) in grids.enumerated() {
            let sample = try model.samplePoints(g, target: 40)
            for p in sample { points.append((p.0, p.1, g.households / Double(sample.count), gi)) }
        }
        let total = points.reduce(0) { $0 + $1.households }
        let have = points.map { p in responders.filter { hypot($0.x - p.x, $0.y - p.y) <= radius }.count }
        var coveredByGrid = Array(repeating: 0.0, count: grids.count)
        for (i, p) in points.enumerated() where have[i] >= k { coveredByGrid[p.grid] += p.households }
        let covered = coveredByGrid.reduce(0, +)
        let short = grids.indices.compactMap { gi -> Short? in
            let share = grids[gi].households > 0 ? coveredByGrid[gi] / grids[gi].households : 1
            return share < 1 - 1e-9 ? Short(grid: grids[gi].code, coveredShare: share) : nil
        }
        // The gap as a set multicover over candidate bases (grid inner points).
        let sites = try grids.map { try model.snapshot.metric[$0.index].pointOnSurface().xy }
        var needs: [Int] = [], rows: [[Int]] = [], unreachable = 0.0
        for (i, p) in points.enumerated() where have[i] < k {
            let near = sites.indices.filter { hypot(sites[$0].x - p.x, sites[$0].y - p.y) <= radius }
            if near.count < k - have[i] { unreachable += p.households; continue }
            needs.append(k - have[i]); rows.append(near)
        }
        let (chosen, optimal) = MultiCover.solve(needs: needs, rows: rows, timeLimit: 0.5)
        let extra = try chosen.map { s -> (lon: Double, lat: Double, grid: String) in
            let ll = try model.snapshot.toLonLat(try Geometry(x: sites[s].x, y: sites[s].y, context: model.snapshot.context)).xy
            return (ll.x, ll.y, grids[s].code)
        }
        return EmergencyCoverage(
            k: k, radius: radius, responders: responders.count, households: total,
            coveredShare: total > 0 ? covered / total : 1, short: short, extra: extra, extraOptimal: optimal,
            unreachableShare: total > 0 ? unreachable / total : 0)
    }

    package var lines: [String] {
        var out = [
            String(
                format: "coverage: %.1f %% of households have %d responders on duty within %.0f m (%d responders); %d grids short",
                coveredShare * 100, k, radius, responders, short.count)
        ]
        if !extra.isEmpty {
            out.append(
                "  \(extra.count) extra responders close the gap\(extraOptimal ? " (fewest)" : ""), based in grids "
                    + extra.map(\.grid).joined(separator: ", "))
        }
        if unreachableShare > 0 {
            out.append(String(format: "  %.1f %% of households stay short: too few grid centres within reach", unreachableShare * 100))
        }
        return out
    }
}

/// The fewest candidates such that every row has at least its need among its candidates (set
/// multicover). Greedy first, then an exact branch and bound on the row with the fewest
/// candidates left, until proven or the time is up.
package enum MultiCover {
    package static func solve(needs: [Int], rows: [[Int]], timeLimit: Double) -> (chosen: [Int], optimal: Bool) {
        guard !needs.isEmpty else { return ([], true) }
        // Rows with the same candidates need only the largest need.
        var merged: [[Int]: Int] = [:]
        for (need, row) in zip(needs, rows) { merged[row.sorted(), default: 0] = max(merged[row.sorted()] ?? 0, need) }
        let rowList = Array(merged.keys).sorted { $0.count < $1.count || ($0.count == $1.count && $0.lexicographicallyPrecedes($1)) }
        let need = rowList.map { merged[$0]! }
        let candidates = Set(rowList.flatMap { $0 }).sorted()
        // Greedy: the candidate meeting the most outstanding need.
        var left = need, greedy: [Int] = []
        while left.contains(where: { $0 > 0 }) {
            func gain(_ c: Int) -> Int { rowList.indices.filter { left[$0] > 0 && rowList[$0].contains(c) }.count }
            let best = candidates.filter { !greedy.contains($0) }.max { gain($0) < gain($1) }!
            greedy.append(best)
            for r in rowList.indices where rowList[r].contains(best) { left[r] -= 1 }
        }
        var best = greedy.sorted()
        let deadline = Date().addingTimeInterval(timeLimit)
        var outOfTime = false, nodes = 0
        var chosen = Set<Int>(), banned = Set<Int>()
        func remaining(_ r: Int) -> Int { need[r] - rowList[r].filter(chosen.contains).count }
        func branch() {
            nodes += 1
            if nodes & 255 == 0 && Date() >= deadline { outOfTime = true }
            if outOfTime { return }
            var pick = -1, pickFree = Int.max, bound = 0
            for r in rowList.indices {
                let rem = remaining(r)
                guard rem > 0 else { continue }
                let free = rowList[r].filter { !chosen.contains($0) && !banned.contains($0) }.count
                if free < rem { return }
                bound = max(bound, rem)
                if free - rem < pickFree { pickFree = free - rem; pick = r }
            }
            if pick < 0 { if chosen.count < best.count { best = chosen.sorted() }; return }
            if chosen.count + bound >= best.count { return }
            // Take each free candidate in turn; those tried before it are left out of its branch.
            let free = rowList[pick].filter { !chosen.contains($0) && !banned.contains($0) }
            var newlyBanned: [Int] = []
            for c in free {
                chosen.insert(c); branch(); chosen.remove(c)
                if outOfTime { break }
                banned.insert(c); newlyBanned.append(c)
                if free.count - newlyBanned.count < remaining(pick) { break }
            }
            newlyBanned.forEach { banned.remove($0) }
        }
        branch()
        return (best, !outOfTime)
    }
}
