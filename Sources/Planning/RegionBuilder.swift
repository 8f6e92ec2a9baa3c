import Foundation

/// Groups blocks into contiguous regions meeting household bounds: seeded region growing, then a
/// local search moving boundary blocks (as AZP does) that lowers the bound violation first, then a
/// cost mixing balance and Polsby–Popper compactness, never breaking contiguity.
///
/// This type holds the settings and runs the strategies in order; the strategies themselves are in
/// Search/ (region growing, hill climbing, swap pass, tabu search, ejection chains) over one
/// ``State``, and what they minimise is the ``Objective``.
package struct RegionBuilder {
    package let graph: BlockGraph
    package let targets: Targets
    /// Blocks that must stay in a given region: locked grids in a redraw, dedicated grids in a fresh
    /// partition. Their regions are exempt from the bounds and never change.
    package var fixed: [Int: Int] = [:]
    /// Seed blocks (gridders' bases): in a fresh partition, one region grows from each (the number of
    /// regions of a component is the number of seed blocks in it), and a seed block never leaves its region,
    /// so that every region keeps exactly one seed.
    package var seeds: [Int] = []
    /// The weights of violation and cost.
    package var objective = Objective()
    package var restarts = 6
    /// In a redraw, the parent of each existing grid: blocks move only between grids of one parent,
    /// so that a redraw of units under a community keeps them inside their areas.
    package var regionGroups: [Int]? = nil
    package var maxPasses = 200

    package init(graph: BlockGraph, targets: Targets) {
        self.graph = graph
        self.targets = targets
    }

    /// Blocks (not fixed) that alone hold more households than the maximum, or more residents than the
    /// cap: each becomes a grid of its own.
    package var oversizeBlocks: [Int] {
        (0..<graph.count).filter {
            fixed[$0] == nil && (graph.households[$0] > targets.max || graph.residents[$0] > (targets.maxResidents ?? .infinity))
        }
    }

    /// A region per block.
    package struct Solution: Sendable {
        package var region: [Int]
        package var regionCount: Int
        /// Sum over regions not fixed of households below the minimum or above the maximum, plus residents
        /// over the cap (weighted as households: max households / max residents each) and metres over the
        /// maximum radius (``Objective/radiusWeight`` each).
        package var violation: Double
        package var cost: Double
    }

    // MARK: Fresh partition

    /// Partitions from scratch; the result for a given seed is always the same.
    /// Without a fixed count or seeds, when no restart meets the bounds, one grid more or fewer per
    /// component is tried too (still within the numbers that could meet them).
    package func partition(seed: UInt64) -> Solution {
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

    // MARK: Redraw

    /// Starts from an existing region per block and moves only the blocks needed to bring regions
    /// within bounds, preferring moves that fix the most violation per household moved.
    ///
    /// When single moves that lower the violation run out first (every neighbour of an over-full grid
    /// is nearly full too), grids next to a violating one may pass blocks on to make room: moves that
    /// keep the violation and improve balance by more than the households they move, then again
    /// moves that lower the violation.
    package func redraw(from initial: [Int], seed: UInt64) -> Solution {
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
}
