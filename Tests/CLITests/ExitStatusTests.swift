import Foundation
import XCTest

/// The exit statuses the README's table promises (0 done, 1 done with rejected rows, 2 not done,
/// 64 usage), and messages that name the command line's options (the library names settings; the
/// CLI spells them as flags).
final class ExitStatusTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridplan-exit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testAWronglyAskedQuestionExitsTwoNamingTheFlags() throws {
        let plan = folder.appendingPathComponent("plan.gpkg").path
        let streets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../GeoData/chikan/streets.geojson").standardized.path
        let imported = try CLI.run(["import", streets, "--db", plan, "--level", "street"], columns: 100)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let result = try CLI.run(["cases", "query", "--db", plan, "--nearest", "3"], columns: 100)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("--nearest needs --near"), result.stderr)
    }

    func testSomethingMissingExitsTwoNamingTheFile() throws {
        let missing = folder.appendingPathComponent("none.gpkg").path
        let result = try CLI.run(["stats", "--db", missing], columns: 100)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(missing): no such GeoPackage"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "a missing plan was created")
    }

    func testAFolderGivenAsThePlanExitsTwo() throws {
        let result = try CLI.run(["stats", "--db", folder.path], columns: 100)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("is a folder"), result.stderr)
    }

    func testRejectedRowsExitOneAfterStoringTheRest() throws {
        let plan = folder.appendingPathComponent("plan.gpkg").path
        let streets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../GeoData/chikan/streets.geojson").standardized.path
        XCTAssertEqual(try CLI.run(["import", streets, "--db", plan, "--level", "street"], columns: 100).status, 0)
        let cases = folder.appendingPathComponent("cases.csv")
        try "id,lon,lat,time\nC1,110.37,21.265,2024-03-01 08:30\nC2,,,2024-03-01 09:00\n".write(to: cases, atomically: true, encoding: .utf8)
        let result = try CLI.run(
            ["cases", "import", cases.path, "--db", plan, "--crs", "cgcs2000", "--rejects", folder.appendingPathComponent("r.csv").path],
            columns: 100)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("1 cases added") && result.stdout.contains("1 rejected"), result.stdout)
    }

    func testAnUnknownOptionIsArgumentParsersUsageError() throws {
        XCTAssertEqual(try CLI.run(["stats", "--no-such-option"], columns: 100).status, 64)
    }
}
