import Foundation
import GRDB
import GridGeometry
import GridTestSupport
import Grids
import Testing

@testable import GridStore

/// The two tools of bulk writing: statements bound through SQLite's own calls, and an R-tree set
/// aside and built beside the writer.
@Suite struct BulkWriteTests {
    @Test func boundStatementStoresEveryKindOfValueAsGRDBDoes() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (k INTEGER PRIMARY KEY, a, b, c UNIQUE)")
            let insert = try db.makeStatement(sql: "INSERT INTO t (k, a, b, c) VALUES (?, ?, ?, ?)")
            let values: [[DatabaseValue]] = [
                [1.databaseValue, DatabaseValue.null, 2.5.databaseValue, "网格 ✓".databaseValue],
                [2.databaseValue, "".databaseValue, Data().databaseValue, Data([0, 1, 255]).databaseValue],
                [3.databaseValue, Int64.max.databaseValue, (-0.0).databaseValue, "x".databaseValue],
            ]
            for row in values { try insert.run(binding: [row[0]], Array(row[1...])) }
            let stored = try Row.fetchAll(db, sql: "SELECT k, a, b, c, typeof(b) FROM t ORDER BY k")
            for (row, want) in zip(stored, values) {
                #expect((0..<4).map { row[$0] as DatabaseValue } == want)
            }
            #expect(stored[1][4] as String == "blob")
            // A violated constraint throws SQLite's error, and the statement is ready for the next row.
            let error = #expect(throws: DatabaseError.self) { try insert.run(binding: [4.databaseValue, .null, .null, "x".databaseValue]) }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT)
            #expect(error?.message?.contains("UNIQUE") == true)
            try insert.run(binding: [4.databaseValue, .null, .null, "y".databaseValue])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == 4)
        }
    }

    static func square(_ k: Int) throws -> Data {
        let x = 110 + Double(k % 40) * 0.01, y = 21 + Double(k / 40) * 0.01
        return try GeoPackageGeometry.encode(try Geometry(polygon: [(x, y), (x + 0.005, y), (x + 0.005, y + 0.005), (x, y)]), srsID: 4490)
    }

    static func insert(_ range: Range<Int>, _ db: Database) throws {
        for k in range {
            try db.execute(
                sql: "INSERT INTO grids (geom, level, valid_from, version_from) VALUES (?, 4, '2026-01-01', 1)", arguments: [try square(k)])
        }
    }

    /// The R-tree is whole and holds, for every row with a geometry, a box around its envelope no
    /// more than two float32 steps wider.
    static func expectTreeMatchesRows(_ db: Database, rows: Int) throws {
        #expect(try String.fetchOne(db, sql: "SELECT rtreecheck('rtree_grids_geom')") == "ok")
        let after = try Row.fetchAll(db, sql: "SELECT id, minx, maxx, miny, maxy FROM rtree_grids_geom ORDER BY id")
        let envelopes = try Row.fetchAll(
            db, sql: "SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM grids WHERE geom NOT NULL ORDER BY fid")
        #expect(after.count == rows && envelopes.count == rows)
        for (entry, envelope) in zip(after, envelopes) {
            let box: [Double] = (1...4).map { entry[$0] }, exact: [Double] = (1...4).map { envelope[$0] }
            #expect((entry[0] as Int64) == (envelope[0] as Int64))
            // The R-tree keeps 32-bit floats rounded outwards.
            #expect(box[0] <= exact[0] && box[1] >= exact[1] && box[2] <= exact[2] && box[3] >= exact[3])
            #expect(zip(box, exact).allSatisfy { abs($0 - $1) < 3e-5 }) // two float32 steps at 110°
        }
    }

    @Test func treeFollowingTheWriterHoldsWhatItCommittedAndWhatOthersDid() throws {
        // Another writer's commit seen before the last transaction: the tree is built again outside
        // the write lock, or (no attempts allowed) under it.
        for (otherWriter, attempts) in [(false, 3), (true, 3), (true, 0)] {
            let folder = TemporaryFolder()
            let path = folder.path("plan.gpkg")
            let store = try GeoPackage(path: path, schema: GridsSchema.schema)
            try store.write { db in
                try db.execute(sql: "INSERT INTO plan_versions (valid_from, command) VALUES ('2026-01-01', 'test')")
                try Self.insert(0..<300, db)
                try FeatureTables.setAsideRTree(db, table: "grids")
            }
            let tree = try RTreeBeside(plan: store, table: "grids")
            try tree.follow()
            var last: Int64 = 300
            for round in 0..<5 {
                try store.write { db in
                    try Self.insert(300 + round * 100..<400 + round * 100, db)
                    try db.execute(sql: "UPDATE grids SET geom = ? WHERE fid = ?", arguments: [try Self.square(2000 + round), 10 + round])
                }
                tree.committed(added: last, through: last + 100, changed: [Int64(10 + round)])
                last += 100
                if otherWriter && round == 2 {
                    // Another connection moves a row the tree has already read, and adds one: the
                    // writer's connection sees another's commit, and the tree is built again.
                    let other = try DatabaseQueue(path: path)
                    try other.write { db in
                        try db.execute(sql: "UPDATE grids SET geom = (SELECT geom FROM grids WHERE fid = 2) WHERE fid = 1")
                        try db.execute(
                            sql: "INSERT INTO grids (geom, level, valid_from, version_from) SELECT geom, 4, '2026-01-01', 1 FROM grids WHERE fid = 3")
                    }
                    try other.close()
                    last += 1
                }
            }
            let rows = try tree.finish(attemptsOutsideLock: attempts) { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM grids WHERE geom NOT NULL") ?? 0
            }
            #expect(rows == (otherWriter ? 801 : 800))
            try store.read { db in
                #expect(try !FeatureTables.rtreeIsSetAside(db, table: "grids"))
                try Self.expectTreeMatchesRows(db, rows: rows)
            }
        }
    }

    /// A killed load's scratch tree is removed by the next one; a running process's is kept.
    @Test func scratchTreesOfEndedProcessesAreRemoved() throws {
        let folder = NSTemporaryDirectory()
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let names = [
            "\(RTreeBeside.scratchPrefix)\(ended.processIdentifier)-\(UUID().uuidString).sqlite",
            "\(RTreeBeside.scratchPrefix)\(ended.processIdentifier)-\(UUID().uuidString).sqlite-journal",
            "\(RTreeBeside.scratchPrefix)1-\(UUID().uuidString).sqlite", // init: running
            "\(RTreeBeside.scratchPrefix)\(getpid())-\(UUID().uuidString).sqlite", // this process
        ]
        for name in names { FileManager.default.createFile(atPath: folder + "/" + name, contents: Data([1])) }
        defer { for name in names { try? FileManager.default.removeItem(atPath: folder + "/" + name) } }
        RTreeBeside.removeLeftovers(in: folder)
        let left = names.map { FileManager.default.fileExists(atPath: folder + "/" + $0) }
        #expect(left == [false, false, true, true])
    }

    @Test func setAsideRTreeComesBackWholeWithWhatItHeld() throws {
        let folder = TemporaryFolder()
        let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: GridsSchema.schema)
        let entries = "SELECT id, minx, maxx, miny, maxy FROM rtree_grids_geom ORDER BY id"
        try store.write { db in
            try db.execute(sql: "INSERT INTO plan_versions (valid_from, command) VALUES ('2026-01-01', 'test')")
            try Self.insert(0..<500, db)
        }
        let before = try store.read { try Row.fetchAll($0, sql: entries) }
        try store.write { db in
            try FeatureTables.setAsideRTree(db, table: "grids")
            #expect(try FeatureTables.rtreeIsSetAside(db, table: "grids"))
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM gpkg_extensions WHERE table_name = 'grids'") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'grids'") == 0)
            // Rows added and a geometry changed while it is set aside are in it when it is back.
            try Self.insert(500..<1200, db)
            try db.execute(sql: "UPDATE grids SET geom = ? WHERE fid = 7", arguments: [try Self.square(1500)])
            try db.execute(sql: "UPDATE grids SET geom = NULL WHERE fid = 8")
        }
        let answer = try store.restoringRTree(of: "grids") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grids") }
        #expect(answer == 1200)
        try store.read { db in
            #expect(try !FeatureTables.rtreeIsSetAside(db, table: "grids"))
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM gpkg_extensions WHERE table_name = 'grids'") == 1)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'grids'") == 6)
            try Self.expectTreeMatchesRows(db, rows: 1199)
            // The first 500 entries as the triggers made them (but those of fids 7 and 8).
            let kept = before.filter { ![7, 8].contains($0[0] as Int64) }
            #expect(try Row.fetchAll(db, sql: entries).filter { ($0[0] as Int64) <= 500 && ($0[0] as Int64) != 7 } == kept)
        }
        // Back for good: the triggers keep it exact again.
        try store.write { db in try Self.insert(1200..<1201, db) }
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM rtree_grids_geom WHERE id = 1201") } == 1)
        // Not set aside: the body just runs, in one transaction.
        #expect(try store.restoringRTree(of: "grids") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grids") } == 1201)
    }
}
