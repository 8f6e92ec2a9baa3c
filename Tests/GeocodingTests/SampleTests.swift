import Cases
import Foundation
import GRDB
import GridErrors
import GridProjection
import GridStore
import GridTestSupport
import Grids
import Testing

@testable import Geocoding

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The 赤坎区 sample plan (four grid levels) with the sample gazetteer, built once for all tests.
final class SamplePlan: @unchecked Sendable {
    let folder = TemporaryFolder()
    let store: GeoPackage
    let geocoder: Geocoder

    static let shared: SamplePlan = try! SamplePlan()

    init() throws {
        store = try GeoPackage(path: folder.path("chikan.gpkg"), schema: GazetteerSchema.schema)
        for (file, level) in [("streets", GridLevel.street), ("communities", .community), ("areas", .area), ("units", .unit)] {
            var options = ImportOptions(level: level, crs: .cgcs2000)
            if level != .street { options.parentField = "parent" }
            _ = try GridImporter.run(file: "\(repoRoot)/GeoData/chikan/\(file).geojson", into: store, options: options)
        }
        _ = try GazetteerDefaults.importAll(into: store, geoData: "\(repoRoot)/GeoData")
        geocoder = Geocoder(index: try GazetteerIndex(store: store))
    }
}

/// The labelled test set: rows as dictionaries (no field holds a comma or a quote).
func testSet() throws -> [[String: String]] {
    let text = try String(contentsOfFile: "\(repoRoot)/GeoData/chikan/gazetteer/testset.csv", encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.map { line in
        let values = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return Dictionary(uniqueKeysWithValues: zip(header, values))
    }
}

@Suite(.serialized) struct SampleAccuracyTests {
    /// Precision and recall per match level on the labelled, noisy test set. A result is right
    /// when its level is the expected one and it is within the row's tolerance of the expected
    /// point (building, house number), or names the expected place (compound, road, divisions).
    @Test func precisionAndRecallFloorsPerLevel() throws {
        let geocoder = SamplePlan.shared.geocoder
        var expected: [String: Int] = [:], returned: [String: Int] = [:], correct: [String: Int] = [:]
        for row in try testSet() {
            let r = geocoder.geocode(row["address"]!)
            let want = row["expected_level"]!
            expected[want, default: 0] += 1
            returned[r.level.rawValue, default: 0] += 1
            var ok = r.level.rawValue == want
            if ok && want != "none" {
                if let tolerance = Double(row["tolerance_m"] ?? ""), let lon = Double(row["lon"]!), let lat = Double(row["lat"]!) {
                    ok = metres(r.lon, r.lat, lon, lat) <= tolerance
                } else {
                    ok = r.matched == row["expected_name"]
                }
            }
            if ok { correct[want, default: 0] += 1 }
        }
        // Floors a little under what this version measures (see the report printed below);
        // misses are mostly one-character typos that make another real name.
        let floors: [String: (recall: Double, precision: Double)] = [
            "building": (0.95, 0.97), "house_number": (0.94, 0.94), "compound": (0.94, 0.95),
            "road": (0.97, 0.97), "community": (0.97, 0.95), "street": (0.97, 0.97), "none": (0.97, 0.95),
        ]
        for (level, floor) in floors.sorted(by: { $0.key < $1.key }) {
            let c = Double(correct[level] ?? 0)
            let recall = c / Double(max(1, expected[level] ?? 0)), precision = c / Double(max(1, returned[level] ?? 0))
            print(
                String(
                    format: "%-13@ expected %4d returned %4d correct %4d recall %.3f precision %.3f",
                    level as NSString, expected[level] ?? 0, returned[level] ?? 0, Int(c), recall, precision))
            #expect(recall >= floor.recall, "\(level) recall \(recall)")
            #expect(precision >= floor.precision, "\(level) precision \(precision)")
        }
    }

    @Test func roadsInAnotherCountyNeverMatch() throws {
        let geocoder = SamplePlan.shared.geocoder
        let index = geocoder.index
        // Five road names exist in 赤坎区 and (generated) in 霞山区 440803.
        let twin = try #require(
            index.places.first { p in
                p.kind == .road && p.county == "440803"
            })
        let inChikan = geocoder.geocode("广东省湛江市赤坎区\(twin.name)1号")
        #expect(inChikan.level == .houseNumber)
        #expect(inChikan.countyCode == "440802")
        let xiashan = geocoder.geocode("湛江市霞山区\(twin.name)1号")
        #expect(xiashan.level == .none)
        #expect(xiashan.reason?.contains("unknown county") == true)
        // Without a county the two are alternatives and the confidence drops.
        let either = geocoder.geocode("\(twin.name)1号")
        #expect(either.level == .houseNumber)
        #expect(!either.alternatives.isEmpty)
        #expect(either.confidence < inChikan.confidence)
    }

    @Test func houseNumbersBetweenKnownOnesAreInterpolatedAndFlagged() throws {
        let geocoder = SamplePlan.shared.geocoder
        let rows = try testSet().filter { $0["interpolated"] == "true" && $0["noise"] == "none" }
        #expect(rows.count > 20)
        var within = 0
        for row in rows {
            let r = geocoder.geocode(row["address"]!)
            #expect(r.level == .houseNumber && r.interpolated, "\(row["address"]!)")
            if metres(r.lon, r.lat, Double(row["lon"]!)!, Double(row["lat"]!)!) <= 60 { within += 1 }
        }
        #expect(Double(within) / Double(rows.count) >= 0.9)
        // A known number is not interpolated.
        let known = try #require(try testSet().first { $0["interpolated"] == "false" && $0["noise"] == "none" })
        #expect(!geocoder.geocode(known["address"]!).interpolated)
    }

    @Test func divisionsGridsAndChains() throws {
        let geocoder = SamplePlan.shared.geocoder
        let r = geocoder.geocode("赤坎区南桥街道京基社区附近")
        #expect(r.level == .community)
        #expect(r.communityName == "京基社区" && r.communityCode == "440802007001" && r.streetCode == "440802007" && r.countyCode == "440802")
        let unknown = geocoder.geocode("赤坎区南桥街道南华社区")
        #expect(unknown.level == .street && unknown.reason?.contains("unknown community") == true)
        let village = geocoder.geocode("北桥街道后坑村委会")
        #expect(village.level == .community && village.matched == "后坑村")
        let street = geocoder.geocode("湛江市赤坎区调顺街道")
        #expect(street.level == .street && street.streetCode == "440802005")
        let county = geocoder.geocode("广东湛江赤坎")
        #expect(county.level == .county && county.countyCode == "440802")
        let grid = geocoder.geocode("赤坎区中华社区第1片区第3网格")
        #expect(grid.level == .grid && grid.matched == "中华社区第1片区第3网格")
        #expect(geocoder.geocode("").level == .none)
        #expect(geocoder.geocode("广州市天河区体育西路").level == .none)
    }

    @Test func fuzzyNamesAndTraditionalCharacters() throws {
        let geocoder = SamplePlan.shared.geocoder
        let compound = try #require(geocoder.index.places.first { $0.kind == .poi && $0.name.hasSuffix("花园") })
        var chars = Array(compound.name)
        let exact = geocoder.geocode("赤坎区\(compound.name)")
        #expect(exact.level == .compound && !exact.fuzzy)
        chars[0] = chars[0] == "蓝" ? "红" : "蓝"
        let typo = geocoder.geocode("赤坎区\(String(chars))")
        if typo.level == .compound && typo.matched == compound.name {
            #expect(typo.fuzzy && typo.confidence < exact.confidence)
        }
        let traditional = geocoder.geocode("赤坎區南橋街道")
        #expect(traditional.level == .street && traditional.streetCode == "440802007")
    }
}

@Suite(.serialized) struct BatchTests {
    func write(_ folder: TemporaryFolder, rows: Int) throws -> String {
        let set = try testSet().prefix(rows)
        var text = "编号,地址,app_lon,app_lat\n"
        for r in set { text += "\(r["id"]!),\(r["address"]!),\(r["app_lon"]!),\(r["app_lat"]!)\n" }
        return folder.write("in.csv", text)
    }

    func options(_ out: String) -> BatchGeocoder.Options {
        var o = BatchGeocoder.Options(addressField: "地址", out: out)
        o.batchSize = 25
        o.gcj02 = true
        return o
    }

    @Test func resumesAfterAKillWithTheSameOutput() throws {
        let plan = SamplePlan.shared
        let folder = TemporaryFolder()
        let input = try write(folder, rows: 120)
        let assigner = try Assigner(store: plan.store)
        let full = folder.path("full.csv")
        let report = try BatchGeocoder.run(
            reader: try CaseReader(path: input, lonField: "app_lon", latField: "app_lat", crs: .gcj02),
            geocoder: plan.geocoder, assigner: assigner, options: options(full))
        #expect(report.rows == 120)
        #expect(!FileManager.default.fileExists(atPath: full + ".checkpoint"))
        let resumed = folder.path("resumed.csv")
        var first = options(resumed)
        first.stopAfterRows = 50
        _ = try BatchGeocoder.run(
            reader: try CaseReader(path: input, lonField: "app_lon", latField: "app_lat", crs: .gcj02),
            geocoder: plan.geocoder, assigner: assigner, options: first)
        #expect(FileManager.default.fileExists(atPath: resumed + ".checkpoint"))
        // Until the run ends, rows go to a partial file: OUT is not there yet.
        #expect(!FileManager.default.fileExists(atPath: resumed))
        // Garbage written after the checkpoint (a batch cut off by the kill) is discarded.
        let h = try #require(FileHandle(forWritingAtPath: BatchGeocoder.partialPath(resumed)))
        try h.seekToEnd(); try h.write(contentsOf: Data("half a line".utf8)); try h.close()
        let second = try BatchGeocoder.run(
            reader: try CaseReader(path: input, lonField: "app_lon", latField: "app_lat", crs: .gcj02),
            geocoder: plan.geocoder, assigner: assigner, options: options(resumed))
        #expect(second.resumedAt == 50 && second.rows == 120)
        #expect(second.byLevel == report.byLevel)
        #expect(try String(contentsOfFile: resumed, encoding: .utf8) == String(contentsOfFile: full, encoding: .utf8))
        // The app coordinates agree with the geocoded point except where the test set put them far off.
        let out = try String(contentsOfFile: full, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let header = out[0]
        let disagrees = try #require(header.firstIndex(of: "disagrees")), unit = try #require(header.firstIndex(of: "unit_name"))
        let flagged = out.dropFirst().filter { $0[disagrees] == "true" }.map { $0[0] }
        let far = Set(try testSet().prefix(120).filter { $0["app_far"] == "true" }.map { $0["id"]! })
        // Every far-off app point is flagged; the few others flagged are geocoding mistakes (typos
        // that make another real name), which is what the flag is for.
        #expect(!far.isEmpty && far.isSubset(of: Set(flagged)))
        #expect(flagged.count - far.count <= 6)
        #expect(out.dropFirst().filter { !$0[unit].isEmpty }.count > 100)
    }

    @Test func aCheckpointOfOtherOptionsIsNotResumed() throws {
        let plan = SamplePlan.shared
        let folder = TemporaryFolder()
        let input = try write(folder, rows: 60)
        let out = folder.path("out.csv")
        var first = options(out)
        first.stopAfterRows = 25
        _ = try BatchGeocoder.run(
            reader: try CaseReader(path: input, lonField: "app_lon", latField: "app_lat", crs: .gcj02),
            geocoder: plan.geocoder, assigner: nil, options: first)
        var other = options(out)
        other.gcj02 = false
        let report = try BatchGeocoder.run(
            reader: try CaseReader(path: input, lonField: "app_lon", latField: "app_lat", crs: .gcj02),
            geocoder: plan.geocoder, assigner: nil, options: other)
        #expect(report.resumedAt == 0 && report.rows == 60)
        let header = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")[0]
        #expect(!header.contains("lon_gcj02"))
    }

    @Test func aPointDisagreesWithACommunityWhenOutsideIt() throws {
        let plan = SamplePlan.shared
        let folder = TemporaryFolder()
        let jingji = try #require(plan.geocoder.index.admin(code: "440802007001"))
        let zhonghua = try #require(plan.geocoder.index.admin(code: "440802001001"))
        let input = folder.write(
            "c.csv",
            """
            id,address,lon,lat
            1,赤坎区南桥街道京基社区附近,\(jingji.lon),\(jingji.lat)
            2,赤坎区南桥街道京基社区附近,\(zhonghua.lon),\(zhonghua.lat)
            3,赤坎区南桥街道京基社区附近,,

            """)
        let out = folder.path("out.csv")
        let locator = try Assigner(store: plan.store)
        let report = try BatchGeocoder.run(
            reader: try CaseReader(path: input, crs: .cgcs2000), geocoder: plan.geocoder,
            assigner: nil, locator: locator, options: BatchGeocoder.Options(addressField: "address", out: out))
        #expect(report.disagreements == 1)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let flag = try #require(lines[0].firstIndex(of: "disagrees"))
        #expect(lines[1][flag] == "false" && lines[2][flag] == "true" && lines[3][flag] == "")
    }

    @Test func gbkInputIsDetected() throws {
        let plan = SamplePlan.shared
        let folder = TemporaryFolder()
        let utf8 = folder.write("u.csv", "id,地址\n1,赤坎区南桥街道京基社区\n2,湛江市赤坎区调顺街道\n")
        let gbk = folder.path("g.csv")
        let conversion = try run("iconv", ["-f", "UTF-8", "-t", "GB18030", utf8, "-o", gbk])
        #expect(conversion.status == 0)
        let out = folder.path("out.csv")
        let report = try BatchGeocoder.run(
            reader: try CaseReader(path: gbk), geocoder: plan.geocoder, assigner: nil,
            options: BatchGeocoder.Options(addressField: "地址", out: out))
        #expect(report.byLevel == ["community": 1, "street": 1])
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("京基社区"))
    }
}

@Suite struct GazetteerStoreTests {
    @Test func importIndexesSearchAndReplaces() throws {
        let folder = TemporaryFolder()
        let store = try GeoPackage(path: folder.path("g.gpkg"), schema: GazetteerSchema.schema)
        let admin = folder.write("admin.csv", "level,code,name,parent_code,aliases\ncounty,440802,赤坎区,440800,\nstreet,440802007,南桥街道,440802,南桥街\n")
        var o = GazetteerImporter.Options(kind: .admin)
        _ = try GazetteerImporter.run(file: admin, into: store, options: o)
        let roads = folder.write("roads.csv", "路名,wkt,county_code\n海滨大道,\"LINESTRING (110.39 21.27, 110.40 21.27)\",440802\n")
        o = GazetteerImporter.Options(kind: .road); o.crs = .cgcs2000; o.fields = ["name": "路名"]
        let first = try GazetteerImporter.run(file: roads, into: store, options: o)
        #expect(first.imported == 1)
        let again = try GazetteerImporter.run(file: roads, into: store, options: o)
        #expect(again.replaced == 1)
        let numbers = folder.write("n.csv", "road,number,lon,lat\n海滨大道,1,110.391,21.2701\n海滨大道,9,110.399,21.2701\n")
        o = GazetteerImporter.Options(kind: .address); o.crs = .cgcs2000
        _ = try GazetteerImporter.run(file: numbers, into: store, options: o)
        let counts = try store.read { db in
            [
                try Int.fetchOne(db, sql: "SELECT count(*) FROM gazetteer WHERE kind = 'road'"),
                // The exact-name index has the suffix-free division names and aliases …
                try Int.fetchOne(db, sql: "SELECT count(*) FROM internal_gazetteer_names WHERE key IN ('南桥', '南桥街', '赤坎')"),
                // … the trigram index any three characters of a name, and the R-tree every geometry.
                try Int.fetchOne(db, sql: "SELECT count(*) FROM internal_gazetteer_fts WHERE internal_gazetteer_fts MATCH '滨大道'"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM rtree_gazetteer_geom"),
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM gpkg_extensions WHERE table_name = 'gazetteer' AND extension_name = 'gpkg_rtree_index'"),
            ]
        }
        #expect(counts == [1, 3, 3, 3, 1]) // 海滨大道 and its two numbers
        // With no grids, the county of a place comes from the only county known.
        let geocoder = Geocoder(index: try GazetteerIndex(store: store))
        let r = geocoder.geocode("赤坎区海滨大道5号")
        #expect(r.level == .houseNumber && r.interpolated && abs(r.lon - 110.395) < 1e-9)
        #expect(r.countyCode == "440802")
        // Bad input names the file and line.
        let bad = folder.write("bad.csv", "road,number,lon,lat\n海滨大道,x,110.391,21.2701\n")
        #expect(throws: GridplanError.self) { try GazetteerImporter.run(file: bad, into: store, options: o) }
        do { _ = try GazetteerImporter.run(file: bad, into: store, options: o) } catch {
            #expect("\(error)".contains("bad.csv: line 2"))
        }
    }
}
