import Foundation
public import GRDB
import GridErrors

extension FeatureTables {
    /// Declares some columns of `table` anew (`valid_from TEXT NOT NULL` as `valid_from DATE NOT
    /// NULL`), so GDAL and QGIS read days as dates. Stored values stay as they are: DATE's and
    /// DATETIME's NUMERIC affinity leaves ISO text as text, so every comparison is unchanged.
    ///
    /// SQLite cannot change a declared type in place, so the table is rebuilt the documented way
    /// (new table, copy, drop, rename) inside a migration, where foreign keys are checked only at
    /// the end. Every row keeps its id, the AUTOINCREMENT counter is carried over, an R-tree keeps
    /// its entries (ids are fids), and the table's own indexes and triggers are re-created from
    /// their stored SQL, word for word. The rename runs in legacy mode so that triggers of other
    /// tables naming this one (outside-edit history names `plan_versions`) are left as written.
    public static func redeclare(_ db: Database, table: String, _ changes: [(from: String, to: String)]) throws {
        let create = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]) ?? ""
        var rebuilt = create
        for (from, to) in changes {
            guard rebuilt.components(separatedBy: from).count == 2 else {
                throw GridplanError(.failed, "the \(table) table is not as gridplan made it (no `\(from)`); it was left unchanged")
            }
            rebuilt = rebuilt.replacingOccurrences(of: from, with: to)
        }
        let head = "CREATE TABLE \(table) ("
        guard rebuilt.hasPrefix(head) else { throw GridplanError(.failed, "the \(table) table is not as gridplan made it; it was left unchanged") }
        let temporary = "\(table)_redeclared"
        rebuilt = "CREATE TABLE \(temporary) (" + rebuilt.dropFirst(head.count)
        let dependents = try String.fetchAll(
            db, sql: "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid",
            arguments: [table])
        let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table])
        try db.execute(sql: rebuilt)
        // Stored columns only: generated ones (the `…_utc` moments) compute themselves.
        let stored = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid", arguments: [table])
            .map { "\"\($0)\"" }.joined(separator: ", ")
        try db.execute(sql: "INSERT INTO \(temporary) (\(stored)) SELECT \(stored) FROM \(table)")
        try db.execute(sql: "DROP TABLE \(table)")
        try db.execute(sql: "PRAGMA legacy_alter_table = ON")
        try db.execute(sql: "ALTER TABLE \(temporary) RENAME TO \(table)")
        try db.execute(sql: "PRAGMA legacy_alter_table = OFF")
        if let sequence {
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = ?", arguments: [table])
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", arguments: [table, sequence])
        }
        for sql in dependents { try db.execute(sql: sql) }
    }
}

extension FeatureTables {
    /// Adds, beside each moment column (stored as China Standard Time text, `YYYY-MM-DDTHH:MM:SS`,
    /// which every comparison in gridplan relies on), a DATETIME column `<name>_utc` that SQLite
    /// computes from it in GeoPackage's form (`YYYY-MM-DDTHH:MM:SS.SSSZ`, UTC): GDAL reads it as a
    /// date-time and QGIS's temporal controller can drive on it. Generated (VIRTUAL) columns take
    /// no space and cannot disagree with the stored moment. `fallback` names, for a moment left
    /// empty where it would repeat another column (a case's `status_at` until its status changes),
    /// that column: the companion then holds the moment the empty one stands for.
    public static func addUTCMoments(_ db: Database, table: String, columns: [String], fallback: [String: String] = [:]) throws {
        for column in columns {
            let moment = fallback[column].map { "coalesce(\(column), \($0))" } ?? column
            try db.execute(
                sql: """
                    ALTER TABLE \(table) ADD COLUMN \(column)_utc DATETIME
                      GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%fZ', \(moment), '-8 hours')) VIRTUAL
                    """)
        }
    }
}
