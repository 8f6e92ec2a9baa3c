import Foundation

extension RegionBuilder {
    /// What hill climbing optimises.
    enum Mode {
        /// A fresh plan: lower violation first, then cost (balance and compactness).
        case balanceThenCompactness
        /// A redraw: only moves that lower the violation, the most violation fixed per household moved.
        case fewestMoves
        /// A redraw stuck short of the bounds: around grids out of bounds, moves that keep the violation and
        /// improve balance by more than the households they take from their `original` grid.
        case makeRoom(original: [Int])
    }
}

extension RegionBuilder.State {
    /// Hill climbing over boundary-block moves until no move improves (or `maxPasses` passes), in random
    /// block order: each block goes to the neighbouring region `mode` scores best, if that improves and
    /// its own region stays connected. The workhorse of both a fresh plan and a redraw.
    mutating func improve(_ rng: inout SeededGenerator, mode: RegionBuilder.Mode, maxPasses: Int) {
        let n = graph.count
        let tolerance = Objective.tolerance
        for _ in 0..<maxPasses {
            var improved = false
            // Making room: only around grids out of bounds (the grids next to them, and theirs).
            var near = Set<Int>()
            if case .makeRoom = mode { near = around(2) }
            var order = Array(0..<n)
            order.shuffle(using: &rng)
            for b in order {
                guard movable(b) else { continue }
                let from = region[b]
                if case .makeRoom = mode, !near.contains(from) { continue }
                var targets = Set<Int>()
                for nb in graph.adjacent[b] where region[nb] != from && !isLocked[region[nb]] && compatible(from, region[nb]) {
                    targets.insert(region[nb])
                }
                if targets.isEmpty { continue }
                let h = graph.households[b]
                let (toFrom, toRegion) = sharedBoundary(b)
                var best: (target: Int, dv: Double, dc: Double)? = nil
                for t in targets.sorted() {
                    let (dv, dc, balance) = delta(b, to: t, toFrom: toFrom, toT: toRegion[t] ?? 0)
                    switch mode {
                    case .balanceThenCompactness:
                        guard Objective.improves(dv: dv, dc: dc) else { continue }
                        if best == nil || (dv, dc) < (best!.dv, best!.dc) { best = (t, dv, dc) }
                    case .makeRoom(let original):
                        // Balance only (no compactness), and a cost for every household leaving its grid.
                        let stay = original[b] == from ? h / Swift.max(mean, 1) : original[b] == t ? -h / Swift.max(mean, 1) : 0
                        let score = Objective.makeRoomBalanceWeight * balance + Objective.makeRoomStayWeight * stay
                        guard near.contains(t), dv <= tolerance, score < -tolerance else { continue }
                        if best == nil || (dv, score) < (best!.dv, best!.dc) { best = (t, dv, score) }
                    case .fewestMoves:
                        // Only moves that lower the violation; the most violation fixed per household moved.
                        guard dv < -tolerance else { continue }
                        let score = -dv / Swift.max(h, 1)
                        if best == nil || score > -best!.dv / Swift.max(h, 1) || (score == -best!.dv / Swift.max(h, 1) && dc < best!.dc) {
                            best = (t, dv, dc)
                        }
                    }
                }
                guard let best, connectedWithout(b, in: from) else { continue }
                move(b, to: best.target)
                improved = true
            }
            if !improved { break }
        }
    }
}
