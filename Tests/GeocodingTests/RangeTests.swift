import Foundation
import GRDB
import GridProjection
import GridStore
import GridTestSupport
import Testing

@testable import Geocoding

/// The labelled addresses on house-number ranges (GeoData/chikan/gazetteer/testset_ranges.csv).
func rangeTestSet() throws -> [[String: String]] {
    let text = try String(contentsOfFile: "\(repoRoot)/GeoData/chikan/gazetteer/testset_ranges.csv", encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.map { line in
        Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
    }
}

/// A store with one county and whatever places a test adds (no grids: places get the county).
func smallStore(_ folder: TemporaryFolder) throws -> GeoPackage {
    let store = try GeoPackage(path: folder.path("g.gpkg"), schema: GazetteerSchema.schema)
    _ = try importFile(
        folder.write("admin.csv", "level,code,name,parent_code,lon,lat\ncounty,440802,赤坎区,440800,110.36,21.27\n"),
        .admin, into: store)
    return store
}

func importFile(_ path: String, _ kind: PlaceKind, into store: GeoPackage) throws -> GazetteerImporter.Report {
    var o = GazetteerImporter.Options(kind: kind)
    o.crs = .cgcs2000
    return try GazetteerImporter.run(file: path, into: store, options: o)
}

@Suite(.serialized) struct HouseNumberRangeTests {
    /// Precision and recall per level on the range test set, and how each house number was placed.
    @Test func rangeTestSetFloorsAndMethods() throws {
        let geocoder = SamplePlan.shared.geocoder
        var expected: [String: Int] = [:], returned: [String: Int] = [:], correct: [String: Int] = [:]
        var methodRight = 0, methodRows = 0
        // Five road names are also roads of 霞山区: without a county those are rightly ambiguous.
        let twins = Set(geocoder.index.places.filter { $0.kind == .road && $0.county == "440803" }.map(\.name))
        for row in try rangeTestSet() {
            let r = geocoder.geocode(row["address"]!)
            let want = row["expected_level"]!
            expected[want, default: 0] += 1
            returned[r.level.rawValue, default: 0] += 1
            var ok = r.level.rawValue == want
            if ok, let tolerance = Double(row["tolerance_m"]!), let lon = Double(row["lon"]!), let lat = Double(row["lat"]!) {
                ok = metres(r.lon, r.lat, lon, lat) <= tolerance
            } else if ok {
                ok = r.matched == row["expected_name"]
            }
            if ok { correct[want, default: 0] += 1 }
            if want == "house_number" && row["noise"] == "none" {
                methodRows += 1
                if r.interpolation?.rawValue ?? "" == row["interpolation"]! && r.interpolated == (row["interpolated"] == "true") {
                    methodRight += 1
                } else {
                    print("method: \(row["address"]!) → \(r.interpolation?.rawValue ?? "exact"), want '\(row["interpolation"]!)'")
                }
            }
            // A road in several segments (a long road and the segment with its far numbers) is one road.
            if want == "road" && row["noise"] == "none" && !twins.contains(row["expected_name"]!) {
                #expect(r.reason?.contains("ambiguous") != true, "\(row["address"]!): \(r.reason ?? "")")
                #expect(r.alternatives.isEmpty, "\(row["address"]!)")
            }
        }
        let floors: [String: (recall: Double, precision: Double)] = ["house_number": (0.96, 0.96), "road": (0.95, 0.95)]
        for (level, floor) in floors.sorted(by: { $0.key < $1.key }) {
            let c = Double(correct[level] ?? 0)
            let recall = c / Double(max(1, expected[level] ?? 0)), precision = c / Double(max(1, returned[level] ?? 0))
            print(
                String(
                    format: "ranges %-13@ expected %4d returned %4d correct %4d recall %.3f precision %.3f",
                    level as NSString, expected[level] ?? 0, returned[level] ?? 0, Int(c), recall, precision))
            #expect(recall >= floor.recall, "\(level) recall \(recall)")
            #expect(precision >= floor.precision, "\(level) precision \(precision)")
        }
        #expect(methodRows > 150)
        #expect(methodRight == methodRows)
    }

    @Test func sampleRangesAreImportedFromEveryStyle() throws {
        let counts = try SamplePlan.shared.store.read { db in
            try Row.fetchAll(db, sql: "SELECT side, parity, count(*) AS n FROM gazetteer_ranges GROUP BY side, parity ORDER BY side, parity")
                .map { "\($0["side"] as String? ?? "-") \($0["parity"] as String) \($0["n"] as Int)" }
        }
        // TIGER-style left/right, 单/双 per side, one side numbered consecutively.
        #expect(counts.contains { $0.hasPrefix("left odd") } && counts.contains { $0.hasPrefix("right even") })
        #expect(counts.contains { $0.hasPrefix("left all") })
        #expect(SamplePlan.shared.geocoder.index.ranges.count == 40)
    }

    /// A road along the parallel 21.27 from 110.39 to 110.40 (first point west), left side odd
    /// 1–201, right side even 2–202; number 11 known as a point off the line.
    func plainRoad(
        _ folder: TemporaryFolder, header: String = "name,wkt,from_left,to_left,from_right,to_right",
        values: String = "1,201,2,202"
    ) throws -> (GeoPackage, Geocoder) {
        let store = try smallStore(folder)
        _ = try importFile(
            folder.write("roads.csv", "\(header)\n海滨大道,\"LINESTRING (110.39 21.27, 110.395 21.27, 110.40 21.27)\",\(values)\n"),
            .road, into: store)
        _ = try importFile(folder.write("n.csv", "road,number,lon,lat\n海滨大道,11,110.3912,21.2703\n"), .address, into: store)
        return (store, Geocoder(index: try GazetteerIndex(store: store)))
    }

    @Test func exactPointsComeFirstThenTheRangeAlongTheLine() throws {
        let folder = TemporaryFolder()
        let (_, geocoder) = try plainRoad(folder)
        let exact = geocoder.geocode("赤坎区海滨大道11号")
        #expect(exact.level == .houseNumber && !exact.interpolated && exact.interpolation == nil)
        #expect(abs(exact.lon - 110.3912) < 1e-9 && abs(exact.lat - 21.2703) < 1e-9)
        // 101 is half-way along the odd side 1–201: the middle of the line.
        let middle = geocoder.geocode("赤坎区海滨大道101号")
        #expect(middle.level == .houseNumber && middle.interpolated && middle.interpolation == .range)
        #expect(abs(middle.lon - 110.395) < 1e-7 && abs(middle.lat - 21.27) < 1e-9)
        #expect(middle.matched == "海滨大道101号")
        #expect(middle.confidence < exact.confidence && middle.confidence > 0.5)
        // 51 is a quarter of the way; 152 (even side, 2–202) three quarters.
        let quarter = geocoder.geocode("海滨大道51号"), threeQuarters = geocoder.geocode("海滨大道152号")
        #expect(abs(quarter.lon - 110.3925) < 1e-7 && abs(threeQuarters.lon - 110.3975) < 1e-7)
        // Outside every range: the road, and why.
        let beyond = geocoder.geocode("赤坎区海滨大道301号")
        #expect(beyond.level == .road && beyond.reason?.contains("no house numbers known near 301") == true)
    }

    @Test func aRangeRunningAgainstTheLineAndParity() throws {
        let folder = TemporaryFolder()
        // Numbers falling from the first point to the last, even only, on the right.
        let (_, geocoder) = try plainRoad(folder, header: "name,wkt,number_from,number_to,parity,side", values: "40,2,even,right")
        let r = geocoder.geocode("海滨大道30号") // (40 − 30) / (40 − 2) of the way from the west end
        #expect(r.interpolation == .range && abs(r.lon - (110.39 + 0.01 * 10 / 38)) < 1e-7)
        let odd = geocoder.geocode("海滨大道31号")
        #expect(odd.level == .road)
    }

    @Test func chineseFieldNames() throws {
        let folder = TemporaryFolder()
        let (store, geocoder) = try plainRoad(folder, header: "路名,wkt,门牌起,门牌止,单双号,侧", values: "2,20,双,右")
        #expect(geocoder.geocode("海滨大道11号").interpolation == nil)
        let r = geocoder.geocode("海滨大道20号")
        #expect(r.interpolation == .range && abs(r.lon - 110.40) < 1e-7)
        #expect(geocoder.geocode("海滨大道13号").level == .road)
        let row = try store.read {
            try String.fetchOne($0, sql: "SELECT side || ' ' || number_from || '-' || number_to || ' ' || parity FROM gazetteer_ranges")
        }
        #expect(row == "right 2-20 even")
        // TIGER-style with Chinese names; parity per side from the ends (both odd → odd).
        let folder2 = TemporaryFolder()
        let (store2, geocoder2) = try plainRoad(folder2, header: "路名,wkt,左起,左止,右起,右止", values: "1,21,,")
        let parities = try store2.read { try String.fetchAll($0, sql: "SELECT side || ' ' || parity FROM gazetteer_ranges") }
        #expect(parities == ["left odd"])
        #expect(geocoder2.geocode("海滨大道21号").interpolation == .range)
        #expect(geocoder2.geocode("海滨大道20号").level == .road)
        withExtendedLifetime((folder, folder2)) {} // each folder's deinit deletes its plan
    }

    @Test func badRangesAreRefusedWithFileAndLine() throws {
        let folder = TemporaryFolder()
        let store = try smallStore(folder)
        func failure(_ csv: String) -> String {
            do { _ = try importFile(folder.write("bad.csv", csv), .road, into: store); return "" } catch { return "\(error)" }
        }
        let line = "\"LINESTRING (110.39 21.27, 110.40 21.27)\""
        #expect(
            failure("name,wkt,from_left,to_left\n海滨大道,\(line),1,\n").contains(
                "bad.csv: line 2: a house-number range needs both from_left and to_left"))
        #expect(failure("name,wkt,number_from,number_to,parity\n海滨大道,\(line),1,9,双\n").contains("does not start and end on even numbers"))
        #expect(failure("name,wkt,number_from,number_to,parity\n海滨大道,\(line),1,9,sometimes\n").contains("expected odd"))
        #expect(failure("name,lon,lat,number_from,number_to\n海滨大道,110.39,21.27,1,9\n").contains("no line geometry"))
        // Imported again, a file's ranges are replaced, not added to.
        let good = folder.write("good.csv", "name,wkt,from_left,to_left,from_right,to_right\n海滨大道,\(line),1,9,2,10\n")
        _ = try importFile(good, .road, into: store)
        let again = try importFile(good, .road, into: store)
        #expect(again.ranges == 2 && again.replaced == 1)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM gazetteer_ranges") } == 2)
    }
}

@Suite struct CandidateSearchTests {
    /// Names reachable only through a substring (two or more characters missing, no suffix to
    /// strip) are found through the FTS5 trigram index, and only through it: with the index
    /// emptied, the same geocoder no longer finds them.
    @Test func substringsAreFoundThroughFTS5() throws {
        let folder = TemporaryFolder()
        let store = try smallStore(folder)
        _ = try importFile(
            folder.write("roads.csv", "name,wkt,number_from,number_to\n金沙湾海滨大道,\"LINESTRING (110.39 21.27, 110.40 21.27)\",1,101\n"),
            .road, into: store)
        _ = try importFile(folder.write("pois.csv", "name,lon,lat\n金沙湾观海长廊,110.41,21.28\n"), .poi, into: store)
        // Answered as they are found (by default, with no division named to confirm them, they are
        // only listed beside the county: checked at the end).
        var answering = MatchScores()
        answering.holdBackUnconfirmed = false
        let geocoder = Geocoder(index: try GazetteerIndex(store: store), scores: answering)
        // Neither the exact-name nor the one-typo index has them.
        #expect(geocoder.index.named(.road, key: "海滨大道").places.isEmpty)
        #expect(geocoder.index.named(.poi, key: "观海长廊").places.isEmpty)
        let road = geocoder.geocode("赤坎区海滨大道51号")
        #expect(road.level == .houseNumber && road.interpolation == .range && road.fuzzy)
        #expect(abs(road.lon - 110.395) < 1e-7)
        let poi = geocoder.geocode("赤坎区观海长廊")
        #expect(poi.level == .compound && poi.matched == "金沙湾观海长廊")
        let heldBack = Geocoder(index: geocoder.index).geocode("赤坎区观海长廊")
        #expect(heldBack.level == .county && heldBack.alternatives.contains { $0.name == "金沙湾观海长廊" }, "\(heldBack)")
        // The query MATCHes through the FTS5 index (xBestIndex), not a scan of the table.
        let plan = try store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT f.rowid FROM internal_gazetteer_fts f JOIN gazetteer g ON g.fid = f.rowid
                    WHERE internal_gazetteer_fts MATCH '"海滨大道"' AND g.kind = 'road' ORDER BY rank LIMIT 8
                    """
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("VIRTUAL TABLE INDEX") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN g") }, "\(plan)")
        try store.write { try $0.execute(sql: "DELETE FROM internal_gazetteer_fts") }
        #expect(geocoder.geocode("赤坎区海滨大道51号").level == .county)
        #expect(geocoder.geocode("赤坎区观海长廊").level == .county)
    }
}
