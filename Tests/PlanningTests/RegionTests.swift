import Foundation
import Testing

@testable import Planning

/// The aggregation alone, on lattice graphs whose answers are known.
@Suite struct RegionTests {
    /// An n×n lattice of 100 m square blocks; households from `weight(row, column)`.
    func lattice(_ n: Int, columns: Int? = nil, weight: (Int, Int) -> Double, residents: ((Int, Int) -> Double)? = nil) -> BlockGraph {
        let m = columns ?? n
        var hh: [Double] = [], res: [Double] = [], cx: [Double] = [], cy: [Double] = []
        var hulls: [[(x: Double, y: Double)]] = []
        var shared: [[(block: Int, length: Double)]] = []
        for r in 0..<n {
            for c in 0..<m {
                hh.append(weight(r, c)); res.append(residents?(r, c) ?? weight(r, c) * 3)
                cx.append(Double(c) * 100 + 50); cy.append(Double(r) * 100 + 50)
                let (x0, y0) = (Double(c) * 100, Double(r) * 100)
                hulls.append([(x0, y0), (x0 + 100, y0), (x0 + 100, y0 + 100), (x0, y0 + 100)])
                var s: [(block: Int, length: Double)] = []
                if r > 0 { s.append((block: (r - 1) * m + c, length: 100)) }
                if c > 0 { s.append((block: r * m + c - 1, length: 100)) }
                if c < m - 1 { s.append((block: r * m + c + 1, length: 100)) }
                if r < n - 1 { s.append((block: (r + 1) * m + c, length: 100)) }
                shared.append(s)
            }
        }
        return BlockGraph(
            households: hh, residents: res, areas: hh.map { _ in 10_000 },
            perimeters: hh.map { _ in 400 }, centreX: cx, centreY: cy, shared: shared, toleranceM: 1, hulls: hulls)
    }

    /// Exact radius of a union of lattice squares: centroid to the farthest corner.
    func radius(_ graph: BlockGraph, _ members: [Int]) -> Double {
        let cx = members.map { graph.centreX[$0] }.reduce(0, +) / Double(members.count)
        let cy = members.map { graph.centreY[$0] }.reduce(0, +) / Double(members.count)
        var d = 0.0
        for b in members {
            for (dx, dy) in [(-50.0, -50.0), (50.0, -50.0), (50.0, 50.0), (-50.0, 50.0)] {
                d = max(d, hypot(graph.centreX[b] + dx - cx, graph.centreY[b] + dy - cy))
            }
        }
        return d
    }

    func members(_ s: RegionBuilder.Solution, _ r: Int) -> [Int] { s.region.indices.filter { s.region[$0] == r } }

    func isContiguous(_ graph: BlockGraph, _ members: [Int]) -> Bool {
        let set = Set(members)
        var seen: Set<Int> = [members[0]], stack = [members[0]]
        while let b = stack.popLast() {
            for n in graph.adjacent[b] where set.contains(n) && !seen.contains(n) { seen.insert(n); stack.append(n) }
        }
        return seen.count == members.count
    }

    @Test func latticeMeetsBoundsContiguousAndDeterministic() {
        var rng = SeededGenerator(seed: 99)
        let weights = (0..<400).map { _ in Double(rng.next() % 60 + 10) }
        let graph = lattice(20, weight: { weights[$0 * 20 + $1] })
        let total = weights.reduce(0, +)
        let builder = RegionBuilder(graph: graph, targets: Targets())
        let a = builder.partition(seed: 5)
        let b = builder.partition(seed: 5)
        #expect(a.region == b.region)
        #expect(a.regionCount == Targets().gridCount(for: total))
        #expect(a.violation == 0)
        for r in 0..<a.regionCount {
            let members = a.region.indices.filter { a.region[$0] == r }
            #expect(!members.isEmpty)
            #expect(isContiguous(graph, members))
            let h = members.reduce(0.0) { $0 + weights[$1] }
            #expect(h >= 300 && h <= 500)
        }
    }

    @Test func countGivesThatManyRegions() {
        let graph = lattice(10, weight: { _, _ in 20 })
        var targets = Targets(count: 4, countSpread: 0.25)
        targets = targets.resolved(households: 2000)
        let s = RegionBuilder(graph: graph, targets: targets).partition(seed: 1)
        #expect(s.regionCount == 4)
        #expect(s.violation == 0)
    }

    @Test func oversizeBlockIsItsOwnRegion() {
        let graph = lattice(6, weight: { r, c in r == 2 && c == 2 ? 900 : 40 })
        let builder = RegionBuilder(graph: graph, targets: Targets())
        #expect(builder.oversizeBlocks == [14])
        let s = builder.partition(seed: 3)
        let r = s.region[14]
        #expect(s.region.filter { $0 == r }.count == 1)
    }

    /// A corner is not adjacency: two blocks touching at a point stay apart.
    @Test func cornerIsNotAdjacency() {
        let graph = BlockGraph(
            households: [1, 1], residents: [0, 0], areas: [1, 1], perimeters: [4, 4], centreX: [0, 1], centreY: [0, 1],
            shared: [[(block: 1, length: 0.001)], [(block: 0, length: 0.001)]], toleranceM: 1)
        #expect(graph.adjacent == [[], []])
        #expect(graph.components().count == 2)
    }

    /// Redraw: one region over the maximum next to one under; only the blocks needed move.
    @Test func redrawMovesFewBlocks() {
        // 4×4 lattice: left half region 0 (8 blocks of 40 = 320), right half region 1 (4 of 40 and 4 of 100 = 560).
        // Two blocks of 40 must cross (560 − 80 = 480); one is not enough.
        let graph = lattice(4, weight: { _, c in c == 3 ? 100 : 40 })
        let initial = (0..<16).map { $0 % 4 >= 2 ? 1 : 0 }
        let before = [0, 1].map { r in initial.indices.filter { initial[$0] == r }.reduce(0.0) { $0 + graph.households[$1] } }
        #expect(before[1] > 500)
        let s = RegionBuilder(graph: graph, targets: Targets()).redraw(from: initial, seed: 1)
        #expect(s.violation == 0)
        let moved = initial.indices.filter { initial[$0] != s.region[$0] }
        #expect(moved.count == 2)
    }

    /// The residents cap is a bound like the household maximum: 36 blocks of 35 households (1,260: three
    /// grids by households) and 100 residents (3,600) need four grids under a cap of 1,000.
    @Test func residentsCapIsABound() {
        let graph = lattice(6, weight: { _, _ in 35 }, residents: { _, _ in 100 })
        let free = RegionBuilder(graph: graph, targets: Targets()).partition(seed: 2)
        #expect(free.regionCount == 3)
        let capped = RegionBuilder(graph: graph, targets: Targets(maxResidents: 1000)).partition(seed: 2)
        #expect(capped.regionCount == 4)
        #expect(capped.violation == 0)
        for r in 0..<capped.regionCount {
            let m = members(capped, r)
            #expect(m.reduce(0.0) { $0 + graph.residents[$1] } <= 1000)
            #expect(isContiguous(graph, m))
        }
        #expect(Targets(maxResidents: 1000).within(households: 400, residents: 1001) == false)
    }

    /// Redraw: two grids within the household bounds, one over the residents cap: a block carrying many
    /// residents moves to the other grid.
    @Test func redrawBringsResidentsUnderTheCap() {
        // 4×4: left half region 0, right half region 1; 50 households a block; column 2 holds 300 residents a block.
        let graph = lattice(4, weight: { _, _ in 50 }, residents: { _, c in c == 2 ? 300 : 120 })
        let initial = (0..<16).map { $0 % 4 >= 2 ? 1 : 0 }
        let without = RegionBuilder(graph: graph, targets: Targets()).redraw(from: initial, seed: 1)
        #expect(without.region == initial)
        let s = RegionBuilder(graph: graph, targets: Targets(maxResidents: 1500)).redraw(from: initial, seed: 1)
        #expect(s.violation == 0)
        for r in 0..<2 {
            #expect(members(s, r).reduce(0.0) { $0 + graph.residents[$1] } <= 1500)
            #expect(isContiguous(graph, members(s, r)))
        }
        #expect(initial.indices.filter { initial[$0] != s.region[$0] }.count == 1)
    }

    /// The radius the search keeps per region is the exact radius of the union of its blocks.
    @Test func radiusIsExact() {
        let graph = lattice(4, weight: { _, _ in 25 })
        let region = [0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1]
        let state = RegionBuilder.State(RegionBuilder(graph: graph, targets: Targets(maxRadius: 1)), region: region)
        for r in 0..<2 {
            #expect(abs(state.radius[r] - radius(graph, region.indices.filter { region[$0] == r })) < 1e-9)
        }
    }

    /// --max-radius: an L-shaped grid within the household bounds but beyond the radius gives blocks
    /// away until both grids are within it; without a maximum nothing moves.
    @Test func redrawAvoidsExceedingTheRadius() {
        let graph = lattice(4, weight: { _, _ in 25 })
        // Region 0: column 0 and row 3 (an L, 175 households); region 1: the other nine blocks.
        let initial = (0..<16).map { b in (b % 4 == 0 || b / 4 == 3) ? 0 : 1 }
        let targets = Targets(target: 200, min: 100, max: 300)
        #expect(radius(graph, initial.indices.filter { initial[$0] == 0 }) > 290)
        #expect(RegionBuilder(graph: graph, targets: targets).redraw(from: initial, seed: 1).region == initial)
        var limited = targets
        limited.maxRadius = 260
        let s = RegionBuilder(graph: graph, targets: limited).redraw(from: initial, seed: 1)
        #expect(s.violation == 0)
        for r in 0..<2 {
            let m = members(s, r)
            #expect(radius(graph, m) <= 260)
            #expect(isContiguous(graph, m))
            let h = m.reduce(0.0) { $0 + graph.households[$1] }
            #expect(h >= 100 && h <= 300)
        }
    }

    /// A fresh partition with --max-radius: long thin regions are avoided when the bounds allow.
    @Test func partitionKeepsRegionsWithinTheRadius() {
        // A 2×12 strip of 30-household blocks (720): two grids of 360 would be 6×2 blocks (radius ≈ 316 m);
        // with a 250 m maximum, three grids of 240 (4×2, radius ≈ 224 m) fit bounds of 200–400.
        let graph = lattice(2, columns: 12, weight: { _, _ in 30 })
        let targets = Targets(target: 300, min: 200, max: 400)
        let free = RegionBuilder(graph: graph, targets: targets).partition(seed: 4)
        #expect(free.regionCount == 2)
        var limited = targets
        limited.maxRadius = 250
        let s = RegionBuilder(graph: graph, targets: limited).partition(seed: 4)
        #expect(s.violation == 0)
        #expect(s.regionCount == 3)
        for r in 0..<s.regionCount { #expect(radius(graph, members(s, r)) <= 250) }
    }

    /// Seeds: one region grows from each, each region keeps exactly its seed, and their number is the
    /// number of regions.
    @Test func seedsGiveOneRegionEach() {
        let graph = lattice(6, weight: { _, _ in 40 })
        var builder = RegionBuilder(graph: graph, targets: Targets(count: 5, countSpread: 0.25).resolved(households: 1440))
        builder.seeds = [0, 5, 30, 35, 14]
        let s = builder.partition(seed: 9)
        #expect(s.regionCount == 5)
        #expect(Set(builder.seeds.map { s.region[$0] }).count == 5)
        #expect(s.violation == 0)
        for r in 0..<5 { #expect(isContiguous(graph, members(s, r))) }
        // Without a count, the seeds alone give the number of regions.
        var bySeeds = RegionBuilder(graph: graph, targets: Targets(min: 200, max: 400))
        bySeeds.seeds = [0, 35, 17, 20]
        let t = bySeeds.partition(seed: 9)
        #expect(t.regionCount == 4)
        #expect(Set(bySeeds.seeds.map { t.region[$0] }).count == 4)
        #expect(t.violation == 0)
    }

    /// Fixed (dedicated) blocks are regions of their own, exempt from the bounds and not oversize.
    @Test func fixedBlocksAreExempt() {
        let graph = lattice(4, weight: { r, c in r == 0 && c == 0 ? 900 : 50 })
        var builder = RegionBuilder(graph: graph, targets: Targets())
        builder.fixed = [0: -1]
        #expect(builder.oversizeBlocks.isEmpty)
        let s = builder.partition(seed: 1)
        #expect(members(s, s.region[0]) == [0])
        #expect(s.violation == 0)
        #expect(s.regionCount == 1 + 2)
    }

    /// Redraw by an ejection chain: the over-full grid touches only a nearly full one, which passes a block on
    /// to one with room; the fewest households move (40 + 30), and grids not on the chain keep their blocks.
    @Test func redrawPassesBlocksAlongAChain() {
        // 3 rows × 9 columns: regions A (columns 0–2, 520), B (3–5, 490), C (6–8, 350).
        let weights: [[Double]] = [
            [60, 60, 60, 60, 60, 60, 40, 40, 40],
            [60, 60, 40, 60, 60, 30, 40, 40, 30],
            [60, 60, 60, 60, 60, 40, 40, 40, 40],
        ]
        let graph = lattice(3, columns: 9, weight: { weights[$0][$1] })
        let initial = (0..<27).map { ($0 % 9) / 3 }
        let before = (0..<3).map { r in initial.indices.filter { initial[$0] == r }.reduce(0.0) { $0 + graph.households[$1] } }
        #expect(before == [520, 490, 350])
        let s = RegionBuilder(graph: graph, targets: Targets()).redraw(from: initial, seed: 1)
        #expect(s.violation == 0)
        let moved = initial.indices.filter { initial[$0] != s.region[$0] }
        #expect(moved.reduce(0.0) { $0 + graph.households[$1] } == 70, "moved \(moved.map { graph.households[$0] })")
        for r in 0..<3 { #expect(isContiguous(graph, members(s, r))) }
    }
}
