import Foundation
import GRDB
import XCTest

/// Long jobs show they are alive: off a terminal, a plain progress line on standard error every
/// `GRIDPLAN_PROGRESS_SECONDS` (here 0: at every step), with the total and percent where known;
/// a job shorter than the interval writes none.
final class ProgressTests: XCTestCase {
    private var folder: URL!
    private let streets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../GeoData/chikan/streets.geojson").standardized.path

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridplan-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func progressLines(_ stderr: String, _ label: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix(label) }
    }

    func testImportsLogTheirProgressWithTotalAndPercent() throws {
        let plan = folder.appendingPathComponent("p.gpkg").path
        let logged = try CLI.run(
            ["import", streets, "--db", plan, "--level", "street"], environment: ["GRIDPLAN_PROGRESS_SECONDS": "0", "LANG": "C", "LC_ALL": nil])
        XCTAssertEqual(logged.status, 0, logged.stderr)
        let lines = progressLines(logged.stderr, "reading \(streets): ")
        XCTAssertEqual(lines.count, 9, logged.stderr) // one a feature, then the last figures
        XCTAssertTrue(lines[0].hasPrefix("reading \(streets): 1/8 (12 %)"), lines[0])
        XCTAssertTrue(lines.last!.hasPrefix("reading \(streets): 8/8 (100 %)"), lines.last!)

        var csv = "id,lon,lat,time\n"
        for i in 0..<2_500 { csv += "P\(i),110.3\(i % 10),21.26\(i % 7),2024-03-01 08:30\n" }
        let cases = folder.appendingPathComponent("cases.csv")
        try csv.write(to: cases, atomically: true, encoding: .utf8)
        let imported = try CLI.run(
            ["cases", "import", cases.path, "--db", plan, "--crs", "cgcs2000", "--batch-size", "1000"],
            environment: ["GRIDPLAN_PROGRESS_SECONDS": "0", "LANG": "C", "LC_ALL": nil])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let batches = progressLines(imported.stderr, "importing \(cases.path): ")
        XCTAssertEqual(batches.map { String($0.split(separator: " ")[2]) }, ["1000/2500", "2000/2500", "2500/2500", "2500/2500"], imported.stderr)
        // Reassigning them (as `codes` does after giving codes): with the total and percent too.
        let reassigned = try CLI.run(
            ["cases", "reassign", "--db", plan], environment: ["GRIDPLAN_PROGRESS_SECONDS": "0", "LANG": "C", "LC_ALL": nil])
        XCTAssertEqual(reassigned.status, 0, reassigned.stderr)
        XCTAssertTrue(progressLines(reassigned.stderr, "reassigning: ").last?.hasPrefix("reassigning: 2500/2500 (100 %)") == true, reassigned.stderr)
        // Counting them per grid: in parts of fids, each part's count logged.
        let counted = try CLI.run(
            ["cases", "stats", "--db", plan, "--level", "street"], environment: ["GRIDPLAN_PROGRESS_SECONDS": "0", "LANG": "C", "LC_ALL": nil])
        XCTAssertEqual(counted.status, 0, counted.stderr)
        XCTAssertEqual(progressLines(counted.stderr, "cases counted: ").last?.hasPrefix("cases counted: 2500/2500 (100 %)"), true, counted.stderr)
        // Writing them all out: the count as they are written, with the total counted when first shown.
        let listed = try CLI.run(
            ["cases", "query", "--db", plan, "--format", "csv"], environment: ["GRIDPLAN_PROGRESS_SECONDS": "0", "LANG": "C", "LC_ALL": nil])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertEqual(listed.stdout.split(separator: "\n").count, 2501)
        let written = progressLines(listed.stderr, "cases written: ").map { String($0.split(separator: " ")[2]) }
        XCTAssertEqual(written, ["1000/2500", "2000/2500", "2500/2500"], listed.stderr)
        // Filtered: the total is what the filters match (the six of ten columns 110.30 to 110.35: 1,500).
        let filtered = try CLI.run(
            ["cases", "query", "--db", plan, "--format", "csv", "--bbox", "110.295,21.2,110.355,21.3"],
            environment: ["GRIDPLAN_PROGRESS_SECONDS": "0", "LANG": "C", "LC_ALL": nil])
        XCTAssertEqual(filtered.status, 0, filtered.stderr)
        XCTAssertEqual(filtered.stdout.split(separator: "\n").count, 1501)
        XCTAssertEqual(progressLines(filtered.stderr, "cases written: ").last?.split(separator: " ")[2], "1500/1500", filtered.stderr)
        // A page: the page's length.
        let page = try CLI.run(
            ["cases", "query", "--db", plan, "--format", "csv", "--limit", "2000"],
            environment: ["GRIDPLAN_PROGRESS_SECONDS": "0", "LANG": "C", "LC_ALL": nil])
        XCTAssertEqual(
            progressLines(page.stderr, "cases written: ").map { String($0.split(separator: " ")[2]) }, ["1000/2000", "2000/2000", "2000/2000"],
            page.stderr)

        // Quicker than the default interval (10 s): nothing but the report.
        let quiet = try CLI.run(["import", streets, "--db", folder.appendingPathComponent("q.gpkg").path, "--level", "street"])
        XCTAssertTrue(progressLines(quiet.stderr, "reading").isEmpty, quiet.stderr)
        // Nor does creating a plan, which runs every schema step: it is no upgrade.
        XCTAssertTrue(progressLines(logged.stderr + quiet.stderr, "upgrading").isEmpty)
    }

    /// A bulk import (here 50,000 cases, the least that sets the indexes aside) builds its indexes
    /// after its last batch: the log says which one, so a long last stage shows it is alive.
    func testABulkImportLogsEachIndexBuild() throws {
        let plan = folder.appendingPathComponent("p.gpkg").path
        let environment = ["GRIDPLAN_PROGRESS_SECONDS": "0", "LANG": "C", "LC_ALL": nil]
        XCTAssertEqual(try CLI.run(["import", streets, "--db", plan, "--level", "street"], environment: environment).status, 0)
        var csv = "id,lon,lat,time\n"
        for i in 0..<50_000 { csv += "P\(i),110.3\(i % 10),21.26\(i % 7),2024-03-01 08:30\n" }
        let cases = folder.appendingPathComponent("cases.csv")
        try csv.write(to: cases, atomically: true, encoding: .utf8)
        let imported = try CLI.run(["cases", "import", cases.path, "--db", plan, "--crs", "cgcs2000"], environment: environment)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let builds = progressLines(imported.stderr, "importing \(cases.path): 50000/50000 (100 %), ").compactMap { line in
            line.range(of: "; building index ").map { String(line[$0.upperBound...]) }
        }
        XCTAssertEqual(builds, (1...4).map { "\($0) of 4" }, imported.stderr)
        // The last line gives the figures alone: the builds are over.
        XCTAssertTrue(progressLines(imported.stderr, "importing ").last!.hasSuffix("/s"), imported.stderr)
        // Two indexes left unbuilt, as a bulk import killed before its end leaves them: a small
        // import builds them first, and says so, then its batch's figures stand alone.
        let queue = try DatabaseQueue(path: plan)
        try queue.write { try $0.execute(sql: "DROP INDEX cases_filing; DROP INDEX cases_status") }
        try queue.close()
        let small = folder.appendingPathComponent("small.csv")
        try "id,lon,lat,time\nS1,110.31,21.261,2024-03-02 08:30\nS2,110.32,21.262,2024-03-02 09:30\n".write(
            to: small, atomically: true, encoding: .utf8)
        let again = try CLI.run(["cases", "import", small.path, "--db", plan, "--crs", "cgcs2000"], environment: environment)
        XCTAssertEqual(again.status, 0, again.stderr)
        let lines = progressLines(again.stderr, "importing \(small.path): ")
        let rebuilt = lines.compactMap { line in line.range(of: "; building index ").map { String(line[$0.upperBound...]) } }
        XCTAssertEqual(rebuilt, ["1 of 2", "2 of 2"], again.stderr)
        XCTAssertTrue(lines.last!.hasSuffix("/s"), again.stderr)
    }

    /// The first command to open a plan made by an earlier release upgrades it: a step that
    /// rewrites every case (v15.1) counts them (the 0.1.0 plan holds 40), and v17, which rewrites
    /// them once and then once for each of the seven columns it drops, counts each pass; opened
    /// again, nothing.
    func testAnUpgradeCountsTheRowsItRewrites() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../DeskTests/Fixtures/plan-0.1.0.gpkg").standardized
        let plan = folder.appendingPathComponent("old.gpkg")
        try FileManager.default.copyItem(at: fixture, to: plan)
        let environment = ["GRIDPLAN_PROGRESS_SECONDS": "0", "LANG": "C", "LC_ALL": nil]
        let first = try CLI.run(["cases", "query", "--db", plan.path, "--limit", "1"], environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        let lines = progressLines(first.stderr, "upgrading \(plan.path) (schema step ")
        XCTAssertFalse(lines.isEmpty, first.stderr)
        XCTAssertTrue(lines.allSatisfy { $0.contains("), rows rewritten: ") }, first.stderr)
        XCTAssertTrue(lines.contains { $0.contains("rows rewritten: 40/40 (100 %)") }, first.stderr)
        XCTAssertTrue(lines.last!.contains("rows rewritten: 320/320 (100 %)"), first.stderr)
        let again = try CLI.run(["cases", "query", "--db", plan.path, "--limit", "1"], environment: environment)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(progressLines(again.stderr, "upgrading").isEmpty, again.stderr)
    }
}
