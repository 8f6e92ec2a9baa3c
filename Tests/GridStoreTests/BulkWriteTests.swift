import Foundation
import GRDB
import GridErrors
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

    /// An index built with the sorter on every core (keys far beyond its small cache, so sorted in
    /// runs on worker threads and merged) is the index SQLite builds otherwise, and the
    /// connection's cache and worker threads are what they were.
    @Test func indexesBuiltOnEveryCoreAreWhole() throws {
        let folder = TemporaryFolder()
        let queue = try DatabaseQueue(path: folder.path("sort.sqlite"))
        try queue.write { db in
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
            // 200,000 keys of 40 bytes: about 8 MB to sort, twice the cache of the builds.
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
                    INSERT INTO t (k, v) SELECT i, hex(randomblob(20)) FROM n
                    """)
            try db.sortingOnEveryCore { try db.execute(sql: "CREATE INDEX t_v ON t(v)") }
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            #expect(try Int.fetchOne(db, sql: "PRAGMA cache_size") == -65536 && Int.fetchOne(db, sql: "PRAGMA threads") == 0)
            let viaIndex = try String.fetchAll(db, sql: "SELECT v FROM t INDEXED BY t_v ORDER BY v")
            let sorted = try String.fetchAll(db, sql: "SELECT v FROM t NOT INDEXED").sorted()
            #expect(viaIndex.count == 200_000 && viaIndex == sorted)
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
        // Also with 37 boxes in memory at once: the rest in sorted runs in temporary files, which
        // leave nothing behind in the plan's folder.
        for (otherWriter, attempts, inMemory) in [(false, 3, 1 << 20), (true, 3, 1 << 20), (true, 0, 1 << 20), (false, 3, 37), (true, 3, 37)] {
            let folder = TemporaryFolder()
            let path = folder.path("plan.gpkg")
            let store = try GeoPackage(path: path, schema: GridsSchema.schema)
            try store.write { db in
                try db.execute(sql: "INSERT INTO plan_versions (valid_from, command) VALUES ('2026-01-01', 'test')")
                try Self.insert(0..<300, db)
                try FeatureTables.setAsideRTree(db, table: "grids")
            }
            let tree = try RTreeBeside(plan: store, table: "grids", entriesInMemory: inMemory)
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
            let left = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
            #expect(left.allSatisfy { $0.hasPrefix("plan.gpkg") }, "\(left)")
        }
    }

    /// The boxes a bulk load writes are those SQLite's R-tree stores for the same rows: its
    /// rounding of doubles to 32-bit floats, over magnitudes, signs and exact values.
    @Test func entriesRoundAsSQLitesRTreeDoes() throws {
        var random = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 1, -1, 0.1, -0.1, 110.3725, 21.25, -180, 180, 1e-30, -1e-30, 3.4e38, 16_777_217, -16_777_217]
        for _ in 0..<5000 {
            let magnitude = [1e-6, 1, 180, 1e6, 1e12].randomElement(using: &random)!
            values.append(Double.random(in: -magnitude...magnitude, using: &random))
        }
        let queue = try DatabaseQueue()
        let stored = try queue.write { db -> [Row] in
            try db.execute(sql: "CREATE VIRTUAL TABLE t USING rtree(id, minx, maxx, miny, maxy)")
            for (k, v) in values.enumerated() {
                try db.execute(sql: "INSERT INTO t VALUES (?, ?, ?, ?, ?)", arguments: [k, v, v, -v, -v])
            }
            return try Row.fetchAll(db, sql: "SELECT minx, maxx, miny, maxy FROM t ORDER BY id")
        }
        #expect(stored.count == values.count)
        for (v, row) in zip(values, stored) {
            let entry = try #require(RTreeEntry(id: 1, envelope: Envelope(minX: v, minY: -v, maxX: v, maxY: -v)))
            let want: [Double] = (0..<4).map { row[$0] }
            let got: [Double] = [Double(entry.minX), Double(entry.maxX), Double(entry.minY), Double(entry.maxY)]
            #expect(got == want, "\(v)")
        }
    }

    /// A bulk-loaded tree is whole by SQLite's own check, holds the same entries as one the module
    /// built row by row, answers every window the same, and stays whole under the module's own
    /// inserts, updates and deletes afterwards. Sizes from an empty tree to three levels; a file
    /// with small pages (fewer cells a node than the entries were tiled for).
    @Test func bulkLoadedTreeEqualsOneBuiltRowByRow() throws {
        var random = SystemRandomNumberGenerator()
        for (count, pageSize) in [(0, 4096), (1, 4096), (51, 4096), (52, 4096), (2000, 4096), (30_000, 4096), (3000, 1024)] {
            let queue = try DatabaseQueue()
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA page_size = \(pageSize)")
                try db.execute(sql: "CREATE VIRTUAL TABLE packed USING rtree(id, minx, maxx, miny, maxy)")
                try db.execute(sql: "CREATE VIRTUAL TABLE inserted USING rtree(id, minx, maxx, miny, maxy)")
                try db.execute(sql: "CREATE VIRTUAL TABLE spilled USING rtree(id, minx, maxx, miny, maxy)")
            }
            // Points and small boxes over a county, some on the same spot; ids not in order.
            var entries: [RTreeEntry] = (0..<count).compactMap { k in
                let x = Double.random(in: 110...111, using: &random), y = k % 7 == 0 ? 21.5 : Double.random(in: 21...22, using: &random)
                let w = k % 3 == 0 ? 0 : Double.random(in: 0...0.01, using: &random)
                return RTreeEntry(id: Int64(k * 7 + 3), envelope: Envelope(minX: x, minY: y, maxX: x + w, maxY: y + w))
            }
            entries.shuffle(using: &random)
            try queue.write { db in
                let insert = try db.makeStatement(sql: "INSERT INTO inserted VALUES (?, ?, ?, ?, ?)")
                for e in entries { try insert.execute(arguments: [e.id, e.minX, e.maxX, e.minY, e.maxY]) }
                // Through temporary files, at most 500 entries in memory at once.
                let folder = TemporaryFolder()
                let byX = EntryRuns(memoryEntries: 500, directory: folder.url.path, by: { $0.centerX < $1.centerX })
                for e in entries { try byX.append(e) }
                let spilled = try RTreeBulkLoad.pack(byX, count: count, capacity: 51, directory: folder.url.path, entriesInMemory: 500)
                #expect(spilled.entries.isInMemory == (count <= 500))
                try RTreeBulkLoad.write(spilled, into: "spilled", db, entriesInMemory: 500)
                let tiles = RTreeBulkLoad.tile(&entries, capacity: 51)
                try RTreeBulkLoad.write(&entries, tiles: tiles, tiledFor: 51, into: "packed", db)
            }
            try queue.write { db in
                for tree in ["packed", "inserted", "spilled"] {
                    #expect(try String.fetchOne(db, sql: "SELECT rtreecheck('\(tree)')") == "ok", "\(count) \(tree)")
                }
                let all = "SELECT id, minx, maxx, miny, maxy FROM %@ ORDER BY id"
                let packed = try Row.fetchAll(db, sql: all.replacingOccurrences(of: "%@", with: "packed"))
                #expect(packed.count == count)
                #expect(packed == (try Row.fetchAll(db, sql: all.replacingOccurrences(of: "%@", with: "inserted"))))
                #expect(packed == (try Row.fetchAll(db, sql: all.replacingOccurrences(of: "%@", with: "spilled"))))
                // Packed alike: the same leaves hold the same rows (slices of equal x cut alike).
                let leaves = "SELECT count(DISTINCT nodeno) FROM %@_rowid"
                #expect(
                    try Int.fetchOne(db, sql: leaves.replacingOccurrences(of: "%@", with: "spilled"))
                        == Int.fetchOne(db, sql: leaves.replacingOccurrences(of: "%@", with: "packed")))
                if count > 51 {
                    // More than one level: the root is an inner node and its depth is written.
                    #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM packed_node") ?? 0 > 1)
                    #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM packed_parent") ?? 0 > 0)
                }
                func expectSameWindows(_ label: String) throws {
                    for _ in 0..<100 {
                        let x = Double.random(in: 109.9...111, using: &random), y = Double.random(in: 20.9...22, using: &random)
                        let d = Double.random(in: 0...0.3, using: &random)
                        let window = "WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ? ORDER BY id"
                        let arguments: StatementArguments = [x + d, x, y + d, y]
                        let a = try Int64.fetchAll(db, sql: "SELECT id FROM packed \(window)", arguments: arguments)
                        let b = try Int64.fetchAll(db, sql: "SELECT id FROM inserted \(window)", arguments: arguments)
                        #expect(a == b, "\(count) \(label)")
                    }
                }
                try expectSameWindows("loaded")
                // The module's own changes to a loaded tree: inserts, moves, deletes.
                for k in 0..<min(count, 500) {
                    let id = Int64(k * 7 + 3), x = Double.random(in: 110...111, using: &random)
                    for tree in ["packed", "inserted"] {
                        switch k % 3 {
                        case 0: try db.execute(sql: "DELETE FROM \(tree) WHERE id = ?", arguments: [id])
                        case 1: try db.execute(sql: "UPDATE \(tree) SET minx = ?, maxx = ? WHERE id = ?", arguments: [x, x, id])
                        default: try db.execute(sql: "INSERT INTO \(tree) VALUES (?, ?, ?, 21.5, 21.5)", arguments: [1_000_000 + k, x, x])
                        }
                    }
                }
                #expect(try String.fetchOne(db, sql: "SELECT rtreecheck('packed')") == "ok", "\(count) after changes")
                try expectSameWindows("changed")
            }
        }
    }

    /// Sorted runs in a temporary file merge into the order one sort of them all gives, with the
    /// entries left out and added that a bulk load's changed rows ask for.
    @Test func entriesSortedInRunsComeBackInOrder() throws {
        var random = SystemRandomNumberGenerator()
        let folder = TemporaryFolder()
        for (count, inMemory) in [(0, 10), (1, 10), (10, 10), (11, 10), (5000, 64), (5000, 1 << 20)] {
            let entries = (0..<count).map { k in
                let x = Float.random(in: 0...1, using: &random)
                return RTreeEntry(id: Int64(k), minX: x, maxX: x, minY: 0, maxY: 0)
            }
            let runs = EntryRuns(
                memoryEntries: inMemory, directory: folder.url.path, by: { $0.minX < $1.minX || ($0.minX == $1.minX && $0.id < $1.id) })
            for e in entries { try runs.append(e) }
            #expect(runs.count == count)
            var unordered: [Int64] = []
            try runs.forEachUnordered { unordered.append($0.id) }
            #expect(unordered.sorted() == entries.map(\.id))
            let extra = [RTreeEntry(id: -1, minX: 0.5, maxX: 0.5, minY: 0, maxY: 0)]
            var drained: [RTreeEntry] = []
            try runs.drain(keeping: { $0.id % 3 != 0 }, adding: extra) { drained.append($0) }
            let want = (entries.filter { $0.id % 3 != 0 } + extra).sorted { $0.minX < $1.minX || ($0.minX == $1.minX && $0.id < $1.id) }
            #expect(drained == want, "\(count) entries, \(inMemory) in memory")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    /// A bulk load refuses a tree that already holds entries.
    @Test func bulkLoadWritesOnlyANewTree() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE VIRTUAL TABLE t USING rtree(id, minx, maxx, miny, maxy); INSERT INTO t VALUES (1, 0, 1, 0, 1)")
            var entries = [RTreeEntry(id: 2, minX: 0, maxX: 1, minY: 0, maxY: 1)]
            #expect(throws: GridplanError.self) { try RTreeBulkLoad.write(&entries, tiles: [0..<1], tiledFor: 51, into: "t", db) }
            #expect(try Int.fetchAll(db, sql: "SELECT id FROM t") == [1])
        }
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
