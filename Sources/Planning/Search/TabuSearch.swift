import Foundation

extension RegionBuilder.State {
    /// Tabu search (as AZP-tabu does) for when hill climbing stops short of the bounds: the best
    /// move that keeps contiguity is made even when it is worse, a block may not go back for
    /// `tenure` moves, and the best plan seen is kept. Stops at once when the bounds are met.
    /// With `original` (a redraw), every household leaving its original grid costs, so that the
    /// search prefers plans close to the existing one.
    mutating func tabu(iterations: Int, tenure: Int, original: [Int]? = nil) {
        func stability(_ b: Int, _ from: Int, _ to: Int) -> Double {
            guard let original else { return 0 }
            let h = graph.households[b] / Swift.max(mean, 1)
            return original[b] == from ? h : original[b] == to ? -h : 0
        }
        var moved = 0.0
        var best = solution
        var bestRegion = region
        var until: [Int: Int] = [:] // block*k+region → iteration until which that move is tabu
        let k = weight.count
        for iteration in 0..<iterations {
            if best.violation == 0 { break }
            var choice: (b: Int, t: Int, dv: Double, dc: Double)? = nil
            let current = totalViolation
            // Only moves around the grids out of bounds: those, their neighbours and theirs.
            let near = around(2)
            for b in near.flatMap({ members[$0] }).sorted() {
                guard movable(b) else { continue }
                let from = region[b]
                var seen = Set<Int>()
                for nb in graph.adjacent[b] {
                    let t = region[nb]
                    guard t != from, !locked.contains(t), near.contains(t), compatible(from, t), seen.insert(t).inserted else { continue }
                    let full = delta(b, to: t)
                    var d = (dv: full.dv, dc: full.dc)
                    d.dc += stability(b, from, t)
                    let aspiration = current + d.dv < best.violation
                    if let u = until[b * k + t], u > iteration, !aspiration { continue }
                    if choice == nil || (d.dv, d.dc) < (choice!.dv, choice!.dc) {
                        if connectedWithout(b, in: from) { choice = (b, t, d.dv, d.dc) }
                    }
                }
            }
            guard let choice else { break }
            let from = region[choice.b]
            moved += stability(choice.b, from, choice.t)
            move(choice.b, to: choice.t)
            until[choice.b * k + from] = iteration + tenure
            var s = solution
            s.cost += moved
            if (s.violation, s.cost) < (best.violation, best.cost) { best = s; bestRegion = region }
        }
        if bestRegion != region { self = Self(builder, region: bestRegion) }
    }
}
