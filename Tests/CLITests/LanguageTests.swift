import Foundation
import XCTest

/// Messages and reports in Chinese when `LANG` starts with `zh`, in English otherwise, with the
/// same exit statuses and the same `--json` (machines read it) either way.
final class LanguageTests: XCTestCase {
    private var folder: URL!
    private let streets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../GeoData/chikan/streets.geojson").standardized.path

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridplan-lang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// Runs gridplan with only `LANG` saying the language.
    private func run(_ arguments: [String], lang: String) throws -> CLI.Result {
        try CLI.run(arguments, columns: 100, environment: ["LANG": lang, "LC_ALL": nil, "LC_MESSAGES": nil, "GRIDPLAN_LANG": nil])
    }

    func testAMissingPlanIsReportedInTheUsersLanguage() throws {
        let missing = folder.appendingPathComponent("none.gpkg").path
        let zh = try run(["stats", "--db", missing], lang: "zh_CN.UTF-8")
        XCTAssertEqual(zh.status, 2, zh.stderr)
        XCTAssertEqual(zh.stderr, "gridplan：错误：\(missing)：GeoPackage 文件不存在\n")
        let c = try run(["stats", "--db", missing], lang: "C")
        XCTAssertEqual(c.status, 2, c.stderr)
        XCTAssertEqual(c.stderr, "gridplan: error: \(missing): no such GeoPackage\n")
    }

    func testAnUnknownCRSNameIsRefusedWithTheAcceptedFormsInChinese() throws {
        let plan = folder.appendingPathComponent("plan.gpkg").path
        let zh = try run(["import", streets, "--db", plan, "--level", "street", "--crs", "foo"], lang: "zh_CN.UTF-8")
        let c = try run(["import", streets, "--db", plan, "--level", "street", "--crs", "foo"], lang: "C.UTF-8")
        XCTAssertEqual(zh.status, c.status)
        XCTAssertEqual(zh.status, 2)
        XCTAssertTrue(zh.stderr.contains("“foo”不是 gridplan 认识的坐标系"), zh.stderr)
        XCTAssertTrue(zh.stderr.contains("；提示：请写 EPSG:NNNN"), zh.stderr)
        XCTAssertTrue(c.stderr.contains("'foo' is not a CRS gridplan knows"), c.stderr)
    }

    func testReportsOfImportsAreInChineseAndJSONStaysEnglish() throws {
        let zhPlan = folder.appendingPathComponent("zh.gpkg").path, cPlan = folder.appendingPathComponent("c.gpkg").path
        let zh = try run(["import", streets, "--db", zhPlan, "--level", "street"], lang: "zh_CN.UTF-8")
        XCTAssertEqual(zh.status, 0, zh.stderr)
        XCTAssertTrue(zh.stdout.hasPrefix("已从 \(streets) 导入 8 个街道网格（坐标系 EPSG:4326 → EPSG:4490）到 \(zhPlan)，规划版本 1"), zh.stdout)
        let c = try run(["import", streets, "--db", cPlan, "--level", "street"], lang: "C")
        XCTAssertTrue(c.stdout.hasPrefix("imported 8 street grids from \(streets)"), c.stdout)

        let cases = folder.appendingPathComponent("cases.csv")
        try "id,lon,lat,time\nC1,110.37,21.265,2024-03-01 08:30\nC2,110.37,21.265,2024-02-31 09:00\n"
            .write(to: cases, atomically: true, encoding: .utf8)
        let rejects = ["--rejects", folder.appendingPathComponent("rejects.csv").path]
        let zhCases = try run(["cases", "import", cases.path, "--db", zhPlan, "--crs", "cgcs2000"] + rejects, lang: "zh_CN.UTF-8")
        let cCases = try run(["cases", "import", cases.path, "--db", cPlan, "--crs", "cgcs2000"] + rejects, lang: "C")
        XCTAssertEqual(zhCases.status, 1, zhCases.stderr)
        XCTAssertEqual(cCases.status, 1, cCases.stderr)
        XCTAssertTrue(zhCases.stdout.contains("新增案件 1 件，更新 0 件，退回 1 件"), zhCases.stdout)
        XCTAssertTrue(cCases.stdout.contains("1 cases added, 0 updated, 1 rejected"), cCases.stdout)

        let zhCheck = try run(["validate", "--db", zhPlan], lang: "zh_CN.UTF-8")
        XCTAssertEqual(zhCheck.status, try run(["validate", "--db", cPlan], lang: "C").status)
        XCTAssertTrue(zhCheck.stdout.contains("已检查 8 个网格"), zhCheck.stdout)

        let zhJSON = try run(["summary", "--db", zhPlan, "--json"], lang: "zh_CN.UTF-8")
        let cJSON = try run(["summary", "--db", zhPlan, "--json"], lang: "C")
        XCTAssertEqual(zhJSON.status, 0, zhJSON.stderr)
        XCTAssertEqual(zhJSON.stdout, cJSON.stdout)
    }

    func testGRIDPLANLANGOverridesTheLocale() throws {
        let missing = folder.appendingPathComponent("none.gpkg").path
        let forced = try CLI.run(
            ["stats", "--db", missing], columns: 100, environment: ["LANG": "C", "LC_ALL": nil, "LC_MESSAGES": nil, "GRIDPLAN_LANG": "zh"])
        XCTAssertTrue(forced.stderr.hasPrefix("gridplan：错误："), forced.stderr)
    }
}
