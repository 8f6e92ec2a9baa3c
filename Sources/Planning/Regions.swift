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
    /// The vertices of each block's convex hull (metres): the farthest point of a grid from its centre is
    /// one of them, so a grid's radius is known exactly without geometry. Empty: a disc of the block's area.
    public var hullX: [[Double]]
    public var hullY: [[Double]]

    public var count: Int { households.count }

    public init(households: [Double], residents: [Double], areas: [Double], perimeters: [Double],
                centreX: [Double], centreY: [Double], shared: [[(block: Int, length: Double)]], toleranceM: Double,
                hulls: [[(x: Double, y: Double)]]? = nil) {
        self.households = households; self.residents = residents; self.areas = areas; self.perimeters = perimeters
        self.centreX = centreX; self.centreY = centreY; self.shared = shared
        adjacent = shared.map { $0.filter { $0.length > toleranceM }.map(\.block).sorted() }
        hullX = hulls?.map { $0.map(\.x) } ?? Array(repeating: [], count: households.count)
        hullY = hulls?.map { $0.map(\.y) } ?? Array(repeating: [], count: households.count)
        var reach = [Double](repeating: 0, count: households.count)
        for b in reach.indices {
            reach[b] = hullX[b].isEmpty ? (areas[b] / Double.pi).squareRoot()
                : zip(hullX[b], hullY[b]).map { hypot($0 - centreX[b], $1 - centreY[b]) }.max() ?? 0
        }
        self.reach = reach
    }

    /// The farthest distance from each block's centre to a point of it: with the distance between
    /// centres, a cheap upper bound of ``farthest(_:fromX:y:)``.
    public let reach: [Double]

    /// The farthest distance from (x, y) to a point of block `b`: its hull vertices, or its centre plus the
    /// radius of a disc of its area when the hull is not known.
    func farthest(_ b: Int, fromX x: Double, y: Double) -> Double {
        let xs = hullX[b], ys = hullY[b]
        if xs.isEmpty { return hypot(centreX[b] - x, centreY[b] - y) + (areas[b] / Double.pi).squareRoot() }
        var d2 = 0.0
        for k in xs.indices {
            let dx = xs[k] - x, dy = ys[k] - y
            d2 = Swift.max(d2, dx * dx + dy * dy)
        }
        return d2.squareRoot()
    }

    /// Convex hull of points (Andrew's monotone chain), counter-clockwise, without repeating the first.
    public static func convexHull(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        let p = points.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        guard p.count > 2 else { return p }
        func cross(_ o: (x: Double, y: Double), _ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower: [(x: Double, y: Double)] = [], upper: [(x: Double, y: Double)] = []
        for q in p {
            while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], q) <= 0 { lower.removeLast() }
            lower.append(q)
        }
        for q in p.reversed() {
            while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], q) <= 0 { upper.removeLast() }
            upper.append(q)
        }
        return Array(lower.dropLast() + upper.dropLast())
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
    /// Most residents in a grid (nil: no cap): a bound like the household maximum.
    public var maxResidents: Double?
    /// Longest distance in metres from a grid's centre (centroid) to its farthest point (nil: none). The
    /// search avoids exceeding it, second to the household and resident bounds.
    public var maxRadius: Double?

    public init(target: Double = 400, min: Double = 300, max: Double = 500, count: Int? = nil, countSpread: Double? = nil,
                maxResidents: Double? = nil, maxRadius: Double? = nil) {
        self.target = target; self.min = min; self.max = max; self.count = count; self.countSpread = countSpread
        self.maxResidents = maxResidents; self.maxRadius = maxRadius
    }

    /// The targets for one parent of `households`: with a count and a spread, the mean and ± spread.
    public func resolved(households: Double) -> Targets {
        guard let count, let countSpread else { return self }
        let mean = households / Double(Swift.max(count, 1))
        return Targets(target: mean, min: mean * (1 - countSpread), max: mean * (1 + countSpread), count: count,
                       maxResidents: maxResidents, maxRadius: maxRadius)
    }

    /// Whether a grid of `households` and `residents` meets the bounds (households and the residents cap).
    public func within(households: Double, residents: Double) -> Bool {
        households >= min - 1e-9 && households <= max + 1e-9 && residents <= (maxResidents ?? .infinity) + 1e-9
    }

    /// How many grids hold `households` (and `residents`) best: within bounds if any number can, nearest the target.
    func gridCount(for households: Double, residents: Double = 0) -> Int {
        guard households > 0 else { return 1 }
        var residentsLo = 1
        if let maxResidents, maxResidents > 0 { residentsLo = Int((residents / maxResidents).rounded(.up)) }
        let lo = Swift.max(Int((households / max).rounded(.up)), residentsLo), hi = Int((households / min).rounded(.down))
        let ideal = Swift.max(1, Int((households / target).rounded()))
        return lo <= hi ? Swift.min(Swift.max(ideal, lo), hi) : Swift.max(ideal, residentsLo)
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
    /// Blocks that must stay in a given region: locked grids in a redraw, dedicated grids in a fresh
    /// partition. Their regions are exempt from the bounds and never change.
    public var fixed: [Int: Int] = [:]
    /// Seed blocks (gridders' bases): in a fresh partition, one region grows from each (the number of
    /// regions of a component is the number of seed blocks in it), and a seed block never leaves its region,
    /// so that every region keeps exactly one seed.
    public var seeds: [Int] = []
    /// Weight of the balance term against compactness in the cost (per region: λ·((h−mean)/(max−min))² + (1−PP)).
    /// 1 keeps every grid well inside the bounds while letting compactness count (measured with
    /// tools/bench-partition: 4 gave max deviations ~20 % lower but Polsby–Popper 0.05–0.09 lower).
    public var balanceWeight = 1.0
    public var restarts = 6
    /// In a redraw, the parent of each existing grid: blocks move only between grids of one parent,
    /// so that a redraw of units under a community keeps them inside their areas.
    public var regionGroups: [Int]? = nil
    public var maxPasses = 200
    /// Households of violation per metre over the maximum radius: the radius gives way to the household
    /// and resident bounds (100 m over weighs as one household over), but is avoided when they allow it.
    public var radiusWeight = 0.01
    /// Households of violation for a region that surrounds a fixed (dedicated) block on every side: the grid
    /// would have a hole. Below the bounds (a grid 10 households over weighs as much), above compactness.
    public var enclosureWeight = 10.0

    public init(graph: BlockGraph, targets: Targets) {
        self.graph = graph
        self.targets = targets
    }

    /// Blocks (not fixed) that alone hold more households than the maximum, or more residents than the
    /// cap: each becomes a grid of its own.
    public var oversizeBlocks: [Int] {
        (0..<graph.count).filter {
            fixed[$0] == nil && (graph.households[$0] > targets.max || graph.residents[$0] > (targets.maxResidents ?? .infinity))
        }
    }

    /// A region per block.
    public struct Solution: Sendable {
        public var region: [Int]
        public var regionCount: Int
        /// Sum over regions not fixed of households below the minimum or above the maximum, plus residents
        /// over the cap (weighted as households: max households / max residents each) and metres over the
        /// maximum radius (``RegionBuilder/radiusWeight`` each).
        public var violation: Double
        public var cost: Double
    }

    // MARK: Fresh partition

    /// Partitions from scratch; the result for a given seed is always the same.
    /// Without a fixed count or seeds, when no restart meets the bounds, one grid more or fewer per
    /// component is tried too (still within the numbers that could meet them).
    public func partition(seed: UInt64) -> Solution {
        var best: Solution? = nil
        let offsets = targets.count == nil && seeds.isEmpty ? [0, 1, -1, 2, -2] : [0]
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
    /// by farthest-point sampling refined by weighted k-means (or the given seed blocks), then the lightest
    /// region takes the free neighbouring block nearest its centre until no block is free.
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
        var given: [[Int]] = components.map { _ in [] }
        if !seeds.isEmpty {
            var componentOf = [Int](repeating: -1, count: n)
            for (i, c) in components.enumerated() { for b in c { componentOf[b] = i } }
            var used = Set<Int>()
            for b in seeds where componentOf[b] >= 0 && used.insert(b).inserted { given[componentOf[b]].append(b) }
        }
        var counts = regionCounts(components)
        for i in components.indices where !given[i].isEmpty { counts[i] = given[i].count }
        if countOffset != 0 {
            for (i, component) in components.enumerated() {
                let w = component.reduce(0.0) { $0 + graph.households[$1] }
                let k = counts[i] + countOffset
                guard k >= 1, k <= component.count, w / Double(k) >= targets.min * 0.9, w / Double(k) <= targets.max * 1.1 else { return nil }
                counts[i] = k
            }
        }
        for (i, (component, k)) in zip(components, counts).enumerated() {
            let seeds = given[i].isEmpty ? chooseSeeds(component, k: k, &rng) : given[i]
            var weight = [Double](repeating: 0, count: seeds.count)
            var frontier = [Set<Int>](repeating: [], count: seeds.count)
            let first = next
            for (i, s) in seeds.enumerated() {
                region[s] = first + i
                weight[i] = graph.households[s]
            }
            for (i, s) in seeds.enumerated() { frontier[i] = Set(graph.adjacent[s].filter { region[$0] < 0 }) }
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
        let lockedValues = Set(lockedRegions.values)
        var changed = true
        while changed {
            changed = false
            for b in 0..<n where region[b] < 0 {
                if let r = graph.adjacent[b].map({ region[$0] }).filter({ $0 >= 0 && !lockedValues.contains($0) }).min() {
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
    /// (largest remainder, at least one each). Fixed (dedicated) blocks are not counted.
    func regionCounts(_ components: [[Int]]) -> [Int] {
        let weights = components.map { $0.reduce(0.0) { $0 + graph.households[$1] } }
        guard let total = targets.count else {
            return components.map { c in
                targets.gridCount(for: c.reduce(0.0) { $0 + graph.households[$1] }, residents: c.reduce(0.0) { $0 + graph.residents[$1] })
            }
        }
        let remaining = Swift.max(components.count, total - oversizeBlocks.count)
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
        // First, chains of moves (one block or two neighbouring ones at a time) through grids within bounds
        // to one with room (or a surplus), cheapest in households first, while they lower the violation;
        // then single moves fixing the most violation per household.
        func chains(_ state: inout State) {
            var failed = Set<Int>()
            for _ in 0..<(4 * state.weight.count) where state.solution.violation > 0 {
                guard state.ejectionChain(original: initial, failed: &failed) else { break }
                state.improve(&rng, mode: .fewestMoves, maxPasses: maxPasses * 10)
            }
        }
        chains(&state)
        state.improve(&rng, mode: .fewestMoves, maxPasses: maxPasses * 10)
        var rounds = 0
        while state.solution.violation > 0 && rounds < 20 {
            let before = state.solution.violation
            state.improve(&rng, mode: .makeRoom(original: initial), maxPasses: 3)
            state.improve(&rng, mode: .fewestMoves, maxPasses: maxPasses * 10)
            chains(&state)
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
        let graph: BlockGraph
        let targets: Targets
        let balanceWeight: Double
        /// Balance against households leaving their grid when a redraw makes room: a redraw must fix
        /// bounds with few moves, so balance weighs more here than in a fresh plan's cost.
        static let makeRoomBalanceWeight = 4.0
        let radiusWeight: Double
        let regionGroups: [Int]?
        var region: [Int]
        var members: [Set<Int>]
        var weight: [Double]
        var residents: [Double]
        var area: [Double]
        var perimeter: [Double]
        /// Area-weighted sums of block centres: the region's centroid is (sx, sy) / area.
        var sx: [Double]
        var sy: [Double]
        /// Centroid to farthest point, metres (kept only with a maximum radius).
        var radius: [Double]
        let locked: Set<Int>
        /// `locked` as a flag per region (fast to test).
        let isLocked: [Bool]
        /// Seed blocks: they never move.
        let anchored: Set<Int>
        let isAnchored: [Bool]
        let mean: Double
        let radiusOn: Bool
        let residentsScale: Double
        /// Fixed single-block regions away from the parent's edge: for each, its neighbours (any shared
        /// boundary). A region holding all of them surrounds it.
        let enclaveNeighbours: [Int: [Int]]
        /// For each block, the fixed blocks it borders (keys of `enclaveNeighbours`).
        let bordersEnclave: [Int: [Int]]
        /// How many fixed blocks each region surrounds.
        var enclosed: [Int]

        init(_ builder: RegionBuilder, region: [Int]) {
            self.builder = builder
            self.region = region
            let graph = builder.graph
            self.graph = graph
            targets = builder.targets
            balanceWeight = builder.balanceWeight
            radiusWeight = builder.radiusWeight
            regionGroups = builder.regionGroups
            let k = (region.max() ?? -1) + 1
            members = Array(repeating: [], count: k)
            weight = Array(repeating: 0, count: k); residents = weight; area = weight; perimeter = weight; sx = weight; sy = weight
            radius = weight
            for (b, r) in region.enumerated() {
                members[r].insert(b)
                weight[r] += graph.households[b]
                residents[r] += graph.residents[b]
                area[r] += graph.areas[b]
                sx[r] += graph.areas[b] * graph.centreX[b]
                sy[r] += graph.areas[b] * graph.centreY[b]
                perimeter[r] += graph.perimeters[b]
                for (nb, length) in graph.shared[b] where region[nb] == r { perimeter[r] -= length }
            }
            var locked = Set(builder.fixed.keys.map { region[$0] })
            for b in builder.oversizeBlocks where members[region[b]].count == 1 { locked.insert(region[b]) }
            self.locked = locked
            isLocked = (0..<k).map { locked.contains($0) }
            anchored = Set(builder.seeds)
            var flags = [Bool](repeating: false, count: region.count)
            for b in builder.seeds where b < flags.count { flags[b] = true }
            isAnchored = flags
            let free = (0..<k).filter { !locked.contains($0) }
            let weights = weight
            mean = free.isEmpty ? builder.targets.target : free.reduce(0.0) { $0 + weights[$1] } / Double(free.count)
            radiusOn = builder.targets.maxRadius != nil
            residentsScale = builder.targets.maxResidents.map { builder.targets.max / Swift.max($0, 1) } ?? 0
            var neighbours: [Int: [Int]] = [:], borders: [Int: [Int]] = [:]
            var perRegion: [Int: Int] = [:]
            for (_, r) in builder.fixed { perRegion[r, default: 0] += 1 }
            for (d, r) in builder.fixed.sorted(by: { $0.key < $1.key }) where perRegion[r] == 1 {
                let shared = graph.shared[d].filter { $0.length > 0 }
                let outside = graph.perimeters[d] - shared.reduce(0.0) { $0 + $1.length }
                guard outside <= 1, !shared.isEmpty else { continue }
                neighbours[d] = shared.map(\.block)
                for n in shared.map(\.block) { borders[n, default: []].append(d) }
            }
            enclaveNeighbours = neighbours
            bordersEnclave = borders
            enclosed = Array(repeating: 0, count: k)
            for (_, list) in neighbours {
                let r = region[list[0]]
                if list.allSatisfy({ region[$0] == r }) { enclosed[r] += 1 }
            }
            if radiusOn { for r in 0..<k { radius[r] = radiusOf(r) } }
        }

        /// The fixed blocks region `r` would surround after block `b` joins it (`adding`) or leaves it.
        func enclosedCount(_ r: Int, changing b: Int, adding: Bool) -> Int {
            guard let ds = bordersEnclave[b] else { return enclosed[r] }
            var n = enclosed[r]
            for d in ds {
                let list = enclaveNeighbours[d]!
                let before = list.allSatisfy { region[$0] == r }
                let after = list.allSatisfy { $0 == b ? adding : region[$0] == r }
                if before && !after { n -= 1 } else if !before && after { n += 1 }
            }
            return n
        }

        /// The radius of region `r`, with block `adding` added or `removing` taken away; only its excess
        /// over the maximum matters, so a radius within it may come back as any value not above it (blocks
        /// whose bound is within the maximum are not measured exactly).
        func radiusOf(_ r: Int, adding: Int? = nil, removing: Int? = nil) -> Double {
            var a = area[r], x = sx[r], y = sy[r]
            if let b = adding { a += graph.areas[b]; x += graph.areas[b] * graph.centreX[b]; y += graph.areas[b] * graph.centreY[b] }
            if let b = removing { a -= graph.areas[b]; x -= graph.areas[b] * graph.centreX[b]; y -= graph.areas[b] * graph.centreY[b] }
            guard a > 0 else { return 0 }
            let cx = x / a, cy = y / a
            var d = 0.0
            let floor = targets.maxRadius ?? 0
            func visit(_ b: Int) {
                let bound = hypot(graph.centreX[b] - cx, graph.centreY[b] - cy) + graph.reach[b]
                if bound <= Swift.max(d, floor) { return }
                d = Swift.max(d, graph.farthest(b, fromX: cx, y: cy))
            }
            for b in members[r] where b != removing { visit(b) }
            if let b = adding { visit(b) }
            return d
        }

        /// Violation of a region of `w` households, `res` residents and radius `rad`.
        func violation(_ w: Double, _ res: Double, _ rad: Double, _ enclaves: Int = 0) -> Double {
            let t = targets
            var v = Swift.max(0, t.min - w) + Swift.max(0, w - t.max)
            if let cap = t.maxResidents { v += residentsScale * Swift.max(0, res - cap) }
            if radiusOn, let m = t.maxRadius { v += radiusWeight * Swift.max(0, rad - m) }
            return v + builder.enclosureWeight * Double(enclaves)
        }

        /// Violation of region `r` as it is (zero for locked regions: they are exempt).
        func violation(of r: Int) -> Double {
            isLocked[r] ? 0 : violation(weight[r], residents[r], radius[r], enclosed[r])
        }

        func cost(weight w: Double, area a: Double, perimeter p: Double) -> Double {
            let spread = Swift.max(targets.max - targets.min, 1)
            let d = (w - mean) / spread
            let pp = p > 0 ? 4 * Double.pi * a / (p * p) : 0
            return balanceWeight * d * d + (1 - pp)
        }

        var totalViolation: Double {
            var v = 0.0
            for r in 0..<weight.count { v += violation(of: r) }
            return v
        }

        var solution: Solution {
            var c = 0.0
            for r in 0..<weight.count { c += cost(weight: weight[r], area: area[r], perimeter: perimeter[r]) }
            return Solution(region: region, regionCount: weight.count, violation: totalViolation, cost: c)
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

        /// Whether block `b` may leave its region at all (not locked, not a seed, not the last block).
        func movable(_ b: Int) -> Bool {
            let from = region[b]
            return !isLocked[from] && !isAnchored[b] && members[from].count > 1
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
            residents[from] -= graph.residents[b]; residents[target] += graph.residents[b]
            area[from] -= graph.areas[b]; area[target] += graph.areas[b]
            let ax = graph.areas[b] * graph.centreX[b], ay = graph.areas[b] * graph.centreY[b]
            sx[from] -= ax; sy[from] -= ay; sx[target] += ax; sy[target] += ay
            if bordersEnclave[b] != nil {
                enclosed[from] = enclosedCount(from, changing: b, adding: false)
                enclosed[target] = enclosedCount(target, changing: b, adding: true)
            }
            members[from].remove(b); members[target].insert(b)
            region[b] = target
            if radiusOn { radius[from] = radiusOf(from); radius[target] = radiusOf(target) }
        }

        /// The change in violation and in cost if block `b` moved to region `t`; `balance` is the change
        /// in the squared deviations from the mean alone.
        func delta(_ b: Int, to t: Int) -> (dv: Double, dc: Double, balance: Double) {
            let from = region[b]
            var toFrom = 0.0, toT = 0.0
            for (nb, length) in graph.shared[b] {
                if region[nb] == from { toFrom += length } else if region[nb] == t { toT += length }
            }
            return delta(b, to: t, toFrom: toFrom, toT: toT)
        }

        /// As ``delta(_:to:)``, given the boundary `b` shares with its region and with `t`.
        func delta(_ b: Int, to t: Int, toFrom: Double, toT: Double) -> (dv: Double, dc: Double, balance: Double) {
            let from = region[b]
            let h = graph.households[b], p = graph.residents[b]
            let wFrom = weight[from] - h, aFrom = area[from] - graph.areas[b]
            let pFrom = perimeter[from] - graph.perimeters[b] + 2 * toFrom
            let wT = weight[t] + h, aT = area[t] + graph.areas[b], pT = perimeter[t] + graph.perimeters[b] - 2 * toT
            let rFrom = radiusOn ? radiusOf(from, removing: b) : 0, rT = radiusOn ? radiusOf(t, adding: b) : 0
            let eFrom = bordersEnclave[b] == nil ? enclosed[from] : enclosedCount(from, changing: b, adding: false)
            let eT = bordersEnclave[b] == nil ? enclosed[t] : enclosedCount(t, changing: b, adding: true)
            let dv = violation(wFrom, residents[from] - p, rFrom, eFrom) + violation(wT, residents[t] + p, rT, eT)
                - violation(of: from) - violation(of: t)
            let dc = cost(weight: wFrom, area: aFrom, perimeter: pFrom) + cost(weight: wT, area: aT, perimeter: pT)
                - cost(weight: weight[from], area: area[from], perimeter: perimeter[from]) - cost(weight: weight[t], area: area[t], perimeter: perimeter[t])
            let spread = Swift.max(targets.max - targets.min, 1)
            func d2(_ w: Double) -> Double { let d = (w - mean) / spread; return d * d }
            return (dv, dc, d2(wFrom) + d2(wT) - d2(weight[from]) - d2(weight[t]))
        }

        /// Regions out of bounds, and those within `rings` steps of them.
        func around(_ rings: Int) -> Set<Int> {
            var near = Set((0..<weight.count).filter { violation(of: $0) > 0 })
            var ring = near
            for _ in 0..<rings {
                var next = Set<Int>()
                for r in ring { for b in members[r] { for nb in graph.adjacent[b] where !near.contains(region[nb]) { next.insert(region[nb]) } } }
                near.formUnion(next)
                ring = next
            }
            return near
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
            if bestRegion != region { self = State(builder, region: bestRegion) }
        }

        /// Ejection chains for a redraw: for a region out of bounds, the cheapest chain (in households
        /// leaving their original grid) of single-block moves that passes households on through grids until
        /// one can take them (over-full) or give them (under-full), every grid in the chain ending within
        /// the bounds and connected. The full excess or deficit is looked for first, then any part of it.
        /// Applies the first chain that lowers the total violation; returns whether one did. Regions for
        /// which none is found go to `failed` and are not tried again.
        mutating func ejectionChain(original: [Int], failed: inout Set<Int>, maxDepth: Int = 6, maxNodes: Int = 4000) -> Bool {
            let t = targets
            let cap = t.maxResidents ?? .infinity
            let candidates = (0..<weight.count).filter { violation(of: $0) > 0 && !failed.contains($0) }
                .sorted { (violation(of: $0), -$0) > (violation(of: $1), -$1) }
            for origin in candidates {
                let over = weight[origin] > t.max + 1e-9 || residents[origin] > cap + 1e-9
                let under = weight[origin] < t.min - 1e-9
                guard over || under else { failed.insert(origin); continue }
                let ranges: [(Double, Double)] = over
                    ? [(Swift.max(weight[origin] - t.max, 0.5), weight[origin] - t.min), (0.5, weight[origin] - t.min)]
                    : [(t.min - weight[origin], t.max - weight[origin]), (0.5, t.max - weight[origin])]
                var applied = false
                for (lo, hi) in ranges where lo <= hi {
                    guard let chain = cheapestChain(from: origin, push: over, lo: lo, hi: hi, original: original,
                                                    maxDepth: maxDepth, maxNodes: maxNodes) else { continue }
                    let before = totalViolation
                    for step in chain { for b in step.blocks { move(b, to: step.to) } }
                    if totalViolation < before - 1e-9 { applied = true; break }
                    for step in chain.reversed() { for b in step.blocks { move(b, to: step.from) } }
                }
                if applied { return true }
                failed.insert(origin)
            }
            return false
        }

        /// Blocks moved together from a region to another.
        typealias Step = (blocks: [Int], from: Int, to: Int)

        /// Dijkstra over chains of moves (one block, or two neighbouring blocks) out of (`push`) or into
        /// `origin`, by households leaving their original grid.
        func cheapestChain(from origin: Int, push: Bool, lo: Double, hi: Double, original: [Int], maxDepth: Int, maxNodes: Int) -> [Step]? {
            let t = targets
            struct Node { var cost: Double; var steps: [Step]; var region: Int; var lo: Double; var hi: Double; var changed: [Int]; var done: Bool }
            func connected(_ set: Set<Int>) -> Bool {
                guard let start = set.first else { return false }
                var seen: Set<Int> = [start], stack = [start]
                while let x = stack.popLast() {
                    for nb in graph.adjacent[x] where set.contains(nb) && seen.insert(nb).inserted { stack.append(nb) }
                }
                return seen.count == set.count
            }
            func price(_ blocks: [Int], from: Int) -> Double {
                blocks.reduce(1e-3) { $0 + graph.households[$1] * (original[$1] == from ? 1 : 0.25) }
            }
            /// One block, or it and a neighbour in the same set, that `set` can give and stay connected.
            func units(_ b: Int, in set: Set<Int>, excluding: [Int]) -> [[Int]] {
                var result: [[Int]] = []
                let pairs = graph.adjacent[b].filter { set.contains($0) && !excluding.contains($0) && !anchored.contains($0) }.map { [b, $0] }
                for unit in [[b]] + pairs {
                    guard unit.count < set.count else { continue }
                    var rest = set
                    for x in unit { rest.remove(x) }
                    if connected(rest) { result.append(unit) }
                }
                return result
            }
            var frontier = [Node(cost: 0, steps: [], region: origin, lo: lo, hi: hi, changed: [], done: false)]
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
                if push {
                    for b in current.sorted() where !node.changed.contains(b) && !anchored.contains(b) {
                        var targets = Set<Int>()
                        for nb in graph.adjacent[b] {
                            let to = region[nb]
                            if !current.contains(nb), !inChain.contains(to), !locked.contains(to), compatible(node.region, to) { targets.insert(to) }
                        }
                        if targets.isEmpty { continue }
                        for unit in units(b, in: current, excluding: node.changed) {
                            let h = unit.reduce(0.0) { $0 + graph.households[$1] }
                            guard h >= node.lo - 1e-9, h <= node.hi + 1e-9 else { continue }
                            for to in targets.sorted() {
                                let w = weight[to] + h
                                let steps = node.steps + [(blocks: unit, from: node.region, to: to)]
                                let cost = node.cost + price(unit, from: node.region)
                                if w <= t.max + 1e-9 {
                                    if w >= t.min - 1e-9 || weight[to] < t.min { frontier.append(Node(cost: cost, steps: steps, region: to, lo: 0, hi: 0, changed: unit, done: true)) }
                                } else {
                                    frontier.append(Node(cost: cost, steps: steps, region: to, lo: w - t.max, hi: w - t.min, changed: unit, done: false))
                                }
                            }
                        }
                    }
                } else {
                    var offered = Set<Int>()
                    for a in current { for nb in graph.adjacent[a] where !current.contains(nb) { offered.insert(nb) } }
                    for b in offered.sorted() where !anchored.contains(b) {
                        let from = region[b]
                        guard from != node.region, !inChain.contains(from), !locked.contains(from), compatible(node.region, from) else { continue }
                        for unit in units(b, in: members[from], excluding: []) {
                            let h = unit.reduce(0.0) { $0 + graph.households[$1] }
                            guard h >= node.lo - 1e-9, h <= node.hi + 1e-9 else { continue }
                            let w = weight[from] - h
                            let steps = node.steps + [(blocks: unit, from: from, to: node.region)]
                            let cost = node.cost + price(unit, from: from)
                            if w >= t.min - 1e-9 {
                                if w <= t.max + 1e-9 || weight[from] > t.max { frontier.append(Node(cost: cost, steps: steps, region: from, lo: 0, hi: 0, changed: unit, done: true)) }
                            } else {
                                frontier.append(Node(cost: cost, steps: steps, region: from, lo: t.min - w, hi: t.max - w, changed: unit, done: false))
                            }
                        }
                    }
                }
            }
            return nil
        }

        /// Whether blocks may move between regions `a` and `b`.
        func compatible(_ a: Int, _ b: Int) -> Bool {
            guard let groups = regionGroups, a < groups.count, b < groups.count else { return true }
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
                guard movable(b) else { continue }
                let a = region[b]
                let before = solution
                var done = false
                for t in Set(graph.adjacent[b].map { region[$0] }).sorted() where t != a && !locked.contains(t) && members[t].count > 1 && compatible(a, t) {
                    let partners = members[t].filter { c in !anchored.contains(c) && graph.adjacent[c].contains { region[$0] == a } && c != b }.sorted()
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
                if case .makeRoom = mode { near = around(2) }
                var order = Array(0..<n)
                order.shuffle(using: &rng)
                for b in order {
                    guard movable(b) else { continue }
                    let from = region[b]
                    if case .makeRoom = mode, !near.contains(from) { continue }
                    var targets = Set<Int>()
                    for nb in graph.adjacent[b] where region[nb] != from && !isLocked[region[nb]] && compatible(from, region[nb]) { targets.insert(region[nb]) }
                    if targets.isEmpty { continue }
                    let h = graph.households[b]
                    var toFrom = 0.0
                    var toRegion: [Int: Double] = [:]
                    for (nb, length) in graph.shared[b] {
                        if region[nb] == from { toFrom += length } else { toRegion[region[nb], default: 0] += length }
                    }
                    var best: (target: Int, dv: Double, dc: Double)? = nil
                    for t in targets.sorted() {
                        let (dv, dc, balance) = delta(b, to: t, toFrom: toFrom, toT: toRegion[t] ?? 0)
                        switch mode {
                        case .balanceThenCompactness:
                            guard dv < -1e-9 || (abs(dv) <= 1e-9 && dc < -1e-9) else { continue }
                            if best == nil || (dv, dc) < (best!.dv, best!.dc) { best = (t, dv, dc) }
                        case .makeRoom(let original):
                            // Balance only (no compactness), and a cost for every household leaving its grid.
                            let stay = original[b] == from ? h / Swift.max(mean, 1) : original[b] == t ? -h / Swift.max(mean, 1) : 0
                            let score = Self.makeRoomBalanceWeight * balance + 0.5 * stay
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
