import Foundation
public import GRDB

/// A feature table's R-tree set aside during a bulk load and built beside the writer at its end.
///
/// SQLite's R-tree takes some 10 µs a point to insert, as much as the rest of a case import's
/// writing. While it is set aside the table is a GeoPackage layer without the `gpkg_rtree_index`
/// extension (no virtual table, no triggers, no extension row): readers scan it, and the answers
/// are the same. At the end a thread reads every envelope through its own connection (the plan is
/// in WAL mode, so it does not hold up the writer) and inserts them into an R-tree of a scratch
/// database, while the writer does its other work; the writer then creates the table's R-tree and
/// its triggers and copies the scratch tree's shadow tables (`_node`, `_rowid`, `_parent`) into it.
/// SQLite's R-tree module makes both trees: only its pages move, and `rtreecheck` finds them whole.
extension FeatureTables {
    /// Whether `table` is a feature table whose R-tree is set aside.
    public static func rtreeIsSetAside(_ db: Database, table: String) throws -> Bool {
        try !db.tableExists("rtree_\(table)_geom")
    }

    /// Drops the R-tree of `table`'s `geom`, its triggers and its extension row (all in the
    /// caller's transaction).
    public static func setAsideRTree(_ db: Database, table: String) throws {
        let r = "rtree_\(table)_geom"
        for suffix in ["insert", "update1", "update2", "update3", "update4", "delete"] {
            try db.execute(sql: "DROP TRIGGER IF EXISTS \(r)_\(suffix)")
        }
        try db.execute(sql: "DROP TABLE IF EXISTS \(r)")
        try db.execute(
            sql: "DELETE FROM gpkg_extensions WHERE table_name = ? AND column_name = 'geom' AND extension_name = 'gpkg_rtree_index'",
            arguments: [table])
    }
}

extension GeoPackage {
    /// Runs `body` in a write transaction and, when `table`'s R-tree is set aside, gives it back in
    /// the same transaction: a thread builds it while `body` runs. The thread starts once this
    /// transaction holds the write lock, so what it reads is what the table holds to the commit;
    /// `body` must not change the table's geometries.
    public func restoringRTree<T>(of table: String, _ body: (Database) throws -> T) throws -> T {
        guard try read({ try FeatureTables.rtreeIsSetAside($0, table: table) }) else { return try write(body) }
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gridplan-rtree-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratch + suffix) }
        }
        let building = try RTreeBuilding(plan: path, table: table, scratch: scratch)
        defer { try? building.wait() }
        let r = "rtree_\(table)_geom"
        do {
            return try database.writeWithoutTransaction { db in
                // Attached before the transaction, which may not attach, and that transaction
                // deferred: an immediate one would lock the scratch database the thread writes.
                try db.execute(sql: "ATTACH DATABASE ? AS rtree_scratch", arguments: [scratch])
                defer { try? db.execute(sql: "DETACH DATABASE rtree_scratch") }
                var result: T?
                try db.inTransaction(.deferred) {
                    // A first write takes the plan's write lock before the thread begins to read.
                    try db.execute(
                        sql: "DELETE FROM gpkg_extensions WHERE table_name = ? AND extension_name = 'gpkg_rtree_index'", arguments: [table])
                    building.start()
                    result = try body(db)
                    try building.wait()
                    try FeatureTables.createRTree(db, table: table, column: "geom", idColumn: "fid")
                    try db.execute(
                        sql: """
                            DELETE FROM \(r)_node;
                            INSERT INTO \(r)_node SELECT * FROM rtree_scratch.tree_node;
                            INSERT INTO \(r)_rowid SELECT * FROM rtree_scratch.tree_rowid;
                            INSERT INTO \(r)_parent SELECT * FROM rtree_scratch.tree_parent;
                            """)
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw Self.busy(path, lockWait)
        }
    }
}

/// The thread that fills a set-aside R-tree's replacement in a scratch database, from the plan's
/// committed rows read through the scratch database's own connection.
private final class RTreeBuilding: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var error: (any Error)?
    private let queue: DatabaseQueue
    private let plan: String, table: String
    private var started = false

    /// Creates the scratch database and its empty tree.
    init(plan: String, table: String, scratch: String) throws {
        var config = Configuration()
        config.prepareDatabase { SpatialFunctions.register(in: $0) }
        queue = try DatabaseQueue(path: scratch, configuration: config)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -131072")
            try db.execute(sql: "CREATE VIRTUAL TABLE tree USING rtree(id, minx, maxx, miny, maxy)")
        }
        self.plan = plan
        self.table = table
    }

    /// Starts the thread: it reads every envelope of the plan's table and inserts it into the tree.
    func start() {
        started = true
        let thread = Thread { [self] in
            do {
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "ATTACH DATABASE ? AS plan", arguments: [plan])
                    // Deferred: an immediate transaction would wait for the plan's write lock too.
                    try db.inTransaction(.deferred) {
                        try db.execute(
                            sql: """
                                INSERT INTO tree SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom)
                                FROM plan.\(table) WHERE geom NOT NULL AND NOT ST_IsEmpty(geom)
                                """)
                        return .commit
                    }
                    try db.execute(sql: "DETACH DATABASE plan")
                }
            } catch {
                self.error = error
            }
            self.done.signal()
        }
        thread.name = "rtree-build"
        thread.start()
    }

    /// Waits for the thread; its error thrown. A second wait returns at once, as does a wait for a
    /// thread never started (after a failure before it).
    func wait() throws {
        guard started else { return }
        done.wait()
        done.signal()
        if let error { throw error }
    }
}
