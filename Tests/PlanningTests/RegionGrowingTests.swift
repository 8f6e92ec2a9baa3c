import XCTest

@testable import Planning

/// Region growing, the start of a fresh plan: how many regions, where they start, and that they cover
/// every block in contiguous pieces.
final class RegionGrowingTests: XCTestCase {
    func testGrowsContiguousRegionsOverEveryBlock() throws {
        let graph = SearchFixture.lattice(rows: 3, columns: 4, households: Array(repeating: 100, count: 12))
        let builder = RegionBuilder(graph: graph, targets: Targets(target: 400, min: 300, max: 500))
        var rng = SeededGenerator(seed: 5)
        let region = try XCTUnwrap(builder.grow(&rng))
        XCTAssertEqual(Set(region), [0, 1, 2])
        for r in 0..<3 { XCTAssertTrue(graph.isContiguous(Set(region.indices.filter { region[$0] == r })), "region \(r)") }
    }

    /// Seed blocks: one region grows from each, and each region holds exactly one.
    func testOneRegionPerSeed() throws {
        let graph = SearchFixture.row(Array(repeating: 100, count: 8))
        var builder = RegionBuilder(graph: graph, targets: Targets(target: 400, min: 100, max: 700))
        builder.seeds = [1, 6]
        var rng = SeededGenerator(seed: 1)
        let region = try XCTUnwrap(builder.grow(&rng))
        XCTAssertNotEqual(region[1], region[6])
        XCTAssertEqual(Set(region).count, 2)
        XCTAssertEqual(region.filter { $0 == region[1] }.count, 4, "the lightest region grows first: equal halves")
    }

    /// A fixed (dedicated) block is a region of its own, and the rest grows around it.
    func testFixedBlockIsARegionOfItsOwn() throws {
        let graph = SearchFixture.row(Array(repeating: 100, count: 7))
        var builder = RegionBuilder(graph: graph, targets: Targets(target: 300, min: 250, max: 350))
        builder.fixed = [3: -1]
        var rng = SeededGenerator(seed: 1)
        let region = try XCTUnwrap(builder.grow(&rng))
        XCTAssertEqual(region.filter { $0 == region[3] }.count, 1)
        XCTAssertEqual(region[0], region[2])
        XCTAssertEqual(region[4], region[6])
        XCTAssertNotEqual(region[0], region[6])
    }

    /// With a fixed count, regions are shared out among components by households (largest remainder).
    func testCountSharedByHouseholds() {
        let graph = SearchFixture.row(Array(repeating: 100, count: 9))
        let builder = RegionBuilder(graph: graph, targets: Targets(count: 4))
        XCTAssertEqual(builder.regionCounts([[0, 1, 2, 3, 4, 5], [6, 7, 8]]), [3, 1])
        XCTAssertEqual(RegionBuilder(graph: graph, targets: Targets()).regionCounts([Array(0..<9)]), [2])
    }

    /// Farthest-point seeds: two seeds in a row of ten lie at the two ends' halves, never side by side.
    func testSeedsAreSpread() {
        let graph = SearchFixture.row(Array(repeating: 100, count: 10))
        var rng = SeededGenerator(seed: 9)
        let seeds = RegionBuilder(graph: graph, targets: Targets()).chooseSeeds(Array(0..<10), k: 2, &rng).sorted()
        XCTAssertLessThan(seeds[0], 5)
        XCTAssertGreaterThanOrEqual(seeds[1], 5)
    }
}
