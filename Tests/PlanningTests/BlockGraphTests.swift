import XCTest

@testable import Planning

/// The one contiguity walk the search answers every connectivity question with.
final class BlockGraphTests: XCTestCase {
    // 0 1 2
    // 3 4 5
    let graph = SearchFixture.lattice(rows: 2, columns: 3, households: Array(repeating: 10, count: 6))

    func testReachableStaysInside() {
        XCTAssertEqual(Set(graph.reachable(from: 0) { $0 != 1 }), [0, 3, 4, 5, 2])
        XCTAssertEqual(graph.reachable(from: 0) { [0, 2].contains($0) }, [0])
        XCTAssertEqual(Set(graph.reachable(from: 1) { _ in true }), Set(0..<6))
    }

    func testContiguity() {
        XCTAssertTrue(graph.isContiguous([0, 1, 2]))
        XCTAssertTrue(graph.isContiguous([2, 5, 4, 3]))
        XCTAssertFalse(graph.isContiguous([0, 2]))
        XCTAssertFalse(graph.isContiguous([0, 4])) // diagonal: no shared side
        XCTAssertFalse(graph.isContiguous([]))
    }

    func testComponentsAroundAnExcludedColumn() {
        XCTAssertEqual(graph.components(excluding: [1, 4]), [[0, 3], [2, 5]])
        XCTAssertEqual(graph.components(), [Array(0..<6)])
    }

    /// A touching corner, or a shared boundary shorter than the tolerance, does not make neighbours.
    func testShortSharedBoundaryIsNotAdjacency() {
        let g = BlockGraph(
            households: [1, 1, 1], residents: [1, 1, 1], areas: [1, 1, 1], perimeters: [4, 4, 4],
            centreX: [0, 1, 2], centreY: [0, 0, 0],
            shared: [[(block: 1, length: 0.5)], [(block: 0, length: 0.5), (block: 2, length: 3)], [(block: 1, length: 3)]],
            toleranceM: 1)
        XCTAssertEqual(g.adjacent, [[], [2], [1]])
        XCTAssertEqual(g.components(), [[0], [1, 2]])
    }

    func testConvexHullDropsInnerAndCollinearPoints() {
        let hull = BlockGraph.convexHull([(0, 0), (2, 0), (1, 0), (2, 2), (0, 2), (1, 1)])
        XCTAssertEqual(hull.map { [$0.x, $0.y] }, [[0, 0], [2, 0], [2, 2], [0, 2]])
    }
}
