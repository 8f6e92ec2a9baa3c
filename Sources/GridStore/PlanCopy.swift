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
