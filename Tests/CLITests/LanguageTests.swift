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

        // The reject file is a report for the operator: its reasons are in the user's language too.
        let rejected = try String(contentsOfFile: rejects[1], encoding: .utf8)
        XCTAssertTrue(rejected.contains("field time: time '2024-02-31 09:00' is not a date and time"), rejected)
        let zhRejects = folder.appendingPathComponent("rejects-zh.csv").path
        _ = try run(["cases", "import", cases.path, "--db", zhPlan, "--crs", "cgcs2000", "--rejects", zhRejects], lang: "zh_CN.UTF-8")
        let rejectedZh = try String(contentsOfFile: zhRejects, encoding: .utf8)
        XCTAssertTrue(rejectedZh.contains("字段 time：时间“2024-02-31 09:00”不是有效的日期时间"), rejectedZh)

        // The summary's table: headers and levels in Chinese, its columns lined up in terminal columns.
        let zhSummary = try run(["summary", "--db", zhPlan], lang: "zh_CN.UTF-8").stdout.split(separator: "\n")
        XCTAssertEqual(zhSummary[1], "层级      网格数 面积 km²   户数        人口       无效     无上级    多部件")
        XCTAssertTrue(zhSummary[2].hasPrefix("街道      8      "), String(zhSummary[2]))
        let cSummary = try run(["summary", "--db", cPlan], lang: "C").stdout.split(separator: "\n")
        XCTAssertEqual(cSummary[1], "level     grids  area km²   households  residents  invalid  no parent multi-part")

        let zhJSON = try run(["summary", "--db", zhPlan, "--json"], lang: "zh_CN.UTF-8")
        let cJSON = try run(["summary", "--db", zhPlan, "--json"], lang: "C")
        XCTAssertEqual(zhJSON.status, 0, zhJSON.stderr)
        XCTAssertEqual(zhJSON.stdout, cJSON.stdout)
    }

    /// `geocode file`'s summary: levels and the reasons for unmatched rows are words of the
    /// catalogue, in Chinese under a Chinese locale; the output file's reason column stays as written.
    func testTheGeocodeSummaryIsInTheUsersLanguage() throws {
        let plan = folder.appendingPathComponent("g.gpkg").path
        XCTAssertEqual(try run(["import", streets, "--db", plan, "--level", "street"], lang: "C").status, 0)
        XCTAssertEqual(try run(["gazetteer", "import", "--defaults", "--db", plan], lang: "C").status, 0)
        let addresses = folder.appendingPathComponent("a.csv")
        try "id,address\n1,广东省湛江市赤坎区中华街道\n2,广东省某某市\n3,\n".write(to: addresses, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out.csv").path
        let zh = try run(["geocode", "file", addresses.path, "--address-field", "address", "--db", plan, "--out", out], lang: "zh_CN.UTF-8")
        XCTAssertEqual(zh.status, 0, zh.stderr)
        XCTAssertTrue(zh.stdout.contains("  街道  "), zh.stdout)
        XCTAssertTrue(zh.stdout.contains("未匹配，按原因："), zh.stdout)
        XCTAssertTrue(zh.stdout.contains("未知的地级市“…”"), zh.stdout)
        XCTAssertTrue(zh.stderr.hasPrefix("引擎：每秒 "), zh.stderr)
        XCTAssertTrue(try String(contentsOfFile: out, encoding: .utf8).contains("unknown city '某某市'"))
        let c = try run(["geocode", "file", addresses.path, "--address-field", "address", "--db", plan, "--out", out], lang: "C")
        XCTAssertTrue(c.stdout.contains("unknown city '…'"), c.stdout)
        XCTAssertTrue(c.stdout.contains("  street        "), c.stdout)
    }

    func testGRIDPLANLANGOverridesTheLocale() throws {
        let missing = folder.appendingPathComponent("none.gpkg").path
        let forced = try CLI.run(
            ["stats", "--db", missing], columns: 100, environment: ["LANG": "C", "LC_ALL": nil, "LC_MESSAGES": nil, "GRIDPLAN_LANG": "zh"])
        XCTAssertTrue(forced.stderr.hasPrefix("gridplan：错误："), forced.stderr)
    }
}
