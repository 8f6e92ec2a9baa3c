import Foundation
import GRDB
import GridErrors
import GridFormats
import GridGeometry
import GridProjection
import GridStore
import GridTestSupport
import Testing

@testable import Grids

/// A GeoJSON FeatureCollection of squares 0.01° wide along a row, with the given properties.
func squares(_ properties: [String], x0: Double = 110.35, y0: Double = 21.25) -> String {
    let features = properties.enumerated().map { i, props in
        let x = x0 + Double(i) * 0.01
        return """
            {"type":"Feature","properties":{\(props)},"geometry":{"type":"Polygon","coordinates":[[[\(x),\(y0)],[\(x + 0.01),\(y0)],[\(x + 0.01),\(y0 + 0.01)],[\(x),\(y0 + 0.01)],[\(x),\(y0)]]]}}
            """
    }
    return "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}"
}

/// Everything stored in the plan, as text, to show that a failed import changed nothing.
func dump(_ store: GeoPackage) throws -> String {
    try store.read { db in
        let grids = try Row.fetchAll(db, sql: "SELECT * FROM grids ORDER BY fid").map(\.description)
        let versions = try Row.fetchAll(db, sql: "SELECT * FROM plan_versions ORDER BY id").map(\.description)
        let rtree = try Row.fetchAll(db, sql: "SELECT * FROM rtree_grids_geom ORDER BY id").map(\.description)
        return (grids + versions + rtree).joined(separator: "\n")
    }
}

@Suite struct ImportErrorTests {
    let folder = TemporaryFolder()

    func expectImportError(
        _ file: String, level: GridLevel = .street, crs: CRS? = nil, kind: ErrorKind = .badInput,
        containing parts: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        let before = try dump(store)
        var options = ImportOptions(level: level)
        options.crs = crs
        do {
            _ = try GridImporter.run(file: file, into: store, options: options)
            Issue.record("import of \(file) should have failed", sourceLocation: sourceLocation)
        } catch let error as GridplanError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            #expect(error.source?.description.contains((file as NSString).lastPathComponent) == true, sourceLocation: sourceLocation)
            // Settings are written the way the command line shows them.
            let message = error.rendered { "--" + $0.rawValue }
            for part in parts {
                #expect(message.contains(part), "'\(message)' should mention '\(part)'", sourceLocation: sourceLocation)
            }
        }
        #expect(try dump(store) == before, "a failed import must leave the store as it was", sourceLocation: sourceLocation)
    }

    @Test func emptyFile() throws {
        let file = folder.write("empty.geojson", #"{"type":"FeatureCollection","features":[]}"#)
        try expectImportError(file, containing: ["empty.geojson", "no features"])
    }

    @Test func fileWithoutCRS() throws {
        let file = folder.write("nocrs.csv", "name,wkt\nA,\"POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))\"\n")
        try expectImportError(file, containing: ["nocrs.csv", "no coordinate reference system", "--crs"])
    }

    @Test func swappedLatitudeAndLongitude() throws {
        let file = folder.write("swapped.geojson", squares([#""name":"南桥""#], x0: 21.25, y0: 110.35))
        try expectImportError(file, containing: ["swapped.geojson", "feature 1", "南桥", "swapped"])
    }

    @Test func projectedCoordinatesDeclaredAsDegrees() throws {
        let file = folder.write("metres.csv", "name,wkt\nA,\"POLYGON ((433000 2353000, 434000 2353000, 434000 2354000, 433000 2353000))\"\n")
        try expectImportError(file, crs: .cgcs2000, containing: ["metres.csv", "feature 1", "projected metres"])
    }

    @Test func unclosedRing() throws {
        let file = folder.write(
            "unclosed.geojson",
            """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"open"},"geometry":{"type":"Polygon","coordinates":[[[110.35,21.25],[110.36,21.25],[110.36,21.26],[110.35,21.26]]]}}]}
            """)
        try expectImportError(file, containing: ["unclosed.geojson", "feature 1", "open"])
    }

    @Test func linesAreNotGrids() throws {
        let file = folder.write(
            "road.geojson",
            """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"人民大道"},"geometry":{"type":"LineString","coordinates":[[110.35,21.25],[110.36,21.25]]}}]}
            """)
        try expectImportError(file, containing: ["road.geojson", "feature 1", "LineString", "polygons"])
    }

    @Test func duplicateCode() throws {
        let file = folder.write("dup.geojson", squares([#""code":"440802007""#, #""code":"440802008""#, #""code":"440802007""#]))
        try expectImportError(file, kind: .conflict, containing: ["dup.geojson", "feature 3", "440802007", "twice"])
    }

    @Test func badHouseholdsAfterGoodFeatures() throws {
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        _ = try GridImporter.run(
            file: folder.write("good.geojson", squares([#""code":"1""#, #""code":"2""#])), into: store,
            options: ImportOptions(level: .street))
        let file = folder.write("bad.geojson", squares([#""code":"1","households":10"#, #""code":"3","households":"many""#]))
        try expectImportError(file, containing: ["bad.geojson", "feature 2", "households", "many"])
    }

    @Test func unknownFieldAndMissingFile() throws {
        let file = folder.write("ok.geojson", squares([#""code":"1""#]))
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        var options = ImportOptions(level: .street)
        options.parentField = "mother"
        let unknown = #expect(throws: GridplanError.self) { try GridImporter.run(file: file, into: store, options: options) }
        #expect(unknown?.kind == .notFound && unknown?.message.settings == ["parent-field"])
        #expect(unknown?.rendered { "--" + $0.rawValue }.contains("--parent-field mother") == true)
        let missing = #expect(throws: GridplanError.self) {
            try GridImporter.run(file: folder.path("nope.shp"), into: store, options: ImportOptions(level: .street))
        }
        #expect(missing?.kind == .notFound && missing?.source?.file == folder.path("nope.shp"))
    }
}

@Suite struct ImportFormatTests {
    let folder = TemporaryFolder()

    func names(_ store: GeoPackage, level: GridLevel) throws -> [String] {
        try store.read { try GridRecord.current($0, level: level) }.compactMap(\.name).sorted()
    }

    @Test func gbkShapefileWithoutCPG() throws {
        let source = folder.write("src.geojson", squares([#""code":"440802007","name":"南桥街道""#, #""code":"440802008","name":"北桥街道""#]))
        let shp = folder.path("gbk.shp")
        let made = try run("ogr2ogr", ["-f", "ESRI Shapefile", "-lco", "ENCODING=CP936", shp, source])
        #expect(made.status == 0, "\(made.stderr)")
        // Make it look like most Chinese shapefiles in the wild: no .cpg, no code page byte.
        try? FileManager.default.removeItem(atPath: folder.path("gbk.cpg"))
        let dbf = try FileHandle(forUpdating: URL(fileURLWithPath: folder.path("gbk.dbf")))
        try dbf.seek(toOffset: 29); dbf.write(Data([0])); try dbf.close()
        let raw = try Data(contentsOf: URL(fileURLWithPath: folder.path("gbk.dbf")))
        #expect(String(data: raw, encoding: .utf8) == nil, "the .dbf must really be GBK, not UTF-8")

        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        let report = try GridImporter.run(file: shp, into: store, options: ImportOptions(level: .street))
        #expect(report.imported == 2)
        #expect(try names(store, level: .street) == ["北桥街道", "南桥街道"].sorted())
    }

    @Test func shapefileWithCPGAndProjectedCRS() throws {
        let source = folder.write("src.geojson", squares([#""code":"A","name":"东风社区""#]))
        let shp = folder.path("projected.shp")
        let made = try run("ogr2ogr", ["-f", "ESRI Shapefile", "-t_srs", "EPSG:4546", "-lco", "ENCODING=CP936", shp, source])
        #expect(made.status == 0, "\(made.stderr)")
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        let report = try GridImporter.run(file: shp, into: store, options: ImportOptions(level: .community))
        #expect(report.sourceCRS == "EPSG:4546")
        #expect(try names(store, level: .community) == ["东风社区"])
        let grid = try store.read { try GridRecord.current($0, level: .community) }[0]
        let e = try #require(try grid.geometry(GEOSContext()).envelope)
        #expect(abs(e.minX - 110.35) < 1e-7 && abs(e.minY - 21.25) < 1e-7)
    }

    @Test func csvWithWKTAndGivenCRS() throws {
        let file = folder.write(
            "grids.csv",
            """
            编码,名称,户数,wkt
            440802007001,友谊社区,410,"POLYGON ((110.35 21.25, 110.36 21.25, 110.36 21.26, 110.35 21.26, 110.35 21.25))"
            440802007002,南华社区,  ,"POLYGON ((110.36 21.25, 110.37 21.25, 110.37 21.26, 110.36 21.26, 110.36 21.25))"

            """)
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        var options = ImportOptions(level: .community)
        options.crs = .cgcs2000
        let report = try GridImporter.run(file: file, into: store, options: options)
        #expect(report.imported == 2)
        let grids = try store.read { try GridRecord.current($0, level: .community) }
        #expect(grids.map(\.code) == ["440802007001", "440802007002"])
        #expect(grids.map(\.households) == [410, nil])
    }

    @Test func gcj02InputIsShiftedToCGCS2000() throws {
        let file = folder.write("amap.geojson", squares([#""code":"X""#]))
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        var options = ImportOptions(level: .unit)
        options.crs = .gcj02
        let report = try GridImporter.run(file: file, into: store, options: options)
        #expect(report.warnings.isEmpty, "GeoJSON always declares WGS84; gcj02 refines it without a warning")
        let grid = try store.read { try GridRecord.current($0, level: .unit) }[0]
        let e = try #require(try grid.geometry(GEOSContext()).envelope)
        let corners = [(110.35, 21.25), (110.36, 21.25), (110.36, 21.26), (110.35, 21.26)].map { ChinaOffsets.gcj02ToWGS84(lon: $0.0, lat: $0.1) }
        #expect(abs(e.minX - corners.map(\.lon).min()!) < 1e-9 && abs(e.minY - corners.map(\.lat).min()!) < 1e-9)
        #expect(abs(e.maxX - corners.map(\.lon).max()!) < 1e-9 && abs(e.maxY - corners.map(\.lat).max()!) < 1e-9)
    }

    @Test func kmlThroughGDAL() throws {
        let source = folder.write("src.geojson", squares([#""name":"霞山片区""#, #""name":"赤坎片区""#]))
        let kml = folder.path("areas.kml")
        let made = try run("ogr2ogr", ["-f", "KML", kml, source])
        #expect(made.status == 0, "\(made.stderr)")
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        let report = try GridImporter.run(file: kml, into: store, options: ImportOptions(level: .area))
        #expect(report.imported == 2)
        #expect(try names(store, level: .area) == ["赤坎片区", "霞山片区"].sorted())
    }

    @Test func reimportKeepsHistoryAndLinksParents() throws {
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        let streets = folder.write("streets.geojson", squares([#""code":"S1","name":"甲街道""#, #""code":"S2","name":"乙街道""#]))
        let communities = folder.write(
            "communities.geojson", squares([#""code":"C1","parent":"S1""#, #""code":"C2","parent":"乙街道""#, #""code":"C3","parent":"S9""#]))
        _ = try GridImporter.run(file: communities, into: store, options: ImportOptions(level: .community))
        let first = try GridImporter.run(file: streets, into: store, options: ImportOptions(level: .street))
        // Children imported before their parents are linked when the parents arrive.
        #expect(first.parentsLinked == 2)
        #expect(first.unmatchedParents == ["S9": ["C3"]])
        // The streets redrawn (their households counted): each current street ends and a new one begins.
        let redrawn = folder.write(
            "redrawn.geojson", squares([#""code":"S1","name":"甲街道","households":900"#, #""code":"S2","name":"乙街道","households":700"#]))
        let again = try GridImporter.run(file: redrawn, into: store, options: ImportOptions(level: .street))
        #expect(again.superseded == 2 && again.unchanged == 0)
        let counts = try store.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM grids WHERE level = 1")!,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM grids WHERE level = 1 AND valid_to IS NULL")!
            )
        }
        #expect(counts == (4, 2))
        // Children follow to the new versions of their parents.
        let linked = try store.read { try GridRecord.current($0, level: .community) }.compactMap(\.parentCode).sorted()
        #expect(linked == ["S1", "S2"])
        #expect(try PlanVersion.all(store: store).map(\.added) == [3, 2, 2])
    }

    @Test func reimportWithoutCodesRedrawsByNameAndKeepsGivenCodes() throws {
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        let areas = folder.write("areas.geojson", squares([#""name":"第1片区""#, #""name":"第2片区""#]))
        _ = try GridImporter.run(file: areas, into: store, options: ImportOptions(level: .area))
        try store.write { try $0.execute(sql: "UPDATE grids SET code = 'A1' WHERE name = '第1片区'") }
        let redrawn = folder.write("redrawn.geojson", squares([#""name":"第1片区""#, #""name":"第2片区""#], x0: 110.351))
        let again = try GridImporter.run(file: redrawn, into: store, options: ImportOptions(level: .area))
        #expect(again.superseded == 2)
        let current = try store.read { try GridRecord.current($0, level: .area) }
        #expect(current.count == 2, "importing the same uncoded grids again must not add twins")
        #expect(current.first { $0.name == "第1片区" }?.code == "A1", "a redrawn grid keeps the code it was given")
        // Two uncoded grids of one name in one file are two grids, not a redraw of each other.
        let twins = folder.write("twins.geojson", squares([#""name":"第9片区""#, #""name":"第9片区""#], y0: 21.3))
        let report = try GridImporter.run(file: twins, into: store, options: ImportOptions(level: .area))
        #expect(report.superseded == 0 && report.imported == 2)
    }

    @Test func kindsInEnglishOrChineseAndNothingElse() throws {
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        let good = folder.write(
            "kinds.geojson",
            squares([
                #""code":"U1","kind":"学校""#, #""code":"U2","kind":"医院专属网格""#,
                #""code":"U3","kind":"industrial_park""#, #""code":"U4""#,
            ]))
        _ = try GridImporter.run(file: good, into: store, options: ImportOptions(level: .unit))
        let kinds = try store.read { try String.fetchAll($0, sql: "SELECT kind FROM grids ORDER BY code") }
        #expect(kinds == ["school", "hospital", "industrial_park", "comprehensive"])
        let bad = folder.write("bad-kind.geojson", squares([#""code":"U5","kind":"学枚""#]))
        do {
            _ = try GridImporter.run(file: bad, into: store, options: ImportOptions(level: .unit))
            Issue.record("an unknown kind must be refused")
        } catch {
            #expect("\(error)".contains("bad-kind.geojson") && "\(error)".contains("'学枚'") && "\(error)".contains("not a grid kind"))
        }
    }

    @Test func validFromMustBeADayAndMoveHistoryForward() throws {
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        let streets = folder.write("streets.geojson", squares([#""code":"S1""#]))
        var options = ImportOptions(level: .street)
        options.validFrom = "2024-02-30"
        #expect(throws: GridplanError.self) { try GridImporter.run(file: streets, into: store, options: options) }
        options.validFrom = "2024-03-01"
        _ = try GridImporter.run(file: streets, into: store, options: options)
        options.validFrom = "2023-12-31"
        do {
            _ = try GridImporter.run(file: streets, into: store, options: options)
            Issue.record("a plan starting before the one it replaces must be refused")
        } catch {
            #expect("\(error)".contains("before 2024-03-01"))
        }
        options.validFrom = "2025-01-01"
        let redrawn = folder.write("redrawn.geojson", squares([#""code":"S1""#], y0: 21.26))
        #expect(try GridImporter.run(file: redrawn, into: store, options: options).superseded == 1)
    }

    @Test func aGridImportedAgainAsItIsKeepsItsRow() throws {
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        func units(_ snapshot: PlanMoment) throws -> [String] {
            try PlanSnapshot(store: store, at: snapshot).grids.map { "\($0.code!):\($0.fid):\($0.households ?? -1)" }.sorted()
        }
        let first = folder.write(
            "units.geojson",
            squares([#""code":"U1","households":10"#, #""code":"U2","households":20"#, #""code":"U3""#, #""code":"U4""#]))
        var options = ImportOptions(level: .unit, validFrom: "2024-01-01")
        _ = try GridImporter.run(file: first, into: store, options: options)
        let before = try units(.version(1))
        #expect(before == ["U1:1:10", "U2:2:20", "U3:3:-1", "U4:4:-1"])

        // The level again, from a later day: U1 as it was, U2 recounted, U3 redrawn (one vertex
        // moved), U4 left out, U5 new.
        var redrawn = squares([#""code":"U1","households":10"#, #""code":"U2","households":25"#, #""code":"U3""#, #""code":"U5""#])
        redrawn = redrawn.replacingOccurrences(of: "[110.38,21.25]", with: "[110.3801,21.25]")
        let second = folder.write("redrawn.geojson", redrawn)
        options.validFrom = "2025-01-01"
        options.replaceLevel = true
        let report = try GridImporter.run(file: second, into: store, options: options)
        #expect((report.imported, report.unchanged, report.superseded) == (4, 1, 3))
        #expect(try units(.version(1)) == before, "the first plan reads as it was")
        #expect(try units(.version(2)) == ["U1:1:10", "U2:5:25", "U3:6:-1", "U5:7:-1"])
        #expect(try units(.date("2024-06-01")) == before && units(.date("2025-06-01")) == units(.version(2)))
        let versions = try PlanVersion.all(store: store)
        #expect(versions.map(\.added) == [4, 3] && versions.map(\.ended) == [0, 3])

        // The same file once more, by code and with --replace: nothing to add or end.
        for replace in [false, true] {
            options.replaceLevel = replace
            options.validFrom = "2026-01-01"
            let again = try GridImporter.run(file: second, into: store, options: options)
            #expect((again.imported, again.unchanged, again.superseded) == (4, 4, 0))
        }
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM grids") } == 7)
        #expect(try units(.version(4)) == units(.version(2)))
        #expect(try store.read { try String.fetchOne($0, sql: "SELECT rtreecheck('rtree_grids_geom')") } == "ok")

        // Two uncoded features of one name cannot say which grid each is: both are imported anew.
        let twins = folder.write("twins.geojson", squares([#""name":"第9片区""#, #""name":"第9片区""#], y0: 21.3))
        _ = try GridImporter.run(file: twins, into: store, options: ImportOptions(level: .area))
        let twinsAgain = try GridImporter.run(file: twins, into: store, options: ImportOptions(level: .area))
        #expect((twinsAgain.unchanged, twinsAgain.superseded) == (0, 2))

        // A grid that one feature names by its code (redrawn) and another by its name (as it is)
        // is kept by neither: the level ends with one current grid of the code, with or without --replace.
        for replace in [false, true] {
            let named = folder.write("named.geojson", squares([#""code":"A1","name":"第1片区""#], y0: 21.4))
            _ = try GridImporter.run(file: named, into: store, options: ImportOptions(level: .area))
            // The uncoded feature has the grid's shape; the coded one is drawn beside it.
            let both = folder.write("both.geojson", squares([#""name":"第1片区""#, #""code":"A1","name":"新1片区""#], y0: 21.4))
            var options = ImportOptions(level: .area); options.replaceLevel = replace
            let report = try GridImporter.run(file: both, into: store, options: options)
            #expect(report.unchanged == 0, "replace: \(replace)")
            let current = try store.read { try GridRecord.current($0, level: .area) }.filter { $0.name == "第1片区" || $0.code == "A1" }
            #expect(current.filter { $0.code == "A1" }.count == 1, "replace: \(replace)")
            #expect(current.map { $0.name ?? "-" }.sorted() == ["新1片区", "第1片区"], "replace: \(replace)")
        }
    }
}

@Suite struct ExportTests {
    let folder = TemporaryFolder()

    func plan() throws -> GeoPackage {
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        let file = folder.write("c.geojson", squares([#""code":"C1","name":"友谊社区","households":400"#, #""code":"C2","name":"南华社区""#]))
        _ = try GridImporter.run(file: file, into: store, options: ImportOptions(level: .community))
        return store
    }

    @Test(arguments: VectorFormat.allCases)
    func everyFormatReadsBackInGDAL(format: VectorFormat) throws {
        let store = try plan()
        let out = folder.path("out.\(format.rawValue)")
        #expect(try GridExporter.run(store: store, level: .community, format: format, out: out) == 2)
        let layers = try ogrinfo(out)
        #expect(layers.count == 1)
        #expect(layers.first?.featureCount == 2)
        // GeoJSON (RFC 7946) is WGS84 by definition; the others keep CGCS2000.
        if format != .csv { #expect(layers.first?.epsg == (format == .geojson ? 4326 : 4490)) }
        // And gridplan reads its own export back.
        let again = try GeoPackage(path: folder.path("again-\(format.rawValue).gpkg"), schema: GridsSchema.schema)
        var options = ImportOptions(level: .community)
        if format == .csv { options.crs = .cgcs2000 }
        let report = try GridImporter.run(file: out, into: again, options: options)
        #expect(report.imported == 2)
        let names = try again.read { try GridRecord.current($0, level: .community) }.compactMap(\.name).sorted()
        #expect(names == ["南华社区", "友谊社区"].sorted())
    }

    @Test func exportInGCJ02AndProjected() throws {
        let store = try plan()
        let out = folder.path("gcj.geojson")
        _ = try GridExporter.run(store: store, level: .community, format: .geojson, out: out, crs: .gcj02)
        let g = try Geometry(geoJSON: try String(contentsOfFile: out, encoding: .utf8))
        let e = try #require(g.envelope)
        let corners = [(110.35, 21.25), (110.36, 21.25), (110.37, 21.25), (110.35, 21.26), (110.36, 21.26), (110.37, 21.26)].map {
            ChinaOffsets.wgs84ToGCJ02(lon: $0.0, lat: $0.1)
        }
        #expect(abs(e.minX - corners.map(\.lon).min()!) < 1e-9 && abs(e.minY - corners.map(\.lat).min()!) < 1e-9)

        let shp = folder.path("metric.shp")
        _ = try GridExporter.run(store: store, level: .community, format: .shp, out: shp, crs: .proj("EPSG:4546"))
        #expect(try ogrinfo(shp).first?.epsg == 4546)
        #expect(throws: GridplanError.self) { try GridExporter.run(store: store, level: .unit, format: .shp, out: shp) }
    }
}
