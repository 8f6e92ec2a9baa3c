import Foundation
public import GRDB
import GridErrors

/// A feature table's R-tree set aside during a bulk load, built beside the writer and given back at
/// the load's end.
///
/// SQLite's R-tree takes some 10 µs a point to insert, as much as the rest of a case import's
/// writing. While it is set aside the table is a GeoPackage layer without the `gpkg_rtree_index`
/// extension (no virtual table, no triggers, no extension row): readers scan it, and the answers
/// are the same. Meanwhile a thread reads the boxes of the rows the writer has committed through
/// its own connection (the plan is in WAL mode, so it never holds up the writer) and, once the
/// writer is done, packs them into nodes: ``RTreeBeside``. At the end the writer creates the
/// table's R-tree and its triggers and writes the packed nodes into it (``RTreeBulkLoad``), which
/// SQLite's `rtreecheck` finds whole.
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

    /// Runs `body`, which fills `table` anew (a layer written whole, such as a plan diff's moved
    /// pieces), after deleting every row: the R-tree is set aside meanwhile and then built from
    /// the new rows at once (``RTreeBulkLoad``). Through its triggers each old row's entry was
    /// deleted and each new one inserted (a province's 450,000 pieces: most of 15 s). All in the
    /// caller's transaction; a table without an R-tree is just emptied and filled.
    public static func replacingAllRows<T>(_ db: Database, table: String, _ body: () throws -> T) throws -> T {
        let indexed = try !rtreeIsSetAside(db, table: table)
        try setAsideRTree(db, table: table)
        try db.execute(sql: "DELETE FROM \(table.quotedDatabaseIdentifier)")
        let result = try body()
        if indexed {
            try createRTree(db, table: table, column: "geom", idColumn: "fid")
            try RTreeBulkLoad.fill(db, table: table, column: "geom")
        }
        return result
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
/// rows it added (a range of ids) and changed, the thread reads their boxes from the plan; told
/// that no more will come, it packs them into nodes. ``finish(_:)`` writes the tree into the plan
/// in the writer's last transaction.
///
/// The boxes wait sorted by x in runs of ``RTreeBulkLoad/entriesInMemory`` (``EntryRuns``): beyond
/// that many they go to temporary files beside the plan, so the memory a load takes does not grow
/// with its rows.
///
/// Only this writer's own commits are followed. Whether another process wrote in between, the
/// writer's connection tells (`PRAGMA data_version` changes when another connection commits): then
/// the tree is built again from the whole table (see ``finish(attemptsOutsideLock:_:)``).
public final class RTreeBeside: @unchecked Sendable {
    private enum Work {
        case all
        case added(after: Int64, through: Int64)
        /// Added rows whose boxes the writer gave.
        case boxes([RTreeEntry])
        case changed([Int64])
    }

    private let plan: GeoPackage, table: String
    /// The thread's own connection to the plan.
    private let reader: DatabaseQueue
    /// Cells a node of the tree holds (SQLite chooses by the plan's page size).
    private let capacity: Int
    private let condition = NSCondition()
    private var work: [Work] = []
    private var closing = false, stopped = false, cancelled = false
    private var error: (any Error)?
    private var started = false
    /// The writer's `data_version` when the tree began to follow it; nil when it does not.
    private var version: Int?

    /// Entries held in memory at once (tests make it small), and the plan's folder, where the
    /// rest wait in temporary files.
    private let entriesInMemory: Int, folder: String
    /// The thread's: the boxes of rows read whole or added, the last id the whole table's read
    /// saw (a batch's rows up to it are not read again), and the latest boxes of the rows changed
    /// since (nil: no geometry now).
    private var boxesRead: EntryRuns
    private var readThrough: Int64 = 0
    private var changed: [Int64: RTreeEntry?] = [:]
    /// The thread's result once it has read everything: the boxes packed into leaves.
    private var packed: RTreeBulkLoad.PackedTree?

    /// Opens the thread's connection to the plan; no thread yet.
    public init(plan: GeoPackage, table: String, entriesInMemory: Int = RTreeBulkLoad.entriesInMemory) throws {
        self.plan = plan
        self.table = table
        self.entriesInMemory = entriesInMemory
        folder = (plan.path as NSString).deletingLastPathComponent
        boxesRead = RTreeBulkLoad.boxRuns(entriesInMemory, folder)
        var config = Configuration()
        config.busyMode = .timeout(plan.lockWait)
        reader = try DatabaseQueue(path: plan.path, configuration: config)
        let pageSize = try reader.read { try Int.fetchOne($0, sql: "PRAGMA main.page_size") } ?? 4096
        capacity = try RTreeBulkLoad.capacity(pageSize: pageSize)
    }

    deinit {
        cancel()
        try? reader.close()
    }

    /// Starts following the writer: the thread first reads every row the table holds.
    public func follow() throws {
        version = try plan.database.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA data_version") }
        startThread(with: .all)
    }

    /// After a commit: the rows it added (ids after `after`, through `through`) and changed. The
    /// writer may give the added rows' boxes (`addedBoxes`, every one of those rows that has a
    /// geometry): they are not read back from the plan then (a case import's boxes are its points,
    /// which reading back cost as much CPU as a tenth of the writer's).
    public func committed(added after: Int64, through: Int64, changed: [Int64], addedBoxes: [RTreeEntry]? = nil) {
        condition.lock(); defer { condition.unlock() }
        if let addedBoxes {
            work.append(.boxes(addedBoxes))
        } else if through > after {
            work.append(.added(after: after, through: through))
        }
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
    /// table's geometries).
    ///
    /// Under the write lock `body` runs while the thread reads the last rows and packs the tree (a
    /// bulk load's index builds on one core, the packing on the other), then the R-tree is created
    /// and the packed nodes written. When another connection wrote since the tree began to follow
    /// the writer, the boxes are first read again from the whole table outside the lock, so that
    /// other writers are not held up by it; after `attemptsOutsideLock` such rounds, under the lock.
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
        try plan.database.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
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
                guard let tree = packed else { throw GridplanError(.failed, "the R-tree of \(table) was not built") }
                packed = nil
                try FeatureTables.createRTree(db, table: table, column: "geom", idColumn: "fid")
                try RTreeBulkLoad.write(tree, into: "rtree_\(table)_geom", db, entriesInMemory: entriesInMemory)
                return .commit
            }
            return result
        }
    }

    /// No more work will come: the thread packs the tree when it has done what is queued.
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
        packed = nil
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
        let boxes = "SELECT fid, geom FROM main.\"\(table)\""
        try reader.inDatabase { db in
            while true {
                condition.lock()
                while work.isEmpty && !closing && !cancelled { condition.wait() }
                if cancelled || work.isEmpty {
                    condition.unlock()
                    break
                }
                let next = work.removeFirst()
                condition.unlock()
                if case .boxes(let given) = next {
                    // Rows up to `readThrough` were read whole (see `.added`).
                    for entry in given where entry.id > readThrough { try boxesRead.append(entry) }
                    continue
                }
                // One snapshot a piece of work.
                try db.inTransaction(.deferred) {
                    switch next {
                    case .all:
                        boxesRead = RTreeBulkLoad.boxRuns(entriesInMemory, folder)
                        changed = [:]
                        readThrough = try Int64.fetchOne(db, sql: "SELECT max(fid) FROM main.\"\(table)\"") ?? 0
                        try RTreeBulkLoad.boxes(db, "\(boxes) WHERE geom NOT NULL AND fid <= ? ORDER BY fid", [readThrough]) { entry in
                            if let entry { try boxesRead.append(entry) }
                        }
                    case .added(let after, let through):
                        // Ids only grow (AUTOINCREMENT) and only this writer adds rows while the
                        // tree follows it: rows up to `readThrough` were read whole.
                        try RTreeBulkLoad.boxes(
                            db, "\(boxes) WHERE fid > ? AND fid <= ? AND geom NOT NULL ORDER BY fid", [max(after, readThrough), through]
                        ) { entry in
                            if let entry { try boxesRead.append(entry) }
                        }
                    case .boxes: break
                    case .changed(let fids):
                        for fid in fids { changed[fid] = .some(nil) }
                        for fid in fids {
                            try RTreeBulkLoad.boxes(db, "\(boxes) WHERE fid = ?", [fid]) { entry in changed[fid] = .some(entry) }
                        }
                    }
                    return .commit
                }
            }
        }
        condition.lock()
        let done = cancelled
        condition.unlock()
        if !done { try pack() }
    }

    /// The boxes read, with the changes over them, packed into leaves.
    private func pack() throws {
        var replaced = 0
        if !changed.isEmpty { try boxesRead.forEachUnordered { if changed.index(forKey: $0.id) != nil { replaced += 1 } } }
        let latest = changed.values.compactMap { $0 }.sorted { $0.centerX < $1.centerX }
        let count = boxesRead.count - replaced + latest.count
        packed = try RTreeBulkLoad.pack(
            boxesRead, count: count, keeping: { changed.index(forKey: $0.id) == nil }, adding: latest, capacity: capacity,
            directory: folder, entriesInMemory: entriesInMemory)
        boxesRead = RTreeBulkLoad.boxRuns(entriesInMemory, folder)
        changed = [:]
    }
}
