import Foundation
import GridTestSupport
import Testing
import Workload

/// Every assignment of a tiny instance: the least largest ratio, and the fewest changes reaching it.
func exhaustive(_ inst: BalanceInstance) -> (ratio: Double, moves: Int)? {
    let n = inst.gridCount, m = inst.personCount
    var best: (Double, Int)? = nil
    var a = Array(repeating: 0, count: n)
    func visit(_ g: Int) {
        if g == n {
            let r = inst.maxRatio(a), k = inst.moves(a)
            if let b = best {
                if r < b.0 * (1 - 1e-12) || (r <= b.0 * (1 + 1e-12) && k < b.1) { best = (min(r, b.0), k) }
            } else {
                best = (r, k)
            }
            return
        }
        for p in 0..<m where inst.allowed[g][p] { a[g] = p; visit(g + 1) }
    }
    visit(0)
    return best
}

func randomInstance(_ rng: inout SplitMix, grids: Int, people: Int, reach: Bool) -> BalanceInstance {
    let loads = (0..<grids).map { _ in Double(rng.int(150...700)) }
    let caps = (0..<people).map { _ in Double([500, 1000, 1500, 1500, 2000][rng.int(0...4)]) }
    let fixed = (0..<people).map { _ in rng.int(0...3) == 0 ? Double(rng.int(0...400)) : 0 }
    let current: [Int?] = (0..<grids).map { _ in rng.int(0...9) == 0 ? nil : rng.int(0...(people - 1)) }
    var allowed = (0..<grids).map { _ in (0..<people).map { _ in !reach || rng.int(0...2) > 0 } }
    for g in 0..<grids where !allowed[g].contains(true) { allowed[g][rng.int(0...(people - 1))] = true }
    return BalanceInstance(loads: loads, capacities: caps, fixedLoads: fixed, current: current, allowed: allowed)
}

@Test func balancerMatchesExhaustiveSearch() throws {
    var rng = SplitMix(seed: 16)
    for trial in 0..<60 {
        let inst = randomInstance(&rng, grids: rng.int(4...8), people: rng.int(2...3), reach: trial % 2 == 1)
        let exact = try #require(exhaustive(inst))
        let s = try Balancer.solve(inst, timeLimit: 5)
        #expect(s.ratioOptimal && s.movesOptimal)
        #expect(abs(s.maxRatio - exact.ratio) <= 1e-9 * exact.ratio, "trial \(trial): \(s.maxRatio) vs \(exact.ratio)")
        #expect(s.moves == exact.moves, "trial \(trial): \(s.moves) moves vs \(exact.moves)")
        #expect(s.lowerBound <= exact.ratio * (1 + 1e-9))
        for (g, p) in s.assignment.enumerated() { #expect(inst.allowed[g][p]) }
    }
}

@Test func balancedAreaNeedsNoMoves() throws {
    // Two gridders, each with two grids of 400: already optimal, nothing changes.
    let inst = BalanceInstance(loads: [400, 400, 400, 400], capacities: [1000, 1000], current: [0, 0, 1, 1])
    let s = try Balancer.solve(inst)
    #expect(s.moves == 0 && abs(s.maxRatio - 0.8) < 1e-12 && s.ratioOptimal)
}

@Test func oneMoveEvensTwoGridders() throws {
    // 800 households against 200 next door: one grid moves.
    let inst = BalanceInstance(loads: [400, 400, 200], capacities: [1000, 1000], current: [0, 0, 1])
    let s = try Balancer.solve(inst)
    #expect(abs(s.maxRatio - 0.6) < 1e-12 && s.moves == 1)
}

@Test func radiusLimitIsKept() throws {
    // Grid 2 may only go to person 0, so person 0 keeps it and person 1 takes both others (1.0,
    // not 1.1 as 600 + 500 would be).
    let inst = BalanceInstance(
        loads: [500, 500, 600], capacities: [1000, 1000], current: [0, 0, 0],
        allowed: [[true, true], [true, true], [true, false]])
    let s = try Balancer.solve(inst)
    #expect(s.assignment == [1, 1, 0] && abs(s.maxRatio - 1.0) < 1e-12 && s.moves == 2)
}

@Test func badInstancesAreRefused() {
    #expect(throws: BalanceError.self) {
        try Balancer.solve(BalanceInstance(loads: [1], capacities: [0], current: [0]))
    }
    #expect(throws: BalanceError.self) {
        try Balancer.solve(BalanceInstance(loads: [1, 2], capacities: [1, 1], current: [0, 1], allowed: [[true, true], [false, false]]))
    }
}

@Test func maxMovesLimitsChanges() throws {
    var rng = SplitMix(seed: 7)
    for _ in 0..<10 {
        let inst = randomInstance(&rng, grids: 8, people: 3, reach: false)
        let free = try Balancer.solve(inst, timeLimit: 5)
        let one = try Balancer.solve(inst, timeLimit: 5, maxMoves: 1)
        let withHome = (0..<inst.gridCount).filter { inst.current[$0] != nil && one.assignment[$0] != inst.current[$0] }.count
        #expect(withHome <= 1)
        #expect(one.maxRatio >= free.maxRatio * (1 - 1e-9))
    }
}

@Test func spreadMeasures() {
    let s = Spread([1, 1, 1, 1])
    #expect(s.gini == 0 && s.cv == 0 && s.maxOverMean == 1)
    let t = Spread([0, 0, 0, 4])
    #expect(abs(t.gini - 0.75) < 1e-12 && abs(t.maxOverMean - 4) < 1e-12)
}

/// The same values in any order give the same figures to the last bit (a report built from a
/// dictionary's values printed a different `cv` in each process).
@Test func spreadDoesNotDependOnOrder() {
    var generator = SystemRandomNumberGenerator()
    let values = (0..<500).map { _ in Double.random(in: 0...1_000, using: &generator) }
    let s = Spread(values)
    for _ in 0..<20 {
        let t = Spread(values.shuffled(using: &generator))
        #expect(t.cv == s.cv && t.mean == s.mean && t.gini == s.gini && t.max == s.max)
    }
}
