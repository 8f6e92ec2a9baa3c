import Foundation
import XCTest

/// The rule for every file a command writes, through the binary (issue 20): never the plan, never
/// an input of the same command, compared by the file a path names; refused with exit 2 naming the
/// option and both paths, the plan and the input left byte for byte.
final class OutputPathTests: XCTestCase {
    var folder: URL!
    var plan: String { folder.appendingPathComponent("plan.gpkg").path }
    var input: String { folder.appendingPathComponent("cases.csv").path }
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../GeoData/chikan").standardized

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridplan-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let streets = Self.sample.appendingPathComponent("streets.geojson").path
        let imported = try CLI.run(["import", streets, "--db", plan, "--level", "street", "--crs", "cgcs2000"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        try "id,lon,lat,address\nA,110.39,21.26,中华街道\nB,110.40,21.27,南桥街道\n".write(toFile: input, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func refused(_ arguments: [String], _ words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let planBefore = try Data(contentsOf: URL(fileURLWithPath: plan)), inputBefore = try Data(contentsOf: URL(fileURLWithPath: input))
        let result = try CLI.run(arguments)
        XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)", file: file, line: line)
        for word in words { XCTAssertTrue(result.stderr.contains(word), "\(word) not in: \(result.stderr)", file: file, line: line) }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: plan)), planBefore, "the plan changed", file: file, line: line)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: input)), inputBefore, "the input changed", file: file, line: line)
    }

    func testNoCommandWritesOverThePlan() throws {
        let link = folder.appendingPathComponent("link.gpkg").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: plan)
        let otherSpelling = folder.path + "/./plan.gpkg"
        let isPlan = "is the plan file (--db \(plan))"
        try refused(["export", "--db", plan, "--level", "street", "--format", "gpkg", "--out", link], ["--out \(link)", isPlan])
        try refused(["export", "--db", plan, "--level", "street", "--format", "geojson", "--out", otherSpelling], ["--out", isPlan])
        try refused(["assign", input, "--db", plan, "--crs", "cgcs2000", "--out", link], ["--out \(link)", isPlan])
        try refused(["cases", "import", input, "--db", plan, "--crs", "cgcs2000", "--rejects", link], ["--rejects \(link)", isPlan])
        try refused(["geocode", input, "--address-field", "address", "--db", plan, "--out", otherSpelling], ["--out", isPlan])
        let sample = Self.sample.path
        try refused(
            [
                "partition", "--db", plan, "--level", "street", "--barriers", sample + "/roads.geojson", "--buildings",
                sample + "/buildings.geojson", "--dry-run", "--blocks-out", link,
            ], ["--blocks-out \(link)", isPlan])
    }

    func testNoCommandWritesOverItsInput() throws {
        let same = folder.appendingPathComponent("hard.csv").path
        try FileManager.default.linkItem(atPath: input, toPath: same)
        let reads = "is the file this command reads (\(input))"
        try refused(["assign", input, "--db", plan, "--crs", "cgcs2000", "--out", same], ["--out \(same)", reads])
        try refused(["cases", "import", input, "--db", plan, "--crs", "cgcs2000", "--rejects", input], ["--rejects \(input)", reads])
        try refused(["geocode", input, "--address-field", "address", "--db", plan, "--out", same], ["--out \(same)", reads])
        let sample = Self.sample.path
        let barriers = folder.appendingPathComponent("roads.geojson").path
        try FileManager.default.copyItem(atPath: sample + "/roads.geojson", toPath: barriers)
        try refused(
            [
                "partition", "--db", plan, "--level", "street", "--barriers", barriers, "--buildings", sample + "/buildings.geojson",
                "--dry-run", "--blocks-out", barriers,
            ], ["--blocks-out \(barriers)", "(--barriers \(barriers))"])
    }

    /// Standard output stays allowed; a written file replaces the earlier one only when complete,
    /// and no temporary file is left beside it.
    func testOutputsAreWrittenWholeBesideTheirTarget() throws {
        let out = folder.appendingPathComponent("assigned.csv").path
        try "earlier\n".write(toFile: out, atomically: true, encoding: .utf8)
        // A run that fails (no such field) leaves the earlier file as it was.
        let failed = try CLI.run(["assign", input, "--db", plan, "--crs", "cgcs2000", "--lon-field", "nope", "--out", out])
        XCTAssertEqual(failed.status, 2, failed.stderr)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "earlier\n")
        let done = try CLI.run(["assign", input, "--db", plan, "--crs", "cgcs2000", "--out", out])
        XCTAssertEqual(done.status, 0, done.stderr)
        XCTAssertTrue(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("id,lon,lat,address,assign_status"))
        let toStdout = try CLI.run(["assign", input, "--db", plan, "--crs", "cgcs2000", "--out", "-"])
        XCTAssertEqual(toStdout.status, 0, toStdout.stderr)
        XCTAssertTrue(toStdout.stdout.hasPrefix("id,lon,lat,address,assign_status"))
        let export = try CLI.run(["export", "--db", plan, "--level", "street", "--format", "geojson", "--out", "-"])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stdout.contains("\"FeatureCollection\""))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".gridplan") }
        XCTAssertEqual(left, [])
    }
}
