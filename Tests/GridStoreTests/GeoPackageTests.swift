import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridTestSupport
import Grids
import Testing

@testable import GridStore

@Suite struct GeoPackageBinaryTests {
    @Test func headerRoundTrip() throws {
        let g = try Geometry(wkt: "POLYGON ((110 21, 111 21, 111 22, 110 22, 110 21))")
        let blob = try GeoPackageGeometry.encode(g, srsID: 4490)
        let h = try GeoPackageGeometry.header(blob)
        #expect(h.srsID == 4490)
        #expect(!h.isEmpty)
        #expect(h.envelope == Envelope(minX: 110, minY: 21, maxX: 111, maxY: 22))
        #expect(h.wkbOffset == 40)
        #expect(try GeoPackageGeometry.decode(blob, context: GEOSContext()).equalsExact(g))
        let empty = try GeoPackageGeometry.encode(try Geometry(wkt: "POLYGON EMPTY"), srsID: 4490)
        #expect(try GeoPackageGeometry.header(empty).isEmpty)
        #expect(try GeoPackageGeometry.envelope(empty) == nil)
        #expect(#expect(throws: GridplanError.self) { _ = try GeoPackageGeometry.header(Data([1, 2, 3, 4, 5, 6, 7, 8])) }?.kind == .badInput)
    }

    /// A case's point is written without an envelope, as GDAL writes points; its envelope is read
    /// from the WKB in place, equal to what GEOS reads, in either byte order.
    @Test func pointsWithoutEnvelope() throws {
        let blob = try GeoPackageGeometry.encodePoint(x: 110.123456789, y: -21.5, srsID: 4490)
        #expect(blob.count == 29)
        let h = try GeoPackageGeometry.header(blob)
        #expect(h.srsID == 4490 && !h.isEmpty && h.envelope == nil && h.wkbOffset == 8)
        let g = try GeoPackageGeometry.decode(blob, context: GEOSContext())
        #expect(try GeoPackageGeometry.encode(g, srsID: 4490) == blob) // a point from GEOS is written alike
        #expect(try g.equalsExact(Geometry(wkt: "POINT (110.123456789 -21.5)")))
        #expect(try GeoPackageGeometry.envelope(blob) == g.envelope)
        // The same point in big-endian WKB, behind a header without envelope.
        var big = Data([0x47, 0x50, 0, 0b0000_0001]) + withUnsafeBytes(of: Int32(4490).littleEndian) { Data($0) }
        big += Data([0]) + withUnsafeBytes(of: UInt32(1).bigEndian) { Data($0) }
        for v in [110.123456789, -21.5] { big += withUnsafeBytes(of: v.bitPattern.bigEndian) { Data($0) } }
        #expect(try GeoPackageGeometry.envelope(big) == g.envelope)
        #expect(try GeoPackageGeometry.decode(big, context: GEOSContext()).equalsExact(g))
        // Not points: GEOS reads them.
        let line = try GeoPackageGeometry.encode(try Geometry(wkt: "LINESTRING (1 2, 3 4)"), srsID: 4490)
        #expect(try GeoPackageGeometry.envelope(line) == Envelope(minX: 1, minY: 2, maxX: 3, maxY: 4))
        let emptyPoint = try GeoPackageGeometry.encode(try Geometry(wkt: "POINT EMPTY"), srsID: 4490)
        #expect(try GeoPackageGeometry.envelope(emptyPoint) == nil)
    }
}

@Suite struct GeoPackageStoreTests {
    func square(_ x: Double, _ y: Double, _ size: Double = 0.01) throws -> Data {
        let g = try Geometry(polygon: [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)])
        return try GeoPackageGeometry.encode(try Geometry.collection(.multiPolygon, [g]), srsID: 4490)
    }

    /// Every row with a geometry has exactly its envelope in the R-tree (within float32 rounding), and nothing else is there.
    func expectRTreeExact(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT fid, geom FROM grids WHERE geom IS NOT NULL")
        let index = try Row.fetchAll(db, sql: "SELECT id, minx, maxx, miny, maxy FROM rtree_grids_geom")
        #expect(index.count == rows.count)
        let byID = Dictionary(uniqueKeysWithValues: index.map { ($0["id"] as Int64, $0) })
        for row in rows {
            let blob: Data = row["geom"]
            let e = try #require(try GeoPackageGeometry.envelope(blob))
            let r = try #require(byID[row["fid"]])
            let minx: Double = r["minx"], maxx: Double = r["maxx"], miny: Double = r["miny"], maxy: Double = r["maxy"]
            #expect(minx <= e.minX && maxx >= e.maxX && miny <= e.minY && maxy >= e.maxY)
            // float32 at 110° has a spacing of 7.6e-6°: allow two steps of outward rounding.
            #expect(e.minX - minx < 2e-5 && maxx - e.maxX < 2e-5)
        }
    }

    /// Schema steps run with SQLite's temporary data in files (an UPDATE of every case copies the
    /// rows first: in memory, that copy grows with the plan); the plan's connections afterwards
    /// keep theirs in memory again. (`PRAGMA temp_store`: 1 is FILE, 2 is MEMORY.)
    @Test func schemaStepsKeepTemporaryDataInFiles() throws {
        let folder = TemporaryFolder()
        let seen = LockedValue<Int?>(nil)
        let step = SchemaMigration("test: reads temp_store") { db in seen.set(try Int.fetchOne(db, sql: "PRAGMA temp_store")) }
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema.adding([step]))
        #expect(seen.get() == 1)
        #expect(try store.write { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
        #expect(try store.read { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
    }

    /// Opening a plan that lacks steps reports each step to ``SchemaUpgrade`` and the rows a step
    /// says it rewrote, then the end; creating a plan reports nothing.
    @Test func anUpgradeReportsItsStepsAndRows() throws {
        let folder = TemporaryFolder()
        let path = folder.path("plan.gpkg")
        let seen = LockedValue<[SchemaUpgrade.Progress]>([])
        SchemaUpgrade.setObserver { progress in
            // Other tests may upgrade their plans meanwhile: only this plan's reports.
            if progress.path == path { seen.update { $0.append(progress) } }
        }
        defer { SchemaUpgrade.setObserver(nil) }
        _ = try GeoPackage(path: path, schema: GridsSchema.schema)
        #expect(seen.get().isEmpty)
        let steps = [
            SchemaMigration("test: a") { _ in },
            SchemaMigration("test: b") { db in
                SchemaUpgrade.rows(db, 5, of: 10)
                SchemaUpgrade.rows(db, 10, of: 10)
            },
        ]
        _ = try GeoPackage(path: path, schema: GridsSchema.schema.adding(steps))
        let a = SchemaUpgrade.Progress(path: path, step: 1, steps: 2, identifier: "test: a")
        let b = SchemaUpgrade.Progress(path: path, step: 2, steps: 2, identifier: "test: b")
        var b5 = b, b10 = b
        (b5.done, b5.total, b10.done, b10.total) = (5, 10, 10, 10)
        var end = b10
        end.ended = true
        #expect(seen.get() == [a, b, b5, b10, end])
    }

    @Test func rtreeStaysExactUnderInsertUpdateDelete() throws {
        let folder = TemporaryFolder()
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        try store.write { db in
            try db.execute(sql: "INSERT INTO plan_versions (valid_from, command) VALUES ('2026-01-01', 'test')")
            for i in 0..<50 {
                try db.execute(
                    sql: "INSERT INTO grids (geom, level, valid_from, version_from) VALUES (?, 4, '2026-01-01', 1)",
                    arguments: [try square(110 + Double(i) * 0.01, 21)])
            }
        }
        try store.read(expectRTreeExact)
        try store.write { db in
            try db.execute(sql: "UPDATE grids SET geom = ? WHERE fid = 3", arguments: [try square(120, 30, 0.5)])
            try db.execute(sql: "UPDATE grids SET geom = NULL WHERE fid = 4")
            try db.execute(sql: "DELETE FROM grids WHERE fid IN (5, 6, 7)")
            try db.execute(sql: "UPDATE grids SET fid = 1000 WHERE fid = 8")
        }
        try store.read { db in
            try expectRTreeExact(db)
            let hits = try Int64.fetchAll(
                db, sql: "SELECT id FROM rtree_grids_geom WHERE minx <= 120.3 AND maxx >= 120.2 AND miny <= 30.3 AND maxy >= 30.2")
            #expect(hits == [3])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM rtree_grids_geom WHERE id IN (4,5,6,7,8)") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM rtree_grids_geom WHERE id = 1000") == 1)
        }
    }

    @Test func failedTransactionLeavesNothing() throws {
        let folder = TemporaryFolder()
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        #expect(throws: (any Error).self) {
            try store.write { db in
                try db.execute(sql: "INSERT INTO plan_versions (valid_from, command) VALUES ('2026-01-01', 'test')")
                try db.execute(
                    sql: "INSERT INTO grids (geom, level, valid_from, version_from) VALUES (?, 9, '2026-01-01', 1)",
                    arguments: [try square(110, 21)])
            }
        }
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM plan_versions") } == 0)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM rtree_grids_geom") } == 0)
    }

    @Test func fileIsAGeoPackageGDALReads() throws {
        let folder = TemporaryFolder()
        let path = folder.path("plan.gpkg")
        let store = try GeoPackage(path: path, schema: GridsSchema.schema)
        try store.write { db in
            try db.execute(sql: "INSERT INTO plan_versions (valid_from, command) VALUES ('2026-01-01', 'test')")
            for i in 0..<7 {
                try db.execute(
                    sql: "INSERT INTO grids (geom, code, level, valid_from, version_from) VALUES (?, ?, 2, '2026-01-01', 1)",
                    arguments: [try square(110.3 + Double(i) * 0.02, 21.2), "c\(i)"])
            }
            try FeatureTables.refreshExtent(db, table: "grids")
        }
        #expect(try store.read { try Int.fetchOne($0, sql: "PRAGMA application_id") } == 0x4750_4B47)
        #expect(try store.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == 10300)
        #expect(try store.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        let layers = try ogrinfo(path)
        let grids = try #require(layers.first { $0.name == "grids" })
        #expect(grids.featureCount == 7)
        #expect(grids.epsg == 4490)
        #expect(grids.geometry == "Multi Polygon")
        let e = try #require(grids.extent)
        #expect(abs(e.minX - 110.3) < 1e-9 && abs(e.maxX - 110.43) < 1e-9)
        #expect(abs(e.minY - 21.2) < 1e-9 && abs(e.maxY - 21.21) < 1e-9)
        // GDAL's own GeoPackage validator: the R-tree and the metadata must be consistent.
        let check = try run("ogrinfo", ["-ro", "-q", path, "-sql", "SELECT HasSpatialIndex('grids', 'geom')"])
        #expect(check.stdout.contains("= 1"), "\(check.stdout) \(check.stderr)")
    }

    @Test func refusesFilesThatAreNotGeoPackages() throws {
        let folder = TemporaryFolder()
        let path = folder.write("notes.gpkg", "hello, this is not SQLite at all")
        let notSQLite = #expect(throws: GridplanError.self) { _ = try GeoPackage(path: path, schema: GridsSchema.schema) }
        #expect(notSQLite?.kind == .conflict && notSQLite?.source?.file == path)
        let missing = #expect(throws: GridplanError.self) {
            _ = try GeoPackage(path: folder.path("missing.gpkg"), create: false, schema: GridsSchema.schema)
        }
        #expect(missing?.kind == .notFound)
    }

    /// Odd paths get a clear error at once: no trap on a folder, no endless wait on a pipe.
    @Test func refusesFoldersPipesAndDevices() throws {
        let folder = TemporaryFolder()
        let schema = GridsSchema.schema
        for (path, words) in [(folder.url.path, "is a folder"), ("/dev/null", "not a regular file")] {
            do {
                _ = try GeoPackage(path: path, schema: schema)
                Issue.record("\(path) was opened")
            } catch let e as GridplanError {
                #expect(e.kind == .badArgument && e.description.contains(words), "\(e)")
            }
        }
        let fifo = folder.path("pipe.gpkg")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(#expect(throws: GridplanError.self) { _ = try GeoPackage(path: fifo, schema: schema) }?.kind == .badArgument)
    }

    /// Another application's SQLite file is refused and left byte for byte as it was, with no
    /// -wal or -shm beside it: one with its own application id, and an app's GRDB database.
    @Test func leavesOtherApplicationsDatabasesUntouched() throws {
        let folder = TemporaryFolder()
        let withID = folder.path("app.db")
        _ = try run("sqlite3", [withID, "PRAGMA application_id = 1234; PRAGMA user_version = 3;"])
        let grdbApp = folder.path("grdb.db")
        _ = try run(
            "sqlite3",
            [
                grdbApp,
                """
                PRAGMA journal_mode = WAL; CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('createNotes'); CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);
                """,
            ])
        for path in [withID, grdbApp] {
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            do {
                _ = try GeoPackage(path: path, schema: GridsSchema.schema)
                Issue.record("\(path) was taken for a plan")
            } catch let e as GridplanError {
                #expect(e.kind == .conflict && e.source?.file == path, "\(e)")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal") && !FileManager.default.fileExists(atPath: path + "-shm"))
        }
        // An empty file is a new plan.
        let empty = folder.write("empty.gpkg", "")
        #expect(try GeoPackage(path: empty, schema: GridsSchema.schema).read { try $0.tableExists("grids") })
    }

    /// A second writer waits for the first, then says what is going on; nothing half-written.
    @Test func aSecondWriterIsToldTheFirstHoldsThePlan() throws {
        let folder = TemporaryFolder()
        let path = folder.path("plan.gpkg")
        let first = try GeoPackage(path: path, schema: GridsSchema.schema)
        let second = try GeoPackage(path: path, schema: GridsSchema.schema, lockWait: 0.2)
        let holding = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        Thread {
            try? first.write { db in
                try db.execute(sql: "INSERT INTO plan_versions (valid_from, command) VALUES ('2026-01-01', 'first')")
                holding.signal()
                done.wait()
            }
        }.start()
        holding.wait()
        do {
            try second.write { try $0.execute(sql: "INSERT INTO plan_versions (valid_from, command) VALUES ('2026-01-01', 'second')") }
            Issue.record("the second writer wrote while the first held the plan")
        } catch let e as GridplanError {
            #expect(e.kind == .busy && e.description.contains("Nothing was written"), "\(e)")
        }
        done.signal()
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try first.read { try String.fetchAll($0, sql: "SELECT command FROM plan_versions") } == ["first"])
    }

    @Test func leavesOtherProgramsDatabasesUnchanged() throws {
        let folder = TemporaryFolder()
        let path = folder.path("gdal.gpkg")
        _ = try run(
            "ogr2ogr",
            [
                "-f", "GPKG", path,
                folder.write(
                    "p.geojson",
                    #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[110,21]}}]}"#
                ),
            ])
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            _ = try GeoPackage(path: path, schema: GridsSchema.schema)
            Issue.record("a GeoPackage made by GDAL is not a gridplan plan")
        } catch {
            #expect("\(error)".contains("not a gridplan plan"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}

/// A store opened `forReading` (one question from the command line) leaves the file as it was.
@Suite struct ReadingStoreTests {
    let folder = TemporaryFolder()

    func digest(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func readsWithoutWritingAndRefusesWrites() throws {
        let path = folder.path("plan.gpkg")
        do { _ = try GeoPackage(path: path, schema: GridsSchema.schema) }
        let before = try digest(path)
        do {
            let reader = try GeoPackage(path: path, create: false, schema: GridsSchema.schema, forReading: true)
            #expect(try reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM grids") } == 0)
            #expect(reader.database is DatabaseQueue)
            let refused = #expect(throws: GridplanError.self) { try reader.write { try $0.execute(sql: "DELETE FROM grids") } }
            #expect(refused.map { "\($0)" }?.contains("reading only") == true)
            // A write slipped into a read is refused by SQLite.
            #expect(throws: DatabaseError.self) { try reader.read { try $0.execute(sql: "DELETE FROM grids") } }
        }
        // Byte for byte the same file, and no write-ahead log left beside it (a pool's opening writes one).
        #expect(try digest(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func aFileThatNeedsAStepIsMigratedFirst() throws {
        let path = folder.path("old.gpkg")
        do { _ = try GeoPackage(path: path, schema: GridsSchema.schema) }
        let newer = GridsSchema.schema.adding([SchemaMigration("test-later-step") { try $0.execute(sql: "CREATE TABLE later (id INTEGER)") }])
        let reader = try GeoPackage(path: path, create: false, schema: newer, forReading: true)
        #expect(try reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM later") } == 0)
    }
}
