import GRDB
import GridErrors
import GridStore

/// How a plan's largest tables are laid out on a server: as the GeoPackage's plain tables, or split
/// by county (PostgreSQL's declarative partitioning) for a province's platform, so that a county's
/// rows and their indexes, and the questions by its street codes, stay in its own partitions.
///
/// Split by county, `cases` is partitioned by range on `street_code` and `grids` on `code`: in the
/// common code scheme a code starts with its county's six digits, and a county's partition holds
/// the codes that start with them. The columns are the GeoPackage's, with no column
/// added: a case or grid that changes county (a new code, a reassignment) moves to the other
/// partition in the same UPDATE; a row without such a code (no location, outside every grid, no
/// code yet, another scheme) is kept in the `_other` partition.
///
/// What PostgreSQL cannot give a partitioned table, and how gridplan keeps the same meaning:
/// - a primary or unique key must hold the partition key, which may be NULL here: `fid` stays an
///   identity column with a plain index, and a case's `external_id` stays unique because every
///   case intake on such a plan takes turns (``StagedUpsert``) instead of relying on the index;
/// - no foreign key can point at it: the histories' `case_fid` and a grid's `parent_fid` are
///   written by gridplan only, and no command deletes a case or a grid row.
///
/// And what it changes: an UPDATE that moves a row to another partition is a delete and an insert,
/// so a writer waiting for that row's lock meanwhile fails (SQLSTATE 40001) instead of going on
/// with the moved row; the command stops with nothing of its transaction kept, to be run again.
public struct ServerLayout: Sendable, Equatable {
    /// The tables split by county, each with the text column that decides the partition.
    static let keys = ["cases": "street_code", "grids": "code"]

    /// Whether the tables are split by county.
    public let byCounty: Bool
    /// The six-digit county codes given a partition each.
    public let counties: [String]

    /// The GeoPackage's tables, as they are.
    public static let plain = ServerLayout(byCounty: false, counties: [])

    /// Split by county, with a partition for each county in `counties` (six digits each) besides
    /// those the copied plan's codes name.
    public static func byCounty(_ counties: [String]) throws -> ServerLayout {
        for county in counties where county.count != 6 || !county.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw GridplanError(.badArgument, "'\(county)' is not a county code (six digits, e.g. 440802)")
        }
        return ServerLayout(byCounty: true, counties: Array(Set(counties)).sorted())
    }

    /// This layout with partitions for `more` counties too.
    func adding(_ more: [String]) -> ServerLayout {
        byCounty ? ServerLayout(byCounty: true, counties: Array(Set(counties + more)).sorted()) : self
    }

    /// The column `table` is partitioned on, nil when it is not.
    func partitionKey(of table: String) -> String? { byCounty ? Self.keys[table] : nil }

    /// The counties a plan's current street grids and its cases' street codes name (their first six
    /// digits): not every code's, which would give a partition to a city's code or an ended grid's.
    /// `shared`: where the file keeps the cases' street codes, when not on their rows.
    static func counties(in db: Database, shared: [SharedColumns] = []) throws -> [String] {
        let sixDigits = "GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]*'"
        var found = Set(
            try String.fetchAll(
                db, sql: "SELECT DISTINCT substr(code, 1, 6) FROM grids WHERE level = 1 AND valid_to IS NULL AND code \(sixDigits)"))
        let cases = shared.first { $0.table == "cases" && $0.columns.contains { $0.name == "street_code" } }?.store ?? "cases"
        found.formUnion(try String.fetchAll(db, sql: "SELECT DISTINCT substr(street_code, 1, 6) FROM \(cases) WHERE street_code \(sixDigits)"))
        return found.sorted()
    }
}
