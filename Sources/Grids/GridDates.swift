import Foundation
import GRDB
import GridErrors
public import GridStore

extension GridsSchema {
    public static let v10Dates = SchemaMigration("v10: grids valid_from and valid_to declared DATE", migrate: v10)

    /// A grid's days as GeoPackage DATE columns, so GDAL reads them as dates and QGIS's temporal
    /// controller can use `valid_from`/`valid_to` directly. The stored text (`YYYY-MM-DD`) is already
    /// the DATE form and stays as it is: DATE's NUMERIC affinity leaves such text as text, so every
    /// comparison gridplan makes is unchanged.
    ///
    /// SQLite cannot change a declared type in place, so the table is rebuilt the documented way (new
    /// table, copy, drop, rename) inside the migration, where foreign keys are checked only at the end.
    /// Every row keeps its fid, the AUTOINCREMENT counter is carried over, the R-tree keeps its entries
    /// (ids are fids), and the table's own indexes and triggers (R-tree upkeep, outside-edit history) are
    /// re-created from their stored SQL, word for word.
    static func v10(_ db: Database) throws {
        let create = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'grids'") ?? ""
        var rebuilt = create
        for (from, to) in [("valid_from TEXT NOT NULL", "valid_from DATE NOT NULL"), ("valid_to TEXT,", "valid_to DATE,")] {
            guard rebuilt.components(separatedBy: from).count == 2 else {
                throw GridplanError(.failed, "the grids table is not as gridplan made it (no `\(from)`); it was left unchanged")
            }
            rebuilt = rebuilt.replacingOccurrences(of: from, with: to)
        }
        guard rebuilt.hasPrefix("CREATE TABLE grids (") else {
            throw GridplanError(.failed, "the grids table is not as gridplan made it; it was left unchanged")
        }
        rebuilt = "CREATE TABLE grids_v10 (" + rebuilt.dropFirst("CREATE TABLE grids (".count)
        let dependents = try String.fetchAll(
            db, sql: "SELECT sql FROM sqlite_master WHERE tbl_name = 'grids' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid")
        let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'grids'") ?? 0
        try db.execute(sql: rebuilt)
        try db.execute(sql: "INSERT INTO grids_v10 SELECT * FROM grids")
        try db.execute(sql: "DROP TABLE grids")
        try db.execute(sql: "ALTER TABLE grids_v10 RENAME TO grids")
        let top = max(sequence, try Int64.fetchOne(db, sql: "SELECT coalesce(max(fid), 0) FROM grids") ?? 0)
        try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = 'grids'")
        if top > 0 { try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('grids', ?)", arguments: [top]) }
        for sql in dependents { try db.execute(sql: sql) }
    }
}
