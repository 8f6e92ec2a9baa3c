import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
import GridStore
import GridTestSupport
import Testing

@testable import Cases
@testable import Grids

/// A rectangle in metres of EPSG:4546 offset to lie near Zhanjiang.
func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> String {
    let (ox, oy) = (500_000.0, 2_350_000.0)
    return "POLYGON ((\(ox + x0) \(oy + y0), \(ox + x1) \(oy + y0), \(ox + x1) \(oy + y1), \(ox + x0) \(oy + y1), \(ox + x0) \(oy + y0)))"
}

/// Points given in the same local metres, as CGCS2000 longitude/latitude (one transformer:
/// transformers are not Sendable, so each call makes its own).
func points(_ xy: [(Double, Double)]) -> [(lon: Double, lat: Double)] {
    let t = try! CoordinateTransformer(from: .proj("EPSG:4546"), to: .cgcs2000)
    var xs = xy.map { 500_000 + $0.0 }, ys = xy.map { 2_350_000 + $0.1 }
    t.transform(x: &xs, y: &ys)
    return zip(xs, ys).map { (lon: $0.0, lat: $0.1) }
}
func point(_ x: Double, _ y: Double) -> (lon: Double, lat: Double) { points([(x, y)])[0] }

/// Two unit grids side by side: U2 west of x=500 m, U1 east of it, under one community.
func twoUnits(_ folder: TemporaryFolder, reversed: Bool = false) throws -> GeoPackage {
    let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: CasesSchema.schema)
    var options = ImportOptions(level: .community); options.crs = .proj("EPSG:4546")
    _ = try GridImporter.run(file: folder.write("c.csv", "code,name,wkt\nC,社区,\"\(box(0, 0, 1000, 1000))\"\n"), into: store, options: options)
    options.level = .unit
    var rows = ["U2,西,C,\"\(box(0, 0, 500, 1000))\"", "U1,东,C,\"\(box(500, 0, 1000, 1000))\""]
    if reversed { rows.reverse() }
    _ = try GridImporter.run(
        file: folder.write("u.csv", "code,name,parent,wkt\n" + rows.joined(separator: "\n") + "\n"), into: store, options: options)
    return store
}

/// The filings of case `id`, oldest first, as "`column`'s value:when it ended", the current one
/// (on the case's row) as "value:open".
/// Makes every case look imported at an earlier moment (its import run one of that moment).
func earlierImport(_ db: Database) throws {
    try db.execute(
        sql: """
            INSERT INTO internal_case_imports (imported_at) VALUES ('2026-01-01T00:00:00Z');
            UPDATE cases SET import_run = last_insert_rowid();
            """)
}

func filings(_ store: GeoPackage, of id: String, _ column: String) throws -> [String] {
    try store.read {
        try String.fetchAll(
            $0,
            sql: """
                SELECT \(column) || ':' || ended_at, id FROM case_assignments WHERE case_fid = (SELECT fid FROM cases WHERE external_id = ?1)
                UNION ALL SELECT \(column) || ':open', 1e300 FROM cases_with_grids WHERE external_id = ?1 ORDER BY 2
                """, arguments: [id])
    }
}

@Suite struct AssignmentRuleTests {
    let folder = TemporaryFolder()

    func assign(_ store: GeoPackage, _ points: [(lon: Double, lat: Double)]) throws -> [(String, String?, Double?)] {
        let assigner = try Assigner(store: store, snapMetres: 30)
        return try assigner.assign(lon: points.map(\.lon), lat: points.map(\.lat)).map { a in
            (a.status.rawValue, a.grid.flatMap { assigner.chains[$0].unit?.code }, a.distanceM)
        }
    }

    @Test func insideBoundarySnappedOutside() throws {
        let store = try twoUnits(folder)
        let points = [point(250, 500), point(750, 500), point(1020, 500), point(1100, 500), point(-60, 500)]
        let results = try assign(store, points)
        #expect(results[0].0 == "inside" && results[0].1 == "U2")
        #expect(results[1].0 == "inside" && results[1].1 == "U1")
        #expect(results[2].0 == "snapped" && results[2].1 == "U1" && abs(results[2].2! - 20) < 0.01)
        #expect(results[3].0 == "outside" && results[3].1 == "U1" && abs(results[3].2! - 100) < 0.01)
        #expect(results[4].0 == "outside" && results[4].1 == "U2" && abs(results[4].2! - 60) < 0.01)
        let none = try Assigner(store: store).assign(lon: [.nan], lat: [.nan])
        #expect(none[0].status == .noLocation)
    }

    @Test func sharedBoundaryGoesToTheLowestCodeWhateverTheOrder() throws {
        // Points exactly on the shared edge: the vertices of the grids themselves, read back from the store.
        for reversed in [false, true] {
            let folder = TemporaryFolder()
            let store = try twoUnits(folder, reversed: reversed)
            let grids = try store.read { try GridRecord.current($0, level: .unit) }
            let u1 = try #require(grids.first { $0.code == "U1" })
            let (xs, ys) = try u1.geometry(GEOSContext()).coordinates()
            let west = xs.min()!
            let shared = zip(xs, ys).filter { $0.0 == west }.map { (lon: $0.0, lat: $0.1) }
            #expect(shared.count >= 2)
            let midpoint = (lon: west, lat: (shared[0].lat + shared[1].lat) / 2)
            for (status, code, _) in try assign(store, shared + [midpoint]) {
                #expect(status == "boundary" && code == "U1", "reversed: \(reversed)")
            }
        }
    }

    /// Builds a locator over the sample's unit grids (`maxCells` bounds its index) and checks it
    /// against GEOS at `random` random points and every vertex and edge midpoint of the first
    /// `edgePolygons` grids. Returns the locator and how many points were checked.
    func locatorAgainstGEOS(maxCells: Int = 32_000_000, random: Int, edgePolygons: Int) throws -> (PointLocator, Int) {
        let data = try String(
            contentsOfFile: #filePath.replacingOccurrences(of: "Tests/CasesTests/CasesTests.swift", with: "GeoData/chikan/units.geojson"),
            encoding: .utf8)
        let context = GEOSContext()
        let collection = try Geometry(geoJSON: data, context: context)
        let polygons = try collection.parts
        let locator = try PointLocator(polygonsWKB: try polygons.map { try $0.wkb }, maxCells: maxCells)
        let prepared = try polygons.map { try PreparedGeometry($0) }
        let tree = try STRtree(polygons, context: context)
        var points: [(Double, Double)] = []
        var rng = SystemRandomNumberGenerator()
        let extent = collection.envelope!
        for _ in 0..<random {
            points.append((Double.random(in: extent.minX...extent.maxX, using: &rng), Double.random(in: extent.minY...extent.maxY, using: &rng)))
        }
        for p in polygons.prefix(edgePolygons) {
            let (xs, ys) = try p.coordinates()
            for i in 0..<(xs.count - 1) { points.append((xs[i], ys[i])); points.append(((xs[i] + xs[i + 1]) / 2, (ys[i] + ys[i + 1]) / 2)) }
        }
        for (x, y) in points {
            let pt = try Geometry(x: x, y: y, context: context)
            // The tree gives every grid whose envelope holds the point: the only ones that can cover it.
            let near = tree.query(pt)
            let containing = try near.filter { try prepared[$0].contains(pt) }.sorted()
            let covering = try near.filter { try prepared[$0].covers(pt) }.sorted()
            switch try locator.locate(x: x, y: y) {
            case .inside(let i): #expect(containing == [i], "(\(x), \(y))")
            case .boundary(let i): #expect(containing.isEmpty && covering.contains(i) && i == covering.min(), "(\(x), \(y))")
            case .outside: #expect(covering.isEmpty, "(\(x), \(y))")
            }
        }
        return (locator, points.count)
    }

    @Test func locatorAgreesWithGEOSEverywhere() throws {
        let (locator, checked) = try locatorAgainstGEOS(random: 20_000, edgePolygons: 150)
        #expect(checked > 20_000)
        #expect(locator.index.boundaryCellCount < locator.index.cellCount / 5)
    }

    /// As a province's plan is indexed: so many polygons for the memory bound that a cell is a
    /// sizeable part of a polygon, most blocks are refined and each lists several candidates
    /// (found from the polygons' envelopes).
    @Test func coarseLocatorAgreesWithGEOS() throws {
        let (locator, _) = try locatorAgainstGEOS(maxCells: 20_000, random: 5_000, edgePolygons: .max)
        #expect(locator.index.cellCount <= 21_000)
        #expect(locator.index.boundaryCellCount * 5 > locator.index.cellCount) // coarse: many points need the exact test
    }
}

@Suite struct CaseImportTests {
    let folder = TemporaryFolder()

    func csv(_ rows: [String]) -> String { "id,lon,lat,reported_at,category,status,closed_at,address\n" + rows.joined(separator: "\n") + "\n" }

    func row(
        _ id: String, _ p: (lon: Double, lat: Double), time: String = "2024-03-01 08:00:00", category: String = "0101",
        status: String = "reported", closed: String = "", address: String = "某路1号"
    ) -> String {
        "\(id),\(p.lon),\(p.lat),\(time),\(category),\(status),\(closed),\(address)"
    }

    func importCases(
        _ store: GeoPackage, _ file: String, batch: Int = 1000, rejects: String? = nil, bulkRows: Int = CaseIndexes.defaultBulkRows,
        progress: ((Int, Int) throws -> Void)? = nil, indexing: ((Int, Int) throws -> Void)? = nil
    ) throws -> CaseImportReport {
        var options = CaseImportOptions()
        options.crs = .cgcs2000
        options.batchSize = batch
        options.bulkRows = bulkRows
        options.rejectsPath = rejects ?? folder.path("rejects.csv")
        return try CaseImporter.run(file: file, into: store, options: options, progress: progress, indexing: indexing)
    }

    /// How many R-tree entries of the case with this id cover its stored point.
    func rtreeEntriesCovering(_ store: GeoPackage, id: String) throws -> Int? {
        try store.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM rtree_cases_geom r JOIN cases c ON c.fid = r.id
                    WHERE c.external_id = ? AND r.minx <= c.lon AND r.maxx >= c.lon AND r.miny <= c.lat AND r.maxy >= c.lat
                    """, arguments: [id])
        }
    }

    func table(_ store: GeoPackage) throws -> [String] {
        try store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT external_id, reported_at, status, unit_code, assign_status, lon, lat FROM cases_with_grids ORDER BY external_id"
            )
            .map(\.description)
        }
    }

    @Test func aChangeAboveTheUnitIsAChangeAndOutsideCasesNameTheirNearestGrid() throws {
        let store = try twoUnits(folder)
        _ = try importCases(store, folder.write("a.csv", csv([row("IN", point(750, 500)), row("OUT", point(1100, 500))])))
        let stored = try store.read {
            try Row.fetchAll(
                $0,
                sql:
                    "SELECT external_id, assign_status, unit_code, nearest_code, round(distance_m, 2) AS d FROM cases_with_grids ORDER BY external_id"
            )
        }
        #expect(stored.map { $0["assign_status"] as String } == ["inside", "outside"])
        #expect(stored[0]["nearest_code"] as String? == nil && stored[0]["unit_code"] as String? == "U1")
        #expect(stored[1]["nearest_code"] as String? == "U1" && stored[1]["unit_code"] as String? == nil && stored[1]["d"] as Double? == 100)
        // U1 moves to another community; its shape and code stay: the case's community changes.
        var options = ImportOptions(level: .community); options.crs = .proj("EPSG:4546")
        _ = try GridImporter.run(
            file: folder.write("c2.csv", "code,name,wkt\nC2,另一社区,\"\(box(2000, 0, 3000, 1000))\"\n"), into: store, options: options)
        options.level = .unit
        _ = try GridImporter.run(
            file: folder.write("u1.csv", "code,name,parent,wkt\nU1,东,C2,\"\(box(500, 0, 1000, 1000))\"\n"), into: store, options: options)
        let report = try Reassign.run(store: store)
        #expect(report.moved == 1)
        let history = try filings(store, of: "IN", "community_code")
        #expect(history.count == 2 && history[0].hasPrefix("C:") && history[1] == "C2:open")
        // The earlier filing began when the case was imported and ended when the current one began
        // (moments to the second: the same second when the machine is quick).
        let moments = try store.read {
            try Row.fetchOne(
                $0,
                sql: """
                    SELECT a.assigned_at = c.imported_at AS began, a.ended_at = c.assigned_at AS ended, c.assigned_at >= c.imported_at AS later
                    FROM case_assignments a JOIN cases_with_grids c ON c.fid = a.case_fid WHERE c.external_id = 'IN'
                    """)
        }
        let began: Bool? = moments?["began"], ended: Bool? = moments?["ended"], later: Bool? = moments?["later"]
        #expect(began == true && ended == true && later == true)
    }

    @Test func queriesRefuseNonsenseArguments() throws {
        let store = try twoUnits(folder)
        var q = CaseQuery(); q.near = (110.4, 21.2); q.nearest = 0
        #expect(throws: GridplanError.self) { try q.run(store) }
        q = CaseQuery(); q.from = "garbage"
        #expect(throws: GridplanError.self) { try q.run(store) }
        #expect(throws: GridplanError.self) { try CaseStats.compute(store: store, to: "soon") }
        q = CaseQuery(); q.near = (110.4, 21.2); q.radiusM = -5
        #expect(throws: GridplanError.self) { try q.run(store) }
    }

    @Test func impossibleDaysAreRejectedNamingLineAndFieldAndChineseFormsRead() throws {
        let store = try twoUnits(folder)
        let dates = folder.write(
            "dates.csv",
            csv([
                row("F", point(250, 500), time: "2024-02-31T10:00"), row("G", point(250, 500), time: "20241399"),
                row("H", point(250, 500), time: "2023-02-29"), row("I", point(250, 500), time: "2024年3月1日 08:30"),
            ]))
        let dated = try importCases(store, dates, rejects: folder.path("date-rejects.csv"))
        #expect(dated.inserted == 1 && dated.rejected == 3)
        let dateRejects = try String(contentsOfFile: folder.path("date-rejects.csv"), encoding: .utf8).split(separator: "\n")
        #expect(dateRejects.dropFirst().map { $0.prefix(2) } == ["2,", "3,", "4,"])
        #expect(dateRejects.dropFirst().allSatisfy { $0.contains("field reported_at") && $0.contains("not a date and time") })
        #expect(try store.read { try String.fetchOne($0, sql: "SELECT reported_at FROM cases WHERE external_id = 'I'") } == "2024-03-01T08:30:00")
    }

    @Test func upsertRejectsAndHistory() throws {
        let store = try twoUnits(folder)
        let first = folder.write(
            "a.csv",
            csv([
                row("00123", point(250, 500)), row("B", point(750, 500)),
                row("BAD", (lon: 200, lat: 21)), row("", point(1, 1)),
                "C,,,2024-03-01,0101,,,", row("D", point(10, 10), time: "soon"),
                row("E", point(10, 10), status: "lost"),
            ]))
        let report = try importCases(store, first)
        #expect(report.inserted == 2 && report.rejected == 5)
        let rejects = try String(contentsOfFile: folder.path("rejects.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(rejects.count == 6)
        #expect(rejects[1].hasPrefix("4,") && rejects[1].contains("not a longitude/latitude"))
        #expect(rejects[2].hasPrefix("5,") && rejects[2].contains("no id"))
        #expect(rejects[3].hasPrefix("6,") && rejects[3].contains("no location"))
        #expect(rejects[4].hasPrefix("7,") && rejects[4].contains("'soon'"))
        #expect(rejects[5].hasPrefix("8,") && rejects[5].contains("'lost'"))
        #expect(rejects[4].contains("field reported_at"))
        // The id keeps its leading zeros; the same id again updates.
        let second = folder.write("b.csv", csv([row("00123", point(750, 600), status: "closed", closed: "2024-03-01 12:00:00")]))
        let again = try importCases(store, second)
        #expect(again.inserted == 0 && again.updated == 1)
        let cases = try table(store)
        #expect(cases.count == 2)
        #expect(cases[0].contains("\"00123\"") && cases[0].contains("U1") && cases[0].contains("closed"))
        let history = try filings(store, of: "00123", "unit_code")
        #expect(history.count == 2 && history[0].hasPrefix("U2:") && !history[0].hasSuffix("open") && history[1] == "U1:open")
        // The R-tree follows the moved point.
        #expect(try rtreeEntriesCovering(store, id: "00123") == 1)
    }

    /// A case's row stores no value twice (schema step v16.1): given coordinates only when they
    /// are not the stored ones, `status_at` only once the status has changed and `assigned_at` only
    /// once the filing has; and a history entry or a re-import says the same as before, reading an
    /// empty `assigned_at` as the import's moment.
    @Test func aRowStoresNoValueTwice() throws {
        let store = try twoUnits(folder)
        _ = try importCases(store, folder.write("a.csv", csv([row("A", point(250, 500)), row("B", point(250, 600))])))
        var options = CaseImportOptions()
        options.crs = .gcj02
        options.rejectsPath = folder.path("rejects.csv")
        let given = point(750, 500)
        _ = try CaseImporter.run(file: folder.write("w.csv", csv([row("W", given)])), into: store, options: options)
        func columns(_ id: String) throws -> [String] {
            try store.read {
                try Row.fetchOne(
                    $0, sql: "SELECT source_crs, source_x, source_y, lon, status_at, assigned_at FROM cases WHERE external_id = ?", arguments: [id]
                )!.databaseValues.map(\.description)
            }
        }
        // Given in the plan's own CRS: none of it stored again (v16.2 for the CRS).
        #expect(try columns("A").enumerated().filter { $0.offset != 3 }.map(\.element) == ["NULL", "NULL", "NULL", "NULL", "NULL"])
        // The DATETIME companion a QGIS user filters on reads the report's moment for an empty status_at.
        let companion = "SELECT status_at_utc = reported_at_utc AND status_at_utc LIKE '2024-03-01T00:00:00.000Z' FROM cases WHERE external_id = 'A'"
        #expect(try store.read { try Bool.fetchOne($0, sql: companion) } == true)
        let w = try columns("W")
        #expect(w[0] == "\"gcj02\"" && w[1] == "\(given.lon)" && w[2] == "\(given.lat)" && w[3] != w[1] && w[4] == "NULL" && w[5] == "NULL")
        // An earlier import moment, so that a new one differs from it.
        try store.write { try earlierImport($0) }
        // A moves to U1: the filing it leaves began at its import; B comes again where it was: its
        // filing still began then, though the row is imported anew.
        _ = try importCases(store, folder.write("b.csv", csv([row("A", point(750, 500)), row("B", point(250, 600), status: "closed")])))
        let history = try store.read { try Row.fetchAll($0, sql: "SELECT unit_code, assigned_at FROM case_assignments") }
        #expect(history.map { "\($0["unit_code"] as String):\($0["assigned_at"] as String)" } == ["U2:2026-01-01T00:00:00Z"])
        let rows = try store.read {
            try Row.fetchAll($0, sql: "SELECT external_id, assigned_at, imported_at FROM cases_with_grids WHERE external_id IN ('A', 'B') ORDER BY 1")
        }
        #expect(rows[0]["assigned_at"] as String? == rows[0]["imported_at"] as String && rows[0]["imported_at"] as String != "2026-01-01T00:00:00Z")
        #expect(rows[1]["assigned_at"] as String? == "2026-01-01T00:00:00Z")
        // The columns say so in the file (gpkg_data_columns).
        let described = try store.read {
            try String.fetchAll(
                $0, sql: "SELECT column_name FROM gpkg_data_columns WHERE table_name = 'cases' AND constraint_name IS NULL ORDER BY 1")
        }
        #expect(described == ["assigned_at", "filing", "import_run", "source_crs", "source_x", "source_y", "status_at"])
    }

    /// A re-import keeps the moment of a status it gives again, however that moment was set, and
    /// stamps one it changes with its own moment: an empty `status_at` would say the new status
    /// held since the report.
    @Test func aReimportKeepsWhenAStatusBegan() throws {
        let store = try twoUnits(folder)
        let a = point(250, 500)
        _ = try importCases(store, folder.write("a.csv", csv([row("A", a), row("B", a), row("C", a)])))
        try store.write { db in
            let fid = try Int64.fetchOne(db, sql: "SELECT fid FROM cases WHERE external_id = 'B'")!
            try CaseStore.setStatus(db, fid: fid, to: .dispatched, at: "2026-02-01T09:00:00")
        }
        func moments() throws -> [String] {
            try store.read { try Row.fetchAll($0, sql: "SELECT status, status_at FROM cases ORDER BY external_id") }
                .map { "\($0[0] as String):\(($0[1] as String?) ?? "-")" }
        }
        // A keeps its status, B keeps the one a dispatch gave it, C is closed by the file.
        let again = csv([row("A", a), row("B", a, status: "dispatched"), row("C", a, status: "closed")])
        _ = try importCases(store, folder.write("b.csv", again))
        let after = try moments()
        #expect(after[0] == "reported:-" && after[1] == "dispatched:2026-02-01T09:00:00")
        let closedAt = try #require(after[2].split(separator: ":", maxSplits: 1).last.map(String.init))
        #expect(after[2].hasPrefix("closed:") && closedAt != "-")
        #expect(try store.read { try String.fetchOne($0, sql: "SELECT imported_at FROM cases_with_grids WHERE external_id = 'C'") } == closedAt)
        // The same file once more: every status stays, and so does when it began.
        try store.write { try earlierImport($0) }
        _ = try importCases(store, folder.path("b.csv"))
        #expect(try moments() == after)
    }

    /// A small import widens the layer's extent to the points it wrote, without reading the
    /// others; it never narrows it (a case moved inward leaves it), while a bulk load, which reads
    /// every row anyway, records the exact box again.
    @Test func theExtentTakesInWhatAnImportWrote() throws {
        let store = try twoUnits(folder)
        let inner = points([(100, 100), (300, 500), (700, 200), (500, 500), (-400, 1800)])
        _ = try importCases(store, folder.write("a.csv", csv([row("A", inner[0]), row("B", inner[1]), row("C", inner[2])])))
        #expect(try extent(store) == cloudExtent(store))
        let before = try extent(store)
        _ = try importCases(store, folder.write("b.csv", csv([row("D", inner[3])])))
        #expect(try extent(store) == before)
        _ = try importCases(store, folder.write("c.csv", csv([row("E", inner[4])])))
        #expect(try extent(store) == cloudExtent(store) && extent(store) != before)
        // E moves back inside: the recorded box still holds every case, as GDAL's writes leave it.
        let wide = try extent(store)
        _ = try importCases(store, folder.write("d.csv", csv([row("E", inner[3])])))
        #expect(try extent(store) == wide && cloudExtent(store) != wide)
        let all = [("A", 0), ("B", 1), ("C", 2), ("D", 3), ("E", 3), ("F", 2)].map { row($0.0, inner[$0.1]) }
        _ = try importCases(store, folder.write("e.csv", csv(all)), bulkRows: 2)
        #expect(try extent(store) == cloudExtent(store))
        // A first bulk load records the box of the points it wrote, without reading them again.
        let firstFolder = TemporaryFolder()
        let first = try twoUnits(firstFolder)
        _ = try importCases(first, folder.path("e.csv"), bulkRows: 2)
        #expect(try extent(first) == cloudExtent(first) && extent(first) == extent(store))
        withExtendedLifetime(firstFolder) {}
    }

    @Test func resumesAfterAnInterruptionWithoutDuplicates() throws {
        var rows: [String] = []
        var spread: [(Double, Double)] = []
        for i in 0..<2500 { spread.append((Double(i % 1000), Double(i % 997))) }
        let located = points(spread)
        for i in 0..<2500 {
            rows.append(i % 100 == 7 ? row("X\(i)", (lon: 999, lat: 21)) : row("X\(i)", located[i]))
        }
        let file = folder.write("big.csv", csv(rows))
        // A clean run, for comparison.
        let cleanFolder = TemporaryFolder()
        let clean = try twoUnits(cleanFolder)
        _ = try importCases(clean, file, batch: 400, rejects: folder.path("clean-rejects.csv"))

        let store = try twoUnits(folder)
        struct Killed: Error {}
        #expect(throws: Killed.self) {
            _ = try importCases(store, file, batch: 400) { done, _ in if done >= 1200 { throw Killed() } }
        }
        // It died after the third batch committed (progress is reported after each commit); a kill
        // inside a batch is tested with a real process in Tests/oracle/test_cases.py.
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT rows_done FROM internal_import_checkpoints") } == 1200)
        let resumed = try importCases(store, file, batch: 400)
        #expect(resumed.resumedFrom == 1200)
        // The killed run's rows are in the extent too: a resumed import reads it again whole.
        #expect(try extent(store) == cloudExtent(store))
        #expect(try table(store) == table(clean))
        let rejects = try String(contentsOfFile: folder.path("rejects.csv"), encoding: .utf8)
        #expect(rejects == (try String(contentsOfFile: folder.path("clean-rejects.csv"), encoding: .utf8)))
        #expect(rejects.split(separator: "\n").count == 1 + 25)
        // Run again after completion: updates everything, duplicates nothing.
        let rerun = try importCases(store, file, batch: 400)
        #expect(rerun.resumedFrom == 0 && rerun.inserted == 0 && rerun.updated == 2475)
        withExtendedLifetime(cleanFolder) {}
    }
}

extension CaseImportTests {
    /// The cases layer's extent as `gpkg_contents` records it (what QGIS zooms to).
    func extent(_ store: GeoPackage) throws -> [Double?] {
        try store.read { db in
            let r = try Row.fetchOne(db, sql: "SELECT min_x, max_x, min_y, max_y FROM gpkg_contents WHERE table_name = 'cases'")!
            return (0..<4).map { r[$0] }
        }
    }

    /// The box of the stored cases' points.
    func cloudExtent(_ store: GeoPackage) throws -> [Double?] {
        try store.read { db in
            let r = try Row.fetchOne(db, sql: "SELECT min(lon), max(lon), min(lat), max(lat) FROM cases")!
            return (0..<4).map { r[$0] }
        }
    }

    /// The cases table's own indexes (not SQLite's automatic ones), with their statements.
    func indexes(_ store: GeoPackage) throws -> [String] {
        try store.read {
            try String.fetchAll(
                $0, sql: "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL ORDER BY name"
            )
        }
    }

    /// Every case's filings, the earlier ones from the history, then the current one from its row.
    func history(_ store: GeoPackage) throws -> [String] {
        try store.read {
            try Row.fetchAll(
                $0,
                sql: """
                    SELECT case_fid, assign_status, unit_code, plan_version, 0 AS current, id FROM case_assignments
                    UNION ALL SELECT fid, assign_status, unit_code, plan_version, 1, 0 FROM cases_with_grids ORDER BY 1, 5, 6
                    """
            ).map(\.description)
        }
    }

    /// `--category` matches a code and every code under it, as a prefix: the LIKE that ignores
    /// the case of letters. A prefix without letters is asked as a range that seeks the category
    /// index; the cases found are the same as the LIKE's.
    @Test func aCategoryPrefixSeeksItsIndexAndFindsWhatLikeFinds() throws {
        #expect(CaseQuery.prefixEnd("04") == "05" && CaseQuery.prefixEnd("09") == "0:" && CaseQuery.prefixEnd("市容") == "市宺")
        #expect(CaseQuery.prefixEnd("") == nil && CaseQuery.prefixEnd("0a") == nil && CaseQuery.prefixEnd("A") == nil)
        let store = try twoUnits(folder)
        let categories = ["04", "0401", "040", "0499", "05", "0", "03", "04a", "04A", "市容", "市容01", "市宺", "0_1", "041%"]
        let located = points(categories.indices.map { (Double($0) * 10 + 5, 500) })
        _ = try importCases(store, folder.write("c.csv", csv(categories.indices.map { row("K\($0)", located[$0], category: categories[$0]) })))
        for prefix in ["04", "040", "0", "05", "市容", "04a", "0_", "041%", "1"] {
            var q = CaseQuery()
            q.category = prefix
            let found = Set(try q.run(store).compactMap(\.category))
            let like = Set(categories.filter { $0.lowercased().hasPrefix(prefix.lowercased()) })
            #expect(found == like, "\(prefix)")
        }
        var q = CaseQuery()
        q.category = "04"
        let (conditions, arguments) = try q.filters(box: nil, .sqlite, rtree: true)
        let plan = try store.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT fid FROM cases WHERE " + conditions.joined(separator: " AND "),
                arguments: StatementArguments(arguments)
            )
            .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("INDEX cases_category (category>? AND category<?)") }, "\(plan)")
    }

    /// The list an import sets aside is every index schema v3 and later give the cases table:
    /// an index added by a later migration and not listed would be kept up to date row by row.
    @Test func theIndexesSetAsideAreAllOfTheCasesTables() throws {
        let store = try twoUnits(folder)
        #expect(try indexes(store) == CaseIndexes.definitions.map { "\($0.name): \($0.sql)" }.sorted())
    }

    /// The status index holds the open cases only (schema step v16.2), and every question for open
    /// statuses finds them through it: `cases query --status`, the dispatcher's lists, the map's
    /// clusters. A finished status is answered too, without it.
    @Test func theStatusIndexHoldsTheOpenCasesAndServesTheirQuestions() throws {
        let store = try twoUnits(folder)
        let statuses = ["reported", "closed", "closed", "dispatched", "feedback", "closed"]
        let located = points(statuses.indices.map { (Double($0) * 10 + 5, 500) })
        _ = try importCases(store, folder.write("s.csv", csv(statuses.indices.map { row("S\($0)", located[$0], status: statuses[$0]) })))
        let entries = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM cases INDEXED BY cases_status WHERE \(CaseStatus.openSQL)") }
        #expect(entries == 2)
        func plan(_ sql: String, _ arguments: [DatabaseValue] = []) throws -> [String] {
            try store.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(arguments)).map { $0["detail"] as String }
            }
        }
        for status in ["reported", "dispatched", "closed", "feedback"] {
            var q = CaseQuery()
            q.status = status
            #expect(try q.run(store).map(\.externalID).sorted() == statuses.indices.filter { statuses[$0] == status }.map { "S\($0)" })
            let (conditions, arguments) = try q.filters(box: nil, .sqlite, rtree: true)
            let used = try plan("SELECT fid FROM cases WHERE " + conditions.joined(separator: " AND "), arguments)
            #expect(used.contains { $0.contains("INDEX cases_status") } == !CaseStatus(rawValue: status)!.isFinished, "\(status): \(used)")
        }
        #expect(try store.read { try CaseStore.fids($0, statuses: [.reported, .dispatched]) }.count == 2)
        #expect(try store.read { try CaseStore.fids($0, statuses: [.closed]) }.count == 3)
        let open = try plan("SELECT fid FROM cases WHERE status IN ('reported', 'dispatched')" + CaseStatus.openTerm(["reported", "dispatched"]))
        #expect(open.contains { $0.contains("INDEX cases_status") }, "\(open)")
    }

    /// An import of at least `bulkRows` rows drops the cases' secondary indexes while it loads
    /// (checked from its progress) and builds them after its last batch: the same rows, history
    /// and indexes as an import that kept them up to date, and queries use them. One stopped by
    /// an error builds them before it reports the error; a small import builds what a killed
    /// large one left missing.
    @Test func aLargeImportBuildsTheIndexesOnceAfterItsRows() throws {
        let located = points((0..<2500).map { (Double($0 % 1000), Double($0 % 997)) })
        let file = folder.write("bulk.csv", csv((0..<2500).map { row("K\($0)", located[$0], category: $0 % 2 == 0 ? "0101" : "0203") }))
        let keptFolder = TemporaryFolder()
        let kept = try twoUnits(keptFolder)
        _ = try importCases(kept, file, batch: 400, rejects: folder.path("kept-rejects.csv"), bulkRows: .max)

        let bulkFolder = TemporaryFolder()
        let bulk = try twoUnits(bulkFolder)
        var duringLoad: [[String]] = [], builds: [String] = []
        _ = try importCases(
            bulk, file, batch: 400, bulkRows: 1000, progress: { _, _ in duringLoad.append(try indexes(bulk)) },
            indexing: { index, of in builds.append("\(index)/\(of)") })
        #expect(duringLoad.count == 7 && duringLoad.allSatisfy(\.isEmpty))
        // The progress is told of each index build after the last batch.
        #expect(builds == (1...4).map { "\($0)/4" })
        #expect(try table(bulk) == table(kept))
        #expect(try history(bulk) == history(kept))
        #expect(try indexes(bulk) == indexes(kept) && indexes(kept).count == 4)
        // The R-tree bulk-loaded from the boxes the writer gave (each batch all new rows) holds what
        // SQLite's triggers put in the one kept up to date, and SQLite finds it whole.
        let entries = "SELECT id, minx, maxx, miny, maxy FROM rtree_cases_geom ORDER BY id"
        #expect(try bulk.read { try Row.fetchAll($0, sql: entries) } == kept.read { try Row.fetchAll($0, sql: entries) })
        #expect(
            try bulk.read { db in
                [
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM rtree_cases_geom"),
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM cases WHERE geom NOT NULL"),
                ]
            } == [2500, 2500])
        #expect(try bulk.read { try String.fetchOne($0, sql: "SELECT rtreecheck('rtree_cases_geom')") } == "ok")
        // The index builds' small cache and worker threads (Database.sortingOnEveryCore) are the plan's usual ones again.
        #expect(
            try bulk.write { db in [try Int.fetchOne(db, sql: "PRAGMA cache_size"), try Int.fetchOne(db, sql: "PRAGMA threads")] } == [-131_072, 0])
        let plan = try bulk.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT count(*) FROM cases WHERE filing IN (SELECT id FROM internal_case_filings WHERE unit_code = 'U1')"
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("cases_filing") }, "\(plan)")

        let stoppedFolder = TemporaryFolder()
        let stopped = try twoUnits(stoppedFolder)
        struct Stopped: Error {}
        #expect(throws: Stopped.self) {
            _ = try importCases(stopped, file, batch: 400, bulkRows: 1000) { done, _ in if done >= 1200 { throw Stopped() } }
        }
        #expect(try indexes(stopped) == indexes(kept))
        _ = try importCases(stopped, file, batch: 400, bulkRows: 1000)
        #expect(try table(stopped) == table(kept))

        // As a kill in the bulk load leaves it: the indexes missing. A one-row import builds them.
        // The UTC companions of the case times go and come back with them, the last columns again.
        let columns = "SELECT name || ' ' || type FROM pragma_table_xinfo('cases') ORDER BY cid"
        let allColumns = try kept.read { try String.fetchAll($0, sql: columns) }
        #expect(allColumns.suffix(3).map { $0.prefix(while: { $0 != " " }) } == ["reported_at_utc", "status_at_utc", "closed_at_utc"])
        try stopped.write { try CaseIndexes.setAside($0) }
        #expect(try indexes(stopped).isEmpty)
        #expect(try stopped.read { try String.fetchAll($0, sql: columns) } == Array(allColumns.dropLast(3)))
        _ = try importCases(stopped, folder.write("one.csv", csv([row("K1", located[1])])), bulkRows: 1000)
        #expect(try indexes(stopped) == indexes(kept))
        #expect(try stopped.read { try String.fetchAll($0, sql: columns) } == allColumns)
        // Each folder deletes its plan when freed, which may be at its last use.
        withExtendedLifetime((keptFolder, bulkFolder, stoppedFolder)) {}
    }
}

extension CaseImportTests {
    /// Every case with a point has exactly its R-tree entry (float32, rounded outwards, so the
    /// point lies within it) and the R-tree holds nothing else.
    func rtreeMatchesCases(_ store: GeoPackage) throws -> Bool {
        try store.read { db in
            let located = try Int.fetchOne(db, sql: "SELECT count(*) FROM cases WHERE geom IS NOT NULL")!
            let entries = try Int.fetchOne(db, sql: "SELECT count(*) FROM rtree_cases_geom")!
            let covering = try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM cases c JOIN rtree_cases_geom r ON r.id = c.fid
                    WHERE r.minx <= c.lon AND c.lon <= r.maxx AND r.miny <= c.lat AND c.lat <= r.maxy
                      AND r.maxx - r.minx < 1e-4 AND r.maxy - r.miny < 1e-4
                    """)!
            return located > 0 && entries == located && covering == located
        }
    }

    func triggers(_ store: GeoPackage) throws -> [String] {
        try store.read { try String.fetchAll($0, sql: "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name") }
    }

    /// An import puts each batch's new cases into the R-tree after their rows, with the insert
    /// trigger set aside inside the batch's transaction: the R-tree is exact (also for an id met
    /// twice in one batch, inserted then moved), the triggers are as before, a row inserted later
    /// by plain SQL still reaches the R-tree, and a batch that fails leaves the trigger in place.
    @Test func eachBatchFillsTheRTreeAfterItsRows() throws {
        let store = try twoUnits(folder)
        let before = try triggers(store)
        #expect(before.contains { $0.hasPrefix("rtree_cases_geom_insert: ") })
        let located = points((0..<900).map { (Double($0 % 1000), Double(($0 * 7) % 997)) })
        var rows = (0..<900).map { row("R\($0)", located[$0]) }
        rows.append(row("R5", point(900, 900))) // the same id again, in the same batch: moved
        _ = try importCases(store, folder.write("r.csv", csv(rows)), batch: 400)
        #expect(try rtreeMatchesCases(store))
        #expect(try triggers(store) == before)
        #expect(try rtreeEntriesCovering(store, id: "R5") == 1)

        try store.write { db in
            let blob = try GeoPackageGeometry.encodePoint(x: 110.4, y: 21.27, srsID: GeoPackage.storeSRSID)
            try db.execute(
                sql: "INSERT INTO cases (geom, external_id, lon, lat) VALUES (?, 'SQL1', 110.4, 21.27)", arguments: [blob])
        }
        #expect(try rtreeMatchesCases(store))

        struct Failed: Error {}
        #expect(throws: Failed.self) {
            try store.write { db in try FeatureTables.insertingWithRTreeAfter(db, table: "cases") { throw Failed() } }
        }
        #expect(try triggers(store) == before)
    }
}

@Suite struct CaseQueryTests {
    let folder = TemporaryFolder()

    func loaded() throws -> (GeoPackage, [(id: String, lon: Double, lat: Double)]) {
        let store = try twoUnits(folder)
        var rows: [String] = [], located: [(id: String, lon: Double, lat: Double)] = []
        var grid: [(Double, Double)] = []
        for i in 0..<3000 {
            let x = Double((i * 37) % 1200) - 100, y = Double((i * 91) % 1100) - 50
            grid.append((x, y))
        }
        let all = points(grid)
        for i in 0..<3000 {
            let p = all[i]
            let status = i % 3 == 0 ? "closed" : "dispatched"
            let closed = i % 3 == 0 ? (i % 2 == 0 ? "2024-03-01 20:00:00" : "2024-03-05 08:00:00") : ""
            rows.append("Q\(i),\(p.lon),\(p.lat),2024-03-0\(1 + i % 3) 08:00:00,\(i % 2 == 0 ? "0101" : "0203"),\(status),\(closed),addr")
            located.append(("Q\(i)", p.lon, p.lat))
        }
        var options = CaseImportOptions(); options.crs = .cgcs2000
        _ = try CaseImporter.run(
            file: folder.write("q.csv", "id,lon,lat,reported_at,category,status,closed_at,address\n" + rows.joined(separator: "\n") + "\n"),
            into: store, options: options)
        return (store, located)
    }

    @Test func spatialQueriesEqualBruteForce() throws {
        let (store, points) = try loaded()
        let centre = point(500, 500)
        var q = CaseQuery()
        q.near = (centre.lon, centre.lat); q.radiusM = 300
        let within = try q.run(store).map(\.externalID)
        let expected = points.filter { Geodesic.distance(lon1: centre.lon, lat1: centre.lat, lon2: $0.lon, lat2: $0.lat) <= 300 }
        #expect(Set(within) == Set(expected.map(\.id)) && !within.isEmpty)

        q = CaseQuery(); q.near = (centre.lon, centre.lat); q.nearest = 7
        let nearest = try q.run(store)
        let byDistance = points.map { ($0.id, Geodesic.distance(lon1: centre.lon, lat1: centre.lat, lon2: $0.lon, lat2: $0.lat)) }.sorted {
            $0.1 < $1.1
        }
        #expect(nearest.map(\.externalID) == byDistance.prefix(7).map(\.0))
        // Found from the R-tree's boxes alone (no other filter): the same distances as brute force
        // from anywhere, inside the cloud, at its edge and far away (ties compared by distance).
        for (k, (x, y)) in [(1, (3.0, 7.0)), (5, (611.0, 233.0)), (30, (1150.0, 1050.0)), (12, (-800.0, 400.0)), (64, (250.5, 999.5))] {
            let from = point(x, y)
            q = CaseQuery(); q.near = (from.lon, from.lat); q.nearest = k
            let found = try q.run(store).map { ($0.distanceM! * 1000).rounded() }
            let brute = points.map { (Geodesic.distance(lon1: from.lon, lat1: from.lat, lon2: $0.lon, lat2: $0.lat) * 1000).rounded() }.sorted()
            #expect(found == Array(brute.prefix(k)), "\(k) nearest to \(x), \(y)")
        }
        // From far outside, with a filter: the box grows many times, and only closed cases count.
        let far = point(-4000, -3000)
        q = CaseQuery(); q.near = (far.lon, far.lat); q.nearest = 5; q.status = "closed"
        let closedIDs = Set((0..<3000).filter { $0 % 3 == 0 }.map { "Q\($0)" })
        let farthest = points.filter { closedIDs.contains($0.id) }
            .map { ($0.id, Geodesic.distance(lon1: far.lon, lat1: far.lat, lon2: $0.lon, lat2: $0.lat)) }.sorted { $0.1 < $1.1 }
        #expect(try q.run(store).map(\.externalID) == farthest.prefix(5).map(\.0))

        let a = point(100, 100), b = point(400, 300)
        q = CaseQuery(); q.bbox = Envelope(minX: a.lon, minY: a.lat, maxX: b.lon, maxY: b.lat)
        let boxed = Set(try q.run(store).map(\.externalID))
        #expect(boxed == Set(points.filter { $0.lon >= a.lon && $0.lon <= b.lon && $0.lat >= a.lat && $0.lat <= b.lat }.map(\.id)))

        q = CaseQuery(); q.grid = "U1"; q.status = "closed"; q.category = "01"; q.from = "2024-03-01"; q.to = "2024-03-02"
        let filtered = try q.run(store)
        #expect(!filtered.isEmpty)
        #expect(filtered.allSatisfy { $0.unitCode == "U1" && $0.status == "closed" && $0.category == "0101" && $0.reportedAt! < "2024-03-02" })
        #expect(throws: GridplanError.self) {
            var bad = CaseQuery(); bad.nearest = 3; _ = try bad.run(store)
        }
    }

    /// A page of a list (limit, offset) is first looked for among the earliest cases in time
    /// order, then, when they do not hold it, through the filter's own index: either way it is
    /// that slice of the whole list, in the list's order (windows small enough to miss and large
    /// enough to hold the page).
    @Test func aPageIsTheSliceOfTheWholeListWhereverItIsFound() throws {
        let (store, _) = try loaded()
        let filters: [(grid: String?, status: String?, category: String?)] = [
            (nil, "closed", nil), (nil, "dispatched", nil), (nil, nil, "01"), ("U1", nil, nil), ("U2", "closed", nil),
            (nil, "dispatched", "0203"), (nil, "none such", nil),
        ]
        for (k, filter) in filters.enumerated() {
            var whole = CaseQuery()
            (whole.grid, whole.status, whole.category) = filter
            let all = try whole.run(store).map(\.externalID)
            for (limit, offset) in [(1, 0), (7, 0), (7, 5), (50, 100), (20, 2990)] {
                let expected = Array(all.dropFirst(offset).prefix(limit))
                for window in [nil, 5, 40, 500] {
                    var q = whole
                    (q.limit, q.offset, q.probeWindow) = (limit, offset, window)
                    #expect(
                        try q.run(store).map(\.externalID) == expected,
                        "filter \(k), limit \(limit), offset \(offset), window \(String(describing: window))")
                }
            }
        }
    }

    /// The total a list counts when asked (an export's progress) is the number of cases it hands
    /// over: filters, a box, pages, and answers around a point.
    @Test func theTotalCountedIsWhatTheListHandsOver() throws {
        let (store, _) = try loaded()
        let a = point(100, 100), b = point(400, 300), centre = point(500, 500)
        var queries: [CaseQuery] = []
        for (limit, offset) in [(nil, nil), (7, nil), (50, 2990), (nil, 2990), (nil, 5000)] as [(Int?, Int?)] {
            for k in 0..<6 {
                var q = CaseQuery()
                switch k {
                case 1: q.status = "closed"
                case 2: q.grid = "U1"; q.category = "02"
                case 3: q.bbox = Envelope(minX: a.lon, minY: a.lat, maxX: b.lon, maxY: b.lat)
                case 4: q.from = "2024-03-02"; q.status = "dispatched"
                case 5: q.near = (centre.lon, centre.lat); q.radiusM = 300
                default: break
                }
                (q.limit, q.offset) = (limit, offset)
                queries.append(q)
            }
        }
        var sizes: Set<Int> = []
        for (i, q) in queries.enumerated() {
            // Asked at every case: the same answer each time.
            var told: [Int] = []
            let all = try q.run(store).count
            try q.each(store) { _, total in told.append(try total()) }
            #expect(told == Array(repeating: all, count: all), "query \(i)")
            sizes.insert(all)
        }
        #expect(sizes.contains(0) && sizes.contains(3000) && sizes.contains(10) && sizes.count > 8)
    }

    @Test func statsCountClosureAndOutliers() throws {
        let (store, _) = try loaded()
        let stats = try CaseStats.compute(store: store, level: .unit)
        let inGrids = stats.grids.map(\.total).reduce(0, +)
        let total = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM cases_with_grids WHERE unit_code IS NOT NULL") }
        #expect(inGrids == total)
        for g in stats.grids where g.total > 0 {
            let closed = g.byStatus["closed", default: 0]
            #expect(abs(g.closureRate - Double(closed) / Double(g.total)) < 1e-12)
            #expect(g.closedWithin24h <= g.closedWithin7d && g.closedWithin7d <= g.closureRate)
            #expect(g.closedWithin24h > 0.1 && g.closedWithin24h < 0.25) // half of the closed ones, closed the same day
            #expect(Set(g.byCategory.keys) == ["01", "02"])
        }
    }

    /// Stats walk the cases in parts (fid ranges, or time ranges through the time index within a
    /// window of at most a twentieth of the cases): any part size gives what one GROUP BY over the
    /// window gives. The fixture's 3,000 cases share three report times, so parts of 13 or 1,000 end
    /// in a run of equal times; 40,000 earlier cases without a place make days of March 2024 narrow windows.
    @Test func statsInPartsEqualOneGroupByOverTheWindow() throws {
        let (store, _) = try loaded()
        try store.write { db in
            try db.execute(
                sql: """
                    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 40000)
                    INSERT INTO cases (external_id, reported_at, status, category)
                    SELECT 'old' || i, '2023-0' || (1 + i % 9) || '-01T00:00:00', 'closed', '0101' FROM k
                    """)
        }
        func summary(_ s: CaseStats) -> [String] {
            s.grids.map { g in
                "\(g.code) \(g.total) \(g.byStatus.sorted { $0.key < $1.key }) \(g.byCategory.sorted { $0.key < $1.key }) "
                    + "\(g.closureRate) \(g.closedWithin24h) \(g.closedWithin7d)"
            } + ["unassigned \(s.unassigned)"]
        }
        let windows: [(String?, String?, String)] = [
            (nil, nil, "1"), ("2024-03-02", nil, "reported_at >= '2024-03-02T00:00:00'"),
            (nil, "2024-03-03", "reported_at < '2024-03-03T00:00:00'"),
            ("2024-03-01 12:00", "2024-03-03 08:00", "reported_at >= '2024-03-01T12:00:00' AND reported_at < '2024-03-03T08:00:00'"),
            ("2025-01-01", nil, "reported_at >= '2025-01-01T00:00:00'"),
            ("2023-05-01", "2024-03-02", "reported_at >= '2023-05-01T00:00:00' AND reported_at < '2024-03-02T00:00:00'"),
            ("2024-03-01", nil, "reported_at >= '2024-03-01T00:00:00'"),
        ]
        for (from, to, condition) in windows {
            let expected = try store.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT unit_code, status, count(*) AS n FROM cases_with_grids WHERE \(condition) GROUP BY 1, 2 ORDER BY 1, 2")
            }
            let whole = try CaseStats.compute(store: store, level: .unit, from: from, to: to)
            var want: [String: [String: Int]] = [:], unassigned = 0
            for r in expected {
                if let code: String = r["unit_code"] { want[code, default: [:]][r["status"]] = r["n"] } else { unassigned += r["n"] }
            }
            #expect(whole.unassigned == unassigned, "\(condition)")
            #expect(Dictionary(uniqueKeysWithValues: whole.grids.filter { $0.total > 0 }.map { ($0.code, $0.byStatus) }) == want, "\(condition)")
            let total = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM cases WHERE \(condition)") } ?? 0
            for chunk in [13, 999, 1000, 1001] {
                var seen: [(Int, Int)] = []
                let parts = try CaseStats.compute(store: store, level: .unit, from: from, to: to, chunk: chunk) { seen.append(($0, $1)) }
                #expect(summary(parts) == summary(whole), "\(condition), parts of \(chunk)")
                #expect(seen.allSatisfy { $0.1 == total } && seen.last?.0 == total, "\(condition), parts of \(chunk)")
                #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.0 <= $1.0 })
            }
        }
    }

    /// A list written as it is read is byte for byte the GeoJSON the encoder writes for the whole
    /// list at once: odd characters in texts, coordinates that are whole, tiny or negative, cases
    /// without a place, and no case at all.
    @Test func aListWrittenAsReadIsTheEncodersGeoJSON() throws {
        let (store, _) = try loaded()
        var records = Array(try CaseQuery().run(store).prefix(40))
        let texts = [
            "他说\"好\"", "a\\b/c", "line\nbreak\ttab\r", "\u{01}\u{08}\u{0C}\u{1F}\u{7F}", "😀 \u{2028}", "湛江市赤坎区中华街道1号", "",
        ]
        let numbers: [Double] = [110, -0.0, 1e-7, -21.5, 110.12345678901234, 1e20, 179.99999999, 1e15, 1e16, 123_456_789_012_345, 5e-5, -180]
        for i in records.indices {
            records[i].address = texts[i % texts.count]
            if i % 5 == 0 { records[i].lon = numbers[i / 5 % numbers.count] }
            if i % 11 == 3 { (records[i].lon, records[i].lat) = (nil, nil) }
            if i % 7 == 2 { records[i].distanceM = 12.25 * Double(i) }
        }
        for list in [records, Array(records.prefix(1)), []] {
            let path = folder.url.appendingPathComponent("list-\(list.count).json")
            FileManager.default.createFile(atPath: path.path, contents: nil)
            let handle = try FileHandle(forWritingTo: path)
            let writer = CaseListWriter(.geojson, to: handle)
            for r in list { try writer.write(r) }
            try writer.finish()
            try handle.close()
            let streamed = try String(contentsOf: path, encoding: .utf8)
            let whole = try JSONOutput.string(CaseFeatureCollectionJSON(list))
            #expect(streamed == whole, "\(list.count) cases")
            #expect(writer.count == list.count)
            // Kept in memory (a server's answer): the same bytes.
            let kept = CaseListWriter(.geojson, to: nil)
            for r in list { try kept.write(r) }
            #expect(String(decoding: try kept.finish(), as: UTF8.self) == whole)
        }
        // CSV and the table: a line a case, each field as `csvField` quotes it (or as it is).
        let quoted: (String) -> String = { csvField($0) }, asIs: (String) -> String = { $0 }
        let formats: [(CaseListWriter.Format, String, (String) -> String)] = [(.csv, ",", quoted), (.table, "\t", asIs)]
        for (format, separator, field) in formats {
            let path = folder.url.appendingPathComponent("list.\(format)")
            FileManager.default.createFile(atPath: path.path, contents: nil)
            let handle = try FileHandle(forWritingTo: path)
            let writer = CaseListWriter(format, to: handle)
            for r in records { try writer.write(r) }
            try writer.finish()
            try handle.close()
            let lines = ([CaseRecord.printedColumns] + records.map(\.columnValues)).map { $0.map(field).joined(separator: separator) }
            #expect(try String(contentsOf: path, encoding: .utf8) == lines.joined(separator: "\n") + "\n", "\(format)")
        }
    }

    /// The choropleth's totals per grid, from the code index alone, are the full statistics' totals:
    /// grids without cases at 0, cases under a grid since redrawn under their code, the rest unassigned.
    @Test func totalsPerGridAreTheStatisticsTotals() throws {
        let (store, _) = try loaded()
        try store.write { db in
            try db.execute(sql: "INSERT INTO internal_case_filings (id, unit_code, plan_version) VALUES (9999, 'U9', 1)")
            try db.execute(sql: "INSERT INTO cases (external_id, filing) VALUES ('gone', 9999)")
            try db.execute(
                sql: "INSERT INTO cases (external_id, filing, status) VALUES ('done', 9999, 'feedback')")
        }
        for level in [GridLevel.unit, .community] {
            let stats = try CaseStats.compute(store: store, level: level)
            let (totals, unassigned) = try CaseStats.totals(store: store, level: level)
            #expect(unassigned == stats.unassigned && unassigned > 0)
            #expect(
                Dictionary(uniqueKeysWithValues: totals.map { ($0.code, $0.total) })
                    == Dictionary(uniqueKeysWithValues: stats.grids.map { ($0.code, $0.total) }))
            #expect(totals.contains { $0.code == "U9" && $0.total == 2 } == (level == .unit))
            #expect(totals.allSatisfy { $0.open == nil })
            // With the unfinished ones, as the grid layers ask: those the statistics count by status.
            let open = try CaseStats.totals(store: store, level: level, open: true)
            #expect(
                open.unassigned == unassigned
                    && Dictionary(uniqueKeysWithValues: open.grids.map { ($0.code, $0.total) })
                        == Dictionary(uniqueKeysWithValues: totals.map { ($0.code, $0.total) })
            )
            let expected = Dictionary(
                uniqueKeysWithValues: stats.grids.map { g in
                    (g.code, g.byStatus.filter { !(CaseStatus(rawValue: $0.key)?.isFinished ?? false) }.values.reduce(0, +))
                })
            #expect(Dictionary(uniqueKeysWithValues: open.grids.map { ($0.code, $0.open ?? -1) }) == expected)
            #expect(expected["U9"] == (level == .unit ? 1 : nil))
            let totalOf = Dictionary(uniqueKeysWithValues: stats.grids.map { ($0.code, $0.total) })
            #expect(expected.contains { code, open in open > 0 && open < totalOf[code]! })
        }
    }

    /// A whole list that SQLite sorts (filtered by anything but time) sorts with its temporary data
    /// in a file, so an export of millions is not held in memory; the connection keeps its data in
    /// memory again afterwards, and a page or a list in time order never changes it.
    @Test func aWholeSortedListSortsInAFileAndGivesTheConnectionBack() throws {
        let (store, _) = try loaded()
        func tempStore(_ q: CaseQuery) throws -> [Int] {
            var seen: [Int] = []
            try store.reading { db in
                try q.list(db, box: nil, rtree: true) { _ in if seen.isEmpty { seen.append(try db.value("PRAGMA temp_store") ?? -1) } }
                seen.append(try db.value("PRAGMA temp_store") ?? -1)
            }
            return seen
        }
        var q = CaseQuery()
        q.status = "closed"
        #expect(try tempStore(q) == [1, 2]) // FILE while the list is read, MEMORY after
        q.limit = 5
        #expect(try tempStore(q) == [2, 2])
        q = CaseQuery()
        q.from = "2024-03-01"
        #expect(try tempStore(q) == [2, 2])
    }

    @Test func reassignAfterARedrawKeepsHistory() throws {
        let (store, points) = try loaded()
        // Redraw: the border moves from x=500 m to x=600 m.
        var options = ImportOptions(level: .unit); options.crs = .proj("EPSG:4546"); options.replaceLevel = true
        _ = try GridImporter.run(
            file: folder.write("u2.csv", "code,name,parent,wkt\nU2,西,C,\"\(box(0, 0, 600, 1000))\"\nU1,东,C,\"\(box(600, 0, 1000, 1000))\"\n"),
            into: store, options: options)
        let report = try Reassign.run(store: store)
        let toMetres = try CoordinateTransformer(from: .cgcs2000, to: .proj("EPSG:4546"))
        let westOfNewBorder = try points.filter { p in
            let m = try toMetres.transform(x: p.lon, y: p.lat)
            return m.x - 500_000 > 500.001 && m.x - 500_000 < 599.999 && m.y - 2_350_000 > 0 && m.y - 2_350_000 < 1000
        }
        #expect(report.moved >= westOfNewBorder.count && report.moved <= westOfNewBorder.count + 40)
        let moved = try store.read { try Int.fetchOne($0, sql: "SELECT count(DISTINCT case_fid) FROM case_assignments WHERE ended_at IS NOT NULL") }
        #expect(moved == report.moved)
        let first = try #require(westOfNewBorder.first)
        var q = CaseQuery(); q.grid = "U2"
        #expect(try q.run(store).contains { $0.externalID == first.id })
    }
}

@Suite struct OutputFormattingTests {
    /// Byte for byte what `printf` writes, near-ties, exact ties (half-even on the binary value)
    /// and negative zero included.
    @Test func fixedPointWritesWhatPrintfWrites() {
        var values: [Double] = [0.125, 0.375, 2.5, 3.5, -2.5, 1.0000005, 110.12345675, 21.00000005, -0.0, -0.04, 1e-8, -1e-9, 123_456_789.05]
        for k in 0..<20_000 {
            // A deterministic spread over [-200, 200) (golden-ratio steps), with many digits.
            values.append(-200 + 400 * (Double(k) * 0.6180339887498949).truncatingRemainder(dividingBy: 1))
            // Coordinates given to 8 decimals ending in 5: a tie in decimal, near one in binary.
            values.append(110 + Double(k * 2 + 1) * 5e-8)
        }
        for x in values {
            for decimals in [0, 1, 2, 7, 8] {
                #expect(fixedPoint(x, decimals: decimals) == String(format: "%.\(decimals)f", x), "\(x) to \(decimals) decimals")
            }
        }
        #expect(fixedPoint(110.5, decimals: 0) == "110" && fixedPoint(21.25, decimals: 8) == "21.25000000")
        #expect(fixedPoint(.nan, decimals: 2) == String(format: "%.2f", Double.nan))
        #expect(csvField("a,b") == "\"a,b\"" && csvField("他说\"好\"") == "\"他说\"\"好\"\"\"" && csvField("南桥街道") == "南桥街道")
    }
}
