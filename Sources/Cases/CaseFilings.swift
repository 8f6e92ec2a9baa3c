import GRDB
package import GridStore

/// Where a case is filed: its grid at every level and the grid row it fell in, under a plan
/// version. Millions of cases share a few thousand filings, so since schema step v17 a
/// GeoPackage keeps each filing once, in `internal_case_filings`, and a case's row names it
/// (`cases.filing`): the four codes were 50 of a row's 228 bytes, and their four indexes 86
/// bytes a case, where one small integer and its index take about 13.
///
/// The moment of the import that last wrote a case is kept so too (``imports``): 20 bytes a case.
///
/// Readers see a case with its codes through the view `cases_with_grids` (QGIS lists it as a
/// layer too). On a server the rows keep their codes (its partitions by county are ranges of
/// `street_code`), so readers there ask `cases` itself (``casesWithCodes(_:)``).
package enum CaseFilings {
    /// The columns of a filing, in the order a ``Lookup`` takes their values.
    static let columns = shared.columns.map(\.name)

    /// The relation readers ask for cases with their codes.
    static let view = "cases_with_grids"

    /// The filing as a copy to or from a server sees it: kept on the rows there, with an index by
    /// each code, as a GeoPackage kept them before step v17.
    package static let shared = SharedColumns(
        table: "cases", key: "filing", store: "internal_case_filings", view: view,
        columns: [
            .init("unit_code", "TEXT"), .init("area_code", "TEXT"), .init("community_code", "TEXT"), .init("street_code", "TEXT"),
            .init("grid_fid", "INTEGER"), .init("plan_version", "INTEGER"),
        ],
        serverIndexes: [
            ("cases_unit", "unit_code"), ("cases_area", "area_code"), ("cases_community", "community_code"), ("cases_street", "street_code"),
        ])

    /// When the import that last wrote a case ran: the same for all its cases, so a GeoPackage keeps
    /// it once a run (`internal_case_imports`) and a case's row names its run (`cases.import_run`,
    /// schema step v17), as it names its filing.
    package static let imports = SharedColumns(
        table: "cases", key: "import_run", store: "internal_case_imports", view: view, columns: [.init("imported_at", "TEXT")],
        serverIndexes: [])

    /// The ids of one transaction's filings (see ``SharedColumns/Lookup``).
    static func lookup(_ db: Database) throws -> SharedColumns.Lookup { try SharedColumns.Lookup(shared, in: db) }

    /// The view on a GeoPackage: every column of `cases`, then its filing's and its import's.
    static let viewSQL = """
        CREATE VIEW \(view) AS SELECT c.*, \(columns.map { "f.\($0)" }.joined(separator: ", ")), r.imported_at
        FROM cases c LEFT JOIN internal_case_filings f ON f.id = c.filing LEFT JOIN internal_case_imports r ON r.id = c.import_run
        """

    /// The relation that gives each case with its codes, by the database's dialect.
    package static func casesWithCodes(_ db: some PlanReader) -> String { db.dialect == .sqlite ? view : "cases" }

    /// The code at `column` (`unit_code`, …) of each filing that has one: a count grouped by
    /// filing (through its index) adds up by grid this way, without joining each case to its filing.
    static func codes(_ db: some PlanReader, column: String) throws -> [Int64: String] {
        var codes: [Int64: String] = [:]
        try db.each("SELECT id, \(column) FROM internal_case_filings WHERE \(column) IS NOT NULL", []) { codes[$0[0]] = $0[1] }
        return codes
    }
}
