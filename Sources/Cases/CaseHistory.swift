/// A case's filing is its assign status and its grid at each level, under a plan version. The
/// current one is on the case's row, since `assigned_at` (empty: since `imported_at`); `case_assignments` keeps the earlier
/// ones. When a filing changes, the old one is copied from the row into the history, with the
/// moment it ended, before the row is updated: nothing is stored twice, and a fresh import writes
/// no history at all.
enum CaseHistory {
    /// The columns that make a filing, besides its plan version and start.
    static let filing = ["assign_status", "unit_code", "area_code", "community_code", "street_code"]

    /// The history's columns, in the order ``ending(from:where:)`` selects them.
    static let columns = ["case_fid"] + filing + ["plan_version", "assigned_at", "ended_at"]

    /// Copies the current filing of the cases that `condition` picks from `source` (which names the
    /// cases table `c`) into the history, ended at the statement's first argument.
    static func ending(from source: String, where condition: String) -> String {
        """
        INSERT INTO case_assignments (\(columns.joined(separator: ", ")))
        SELECT c.fid, \(filing.map { "c.\($0)" }.joined(separator: ", ")), c.plan_version, coalesce(c.assigned_at, c.imported_at), ? FROM \(source) WHERE \(condition)
        """
    }

    /// One case's filing ended, in a GeoPackage (its codes read through ``CaseFilings/view``):
    /// arguments (moment, fid).
    static let endOne = ending(from: "\(CaseFilings.view) c", where: "c.fid = ?")
}
