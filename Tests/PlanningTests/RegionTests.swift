import Testing
@testable import Planning

/// The aggregation alone, on lattice graphs whose answers are known.
@Suite struct RegionTests {
    /// An n×n lattice of 100 m square blocks; households from `weight(row, column)`.
    func lattice(_ n: Int, weight: (Int, Int) -> Double) -> BlockGraph {
        var hh: [Double] = [], cx: [Double] = [], cy: [Double] = []
        var shared: [[(block: Int, length: Double)]] = []
        for r in 0..<n {
            for c in 0..<n {
                hh.append(weight(r, c)); cx.append(Double(c) * 100 + 50); cy.append(Double(r) * 100 + 50)
                var s: [(block: Int, length: Double)] = []
                if r > 0 { s.append((block: (r - 1) * n + c, length: 100)) }
                if c > 0 { s.append((block: r * n + c - 1, length: 100)) }
                if c < n - 1 { s.append((block: r * n + c + 1, length: 100)) }
                if r < n - 1 { s.append((block: (r + 1) * n + c, length: 100)) }
                shared.append(s)
            }
        }
        return BlockGraph(households: hh, residents: hh.map { $0 * 3 }, areas: hh.map { _ in 10_000 },
                          perimeters: hh.map { _ in 400 }, centreX: cx, centreY: cy, shared: shared, toleranceM: 1)
    }

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
        let graph = BlockGraph(households: [1, 1], residents: [0, 0], areas: [1, 1], perimeters: [4, 4], centreX: [0, 1], centreY: [0, 1],
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
}
