import Foundation
public import GRDB
import GridErrors

extension GeoPackage {
    /// A consistent copy of the whole plan at `path` (SQLite's online backup, while other readers
    /// and writers go on): for trying a change on a copy before making it on the plan.
    public func backup(to path: String) throws {
        let target = try DatabaseQueue(path: path)
        try database.backup(to: target)
        try target.close()
    }
}

extension GeoPackage {
    /// The plan as it stands now, read in as many steps as a copy needs while other processes go on
    /// writing: every read sees the same moment (a read transaction SQLite keeps open).
    public func snapshot() throws -> StoreSnapshot {
        guard let pool = database as? DatabasePool else {
            throw GridplanError(.failed, "a plan opened for reading one question cannot give a snapshot", source: .file(path))
        }
        return StoreSnapshot(snapshot: try pool.makeSnapshot())
    }

    /// Runs `body`, which fills this (new) plan in batches whose rows may name rows of a later batch
    /// (a grid its parent, a duty its person), with SQLite's foreign-key checks off; then checks
    /// every key at once and throws, naming the table, if one points nowhere.
    public func fillingWithoutKeyChecks<T>(_ body: () async throws -> T) async throws -> T {
        try await database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA foreign_keys = OFF") }
        let result: T
        do {
            result = try await body()
        } catch {
            try? await database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA foreign_keys = ON") }
            throw error
        }
        let broken = try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            return try Row.fetchOne(db, sql: "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
        }
        if let broken {
            throw GridplanError(
                .badInput, "row \(broken[1] as Int64? ?? 0) of \(broken[0] as String) names a row of \(broken[2] as String) that does not exist",
                source: .file(path))
        }
        return result
    }
}

/// A moment of a plan, kept while it is read (see ``GeoPackage/snapshot()``).
public final class StoreSnapshot: Sendable {
    let snapshot: DatabaseSnapshot
    init(snapshot: DatabaseSnapshot) { self.snapshot = snapshot }
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try snapshot.read(body) }
}

extension GeoPackage {
    /// Runs `body`, which fills the empty `tables` of a new plan, with their indexes and R-tree insert
    /// triggers set aside; then builds each index once and bulk-loads each R-tree (``RTreeBulkLoad``). A bulk load
    /// sorts each index once instead of updating every index and the R-tree a row at a time.
    public func loadingWithoutIndexes<T>(_ tables: [String], _ body: () async throws -> T) async throws -> T {
        let saved = try write { db -> [String] in
            var saved: [String] = []
            for table in tables {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL
                          AND (type = 'index' OR (type = 'trigger' AND name = 'rtree_' || tbl_name || '_' || ? || '_insert'))
                        """, arguments: [table, try Self.geometryColumn(of: table, db) ?? ""])
                for row in rows {
                    let (type, name, sql): (String, String, String) = (row[0], row[1], row[2])
                    try db.execute(sql: "DROP \(type == "index" ? "INDEX" : "TRIGGER") \(name.quotedDatabaseIdentifier)")
                    saved.append(sql)
                }
            }
            return saved
        }
        func rebuild() throws {
            try write { db in
                try db.sortingOnEveryCore {
                    for sql in saved { try db.execute(sql: sql) }
                }
                for table in tables {
                    guard let column = try Self.geometryColumn(of: table, db) else { continue }
                    try RTreeBulkLoad.fill(db, table: table, column: column)
                }
            }
        }
        let result: T
        do {
            result = try await body()
        } catch {
            try? rebuild()
            throw error
        }
        try rebuild()
        return result
    }

    /// The geometry column of a feature table with an R-tree; nil for other tables.
    private static func geometryColumn(of table: String, _ db: Database) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT column_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index' AND table_name = ?", arguments: [table])
    }
}
