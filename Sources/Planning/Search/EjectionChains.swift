import Foundation

extension RegionBuilder.State {
    /// Blocks moved together from a region to another.
    typealias Step = (blocks: [Int], from: Int, to: Int)

    /// Ejection chains for a redraw: for a region out of bounds, the cheapest chain (in households
    /// leaving their original grid) of single-block moves that passes households on through grids until
    /// one can take them (over-full) or give them (under-full), every grid in the chain ending within
    /// the bounds and connected. The full excess or deficit is looked for first, then any part of it.
    /// Applies the first chain that lowers the total violation; returns whether one did. Regions for
    /// which none is found go to `failed` and are not tried again.
    mutating func ejectionChain(original: [Int], failed: inout Set<Int>, maxDepth: Int = 6, maxNodes: Int = 4000) -> Bool {
        let t = targets, tolerance = Objective.tolerance
        let cap = t.maxResidents ?? .infinity
        let candidates = (0..<weight.count).filter { violation(of: $0) > 0 && !failed.contains($0) }
            .sorted { (violation(of: $0), -$0) > (violation(of: $1), -$1) }
        for origin in candidates {
            let over = weight[origin] > t.max + tolerance || residents[origin] > cap + tolerance
            let under = weight[origin] < t.min - tolerance
            guard over || under else { failed.insert(origin); continue }
            let ranges: [(Double, Double)] =
                over
                ? [(Swift.max(weight[origin] - t.max, 0.5), weight[origin] - t.min), (0.5, weight[origin] - t.min)]
                : [(t.min - weight[origin], t.max - weight[origin]), (0.5, t.max - weight[origin])]
            var applied = false
            for (lo, hi) in ranges where lo <= hi {
                guard
                    let chain = cheapestChain(
                        from: origin, push: over, lo: lo, hi: hi, original: original,
                        maxDepth: maxDepth, maxNodes: maxNodes)
                else { continue }
                let before = totalViolation
                for step in chain { for b in step.blocks { move(b, to: step.to) } }
                if totalViolation < before - tolerance { applied = true; break }
                for step in chain.reversed() { for b in step.blocks { move(b, to: step.from) } }
            }
            if applied { return true }
            failed.insert(origin)
        }
        return false
    }

    /// What each move of a chain costs besides its households, so that of two chains moving as many
    /// households the shorter wins.
    static let stepPrice = 1e-3
    /// Weight of households moved out of a grid they did not start in (going back, or on): a chain
    /// undoing earlier moves is cheaper than one moving households out of their original grid.
    static let returningWeight = 0.25

    /// A partial chain: the moves so far, the region they end at, the households it must now pass on
    /// (`lo`…`hi`), the blocks that region received or gave, and whether the chain is complete.
    private struct ChainNode {
        var cost: Double
        var steps: [Step]
        var region: Int
        var lo: Double
        var hi: Double
        var changed: [Int]
        var done: Bool
    }

    /// Dijkstra over chains of moves (one block, or two neighbouring blocks) out of (`push`) or into
    /// `origin`, by households leaving their original grid.
    func cheapestChain(from origin: Int, push: Bool, lo: Double, hi: Double, original: [Int], maxDepth: Int, maxNodes: Int) -> [Step]? {
        let tolerance = Objective.tolerance
        func price(_ blocks: [Int], from: Int) -> Double {
            blocks.reduce(Self.stepPrice) { $0 + graph.households[$1] * (original[$1] == from ? 1 : Self.returningWeight) }
        }
        var frontier = [ChainNode(cost: 0, steps: [], region: origin, lo: lo, hi: hi, changed: [], done: false)]
        var expanded = 0
        var visited = Set<[Int]>()
        while !frontier.isEmpty && expanded < maxNodes {
            let i = frontier.indices.min { (frontier[$0].cost, frontier[$0].steps.count) < (frontier[$1].cost, frontier[$1].steps.count) }!
            let node = frontier.remove(at: i)
            if node.done { return node.steps }
            guard visited.insert([node.region] + node.changed.sorted()).inserted else { continue }
            expanded += 1
            if node.steps.count >= maxDepth { continue }
            let inChain = Set(node.steps.flatMap { [$0.from, $0.to] } + [origin])
            // The region as the chain left it: with the blocks it received (push) or without those it gave (pull).
            var current = members[node.region]
            for c in node.changed { if push { current.insert(c) } else { current.remove(c) } }
            // Each way on: a unit of blocks leaving `giver` for `taker`; `changing` is the region whose
            // households must then be balanced in turn (the taker when pushing, the giver when pulling).
            var moves: [(unit: [Int], giver: Int, taker: Int, changing: Int)] = []
            if push {
                for b in current.sorted() where !node.changed.contains(b) && !anchored.contains(b) {
                    var takers = Set<Int>()
                    for nb in graph.adjacent[b] {
                        let to = region[nb]
                        if !current.contains(nb), !inChain.contains(to), !locked.contains(to), compatible(node.region, to) { takers.insert(to) }
                    }
                    if takers.isEmpty { continue }
                    for unit in units(b, in: current, excluding: node.changed) {
                        for to in takers.sorted() { moves.append((unit, node.region, to, to)) }
                    }
                }
            } else {
                var offered = Set<Int>()
                for a in current { for nb in graph.adjacent[a] where !current.contains(nb) { offered.insert(nb) } }
                for b in offered.sorted() where !anchored.contains(b) {
                    let from = region[b]
                    guard from != node.region, !inChain.contains(from), !locked.contains(from), compatible(node.region, from) else { continue }
                    for unit in units(b, in: members[from], excluding: []) { moves.append((unit, from, node.region, from)) }
                }
            }
            for move in moves {
                let h = move.unit.reduce(0.0) { $0 + graph.households[$1] }
                guard h >= node.lo - tolerance, h <= node.hi + tolerance else { continue }
                let steps = node.steps + [(blocks: move.unit, from: move.giver, to: move.taker)]
                let cost = node.cost + price(move.unit, from: move.giver)
                if let next = nextNode(changing: move.changing, receiving: push, households: h, cost: cost, steps: steps, unit: move.unit) {
                    frontier.append(next)
                }
            }
        }
        return nil
    }

    /// The node after region `r` receives (or gives) `h` households: complete when `r` ends within the
    /// bounds (or no further from them than it was), else one that must pass the excess (or deficit) on;
    /// nil when `r` would end on the wrong side of the other bound.
    private func nextNode(changing r: Int, receiving: Bool, households h: Double, cost: Double, steps: [Step], unit: [Int]) -> ChainNode? {
        let t = targets, tolerance = Objective.tolerance
        let w = receiving ? weight[r] + h : weight[r] - h
        if receiving {
            if w <= t.max + tolerance {
                guard w >= t.min - tolerance || weight[r] < t.min else { return nil }
                return ChainNode(cost: cost, steps: steps, region: r, lo: 0, hi: 0, changed: unit, done: true)
            }
            return ChainNode(cost: cost, steps: steps, region: r, lo: w - t.max, hi: w - t.min, changed: unit, done: false)
        }
        if w >= t.min - tolerance {
            guard w <= t.max + tolerance || weight[r] > t.max else { return nil }
            return ChainNode(cost: cost, steps: steps, region: r, lo: 0, hi: 0, changed: unit, done: true)
        }
        return ChainNode(cost: cost, steps: steps, region: r, lo: t.min - w, hi: t.max - w, changed: unit, done: false)
    }

    /// One block, or it and a neighbour in the same set, that `set` can give and stay connected.
    private func units(_ b: Int, in set: Set<Int>, excluding: [Int]) -> [[Int]] {
        var result: [[Int]] = []
        let pairs = graph.adjacent[b].filter { set.contains($0) && !excluding.contains($0) && !anchored.contains($0) }.map { [b, $0] }
        for unit in [[b]] + pairs {
            guard unit.count < set.count else { continue }
            var rest = set
            for x in unit { rest.remove(x) }
            if graph.isContiguous(rest) { result.append(unit) }
        }
        return result
    }
}
