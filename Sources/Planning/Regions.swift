import Foundation

/// The graph the aggregation works on: blocks with households, area, perimeter and centre, and
/// the boundary they share. Pure numbers, no geometry, so the search is fast and testable alone.
public struct BlockGraph: Sendable {
    public var households: [Double]
    public var residents: [Double]
    public var areas: [Double]
    public var perimeters: [Double]
    public var centreX: [Double]
    public var centreY: [Double]
    /// Every pair that shares boundary (any length), with the shared length in metres: exact perimeters.
    public var shared: [[(block: Int, length: Double)]]
    /// Pairs whose shared boundary is longer than the tolerance: the adjacency that makes grids contiguous
    /// (a touching corner is not enough).
    public var adjacent: [[Int]]

    public var count: Int { households.count }

    public init(households: [Double], residents: [Double], areas: [Double], perimeters: [Double],
                centreX: [Double], centreY: [Double], shared: [[(block: Int, length: Double)]], toleranceM: Double) {
        self.households = households; self.residents = residents; self.areas = areas; self.perimeters = perimeters
        self.centreX = centreX; self.centreY = centreY; self.shared = shared
        adjacent = shared.map { $0.filter { $0.length > toleranceM }.map(\.block).sorted() }
    }

    /// Connected components of the adjacency, each sorted, in order of their smallest block.
    public func components(excluding excluded: Set<Int> = []) -> [[Int]] {
        var label = [Int](repeating: -1, count: count)
        var result: [[Int]] = []
        for start in 0..<count where label[start] < 0 && !excluded.contains(start) {
            var stack = [start], members: [Int] = []
            label[start] = result.count
            while let b = stack.popLast() {
                members.append(b)
                for n in adjacent[b] where label[n] < 0 && !excluded.contains(n) {
                    label[n] = result.count
                    stack.append(n)
                }
            }
            result.append(members.sorted())
        }
        return result
    }
}

/// Household targets for the grids.
public struct Targets: Sendable, Equatable {
    public var target: Double
    public var min: Double
    public var max: Double
    /// A fixed number of grids instead of a number derived from the target.
    public var count: Int?
    /// With a count: bounds at ± this share of each parent's mean instead of min/max (nil: use min/max).
    public var countSpread: Double?

    public init(target: Double = 400, min: Double = 300, max: Double = 500, count: Int? = nil, countSpread: Double? = nil) {
        self.target = target; self.min = min; self.max = max; self.count = count; self.countSpread = countSpread
    }

    /// The targets for one parent of `households`: with a count and a spread, the mean and ± spread.
    public func resolved(households: Double) -> Targets {
        guard let count, let countSpread else { return self }
        let mean = households / Double(Swift.max(count, 1))
        return Targets(target: mean, min: mean * (1 - countSpread), max: mean * (1 + countSpread), count: count)
    }

    /// How many grids hold `households` best: within bounds if any number can, nearest the target.
    func gridCount(for households: Double) -> Int {
        guard households > 0 else { return 1 }
        let lo = Int((households / max).rounded(.up)), hi = Int((households / min).rounded(.down))
        let ideal = Swift.max(1, Int((households / target).rounded()))
        return lo <= hi ? Swift.min(Swift.max(ideal, lo), hi) : ideal
    }
}

/// A deterministic pseudo-random generator (SplitMix64): the same `--seed`, the same plan.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Groups blocks into contiguous regions meeting household bounds: seeded region growing, then a
/// local search moving boundary blocks (as AZP does) that lowers the bound violation first, then a
/// cost mixing balance and Polsby–Popper compactness, never breaking contiguity.
public struct RegionBuilder {
    public let graph: BlockGraph
    public let targets: Targets
    /// Blocks that must stay in a given region (locked grids in a redraw); they keep their region.
    public var fixed: [Int: Int] = [:]
    /// Weight of the balance term against compactness in the cost (per region: λ·((h−mean)/(max−min))² + (1−PP)).
    public var balanceWeight = 4.0
    public var restarts = 6
    /// In a redraw, the parent of each existing grid: blocks move only between grids of one parent,
    /// so that a redraw of units under a community keeps them inside their areas.
    public var regionGroups: [Int]? = nil
    public var maxPasses = 200

    public init(graph: BlockGraph, targets: Targets) {
        self.graph = graph
        self.targets = targets
    }

    /// Blocks that alone hold more households than the maximum: each becomes a grid of its own.
    public var oversizeBlocks: [Int] {
        (0..<graph.count).filter { graph.households[$0] > targets.max }
    }

    /// A region per block.
    public struct Solution: Sendable {
        public var region: [Int]
        public var regionCount: Int
        /// Sum over regions of households below the minimum or above the maximum.
        public var violation: Double
        public var cost: Double
    }

    // MARK: Fresh partition

    /// Partitions from scratch; the result for a given seed is always the same.
    /// Without a fixed count, when no restart meets the bounds, one grid more or fewer per component
    /// is tried too (still within the numbers that could meet them).
    public func partition(seed: UInt64) -> Solution {
        var best: Solution? = nil
        let offsets = targets.count == nil ? [0, 1, -1, 2, -2] : [0]
        for offset in offsets {
            if let best, best.violation == 0 { break }
            for attempt in 0..<Swift.max(1, restarts) {
                var rng = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(attempt))
                guard let region = grow(&rng, countOffset: offset) else { break }
                var state = State(self, region: region)
                state.improve(&rng, mode: .balanceThenCompactness, maxPasses: maxPasses)
                for _ in 0..<5 where state.swapPass(&rng) {
                    state.improve(&rng, mode: .balanceThenCompactness, maxPasses: maxPasses)
                }
                // Tabu search only while no restart has met the bounds.
                if state.solution.violation > 0 && (best?.violation ?? 1) > 0 {
                    state.tabu(iterations: 20 * state.weight.count, tenure: Swift.max(5, state.weight.count / 2))
                    state.improve(&rng, mode: .balanceThenCompactness, maxPasses: maxPasses)
                }
                let s = state.solution
                if best == nil || (s.violation, s.cost) < (best!.violation, best!.cost) { best = s }
            }
        }
        return best!
    }

    /// Region growing: regions per connected component in proportion to its households, seeds spread
    /// by farthest-point sampling refined by weighted k-means, then the lightest region takes the
    /// free neighbouring block nearest its centre until no block is free.
    /// Nil when `countOffset` gives a component a number of grids that cannot meet the bounds.
    func grow(_ rng: inout SeededGenerator, countOffset: Int = 0) -> [Int]? {
        let n = graph.count
        var region = [Int](repeating: -1, count: n)
        var next = 0
        // Locked and oversize blocks first: their regions are set, not grown.
        var lockedRegions: [Int: Int] = [:]
        for (b, r) in fixed.sorted(by: { $0.key < $1.key }) {
            if lockedRegions[r] == nil { lockedRegions[r] = next; next += 1 }
            region[b] = lockedRegions[r]!
        }
        for b in oversizeBlocks where region[b] < 0 { region[b] = next; next += 1 }
        // Ties between equally near blocks are broken at random, so that restarts differ.
        let tie = (0..<n).map { _ in rng.next() }
        let taken = Set((0..<n).filter { region[$0] >= 0 })
        let components = graph.components(excluding: taken)
        var counts = regionCounts(components)
        if countOffset != 0 {
            for (i, component) in components.enumerated() {
                let w = component.reduce(0.0) { $0 + graph.households[$1] }
                let k = counts[i] + countOffset
                guard k >= 1, k <= component.count, w / Double(k) >= targets.min * 0.9, w / Double(k) <= targets.max * 1.1 else { return nil }
                counts[i] = k
            }
        }
        for (component, k) in zip(components, counts) {
            let seeds = chooseSeeds(component, k: k, &rng)
            var weight = [Double](repeating: 0, count: seeds.count)
            var frontier = [Set<Int>](repeating: [], count: seeds.count)
            let first = next
            for (i, s) in seeds.enumerated() {
                region[s] = first + i
                weight[i] = graph.households[s]
                frontier[i] = Set(graph.adjacent[s].filter { region[$0] < 0 })
            }
            next += seeds.count
            let cx = seeds.map { graph.centreX[$0] }, cy = seeds.map { graph.centreY[$0] }
            while true {
                // The lightest region that can still grow.
                var pick = -1
                for i in seeds.indices where !frontier[i].isEmpty {
                    frontier[i] = frontier[i].filter { region[$0] < 0 }
                    if frontier[i].isEmpty { continue }
                    if pick < 0 || weight[i] < weight[pick] { pick = i }
                }
                guard pick >= 0 else { break }
                let b = frontier[pick].min { a, c in
                    let da = hypot(graph.centreX[a] - cx[pick], graph.centreY[a] - cy[pick])
                    let dc = hypot(graph.centreX[c] - cx[pick], graph.centreY[c] - cy[pick])
                    return da != dc ? da < dc : tie[a] < tie[c]
                }!
                region[b] = first + pick
                weight[pick] += graph.households[b]
                frontier[pick].remove(b)
                for nb in graph.adjacent[b] where region[nb] < 0 { frontier[pick].insert(nb) }
            }
        }
        // Blocks no seed reached (cut off by locked or oversize blocks): join a neighbouring
        // region, or form a region of their own.
        var changed = true
        while changed {
            changed = false
            for b in 0..<n where region[b] < 0 {
                if let r = graph.adjacent[b].map({ region[$0] }).filter({ $0 >= 0 && !lockedRegions.values.contains($0) }).min() {
                    region[b] = r; changed = true
                }
            }
        }
        for b in 0..<n where region[b] < 0 {
            var stack = [b]
            region[b] = next
            while let x = stack.popLast() {
                for nb in graph.adjacent[x] where region[nb] < 0 { region[nb] = next; stack.append(nb) }
            }
            next += 1
        }
        return region
    }

    /// Regions per component: from the targets, or the fixed count shared out by households
    /// (largest remainder, at least one each).
    func regionCounts(_ components: [[Int]]) -> [Int] {
        let weights = components.map { $0.reduce(0.0) { $0 + graph.households[$1] } }
        guard let total = targets.count else { return weights.map(targets.gridCount(for:)) }
        let remaining = Swift.max(components.count, total - oversizeBlocks.count - Set(fixed.values).count)
        let sum = weights.reduce(0, +)
        if sum <= 0 { return components.map { _ in 1 } }
        let exact = weights.map { $0 / sum * Double(remaining) }
        var counts = exact.map { Swift.max(1, Int($0.rounded(.down))) }
        var left = remaining - counts.reduce(0, +)
        let order = exact.indices.sorted { (exact[$0] - exact[$0].rounded(.down), -$0) > (exact[$1] - exact[$1].rounded(.down), -$1) }
        var i = 0
        while left > 0 { counts[order[i % order.count]] += 1; left -= 1; i += 1 }
        // Never more regions than blocks.
        return zip(counts, components).map { Swift.min($0, $1.count) }
    }

    /// `k` seed blocks spread over the component: a random first block, farthest-point sampling,
    /// then a few rounds of household-weighted k-means snapped to the nearest free block.
    func chooseSeeds(_ component: [Int], k: Int, _ rng: inout SeededGenerator) -> [Int] {
        if k >= component.count { return component }
        var seeds = [component[Int(rng.next() % UInt64(component.count))]]
        var nearest = component.map { hypot(graph.centreX[$0] - graph.centreX[seeds[0]], graph.centreY[$0] - graph.centreY[seeds[0]]) }
        while seeds.count < k {
            let i = nearest.indices.max { nearest[$0] != nearest[$1] ? nearest[$0] < nearest[$1] : $0 > $1 }!
            let s = component[i]
            seeds.append(s)
            for (j, b) in component.enumerated() {
                nearest[j] = Swift.min(nearest[j], hypot(graph.centreX[b] - graph.centreX[s], graph.centreY[b] - graph.centreY[s]))
            }
        }
        var cx = seeds.map { graph.centreX[$0] }, cy = seeds.map { graph.centreY[$0] }
        for _ in 0..<5 {
            var sx = [Double](repeating: 0, count: k), sy = sx, sw = sx
            for b in component {
                let c = (0..<k).min { hypot(graph.centreX[b] - cx[$0], graph.centreY[b] - cy[$0]) < hypot(graph.centreX[b] - cx[$1], graph.centreY[b] - cy[$1]) }!
                let w = graph.households[b] + 1e-3 * graph.areas[b] / Swift.max(graph.areas.reduce(0, +), 1)
                sx[c] += w * graph.centreX[b]; sy[c] += w * graph.centreY[b]; sw[c] += w
            }
            for c in 0..<k where sw[c] > 0 { cx[c] = sx[c] / sw[c]; cy[c] = sy[c] / sw[c] }
        }
        var used = Set<Int>()
        var result: [Int] = []
        for c in 0..<k {
            let b = component.filter { !used.contains($0) }.min { a, d in
                let da = hypot(graph.centreX[a] - cx[c], graph.centreY[a] - cy[c]), dd = hypot(graph.centreX[d] - cx[c], graph.centreY[d] - cy[c])
                return da != dd ? da < dd : a < d
            }!
            used.insert(b)
            result.append(b)
        }
        return result
    }

    // MARK: Redraw

    /// Starts from an existing region per block and moves only the blocks needed to bring regions
    /// within bounds, preferring moves that fix the most violation per household moved.
    ///
    /// When single moves that lower the violation run out first (every neighbour of an over-full grid
    /// is nearly full too), grids next to a violating one may pass blocks on to make room: moves that
    /// keep the violation and improve balance by more than the households they move, then again
    /// moves that lower the violation.
    public func redraw(from initial: [Int], seed: UInt64) -> Solution {
        var rng = SeededGenerator(seed: seed)
        var state = State(self, region: initial)
        state.improve(&rng, mode: .fewestMoves, maxPasses: maxPasses * 10)
        var rounds = 0
        while state.solution.violation > 0 && rounds < 20 {
            let before = state.solution.violation
            state.improve(&rng, mode: .makeRoom(original: initial), maxPasses: 3)
            state.improve(&rng, mode: .fewestMoves, maxPasses: maxPasses * 10)
            if state.solution.violation >= before { break }
            rounds += 1
        }
        // Last resort: tabu search around the grids still out of bounds (moves more households).
        if state.solution.violation > 0 {
            state.tabu(iterations: 20 * state.weight.count, tenure: Swift.max(5, state.weight.count / 2), original: initial)
            state.improve(&rng, mode: .fewestMoves, maxPasses: maxPasses)
        }
        return state.solution
    }

    // MARK: Search state

    enum Mode { case balanceThenCompactness, fewestMoves, makeRoom(original: [Int]) }

    struct State {
        let builder: RegionBuilder
        var graph: BlockGraph { builder.graph }
        var region: [Int]
        var members: [Set<Int>]
        var weight: [Double]
        var area: [Double]
        var perimeter: [Double]
        let locked: Set<Int>
        let mean: Double

        init(_ builder: RegionBuilder, region: [Int]) {
            self.builder = builder
            self.region = region
            let k = (region.max() ?? -1) + 1
            members = Array(repeating: [], count: k)
            weight = Array(repeating: 0, count: k); area = weight; perimeter = weight
            for (b, r) in region.enumerated() {
                members[r].insert(b)
                weight[r] += builder.graph.households[b]
                area[r] += builder.graph.areas[b]
                perimeter[r] += builder.graph.perimeters[b]
                for (nb, length) in builder.graph.shared[b] where region[nb] == r { perimeter[r] -= length }
            }
            var locked = Set(builder.fixed.keys.map { region[$0] })
            for b in builder.oversizeBlocks where members[region[b]].count == 1 { locked.insert(region[b]) }
            self.locked = locked
            let free = (0..<k).filter { !locked.contains($0) }
            let weights = weight
            mean = free.isEmpty ? builder.targets.target : free.reduce(0.0) { $0 + weights[$1] } / Double(free.count)
        }

        func violation(_ w: Double) -> Double {
            Swift.max(0, builder.targets.min - w) + Swift.max(0, w - builder.targets.max)
        }

        func cost(weight w: Double, area a: Double, perimeter p: Double) -> Double {
            let spread = Swift.max(builder.targets.max - builder.targets.min, 1)
            let d = (w - mean) / spread
            let pp = p > 0 ? 4 * Double.pi * a / (p * p) : 0
            return builder.balanceWeight * d * d + (1 - pp)
        }

        var solution: Solution {
            var v = 0.0, c = 0.0
            for r in weight.indices {
                v += violation(weight[r])
                c += cost(weight: weight[r], area: area[r], perimeter: perimeter[r])
            }
            return Solution(region: region, regionCount: weight.count, violation: v, cost: c)
        }

        /// Whether region `r` stays connected without block `b`.
        func connectedWithout(_ b: Int, in r: Int) -> Bool {
            let rest = members[r].count - 1
            guard rest > 0, let start = graph.adjacent[b].first(where: { region[$0] == r }) else { return false }
            var seen: Set<Int> = [start, b]
            var stack = [start]
            var reached = 1
            while let x = stack.popLast() {
                for nb in graph.adjacent[x] where region[nb] == r && !seen.contains(nb) {
                    seen.insert(nb); stack.append(nb); reached += 1
                }
            }
            return reached == rest
        }

        mutating func move(_ b: Int, to target: Int) {
            let from = region[b]
            var toFrom = 0.0, toTarget = 0.0
            for (nb, length) in graph.shared[b] where nb != b {
                if region[nb] == from { toFrom += length } else if region[nb] == target { toTarget += length }
            }
            perimeter[from] += -graph.perimeters[b] + 2 * toFrom
            perimeter[target] += graph.perimeters[b] - 2 * toTarget
            weight[from] -= graph.households[b]; weight[target] += graph.households[b]
            area[from] -= graph.areas[b]; area[target] += graph.areas[b]
            members[from].remove(b); members[target].insert(b)
            region[b] = target
        }

        /// The change in violation and in cost if block `b` moved to region `t`.
        func delta(_ b: Int, to t: Int) -> (dv: Double, dc: Double) {
            let from = region[b]
            var toFrom = 0.0, toT = 0.0
            for (nb, length) in graph.shared[b] {
                if region[nb] == from { toFrom += length } else if region[nb] == t { toT += length }
            }
            let h = graph.households[b]
            let wFrom = weight[from] - h, aFrom = area[from] - graph.areas[b]
            let pFrom = perimeter[from] - graph.perimeters[b] + 2 * toFrom
            let wT = weight[t] + h, aT = area[t] + graph.areas[b], pT = perimeter[t] + graph.perimeters[b] - 2 * toT
            let dv = violation(wFrom) + violation(wT) - violation(weight[from]) - violation(weight[t])
            let dc = cost(weight: wFrom, area: aFrom, perimeter: pFrom) + cost(weight: wT, area: aT, perimeter: pT)
                - cost(weight: weight[from], area: area[from], perimeter: perimeter[from]) - cost(weight: weight[t], area: area[t], perimeter: perimeter[t])
            return (dv, dc)
        }

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
            var until: [Int: Int] = [:]   // block*k+region → iteration until which that move is tabu
            let k = weight.count
            for iteration in 0..<iterations {
                if best.violation == 0 { break }
                var choice: (b: Int, t: Int, dv: Double, dc: Double)? = nil
                let current = weight.reduce(0.0) { $0 + violation($1) }
                // Only moves around the grids out of bounds: those, their neighbours and theirs.
                var near = Set((0..<k).filter { violation(weight[$0]) > 0 })
                var ring = near
                for _ in 0..<2 {
                    var next = Set<Int>()
                    for r in ring { for b in members[r] { for nb in graph.adjacent[b] where !near.contains(region[nb]) { next.insert(region[nb]) } } }
                    near.formUnion(next)
                    ring = next
                }
                for b in near.flatMap({ members[$0] }).sorted() {
                    let from = region[b]
                    if locked.contains(from) || members[from].count <= 1 { continue }
                    var seen = Set<Int>()
                    for nb in graph.adjacent[b] {
                        let t = region[nb]
                        guard t != from, !locked.contains(t), near.contains(t), compatible(from, t), seen.insert(t).inserted else { continue }
                        var d = delta(b, to: t)
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
            if bestRegion != region { self = State(builder, region: bestRegion) }
        }

        /// Whether blocks may move between regions `a` and `b`.
        func compatible(_ a: Int, _ b: Int) -> Bool {
            guard let groups = builder.regionGroups, a < groups.count, b < groups.count else { return true }
            return groups[a] == groups[b]
        }

        /// Whether region `r` is one connected set of blocks.
        func isConnected(_ r: Int) -> Bool {
            guard let start = members[r].first else { return true }
            var seen: Set<Int> = [start]
            var stack = [start]
            while let x = stack.popLast() {
                for nb in graph.adjacent[x] where region[nb] == r && seen.insert(nb).inserted { stack.append(nb) }
            }
            return seen.count == members[r].count
        }

        /// Swaps of two boundary blocks between neighbouring regions, for the local optima single moves
        /// cannot leave (two halves the wrong way round). Returns whether a swap improved the plan.
        mutating func swapPass(_ rng: inout SeededGenerator) -> Bool {
            var improved = false
            var order = Array(0..<graph.count)
            order.shuffle(using: &rng)
            for b in order {
                let a = region[b]
                if locked.contains(a) || members[a].count <= 1 { continue }
                let before = solution
                var done = false
                for t in Set(graph.adjacent[b].map { region[$0] }).sorted() where t != a && !locked.contains(t) && members[t].count > 1 && compatible(a, t) {
                    let partners = members[t].filter { c in graph.adjacent[c].contains { region[$0] == a } && c != b }.sorted()
                    for c in partners {
                        move(b, to: t); move(c, to: a)
                        let after = solution
                        let better = after.violation < before.violation - 1e-9
                            || (abs(after.violation - before.violation) <= 1e-9 && after.cost < before.cost - 1e-9)
                        if better, isConnected(a), isConnected(t) {
                            improved = true; done = true
                            break
                        }
                        move(c, to: t); move(b, to: a)
                    }
                    if done { break }
                }
            }
            return improved
        }

        /// Hill climbing over boundary-block moves until no move improves, in random block order.
        mutating func improve(_ rng: inout SeededGenerator, mode: Mode, maxPasses: Int) {
            let n = graph.count
            for _ in 0..<maxPasses {
                var improved = false
                // Making room: only around grids out of bounds (the grids next to them, and theirs).
                var near = Set<Int>()
                if case .makeRoom = mode {
                    var ring = Set((0..<weight.count).filter { violation(weight[$0]) > 0 })
                    near = ring
                    for _ in 0..<2 {
                        var next = Set<Int>()
                        for b in 0..<n where ring.contains(region[b]) {
                            for nb in graph.adjacent[b] { next.insert(region[nb]) }
                        }
                        near.formUnion(next)
                        ring = next
                    }
                }
                var order = Array(0..<n)
                order.shuffle(using: &rng)
                for b in order {
                    let from = region[b]
                    if locked.contains(from) || members[from].count <= 1 { continue }
                    if case .makeRoom = mode, !near.contains(from) { continue }
                    var targets = Set<Int>()
                    for nb in graph.adjacent[b] where region[nb] != from && !locked.contains(region[nb]) && compatible(from, region[nb]) { targets.insert(region[nb]) }
                    if targets.isEmpty { continue }
                    var toFrom = 0.0
                    var toRegion: [Int: Double] = [:]
                    for (nb, length) in graph.shared[b] {
                        if region[nb] == from { toFrom += length } else { toRegion[region[nb], default: 0] += length }
                    }
                    let h = graph.households[b]
                    let wFrom = weight[from] - h, aFrom = area[from] - graph.areas[b]
                    let pFrom = perimeter[from] - graph.perimeters[b] + 2 * toFrom
                    let vBefore = violation(weight[from])
                    let cBefore = cost(weight: weight[from], area: area[from], perimeter: perimeter[from])
                    var best: (target: Int, dv: Double, dc: Double)? = nil
                    for t in targets.sorted() {
                        let wT = weight[t] + h, aT = area[t] + graph.areas[b]
                        let pT = perimeter[t] + graph.perimeters[b] - 2 * (toRegion[t] ?? 0)
                        let dv = violation(wFrom) + violation(wT) - vBefore - violation(weight[t])
                        let dc = cost(weight: wFrom, area: aFrom, perimeter: pFrom) + cost(weight: wT, area: aT, perimeter: pT)
                            - cBefore - cost(weight: weight[t], area: area[t], perimeter: perimeter[t])
                        switch mode {
                        case .balanceThenCompactness:
                            guard dv < -1e-9 || (abs(dv) <= 1e-9 && dc < -1e-9) else { continue }
                            if best == nil || (dv, dc) < (best!.dv, best!.dc) { best = (t, dv, dc) }
                        case .makeRoom(let original):
                            // Balance only (no compactness), and a cost for every household leaving its grid.
                            let spread = Swift.max(builder.targets.max - builder.targets.min, 1)
                            func d2(_ w: Double) -> Double { let d = (w - mean) / spread; return d * d }
                            let balance = d2(wFrom) + d2(wT) - d2(weight[from]) - d2(weight[t])
                            let stay = original[b] == from ? h / Swift.max(mean, 1) : original[b] == t ? -h / Swift.max(mean, 1) : 0
                            let score = builder.balanceWeight * balance + 0.5 * stay
                            guard near.contains(t), dv <= 1e-9, score < -1e-9 else { continue }
                            if best == nil || (dv, score) < (best!.dv, best!.dc) { best = (t, dv, score) }
                        case .fewestMoves:
                            // Only moves that lower the violation; the most violation fixed per household moved.
                            guard dv < -1e-9 else { continue }
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
}
