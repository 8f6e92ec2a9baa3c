import XCTest

@testable import Planning

/// Ejection chains for a redraw: households passed on through full grids to one with room.
final class EjectionChainTests: XCTestCase {
    /// Nine blocks of 100 in a row, bounds 250–350, starting from `original`: the plan after one chain
    /// (if any) and whether one was applied.
    func chain(from original: [Int]) -> (region: [Int], violation: Double, applied: Bool) {
        let graph = SearchFixture.row(Array(repeating: 100, count: 9))
        var state = SearchFixture.state(graph, Targets(target: 300, min: 250, max: 350), original)
        var failed = Set<Int>()
        let applied = state.ejectionChain(original: original, failed: &failed)
        return (state.region, state.solution.violation, applied)
    }

    /// Grids of 4, 3 and 2 blocks of 100 in a row (bounds 250–350): the over-full first grid passes a
    /// block to the full middle one, which passes one on to the last. Two blocks move, nothing else.
    func testChainThroughAFullGrid() {
        let original = [0, 0, 0, 0, 1, 1, 1, 2, 2]
        let result = chain(from: original)
        XCTAssertTrue(result.applied)
        XCTAssertEqual(result.region, [0, 0, 0, 1, 1, 1, 2, 2, 2])
        XCTAssertEqual(result.violation, 0)
        XCTAssertEqual(zip(original, result.region).filter { $0 != $1 }.count, 2)
    }

    /// An under-full grid pulls: the chain runs the other way, ending at a grid with households to spare.
    func testChainIntoAnUnderfullGrid() {
        let result = chain(from: [0, 0, 1, 1, 1, 2, 2, 2, 2])
        XCTAssertTrue(result.applied)
        XCTAssertEqual(result.region, [0, 0, 0, 1, 1, 1, 2, 2, 2])
        XCTAssertEqual(result.violation, 0)
    }

    /// No chain can help when both grids are over-full and no block is light enough to pass on: both go
    /// to `failed`, nothing moves.
    func testNoChainWhenNoGridHasRoom() {
        let graph = SearchFixture.row([200, 200, 300, 100])
        let original = [0, 0, 1, 1]
        var state = SearchFixture.state(graph, Targets(target: 300, min: 250, max: 350), original)
        var failed = Set<Int>()
        XCTAssertFalse(state.ejectionChain(original: original, failed: &failed))
        XCTAssertEqual(state.region, original)
        XCTAssertEqual(failed, [0, 1])
    }
}
