import XCTest

@testable import Planning

/// Hill climbing over single boundary-block moves, in each of its modes.
final class HillClimbingTests: XCTestCase {
    /// Four blocks of 100 in a row, three in the first grid: the third block moves over, nothing else.
    func testMovesTheBoundaryBlockThatFixesTheBounds() {
        let graph = SearchFixture.row([100, 100, 100, 100])
        var state = SearchFixture.state(graph, Targets(target: 200, min: 150, max: 250), [0, 0, 0, 1])
        XCTAssertEqual(state.solution.violation, 100)
        var rng = SeededGenerator(seed: 1)
        state.improve(&rng, mode: .balanceThenCompactness, maxPasses: 10)
        XCTAssertEqual(state.region, [0, 0, 1, 1])
        XCTAssertEqual(state.solution.violation, 0)
    }

    /// Within the bounds, a move is still made when it balances the grids and makes them more compact:
    /// a row of three and a single block become two rows of two.
    func testWithinBoundsBalanceAndCompactnessDecide() {
        let graph = SearchFixture.row([100, 100, 100, 100])
        var state = SearchFixture.state(graph, Targets(target: 200, min: 50, max: 350), [0, 0, 0, 1])
        let before = state.solution
        XCTAssertEqual(before.violation, 0)
        var rng = SeededGenerator(seed: 3)
        state.improve(&rng, mode: .balanceThenCompactness, maxPasses: 10)
        XCTAssertEqual(state.region, [0, 0, 1, 1])
        XCTAssertLessThan(state.solution.cost, before.cost)
    }

    /// A redraw moves only what lowers the violation: the lightest block that fixes it, from the
    /// over-full grid to its neighbour with room, and stops there.
    func testFewestMovesMovesOnlyWhatFixesTheViolation() {
        let graph = SearchFixture.row([100, 100, 60, 40, 100])
        var state = SearchFixture.state(graph, Targets(target: 200, min: 140, max: 260), [0, 0, 0, 1, 1])
        XCTAssertEqual(state.solution.violation, 0)
        var rng = SeededGenerator(seed: 1)
        state.improve(&rng, mode: .fewestMoves, maxPasses: 10)
        XCTAssertEqual(state.region, [0, 0, 0, 1, 1], "within bounds: nothing moves")
        let over = SearchFixture.row([100, 100, 100, 40, 100])
        var redraw = SearchFixture.state(over, Targets(target: 200, min: 140, max: 260), [0, 0, 0, 1, 1])
        XCTAssertEqual(redraw.solution.violation, 40)
        redraw.improve(&rng, mode: .fewestMoves, maxPasses: 10)
        XCTAssertEqual(redraw.region, [0, 0, 1, 1, 1])
        XCTAssertEqual(redraw.solution.violation, 0)
    }

    /// An over-full T-shaped grid between two under-full ones: it gives blocks away until all three meet
    /// the bounds, every grid staying in one piece (its centre cannot go while its foot hangs on it).
    func testFixesTheBoundsWithoutBreakingContiguity() {
        // 0 1 2
        // 3 4 5    grid 0: 0 1 2 4 7 (a T), grid 1: 3 6, grid 2: 5 8
        // 6 7 8
        let graph = SearchFixture.lattice(rows: 3, columns: 3, households: Array(repeating: 100, count: 9))
        var state = SearchFixture.state(graph, Targets(target: 300, min: 250, max: 350), [0, 0, 0, 1, 0, 2, 1, 0, 2])
        XCTAssertEqual(state.solution.violation, 250)
        var rng = SeededGenerator(seed: 2)
        state.improve(&rng, mode: .balanceThenCompactness, maxPasses: 10)
        XCTAssertEqual(state.solution.violation, 0)
        XCTAssertTrue(SearchFixture.allConnected(state))
    }
}
