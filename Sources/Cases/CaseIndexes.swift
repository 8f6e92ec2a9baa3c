import GRDB
import GridStore

/// The secondary indexes of `cases` (by filing, through which a grid's cases are found at any
/// level, by time, status and category), which a large import sets aside and builds again after
/// its last batch. SQLite builds an index from all rows at once in a fraction of the time it spends
/// keeping them up to date row by row (200,000 cases and the seven indexes before step v17: 1.1 s
/// against about 10 s).
///
/// The UTC companions of the case times (`reported_at_utc`, …; see `FeatureTables.addUTCMoments`)
/// are set aside with them: SQLite computes a table's generated columns at every insert, virtual
/// ones too, about 1 µs a `strftime` (measured alone) of the writer's ~11 µs a case. Dropping and
/// adding a virtual column changes the schema only, not the rows.
///
/// Setting aside is a schema change that outlives a kill: until the import is resumed (or any
/// later import starts, which builds them first), the cases are all there and every gridplan query
/// answers the same, only without these indexes to speed it (none reads the UTC columns, which
/// GDAL and QGIS then do not list). The unique index on the case's id,
/// which an import needs to find a case it updates, is never set aside.
package enum CaseIndexes {
    /// One of the indexes: its name, its columns, and the condition of a partial index.
    struct Definition {
        let name: String, columns: String
        var condition: String? = nil

        /// The statement that makes it, as SQLite keeps it in `sqlite_master`.
        var sql: String { "CREATE INDEX \(name) ON cases(\(columns))" + (condition.map { " WHERE \($0)" } ?? "") }
    }

    /// The indexes as schema v3 creates them, but for `cases_status`: since step v16.2 it holds
    /// only the open cases, the ones a status is asked of (an office's finished cases, most of a
    /// backlog, are asked by time or grid). At 1 M cases of which 70 % are closed it takes 6 bytes
    /// a case instead of 16.
    static let definitions: [Definition] = [
        byFiling, Definition(name: "cases_reported", columns: "reported_at"), openStatus, Definition(name: "cases_category", columns: "category"),
    ]

    /// The index by filing (schema step v17), through which a grid's cases are found at any level.
    static let byFiling = Definition(name: "cases_filing", columns: "filing")

    /// The index by status, of the open cases only (schema step v16.2 makes it so on a plan made before).
    static let openStatus = Definition(name: "cases_status", columns: "status", condition: CaseStatus.openSQL)

    /// An import sets the indexes aside when it brings at least this many rows and at least as
    /// many as the store holds (rebuilding costs in proportion to all the rows).
    package static let defaultBulkRows = 50_000

    static func worthSettingAside(rows: Int, existing: Int, bulkRows: Int) -> Bool {
        rows >= bulkRows && rows >= existing
    }

    /// The case times with a UTC companion column, in the order schema v14.1 adds them.
    static let moments = ["reported_at", "status_at", "closed_at"]

    /// An empty `status_at` stands for `reported_at` (schema step v16.1); its companion says so.
    static let momentFallback = ["status_at": "reported_at"]

    static func setAside(_ db: Database) throws {
        for d in definitions { try db.execute(sql: "DROP INDEX IF EXISTS \(d.name)") }
        try setAsideMoments(db)
    }

    /// Drops the UTC companions, which SQLite keeps last among the columns: a migration that adds
    /// a column sets them aside first and adds them again after it (``restoreMoments(_:)``), so a
    /// plan's columns are in the same order whether or not a bulk import has since rebuilt them.
    static func setAsideMoments(_ db: Database) throws {
        let columns = try utcColumns(db)
        for m in moments where columns.contains(m + "_utc") { try db.execute(sql: "ALTER TABLE cases DROP COLUMN \(m)_utc") }
    }

    /// Builds the indexes and adds the UTC columns that are missing; returns how many indexes it built.
    /// `building` is told before each build which one it is of how many (a build sorts every row:
    /// seconds each at ten million cases).
    @discardableResult
    static func restore(_ db: Database, building: ((_ index: Int, _ of: Int) throws -> Void)? = nil) throws -> Int {
        let present = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'"))
        let missing = definitions.filter { !present.contains($0.name) }
        if !missing.isEmpty {
            try db.sortingOnEveryCore {
                for (k, d) in missing.enumerated() {
                    try building?(k + 1, missing.count)
                    try db.execute(sql: d.sql)
                }
            }
        }
        try restoreMoments(db)
        return missing.count
    }

    /// Adds the UTC companions that are missing.
    static func restoreMoments(_ db: Database) throws {
        let columns = try utcColumns(db)
        let missing = moments.filter { !columns.contains($0 + "_utc") }
        if !missing.isEmpty { try FeatureTables.addUTCMoments(db, table: "cases", columns: missing, fallback: momentFallback) }
    }

    private static func utcColumns(_ db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT name FROM pragma_table_xinfo('cases', 'main') WHERE name LIKE '%\\_utc' ESCAPE '\\'"))
    }
}
