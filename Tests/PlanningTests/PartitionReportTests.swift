import Foundation
import XCTest

@testable import Planning

/// The report's Codable types: the flat keys `gridplan partition --json` has always printed, the figures
/// derived from the grids written alongside, and what the JSON holds read back.
final class PartitionReportTests: XCTestCase {
    func sample() -> PartitionReport {
        var report = PartitionReport(targets: Targets(maxResidents: 2500))
        var parent = PartitionReport.Parent(code: "440802001001", name: "中华社区")
        parent.targets = Targets(target: 400, min: 300, max: 500)
        parent.grids = [
            PartitionReport.Grid(
                code: "440802001001001", name: "第1网格", households: 420, residents: 1200, buildings: 9, blocks: 4,
                areaM2: 90_000, compactness: 0.7, radiusM: 210, withinBounds: true, parts: 1, changed: true),
            PartitionReport.Grid(
                code: nil, name: "育才小学", households: 80, residents: 2600, buildings: 1, blocks: 1,
                areaM2: 8_000, compactness: 0.8, radiusM: 60, withinBounds: true, parts: 1, changed: true,
                kind: "school"),
        ]
        parent.grids[0].overMaxRadius = true
        parent.cuts.onBarriers = 12
        parent.cuts.notOnBarriers = 1
        parent.redraw.movedCases = nil
        parent.redraw.infeasibleGroups = [.init(group: "一片区", households: 1100, residents: 3000, grids: 2, needed: 3)]
        parent.redraw.affectedGridders = [.init(grid: "440802001001001", person: "G01")]
        parent.seeds.notOwnGrid = [.init(seed: "G3", reason: "in the same block as seed G2")]
        report.parents = [parent]
        report.buildingsRead = 10
        return report
    }

    func object(_ data: Data) throws -> [String: Any] { try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any]) }

    func testFlatKeysAndDerivedFigures() throws {
        let json = try object(try JSONEncoder().encode(sample()))
        XCTAssertTrue(json["version"] is NSNull, "unknown values are written as null, not left out")
        XCTAssertEqual(json["grids"] as? Int, 2)
        XCTAssertEqual(json["share_within_bounds"] as? Double, 1)
        XCTAssertEqual(json["max_deviation"] as? Double, 20)
        XCTAssertEqual(json["cuts_not_on_barriers"] as? Int, 1)
        XCTAssertEqual(json["max_residents"] as? Double, 2500)
        let parent = try XCTUnwrap((json["parents"] as? [[String: Any]])?.first)
        XCTAssertEqual(parent["cuts_on_barriers"] as? Int, 12)
        XCTAssertTrue(parent["moved_cases"] is NSNull)
        XCTAssertEqual(parent["over_max_radius"] as? [String], ["440802001001001"])
        XCTAssertEqual((parent["infeasible_groups"] as? [[String: Any]])?.first?["grids_needed"] as? Int, 3)
        XCTAssertEqual((parent["seeds_without_own_grid"] as? [[String: Any]])?.first?["seed"] as? String, "G3")
        let school = try XCTUnwrap((parent["grids"] as? [[String: Any]])?.last)
        XCTAssertEqual(school["dedicated"] as? Bool, true)
        XCTAssertTrue(school["code"] is NSNull)
        XCTAssertEqual(
            Set(parent.keys).subtracting(["cuts", "redraw", "seeds", "dedicated"]).count, parent.keys.count,
            "groups are Swift's, not the JSON's")
    }

    /// Decoding what was encoded, and encoding again, gives the same JSON.
    func testRoundTrip() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let first = try encoder.encode(sample())
        let decoded = try JSONDecoder().decode(PartitionReport.self, from: first)
        XCTAssertEqual(decoded.parents[0].redraw, sample().parents[0].redraw)
        XCTAssertEqual(decoded.parents[0].targets, Targets(target: 400, min: 300, max: 500))
        XCTAssertEqual(String(decoding: try encoder.encode(decoded), as: UTF8.self), String(decoding: first, as: UTF8.self))
    }
}
