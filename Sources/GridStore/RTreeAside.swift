import Foundation
public import GRDB

/// A feature table's R-tree set aside during a bulk load, built beside the writer and given back at
/// the load's end.
///
/// SQLite's R-tree takes some 10 µs a point to insert, as much as the rest of a case import's
/// writing. While it is set aside the table is a GeoPackage layer without the `gpkg_rtree_index`
/// extension (no virtual table, no triggers, no extension row): readers scan it, and the answers
/// are the same. Meanwhile a thread builds the tree in a scratch database from the rows the writer
/// has committed, read through the thread's own connection (the plan is in WAL mode, so it never
/// holds up the writer): ``RTreeBeside``. At the end the writer creates the table's R-tree and
/// its triggers and copies the scratch tree's shadow tables (`_node`, `_rowid`, `_parent`) into it.
/// SQLite's R-tree module makes both trees: only its pages move, and `rtreecheck` finds them whole.
extension FeatureTables {
    /// Whether `table` is a feature table whose R-tree is set aside.
    public static func rtreeIsSetAside(_ db: Database, table: String) throws -> Bool {
        // The main schema only: reading an attached database's would lock it.
        try Int.fetchOne(db, sql: "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name = ?", arguments: ["rtree_\(table)_geom"])
            == 0
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
    /// the same transaction, built from the whole table on a thread while `body` runs. `body` must
    /// not change the table's geometries.
    public func restoringRTree<T>(of table: String, _ body: (Database) throws -> T) throws -> T {
        guard try read({ try FeatureTables.rtreeIsSetAside($0, table: table) }) else { return try write(body) }
        return try RTreeBeside(plan: self, table: table).finish(body)
    }
}

/// Builds a set-aside R-tree on a thread while a bulk load writes: told after each commit which
/// rows it added (a range of ids) and changed, the thread reads them from the plan and puts them
/// in a scratch tree. ``finish(_:)`` gives the tree to the plan in the writer's last transaction.
///
/// Only this writer's own commits are followed. Whether another process wrote in between, the
/// writer's connection tells (`PRAGMA data_version` changes when another connection commits): then
/// the tree is built again from the whole table (see ``finish(attemptsOutsideLock:_:)``).
public final class RTreeBeside: @unchecked Sendable {
    private enum Work {
        case all
        case added(after: Int64, through: Int64)
        case changed([Int64])
    }

    private let plan: GeoPackage, table: String
    private let scratch: String
    private let queue: DatabaseQueue
    private let condition = NSCondition()
    private var work: [Work] = []
    private var closing = false, stopped = false, cancelled = false
    private var error: (any Error)?
    private var started = false
    /// The writer's `data_version` when the tree began to follow it; nil when it does not.
    private var version: Int?

    /// Makes the scratch database and its empty tree; no thread yet.
    public init(plan: GeoPackage, table: String) throws {
        self.plan = plan
        self.table = table
        let folder = NSTemporaryDirectory()
        Self.removeLeftovers(in: folder)
        scratch = URL(fileURLWithPath: folder).appendingPathComponent("\(Self.scratchPrefix)\(getpid())-\(UUID().uuidString).sqlite").path
        var config = Configuration()
        config.prepareDatabase { SpatialFunctions.register(in: $0) }
        config.busyMode = .timeout(plan.lockWait)
        queue = try DatabaseQueue(path: scratch, configuration: config)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -131072")
            try db.execute(sql: "CREATE VIRTUAL TABLE tree USING rtree(id, minx, maxx, miny, maxy)")
        }
    }

    /// Scratch trees are named `gridplan-rtree-<process id>-<uuid>.sqlite`.
    static let scratchPrefix = "gridplan-rtree-"

    /// Removes the scratch trees (and their journals) of processes that are no longer running: a
    /// killed bulk load leaves its tree behind, tens of megabytes for a million rows.
    static func removeLeftovers(in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(scratchPrefix) {
            guard let pid = Int32(name.dropFirst(scratchPrefix.count).prefix { $0 != "-" }), pid > 0, pid != getpid() else { continue }
            // No such process (not "not allowed to signal it": that one is running).
            if kill(pid, 0) == -1 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: folder).appendingPathComponent(name).path)
            }
        }
    }

    deinit {
        cancel()
        try? queue.close()
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratch + suffix) }
    }

    /// Starts following the writer: the thread first puts every row the table holds in the tree.
    public func follow() throws {
        version = try plan.database.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA data_version") }
        startThread(with: .all)
    }

    /// After a commit: the rows it added (ids after `after`, through `through`) and changed.
    public func committed(added after: Int64, through: Int64, changed: [Int64]) {
        condition.lock(); defer { condition.unlock() }
        if through > after { work.append(.added(after: after, through: through)) }
        if !changed.isEmpty { work.append(.changed(changed)) }
        condition.broadcast()
    }

    /// Stops the thread, its work undone (the load failed).
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        _ = try? waitForThread()
    }

    /// The last transaction: gives the table its R-tree and runs `body` (which must not change the
    /// table's geometries, nor read another database than the plan's main one).
    ///
    /// Under the write lock `body` runs while the thread finishes the tree (a bulk load's index
    /// builds on one core, the tree's last batches on the other), then the R-tree is created and the
    /// scratch tree copied in. When another connection wrote since the tree began to follow the
    /// writer, the tree is first built again from the whole table outside the lock, so that other
    /// writers are not held up by it; after `attemptsOutsideLock` such rounds, under the lock.
    public func finish<T>(attemptsOutsideLock: Int = 3, _ body: (Database) throws -> T) throws -> T {
        close()
        var attempts = 0
        do {
            while true {
                let current = try plan.database.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA data_version") }
                if current != version {
                    if attempts == attemptsOutsideLock { return try underLock(rebuilding: true, body)! }
                    attempts += 1
                    try waitForThread()
                    // Read before the thread's snapshot: a commit after it changes the version.
                    version = current
                    startThread(with: .all, closing: true)
                    continue
                }
                if let given = try underLock(rebuilding: false, body) { return given }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw GeoPackage.busy(plan.path, plan.lockWait)
        }
    }

    /// Under the write lock: runs `body` while the thread finishes the tree (or, `rebuilding`,
    /// builds it again from the whole table), then gives the table the tree. Nil, with nothing
    /// done, when (not rebuilding) another connection wrote since the tree began to follow.
    private func underLock<T>(rebuilding: Bool, _ body: (Database) throws -> T) throws -> T? {
        let r = "rtree_\(table)_geom"
        return try plan.database.writeWithoutTransaction { db in
            // Attached before the transaction, which may not attach.
            try db.execute(sql: "ATTACH DATABASE ? AS rtree_scratch", arguments: [scratch])
            defer { try? db.execute(sql: "DETACH DATABASE rtree_scratch") }
            var result: T?
            // Deferred, with a first write to take the plan's lock: an immediate transaction would
            // also lock the scratch database the thread writes. Nothing may read it before the
            // copy: a read lock there would stop the thread's commits (`body` names main's tables
            // where a name could be searched in every database, as pragma functions do).
            try db.inTransaction(.deferred) {
                try db.execute(sql: "UPDATE gpkg_contents SET last_change = last_change WHERE table_name = ?", arguments: [table])
                // Another writer's load may have given the tree back meanwhile: its triggers have
                // kept it since.
                guard try FeatureTables.rtreeIsSetAside(db, table: table) else {
                    cancel()
                    result = try body(db)
                    return .commit
                }
                if rebuilding {
                    try waitForThread()
                    startThread(with: .all, closing: true)
                } else if try Int.fetchOne(db, sql: "PRAGMA data_version") != version {
                    return .rollback
                }
                result = try body(db)
                try waitForThread()
                try FeatureTables.createRTree(db, table: table, column: "geom", idColumn: "fid")
                try copyScratch(into: r, db)
                return .commit
            }
            return result
        }
    }

    /// Replaces the pages of `r`, a new and empty R-tree with the scratch tree's columns, with the
    /// scratch tree's.
    private func copyScratch(into r: String, _ db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM \(r)_node;
                INSERT INTO \(r)_node SELECT * FROM rtree_scratch.tree_node;
                INSERT INTO \(r)_rowid SELECT * FROM rtree_scratch.tree_rowid;
                INSERT INTO \(r)_parent SELECT * FROM rtree_scratch.tree_parent;
                """)
    }

    /// No more work will come: the thread ends when it has done what is queued.
    private func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        condition.unlock()
    }

    private func startThread(with first: Work, closing: Bool = false) {
        condition.lock()
        work = [first]
        self.closing = closing
        stopped = false
        error = nil
        condition.unlock()
        let thread = Thread { [self] in
            do {
                try run()
            } catch {
                condition.lock()
                self.error = error
                condition.unlock()
            }
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "rtree-build"
        started = true
        thread.start()
    }

    /// Waits for the thread to end; its error thrown.
    private func waitForThread() throws {
        condition.lock(); defer { condition.unlock() }
        guard started else { return }
        while !stopped { condition.wait() }
        if let error, !cancelled { throw error }
    }

    private func run() throws {
        let envelope = "SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM plan.\(table)"
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS plan", arguments: [plan.path])
            defer { try? db.execute(sql: "DETACH DATABASE plan") }
            while true {
                condition.lock()
                while work.isEmpty && !closing && !cancelled { condition.wait() }
                if cancelled || work.isEmpty {
                    condition.unlock()
                    return
                }
                let next = work.removeFirst()
                condition.unlock()
                // Deferred: an immediate transaction would wait for the plan's write lock too.
                try db.inTransaction(.deferred) {
                    switch next {
                    case .all:
                        try db.execute(sql: "DELETE FROM tree")
                        try db.execute(sql: "INSERT INTO tree \(envelope) WHERE geom NOT NULL AND NOT ST_IsEmpty(geom)")
                    case .added(let after, let through):
                        try db.execute(
                            sql: "INSERT OR REPLACE INTO tree \(envelope) WHERE fid > ? AND fid <= ? AND geom NOT NULL AND NOT ST_IsEmpty(geom)",
                            arguments: [after, through])
                    case .changed(let fids):
                        let delete = try db.makeStatement(sql: "DELETE FROM tree WHERE id = ?")
                        let insert = try db.makeStatement(
                            sql: "INSERT INTO tree \(envelope) WHERE fid = ? AND geom NOT NULL AND NOT ST_IsEmpty(geom)")
                        for fid in fids {
                            try delete.execute(arguments: [fid])
                            try insert.execute(arguments: [fid])
                        }
                    }
                    return .commit
                }
            }
        }
    }
}
