import XCTest

@testable import Planning

/// Swaps of two boundary blocks: for the local optimum no single move can leave.
final class SwapPassTests: XCTestCase {
    // 0 1 2 3
    // 4 5 6 7      two L-shaped grids of four: 0 1 2 4 and 3 5 6 7
    let graph = SearchFixture.lattice(rows: 2, columns: 4, households: Array(repeating: 100, count: 8))
    let targets = Targets(target: 400, min: 350, max: 450)
    let ls = [0, 0, 0, 1, 0, 1, 1, 1]

    /// Every single move breaks a bound (a grid of 300 and one of 500), so hill climbing keeps the Ls.
    func testSingleMovesCannotUntangleTheLs() {
        var state = SearchFixture.state(graph, targets, ls)
        var rng = SeededGenerator(seed: 1)
        state.improve(&rng, mode: .balanceThenCompactness, maxPasses: 10)
        XCTAssertEqual(state.region, ls)
    }

    /// Swapping 2 and 5 makes two squares: the only swap that keeps both grids in one piece.
    func testSwapMakesTwoSquares() {
        var state = SearchFixture.state(graph, targets, ls)
        let before = state.solution
        var rng = SeededGenerator(seed: 1)
        XCTAssertTrue(state.swapPass(&rng))
        XCTAssertEqual(state.region, [0, 0, 1, 1, 0, 0, 1, 1])
        XCTAssertEqual(state.solution.violation, 0)
        XCTAssertLessThan(state.solution.cost, before.cost)
        XCTAssertFalse(state.swapPass(&rng), "two squares: no swap improves them")
    }

    /// Seed blocks (anchored) never move, so no swap is made with one.
    func testAnchoredBlocksDoNotSwap() {
        var builder = RegionBuilder(graph: graph, targets: targets)
        builder.seeds = [2, 5]
        var state = RegionBuilder.State(builder, region: ls)
        var rng = SeededGenerator(seed: 1)
        XCTAssertFalse(state.swapPass(&rng))
        XCTAssertEqual(state.region, ls)
    }
}
