import GRDB

/// The secondary indexes of `cases` (by grid at each level, by time, status and category), which
/// a large import sets aside and builds again after its last batch. SQLite builds an index from
/// all rows at once in a fraction of the time it spends keeping seven indexes up to date row by
/// row: 200,000 cases, 1.1 s against about 10 s.
///
/// Setting aside is a schema change that outlives a kill: until the import is resumed (or any
/// later import starts, which builds them first), the cases are all there and every query
/// answers the same, only without these indexes to speed it. The unique index on the case's id,
/// which an import needs to find a case it updates, is never set aside.
package enum CaseIndexes {
    /// Names and columns, as schema v3 creates them.
    static let definitions: [(name: String, columns: String)] = [
        ("cases_unit", "unit_code"), ("cases_area", "area_code"), ("cases_community", "community_code"),
        ("cases_street", "street_code"), ("cases_reported", "reported_at"), ("cases_status", "status"),
        ("cases_category", "category"),
    ]

    /// The statement that makes each index, as SQLite keeps it in `sqlite_master`.
    static func sql(_ name: String, _ columns: String) -> String { "CREATE INDEX \(name) ON cases(\(columns))" }

    /// An import sets the indexes aside when it brings at least this many rows and at least as
    /// many as the store holds (rebuilding costs in proportion to all the rows).
    package static let defaultBulkRows = 50_000

    static func worthSettingAside(rows: Int, existing: Int, bulkRows: Int) -> Bool {
        rows >= bulkRows && rows >= existing
    }

    static func setAside(_ db: Database) throws {
        for d in definitions { try db.execute(sql: "DROP INDEX IF EXISTS \(d.name)") }
    }

    /// Builds the indexes that are missing; returns how many.
    @discardableResult
    static func restore(_ db: Database) throws -> Int {
        let present = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'"))
        var built = 0
        for d in definitions where !present.contains(d.name) {
            try db.execute(sql: sql(d.name, d.columns))
            built += 1
        }
        return built
    }
}
