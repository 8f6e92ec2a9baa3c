import XCTest

@testable import Planning

/// Tabu search: worse moves are allowed, so it gets past where hill climbing stops.
final class TabuSearchTests: XCTestCase {
    /// Nine blocks of 100 in a row as grids of 4, 3 and 2 (bounds 250–350): every single move keeps the
    /// violation or raises it, so hill climbing stops at 100; passing one block along each border fixes it.
    let graph = SearchFixture.row(Array(repeating: 100, count: 9))
    let targets = Targets(target: 300, min: 250, max: 350)
    let start = [0, 0, 0, 0, 1, 1, 1, 2, 2]

    func testHillClimbingStopsShort() {
        var state = SearchFixture.state(graph, targets, start)
        var rng = SeededGenerator(seed: 1)
        state.improve(&rng, mode: .balanceThenCompactness, maxPasses: 10)
        XCTAssertEqual(state.solution.violation, 100)
    }

    func testTabuReachesTheBounds() {
        var state = SearchFixture.state(graph, targets, start)
        state.tabu(iterations: 50, tenure: 5)
        XCTAssertEqual(state.solution.violation, 0)
        XCTAssertEqual(state.region, [0, 0, 0, 1, 1, 1, 2, 2, 2])
        XCTAssertTrue(SearchFixture.allConnected(state))
    }

    /// It keeps the best plan seen: with no way to meet the bounds, it never ends worse than it began.
    func testKeepsTheBestPlanSeen() {
        let heavy = SearchFixture.row([400, 100, 100, 400])
        var state = SearchFixture.state(heavy, targets, [0, 0, 1, 1])
        let before = state.solution
        state.tabu(iterations: 30, tenure: 3)
        XCTAssertLessThanOrEqual(state.solution.violation, before.violation)
        XCTAssertTrue(SearchFixture.allConnected(state))
    }
}
