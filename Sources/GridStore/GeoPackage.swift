public import Foundation
public import GRDB
import GridErrors
import GridGeometry
import GridProjection

/// One OGC GeoPackage 1.3 file, opened through SQLite (GRDB) in WAL mode: the embedded store
/// that holds a plan's grids and their R-tree indexes and opens unchanged in QGIS and GDAL.
///
/// Every connection registers the SQL functions the GeoPackage R-tree triggers call
/// (`ST_IsEmpty`, `ST_MinX`, `ST_MaxX`, `ST_MinY`, `ST_MaxY`), so inserts, updates and deletes
/// keep the indexes exact. The schema is versioned by migrations, which each module owning tables
/// contributes (see ``StoreSchema``).
public final class GeoPackage: Sendable {
    public let path: String
    /// GRDB's connections stay inside the store: other modules go through ``read(_:)`` and
    /// ``write(_:)``. A pool (a writer and concurrent readers) as a rule; one connection for a
    /// store opened `forReading`.
    let database: any DatabaseWriter

    /// The SRS id of the store's geometry columns: CGCS2000 longitude/latitude.
    public static let storeSRSID: Int32 = 4490

    /// Opens the file, creating it when `create` is true, and applies the steps of `schema` it
    /// has not run yet. `lockWait`: how long a write waits while another process writes.
    ///
    /// `forReading`: for a process that only reads (one question from the command line), one
    /// connection, and ``write(_:)`` refuses. Opening a pool writes to the file
    /// (GRDB makes sure a write-ahead log exists, with a commit and two fsyncs) and opens a second
    /// connection, which parses the schema again: together most of a quick question's time. A
    /// file that needs a migration step is opened as usual, so that the step runs.
    public init(
        path: String, create: Bool = true, schema: StoreSchema, lockWait: TimeInterval = lockWaitSeconds, forReading: Bool = false
    ) throws {
        self.path = path
        self.lockWait = lockWait
        // Never turn someone else's file into a plan, and never hang or crash on an odd path: the
        // file is looked at read-only first (see PlanFileProbe), before a pool switches it to WAL.
        let verdict = try PlanFileProbe.examine(path, firstStep: schema.migrations.first?.identifier ?? "")
        switch verdict {
        case .absent where !create: throw GridplanError(.notFound, "no such GeoPackage", source: .file(path))
        case .absent, .empty, .plan: break
        case .foreign(let what):
            throw GridplanError(
                .conflict,
                "not a gridplan plan (\(what)); gridplan leaves it unchanged. Bring its layers in with `gridplan import \(path) \(setting: "db") PLAN.gpkg \(setting: "level") …`",
                source: .file(path))
        }
        var config = Configuration()
        config.prepareDatabase { db in
            SpatialFunctions.register(in: db)
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // A batch of thousands of rows dirties more pages than SQLite's default 2 MB cache,
            // which then spills and writes pages more than once: give it room. NORMAL is safe
            // from corruption in WAL mode; only the last commit can be lost on power failure,
            // and every long job is resumable.
            try db.execute(sql: "PRAGMA cache_size = -131072")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA temp_store = MEMORY") // see temporaryData(inMemory:)
        }
        config.busyMode = .callback(Self.waiter(path: path, lockWait: lockWait))
        do {
            let migrator = schema.migrator
            if forReading, case .plan = verdict, let reader = try Self.reader(path, config, migrator) {
                database = reader
                return
            }
            let pool = try DatabasePool(path: path, configuration: config)
            if try !pool.writeWithoutTransaction({ try migrator.hasCompletedMigrations($0) }) {
                try Self.upgrade(pool, schema, path: path)
            }
            database = pool
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw Self.busy(path, lockWait)
        } catch let error as DatabaseError {
            throw GridplanError(.failed, "\(error.message ?? error.description)", source: .file(path))
        }
    }

    /// One connection to a plan whose schema is up to date, for reading only; nil when it is not.
    /// (Not SQLite's read-only mode: a read-only connection closing last leaves the `-wal` and
    /// `-shm` files behind. GRDB's reads refuse writes, and ``write(_:)`` refuses this store.)
    private static func reader(_ path: String, _ config: Configuration, _ migrator: DatabaseMigrator) throws -> DatabaseQueue? {
        let queue = try DatabaseQueue(path: path, configuration: config)
        if try queue.read({ try migrator.hasCompletedMigrations($0) }) { return queue }
        try queue.close()
        return nil
    }

    /// Runs the schema steps a plan lacks, each in its own transaction, with their temporary data
    /// in files. A step may rewrite every case (v15.1 fills a new column): SQLite's UPDATE of a
    /// table with triggers (the GeoPackage R-tree's) first copies the rows it will change, and in
    /// memory that copy grows with the table (measured: 3.2 GB peak for a 10 M-case plan).
    /// `PRAGMA temp_store` cannot change inside a transaction, so it is set around them. A plan
    /// made by an earlier release reports each step to ``SchemaUpgrade``; a new one is only created.
    private static func upgrade(_ pool: DatabasePool, _ schema: StoreSchema, path: String) throws {
        let migrator = schema.migrator
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA temp_store = FILE") }
        defer { try? pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA temp_store = MEMORY") } }
        let applied = try pool.read { try migrator.appliedIdentifiers($0) }
        guard !applied.isEmpty else { return try migrator.migrate(pool) }
        let missing = schema.migrations.map(\.identifier).filter { !applied.contains($0) }
        let writer = try pool.writeWithoutTransaction { ObjectIdentifier($0) }
        SchemaUpgrade.begin(writer, path: path, steps: missing)
        defer { SchemaUpgrade.ended(writer) }
        try migrator.migrate(pool)
    }

    /// Where the writer's connection keeps temporary data (sorters spilling, temporary tables):
    /// in memory as every connection does (fast for a question's sort), or in temporary files for
    /// a bulk load, whose index builds sort every row of the table.
    public func temporaryData(inMemory: Bool) throws {
        try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA temp_store = \(inMemory ? "MEMORY" : "FILE")") }
    }

    /// SQLite's busy handler: when another process holds the write lock, says so once (see
    /// ``LockWait``), then retries every 50 ms until `lockWait` seconds have passed.
    private static func waiter(path: String, lockWait: TimeInterval) -> Database.BusyCallback {
        let started = LockedValue<Date?>(nil)
        return { tries in
            let now = Date()
            if tries == 0 {
                started.set(now)
                LockWait.announce(path, lockWait)
            }
            guard now.timeIntervalSince(started.get() ?? now) < lockWait else { return false }
            usleep(50_000)
            return true
        }
    }

    static func busy(_ path: String, _ lockWait: TimeInterval) -> GridplanError {
        GridplanError(
            .busy,
            """
            another process (a second gridplan command, QGIS editing, …) is writing the plan; waited \
            \(lockWait.formatted()) s for it to finish. Nothing was written: run the command again when it is done.
            """, source: .file(path))
    }

    /// Closes every connection before the value goes. Left to itself, GRDB closes pooled
    /// connections on background queues, which can still be running when a command-line
    /// process exits, and SQLite crashes if exit happens in the middle of a close.
    ///
    /// Readers go first: they are read-only connections, and if one closed last it could not fold
    /// the write-ahead log back into the file, leaving a `-wal` that a copy of the `.gpkg` alone
    /// would miss. The writer, closing last, checkpoints and removes it.
    deinit {
        (database as? DatabasePool)?.releaseMemory()
        try? database.close()
    }

    /// How long a writer waits by default for another process's write to finish before giving up:
    /// 10 s, or the seconds in the environment variable `GRIDPLAN_LOCK_WAIT` (a decimal number).
    public static var lockWaitSeconds: TimeInterval {
        if let text = ProcessInfo.processInfo.environment["GRIDPLAN_LOCK_WAIT"], let seconds = Double(text), seconds.isFinite, seconds >= 0,
            text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") })
        {
            return seconds
        }
        return 10
    }
    /// How long this store's writes wait for another writer.
    let lockWait: TimeInterval

    /// Runs `body` in a write transaction: all of it is stored, or none of it. When another
    /// process is writing the plan, waits up to ``lockWaitSeconds`` for it, then says so.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard !(database is DatabaseQueue) else {
            throw GridplanError(.failed, "opened for reading only, so nothing was written", source: .file(path))
        }
        do {
            return try database.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw Self.busy(path, lockWait)
        }
    }

    /// Runs `body` on a read-only snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try database.read(body)
    }
}

/// What a writer does when another process holds the plan: the command line sets ``notice`` to
/// say on standard error that it waits (once per plan and process); the library stays silent.
public enum LockWait {
    private static let handler = LockedValue<(@Sendable (String, TimeInterval) -> Void)?>(nil)
    private static let told = LockedValue<Set<String>>([])

    /// Called with the plan's path and the wait in seconds when a write first finds it locked.
    public static func setNotice(_ notice: @escaping @Sendable (String, TimeInterval) -> Void) { handler.set(notice) }

    static func announce(_ path: String, _ lockWait: TimeInterval) {
        guard lockWait > 0, told.update({ $0.insert(path).inserted }) else { return }
        handler.get()?(path, lockWait)
    }
}

/// What opening a plan made by an earlier release reports while it brings the plan's schema up to
/// date (a step may rewrite every case: minutes for millions): the command line sets an observer
/// (``setObserver(_:)``) to show it on standard error; the library stays silent.
public enum SchemaUpgrade {
    /// Where an upgrade is: the plan, the step running (from 1) of those it lacks and its
    /// identifier, and for a step that rewrites rows in parts, the rows done of `total` (else 0 of
    /// 0); `ended` once, with the last step, when the upgrade is over (done or failed).
    public struct Progress: Sendable, Equatable {
        public var path: String
        public var step: Int, steps: Int
        public var identifier: String
        public var done = 0, total = 0
        public var ended = false
    }

    private static let observer = LockedValue<(@Sendable (Progress) -> Void)?>(nil)
    /// The upgrade under way on each writer's connection (several plans may be opened at once):
    /// the steps it runs and where it is.
    private static let current = LockedValue<[ObjectIdentifier: (steps: [String], progress: Progress)]>([:])

    /// Called with each step as it begins, with the rows it reports, and when the upgrade has ended.
    public static func setObserver(_ observe: (@Sendable (Progress) -> Void)?) { observer.set(observe) }

    /// The plan at `path`, open on the connection `writer`, is about to run `steps`.
    static func begin(_ writer: ObjectIdentifier, path: String, steps: [String]) {
        current.update { $0[writer] = (steps, Progress(path: path, step: 0, steps: steps.count, identifier: "")) }
    }

    /// Called by every step as it begins (see `StoreSchema.migrator`): reported when it is part of an upgrade.
    static func stepBegins(_ db: Database, _ identifier: String) {
        let progress = current.update { running -> Progress? in
            guard let upgrade = running[ObjectIdentifier(db)], let k = upgrade.steps.firstIndex(of: identifier) else { return nil }
            var progress = upgrade.progress
            (progress.step, progress.identifier, progress.done, progress.total) = (k + 1, identifier, 0, 0)
            running[ObjectIdentifier(db)] = (upgrade.steps, progress)
            return progress
        }
        if let progress { observer.get()?(progress) }
    }

    /// For a step that rewrites rows in parts (on `db`, the connection it was given): `done` of
    /// `total` rows rewritten so far.
    public static func rows(_ db: Database, _ done: Int, of total: Int) {
        let progress = current.update { running -> Progress? in
            guard let upgrade = running[ObjectIdentifier(db)], upgrade.progress.step > 0 else { return nil }
            var progress = upgrade.progress
            (progress.done, progress.total) = (done, total)
            running[ObjectIdentifier(db)] = (upgrade.steps, progress)
            return progress
        }
        if let progress { observer.get()?(progress) }
    }

    static func ended(_ writer: ObjectIdentifier) {
        guard var last = current.update({ $0.removeValue(forKey: writer) })?.progress, last.step > 0 else { return }
        last.ended = true
        observer.get()?(last)
    }
}

/// A value behind a lock, for the little state SQLite's callbacks share across threads.
final class LockedValue<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func get() -> T { lock.withLock { value } }
    func set(_ new: T) { lock.withLock { value = new } }
    func update<R>(_ body: (inout T) -> R) -> R { lock.withLock { body(&value) } }
}

/// Creating and maintaining GeoPackage feature tables.
public enum FeatureTables {
    /// Adds a CRS to `gpkg_spatial_ref_sys` under its EPSG code, with PROJ's WKT 1.
    public static func registerSRS(_ db: Database, epsg: Int, name: String? = nil) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM gpkg_spatial_ref_sys WHERE srs_id = ?", arguments: [epsg]) == true { return }
        let crs = CRS.proj("EPSG:\(epsg)")
        try db.execute(
            sql: """
                INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description)
                VALUES (?, ?, 'EPSG', ?, ?, ?)
                """, arguments: [try name ?? CRSInfo.name(of: crs), epsg, epsg, try CRSInfo.wkt1(of: crs), "EPSG:\(epsg)"])
    }

    /// Creates a feature table with an integer primary key `fid`, the geometry column `geom`
    /// and the given other column definitions; registers it in `gpkg_contents` and
    /// `gpkg_geometry_columns`, and gives it the `gpkg_rtree_index` extension.
    public static func create(
        _ db: Database, table: String, geometryType: String, srsID: Int32,
        columns: String, description: String
    ) throws {
        try db.execute(sql: "CREATE TABLE \(table) (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom \(geometryType), \(columns))")
        try registerFeatures(db, table: table, geometryType: geometryType, srsID: srsID, description: description)
        try createRTree(db, table: table, column: "geom", idColumn: "fid")
    }

    /// Registers a table or view with the geometry column `geom` as a feature layer, in
    /// `gpkg_contents` and `gpkg_geometry_columns`.
    public static func registerFeatures(_ db: Database, table: String, geometryType: String, srsID: Int32, description: String) throws {
        try db.execute(
            sql: """
                INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
                VALUES (?, 'features', ?, ?, ?)
                """, arguments: [table, table, description, srsID])
        try db.execute(
            sql: """
                INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m)
                VALUES (?, 'geom', ?, ?, 0, 0)
                """, arguments: [table, geometryType, srsID])
    }

    /// Registers a plain table (no geometry) in `gpkg_contents` as attributes, so GIS users see it.
    public static func registerAttributes(_ db: Database, table: String, description: String) throws {
        try db.execute(
            sql: """
                INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?, 'attributes', ?, ?)
                """, arguments: [table, table, description])
    }

    /// The `gpkg_rtree_index` extension: the R*Tree virtual table and the triggers that keep it
    /// exact, as the GeoPackage specification defines them.
    static func createRTree(_ db: Database, table t: String, column c: String, idColumn i: String) throws {
        let r = "rtree_\(t)_\(c)"
        try db.execute(
            sql: """
                CREATE VIRTUAL TABLE \(r) USING rtree(id, minx, maxx, miny, maxy);
                CREATE TRIGGER \(r)_insert AFTER INSERT ON \(t)
                  WHEN (new.\(c) NOT NULL AND NOT ST_IsEmpty(NEW.\(c)))
                BEGIN
                  INSERT OR REPLACE INTO \(r) VALUES (NEW.\(i), ST_MinX(NEW.\(c)), ST_MaxX(NEW.\(c)), ST_MinY(NEW.\(c)), ST_MaxY(NEW.\(c)));
                END;
                CREATE TRIGGER \(r)_update1 AFTER UPDATE OF \(c) ON \(t)
                  WHEN OLD.\(i) = NEW.\(i) AND (NEW.\(c) NOTNULL AND NOT ST_IsEmpty(NEW.\(c)))
                BEGIN
                  INSERT OR REPLACE INTO \(r) VALUES (NEW.\(i), ST_MinX(NEW.\(c)), ST_MaxX(NEW.\(c)), ST_MinY(NEW.\(c)), ST_MaxY(NEW.\(c)));
                END;
                CREATE TRIGGER \(r)_update2 AFTER UPDATE OF \(c) ON \(t)
                  WHEN OLD.\(i) = NEW.\(i) AND (NEW.\(c) ISNULL OR ST_IsEmpty(NEW.\(c)))
                BEGIN
                  DELETE FROM \(r) WHERE id = OLD.\(i);
                END;
                CREATE TRIGGER \(r)_update3 AFTER UPDATE ON \(t)
                  WHEN OLD.\(i) != NEW.\(i) AND (NEW.\(c) NOTNULL AND NOT ST_IsEmpty(NEW.\(c)))
                BEGIN
                  DELETE FROM \(r) WHERE id = OLD.\(i);
                  INSERT OR REPLACE INTO \(r) VALUES (NEW.\(i), ST_MinX(NEW.\(c)), ST_MaxX(NEW.\(c)), ST_MinY(NEW.\(c)), ST_MaxY(NEW.\(c)));
                END;
                CREATE TRIGGER \(r)_update4 AFTER UPDATE ON \(t)
                  WHEN OLD.\(i) != NEW.\(i) AND (NEW.\(c) ISNULL OR ST_IsEmpty(NEW.\(c)))
                BEGIN
                  DELETE FROM \(r) WHERE id IN (OLD.\(i), NEW.\(i));
                END;
                CREATE TRIGGER \(r)_delete AFTER DELETE ON \(t)
                  WHEN old.\(c) NOT NULL
                BEGIN
                  DELETE FROM \(r) WHERE id = OLD.\(i);
                END;
                """)
        try db.execute(
            sql: """
                INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
                VALUES (?, ?, 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')
                """, arguments: [t, c])
    }

    /// Runs `body`, which inserts rows into `table`, with the R-tree's insert trigger set aside,
    /// then puts the rows it inserted into the R-tree with one statement and the trigger back as
    /// it was. The trigger costs more per row than the R-tree insertion itself (a trigger program
    /// and five function calls). All of it runs in the caller's transaction, so no other writer
    /// and no reader ever sees the table without its trigger or the R-tree without a row; rows
    /// `body` updates keep their update triggers. Without the trigger (a file gridplan did not
    /// make), `body` just runs.
    public static func insertingWithRTreeAfter<T>(_ db: Database, table: String, _ body: () throws -> T) throws -> T {
        let r = "rtree_\(table)_geom"
        guard
            let trigger = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", arguments: ["\(r)_insert"])
        else { return try body() }
        // fid is AUTOINCREMENT: every row inserted now has a larger one.
        let last = try Int64.fetchOne(db, sql: "SELECT max(fid) FROM \(table)") ?? 0
        try db.execute(sql: "DROP TRIGGER \(r)_insert")
        let result = try body()
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO \(r) SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom)
                FROM \(table) WHERE fid > ? AND geom NOT NULL AND NOT ST_IsEmpty(geom)
                """, arguments: [last])
        try db.execute(sql: trigger)
        return result
    }

    /// Recomputes a feature table's extent in `gpkg_contents` and stamps `last_change`.
    /// The exact envelopes are read from the geometry headers: the R*Tree holds 32-bit floats
    /// rounded outwards, good for searching but not for reporting.
    public static func refreshExtent(_ db: Database, table: String) throws {
        try db.execute(
            sql: """
                UPDATE gpkg_contents SET (min_x, max_x, min_y, max_y) =
                  (SELECT min(ST_MinX(geom)), max(ST_MaxX(geom)), min(ST_MinY(geom)), max(ST_MaxY(geom)) FROM \(table)),
                  last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                WHERE table_name = ?
                """, arguments: [table])
    }
}
