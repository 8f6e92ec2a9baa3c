import Foundation
import XCTest

/// Flags renamed so that one name means one thing (README, "Flag names"): the old spelling still
/// works and does what the new one does, is absent from --help but listed by --help-hidden, and
/// giving both is a usage error.
final class FlagAliasTests: XCTestCase {
    /// Command, new spelling, old spelling.
    static let renamed: [([String], String, String)] = [
        (["coords"], "--from-crs", "--from"),
        (["coords"], "--to-crs", "--to"),
        (["cases", "advance"], "--to-status", "--to"),
        (["validate"], "--sizing-rules", "--rules"),
        (["stats"], "--sizing-rules", "--rules"),
        (["load"], "--workload-rules", "--rules"),
        (["balance"], "--workload-rules", "--rules"),
        (["cases", "dispatch"], "--dispatch-rules", "--rules"),
        (["cases", "overdue"], "--dispatch-rules", "--rules"),
        (["geocode", "file"], "--batch-size", "--batch"),
        (["export"], "--to-crs", "--crs"),
    ]

    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridplan-alias-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testOldSpellingsAreHiddenFromHelpButListedAsHidden() throws {
        for (command, new, old) in Self.renamed {
            let help = try CLI.run(command + ["--help"], columns: 1000).stdout
            let words = Set(help.split(whereSeparator: { " ,[]()`'\n".contains($0) }).map(String.init))
            XCTAssertTrue(words.contains(new), "\(command) --help does not show \(new)")
            XCTAssertFalse(words.contains(old), "\(command) --help shows the old spelling \(old)")
            let hidden = try CLI.run(command + ["--help-hidden"], columns: 1000).stdout
            XCTAssertTrue(hidden.contains("\(old) <") && hidden.contains("Old spelling of \(new)"), "\(command) --help-hidden:\n\(hidden)")
        }
    }

    func testCoordsOldAndNewSpellingsGiveTheSameLines() throws {
        let input = "110.3594,21.2707\n"
        let new = try CLI.run(["coords", "--from-crs", "gcj02", "--to-crs", "wgs84"], input: input)
        let old = try CLI.run(["coords", "--from", "gcj02", "--to", "wgs84"], input: input)
        XCTAssertEqual(new.status, 0, new.stderr)
        XCTAssertEqual(old.status, 0, old.stderr)
        XCTAssertEqual(old.stdout, new.stdout)
        XCTAssertTrue(new.stdout.hasPrefix("110.35"), new.stdout)

        let both = try CLI.run(["coords", "--from-crs", "gcj02", "--from", "wgs84", "--to-crs", "wgs84"], input: input)
        XCTAssertEqual(both.status, 64, both.stderr)
        XCTAssertTrue(both.stderr.contains("--from is the old spelling of --from-crs"), both.stderr)
        let missing = try CLI.run(["coords", "--to-crs", "wgs84"], input: input)
        XCTAssertEqual(missing.status, 64, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("--from-crs"), missing.stderr)
        let unknown = try CLI.run(["coords", "--from", "foo-no-such-crs", "--to-crs", "wgs84"], input: input)
        XCTAssertEqual(unknown.status, 2, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("--from-crs foo-no-such-crs"), "messages name the new spelling: \(unknown.stderr)")
    }

    func testRulesFilesAreReadUnderTheOldSpelling() throws {
        let plan = folder.appendingPathComponent("plan.gpkg").path
        let streets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../GeoData/chikan/streets.geojson").standardized.path
        XCTAssertEqual(try CLI.run(["import", streets, "--db", plan, "--level", "street"]).status, 0)

        // Sizing rules that no street meets: stats marks every street outside them, under either spelling.
        let sizing = folder.appendingPathComponent("sizing.json")
        try #"{"rules": [{"level": "street", "maxHouseholds": 1}]}"#.write(to: sizing, atomically: true, encoding: .utf8)
        for flag in ["--sizing-rules", "--rules"] {
            let stats = try CLI.run(["stats", "--db", plan, "--level", "street", "--json", flag, sizing.path])
            XCTAssertEqual(stats.status, 0, stats.stderr)
            XCTAssertFalse(stats.stdout.contains("\"within_rules\" : true"), "\(flag) was not read: \(stats.stdout.prefix(400))")
            XCTAssertTrue(stats.stdout.contains("\"within_rules\" : false"), stats.stdout.prefix(400).description)
            let validate = try CLI.run(["validate", "--db", plan, "--json", flag, sizing.path])
            XCTAssertEqual(validate.status, 1, "streets over the rules are findings (\(flag)): \(validate.stderr)")
        }
        let both = try CLI.run(["stats", "--db", plan, "--sizing-rules", sizing.path, "--rules", sizing.path])
        XCTAssertEqual(both.status, 64, both.stderr)

        // A file that does not exist, under the old spelling: the command reads it and names it.
        let missing = folder.appendingPathComponent("none.json").path
        for command in [["load"], ["cases", "dispatch", "--all-new"], ["cases", "overdue"]] {
            let result = try CLI.run(command + ["--db", plan, "--rules", missing])
            XCTAssertEqual(result.status, 2, "\(command): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(missing), "\(command): \(result.stderr)")
        }
    }

    func testExportWritesTheSameFileUnderEitherSpelling() throws {
        let plan = folder.appendingPathComponent("plan.gpkg").path
        let streets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../GeoData/chikan/streets.geojson").standardized.path
        XCTAssertEqual(try CLI.run(["import", streets, "--db", plan, "--level", "street"]).status, 0)
        let export = ["export", "--db", plan, "--level", "street", "--format", "geojson", "--out", "-"]
        let new = try CLI.run(export + ["--to-crs", "gcj02"])
        let old = try CLI.run(export + ["--crs", "gcj02"])
        let plain = try CLI.run(export)
        XCTAssertEqual(new.status, 0, new.stderr)
        XCTAssertEqual(old.status, 0, old.stderr)
        XCTAssertEqual(old.stdout, new.stdout)
        XCTAssertNotEqual(plain.stdout, new.stdout, "gcj02 coordinates are offset from CGCS2000 ones")
        let bad = try CLI.run(export + ["--crs", "foo-no-such-crs"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--to-crs foo-no-such-crs"), bad.stderr)
    }

    func testAdvanceTakesTheStatusUnderEitherSpelling() throws {
        let plan = folder.appendingPathComponent("plan.gpkg").path
        let streets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../GeoData/chikan/streets.geojson").standardized.path
        XCTAssertEqual(try CLI.run(["import", streets, "--db", plan, "--level", "street"]).status, 0)
        let cases = folder.appendingPathComponent("cases.csv")
        try "id,lon,lat,reported_at\nC1,110.39442,21.25715,2024-07-01 08:00\n".write(to: cases, atomically: true, encoding: .utf8)
        let rejects = folder.appendingPathComponent("r.csv").path
        XCTAssertEqual(try CLI.run(["cases", "import", cases.path, "--db", plan, "--crs", "cgcs2000", "--rejects", rejects]).status, 0)

        let old = try CLI.run(["cases", "advance", "C1", "--db", plan, "--to", "verified", "--actor", "t"])
        XCTAssertEqual(old.status, 0, old.stderr)
        XCTAssertTrue(old.stdout.contains("reported → verified"), old.stdout)
        let new = try CLI.run(["cases", "advance", "C1", "--db", plan, "--to-status", "accepted", "--actor", "t"])
        XCTAssertEqual(new.status, 0, new.stderr)
        XCTAssertTrue(new.stdout.contains("verified → accepted"), new.stdout)
        let bad = try CLI.run(["cases", "advance", "C1", "--db", plan, "--to", "nowhere"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--to-status nowhere"), bad.stderr)
        let score = try CLI.run(["cases", "advance", "C1", "--db", plan, "--to", "dispatched", "--satisfaction", "5"])
        XCTAssertEqual(score.status, 2, score.stderr)
        XCTAssertTrue(score.stderr.contains("goes with --to-status feedback"), score.stderr)
        let missing = try CLI.run(["cases", "advance", "C1", "--db", plan])
        XCTAssertEqual(missing.status, 64, missing.stderr)
    }
}
