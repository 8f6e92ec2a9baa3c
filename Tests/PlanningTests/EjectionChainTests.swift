import XCTest
@testable import Planning

/// Ejection chains for a redraw: households passed on through full grids to one with room.
final class EjectionChainTests: XCTestCase {
    /// Grids of 4, 3 and 2 blocks of 100 in a row (bounds 250–350): the over-full first grid passes a
    /// block to the full middle one, which passes one on to the last. Two blocks move, nothing else.
    func testChainThroughAFullGrid() {
        let graph = SearchFixture.row(Array(repeating: 100, count: 9))
        let original = [0, 0, 0, 0, 1, 1, 1, 2, 2]
        var state = SearchFixture.state(graph, Targets(target: 300, min: 250, max: 350), original)
        var failed = Set<Int>()
        XCTAssertTrue(state.ejectionChain(original: original, failed: &failed))
        XCTAssertEqual(state.region, [0, 0, 0, 1, 1, 1, 2, 2, 2])
        XCTAssertEqual(state.solution.violation, 0)
        XCTAssertEqual(zip(original, state.region).filter { $0 != $1 }.count, 2)
    }

    /// An under-full grid pulls: the chain runs the other way, ending at a grid with households to spare.
    func testChainIntoAnUnderfullGrid() {
        let graph = SearchFixture.row(Array(repeating: 100, count: 9))
        let original = [0, 0, 1, 1, 1, 2, 2, 2, 2]
        var state = SearchFixture.state(graph, Targets(target: 300, min: 250, max: 350), original)
        var failed = Set<Int>()
        XCTAssertTrue(state.ejectionChain(original: original, failed: &failed))
        XCTAssertEqual(state.region, [0, 0, 0, 1, 1, 1, 2, 2, 2])
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
