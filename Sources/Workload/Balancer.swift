import Foundation

/// A reassignment problem: grids with loads, people with capacities, who may serve which grid
/// (the radius limit), and who serves each grid now. Pure numbers, so the optimiser can be
/// tested and compared with another solver without a plan.
package struct BalanceInstance: Sendable {
    /// Load of each movable grid.
    package var loads: [Double]
    /// Capacity of each person (positive).
    package var capacities: [Double]
    /// Load each person carries outside the grids being balanced (kept as it is).
    package var fixedLoads: [Double]
    /// The person serving each grid now (nil: nobody).
    package var current: [Int?]
    /// allowed[g][p]: person p may serve grid g (within the radius limit).
    package var allowed: [[Bool]]

    package init(loads: [Double], capacities: [Double], fixedLoads: [Double]? = nil, current: [Int?], allowed: [[Bool]]? = nil) {
        self.loads = loads
        self.capacities = capacities
        self.fixedLoads = fixedLoads ?? Array(repeating: 0, count: capacities.count)
        self.current = current
        self.allowed = allowed ?? Array(repeating: Array(repeating: true, count: capacities.count), count: loads.count)
    }

    package var gridCount: Int { loads.count }
    package var personCount: Int { capacities.count }

    /// The largest load/capacity ratio of an assignment (person index per grid).
    package func maxRatio(_ assignment: [Int]) -> Double { ratios(assignment).max() ?? 0 }

    package func ratios(_ assignment: [Int]) -> [Double] {
        var load = fixedLoads
        for (g, p) in assignment.enumerated() { load[p] += loads[g] }
        return zip(load, capacities).map { $0 / $1 }
    }

    /// Grids whose person differs from the current one (a grid nobody serves always counts).
    package func moves(_ assignment: [Int]) -> Int {
        zip(assignment, current).filter { $0 != $1 }.count
    }
}

/// The optimiser's answer.
package struct BalanceSolution: Sendable {
    /// Person index for every grid.
    package var assignment: [Int]
    package var maxRatio: Double
    /// A proven lower bound on the largest ratio of any assignment.
    package var lowerBound: Double
    package var moves: Int
    /// Whether no assignment has a smaller largest ratio (proven by exhaustive search).
    package var ratioOptimal: Bool
    /// Whether no assignment with this largest ratio changes fewer grids.
    package var movesOptimal: Bool
    package var nodes: Int
    package var seconds: Double
}

package enum BalanceError: Error, CustomStringConvertible {
    /// Grid indices nobody may serve.
    case unreachable([Int])
    case badCapacity(Int)
    /// The radius limit alone forces this many changes, more than allowed.
    case tooFewMoves(Int)

    package var description: String {
        switch self {
        case .unreachable(let g): "grids \(g) have no person within reach"
        case .badCapacity(let p): "person \(p) has no positive capacity"
        case .tooFewMoves(let k): "the radius limit alone moves \(k) grids, more than the moves allowed"
        }
    }
}

/// Minimises the largest load/capacity ratio, then (among assignments that reach it) the number
/// of grids that change hands. Both stages are exact searches with bounds that stop when proven
/// or when the time is up; a greedy start and local search give a good answer at once, so a
/// time-limited run on a large area still returns its best assignment and a proven lower bound.
package enum Balancer {
    /// - Parameter maxMoves: at most this many grids that have a person who may keep them change hands.
    package static func solve(_ instance: BalanceInstance, timeLimit: Double = 1.8, maxMoves: Int? = nil) throws -> BalanceSolution {
        let start = Date()
        let n = instance.gridCount, m = instance.personCount
        for p in 0..<m where !(instance.capacities[p] > 0) { throw BalanceError.badCapacity(p) }
        let unreachable = (0..<n).filter { g in !instance.allowed[g].contains(true) }
        if !unreachable.isEmpty { throw BalanceError.unreachable(unreachable) }
        // 70 % of the time for the least ratio, the rest (and whatever that leaves) for the fewest changes.
        let deadline = start.addingTimeInterval(timeLimit * 0.7)
        let search = Search(instance, deadline: deadline)

        var best: [Int]
        if let maxMoves {
            best = search.keepCurrent()
            let forced = (0..<n).filter { instance.current[$0] != nil && best[$0] != instance.current[$0] }.count
            if forced > maxMoves { throw BalanceError.tooFewMoves(forced) }
        } else {
            best = search.greedy()
            if let now = completeCurrent(instance), instance.maxRatio(now) <= instance.maxRatio(best) { best = now }
            best = search.improve(best)
        }
        var upper = instance.maxRatio(best)
        var lower = lowerBound(instance)
        var proven = upper <= lower * (1 + 1e-12)
        // Bisection on the target ratio: a feasible target lowers the upper bound to the ratio
        // actually found, an infeasible one raises the lower bound. A search that runs out of nodes
        // is tried again just below the best, then with twice the nodes.
        var budget = 20_000
        var tryBelow = false
        while !proven && Date() < deadline {
            let justBelow = upper * (1 - 1e-8) - 1e-12
            let gap = upper - lower
            // Never more than 1 % below the best: near it answers come quickly, far below it proofs are slow.
            let target = tryBelow || gap <= upper * 0.002 ? justBelow : max(lower + gap / 2, upper * 0.99)
            switch search.complete(target: target, nodeBudget: budget, maxCost: maxMoves) {
            case .found(let a):
                best = maxMoves == nil ? search.improve(a) : a
                upper = instance.maxRatio(best)
                tryBelow = false
            case .infeasible:
                lower = max(lower, target)
                if target == justBelow { proven = true }
            case .unknown:
                if target == justBelow { budget *= 2; tryBelow = false } else { tryBelow = true }
            }
            if upper <= lower * (1 + 1e-12) { proven = true }
        }
        if proven { lower = upper }
        // Stage two: the fewest changes among assignments within the best ratio found.
        search.deadline = start.addingTimeInterval(timeLimit)
        let (assignment, movesProven) = search.fewestMoves(target: upper, start: best)
        return BalanceSolution(
            assignment: assignment, maxRatio: instance.maxRatio(assignment), lowerBound: min(lower, upper),
            moves: instance.moves(assignment), ratioOptimal: proven, movesOptimal: movesProven,
            nodes: search.nodes, seconds: Date().timeIntervalSince(start))
    }

    /// The current assignment when every grid has a person who may serve it.
    static func completeCurrent(_ instance: BalanceInstance) -> [Int]? {
        var a: [Int] = []
        for (g, p) in instance.current.enumerated() {
            guard let p, instance.allowed[g][p] else { return nil }
            a.append(p)
        }
        return a
    }

    /// Bounds every assignment obeys: each person's fixed load; each grid given to the person it
    /// raises least; and the whole load spread over everyone as if it could be split (found by
    /// bisection on the ratio, since people start from different fixed loads).
    package static func lowerBound(_ instance: BalanceInstance) -> Double {
        let c = instance.capacities, f = instance.fixedLoads
        var bound = zip(f, c).map { $0 / $1 }.max() ?? 0
        for g in 0..<instance.gridCount {
            let best = (0..<instance.personCount).filter { instance.allowed[g][$0] }.map { (f[$0] + instance.loads[g]) / c[$0] }.min()
            bound = max(bound, best ?? 0)
        }
        let total = instance.loads.reduce(0, +)
        var lo = bound, hi = max(bound, (f.reduce(0, +) + total) / max(c.min() ?? 1, 1e-12))
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            let room = zip(f, c).reduce(0.0) { $0 + max(0, mid * $1.1 - $1.0) }
            if room >= total { hi = mid } else { lo = mid }
        }
        return max(bound, lo)
    }
}
