package import GRDB
import GridErrors
package import GridStore
package import Grids

/// A case as dispatch and the life cycle see it: its state, its grids and who handles it.
package struct CaseHandling: Sendable {
    package var fid: Int64
    package var id: String
    package var status: CaseStatus
    package var severity: String
    package var category: String?
    package var reportedAt: String?
    package var assignStatus: String
    package var distanceM: Double?
    /// Codes of its grids by level (nil where the plan has no grid at that level).
    package var codes: [GridLevel: String]
    package var handlingLevel: GridLevel?
    package var handlingGrid: String?
    package var handler: String?
    /// Departments summoned for it, as stored: ids separated by spaces.
    package var departments: String?
    package var escalations: Int
    package var clockFrom: String?

    static let columns = """
        fid, external_id, status, severity, category, reported_at, assign_status, distance_m, unit_code, area_code,
        community_code, street_code, handling_level, handling_grid, handler, departments, escalations, clock_from
        """

    init(_ row: Row) throws {
        fid = row["fid"]; id = row["external_id"]; severity = row["severity"]; category = row["category"]
        let stored: String = row["status"]
        guard let status = CaseStatus(rawValue: stored) else {
            throw GridplanError(.badInput, "case \(id) has the status '\(stored)', which is not a state gridplan knows")
        }
        self.status = status
        reportedAt = row["reported_at"]; assignStatus = row["assign_status"]; distanceM = row["distance_m"]
        var codes: [GridLevel: String] = [:]
        for (level, column) in [(GridLevel.unit, "unit_code"), (.area, "area_code"), (.community, "community_code"), (.street, "street_code")] {
            if let c: String = row[column] { codes[level] = c }
        }
        self.codes = codes
        handlingLevel = try (row["handling_level"] as Int?).map(GridLevel.init(stored:))
        handlingGrid = row["handling_grid"]; handler = row["handler"]; departments = row["departments"]
        escalations = row["escalations"]; clockFrom = row["clock_from"]
    }
}

/// The case store's API for other modules: reading cases by id or state and writing who handles
/// them and where they are in their life cycle. Other modules never run SQL on `cases`.
package enum CaseStore {
    /// The case with external id `caseID`, nil when there is none.
    package static func handling(_ db: Database, caseID: String) throws -> CaseHandling? {
        try Row.fetchOne(db, sql: "SELECT \(CaseHandling.columns) FROM cases WHERE external_id = ?", arguments: [caseID])
            .map(CaseHandling.init)
    }

    /// Cases in any of `statuses`, oldest report first.
    package static func handling(_ db: Database, statuses: [CaseStatus]) throws -> [CaseHandling] {
        let list = statuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try Row.fetchAll(db, sql: "SELECT \(CaseHandling.columns) FROM cases WHERE status IN (\(list)) ORDER BY reported_at, fid")
            .map(CaseHandling.init)
    }

    /// Whether a case with external id `caseID` is stored.
    package static func exists(_ db: Database, caseID: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM cases WHERE external_id = ?", arguments: [caseID]) ?? false
    }

    /// The row id of case `caseID`, nil when there is none.
    package static func fid(_ db: Database, caseID: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT fid FROM cases WHERE external_id = ?", arguments: [caseID])
    }

    /// Records who handles a case now, at which level and grid, with the departments summoned; an
    /// escalation also counts and restarts the case's clock at `now`.
    package static func setHandling(
        _ db: Database, fid: Int64, level: GridLevel, grid: String?, handler: String?,
        departments: [String], escalation: Bool, now: String
    ) throws {
        try db.execute(
            sql: """
                UPDATE cases SET handling_level = ?, handling_grid = ?, handler = ?, departments = ?,
                  escalations = escalations + ?, clock_from = CASE WHEN ? THEN ? ELSE clock_from END WHERE fid = ?
                """,
            arguments: [
                level.rawValue, grid, handler, departments.joined(separator: " "),
                escalation ? 1 : 0, escalation, now, fid,
            ])
    }

    /// Moves a case to `status` at `at`: closing stamps `closed_at`, reopening clears it.
    package static func setStatus(_ db: Database, fid: Int64, to status: CaseStatus, at: String) throws {
        try db.execute(
            sql: """
                UPDATE cases SET status = ?, status_at = ?,
                  closed_at = CASE WHEN ? = 'closed' THEN ? WHEN ? = 'reopened' THEN NULL ELSE closed_at END WHERE fid = ?
                """, arguments: [status.rawValue, at, status.rawValue, at, status.rawValue, fid])
    }

    /// The resident's satisfaction score (1–5) given with the feedback.
    package static func setSatisfaction(_ db: Database, fid: Int64, score: Int) throws {
        try db.execute(sql: "UPDATE cases SET satisfaction = ? WHERE fid = ?", arguments: [score, fid])
    }

    /// Unfinished cases each handler has now, by person id.
    package static func openCasesByHandler(_ db: some PlanReader) throws -> [String: Int] {
        Dictionary(
            uniqueKeysWithValues: try db.rows(
                """
                SELECT handler, count(*) AS n FROM cases WHERE handler IS NOT NULL AND status NOT IN \(CaseStatus.finishedSQL) GROUP BY handler
                """, []
            ).map { ($0["handler"] as String, $0["n"] as Int) })
    }
}
