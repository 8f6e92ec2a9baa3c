import XCTest

@testable import Planning

/// The objective: violation by bound, the one tolerance, and what counts as an improvement.
final class ObjectiveTests: XCTestCase {
    let targets = Targets(target: 400, min: 300, max: 500, maxResidents: 1000, maxRadius: 200)

    func testViolationAddsEachBoundInItsWeight() {
        let score = RegionScore(objective: Objective(), targets: targets, mean: 400)
        XCTAssertEqual(score.violation(400, 900, 100), 0)
        XCTAssertEqual(score.violation(250, 900, 100), 50)
        XCTAssertEqual(score.violation(520, 900, 100), 20)
        // Residents over the cap weigh as households: max households / max residents each.
        XCTAssertEqual(score.violation(400, 1100, 100), 100 * 0.5)
        // Metres over the radius: the radius weight each.
        XCTAssertEqual(score.violation(400, 900, 300), 100 * Objective().radiusWeight, accuracy: 1e-12)
        XCTAssertEqual(score.violation(400, 900, 100, 2), 2 * Objective().enclosureWeight)
    }

    func testCostPrefersBalanceAndCompactness() {
        let score = RegionScore(objective: Objective(), targets: targets, mean: 400)
        let square = score.cost(weight: 400, area: 40_000, perimeter: 800)
        XCTAssertEqual(square, 1 - Double.pi / 4, accuracy: 1e-12)
        XCTAssertLessThan(square, score.cost(weight: 400, area: 40_000, perimeter: 1000))
        XCTAssertLessThan(square, score.cost(weight: 450, area: 40_000, perimeter: 800))
        XCTAssertEqual(score.balance(450), 0.0625)
    }

    func testOneTolerance() {
        let t = Objective.tolerance
        XCTAssertTrue(targets.within(households: 500 + t / 2, residents: 1000 + t / 2))
        XCTAssertFalse(targets.within(households: 500 + 2 * t, residents: 0))
        XCTAssertFalse(targets.overResidents(1000 + t / 2))
        XCTAssertTrue(targets.overResidents(1000 + 2 * t))
        XCTAssertTrue(Objective.improves(dv: -2 * t, dc: 5))
        XCTAssertTrue(Objective.improves(dv: t / 2, dc: -2 * t))
        XCTAssertFalse(Objective.improves(dv: t / 2, dc: -t / 2))
        XCTAssertFalse(Objective.improves(dv: 2 * t, dc: -5))
    }
}
