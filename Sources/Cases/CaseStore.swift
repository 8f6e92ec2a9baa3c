import GRDB
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

    init(_ row: PlanRow) throws {
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
    package static func handling(_ db: some PlanReader, caseID: String) throws -> CaseHandling? {
        try db.rows("SELECT \(CaseHandling.columns) FROM \(CaseFilings.casesWithCodes(db)) WHERE external_id = ?", [caseID.databaseValue]).first
            .map(CaseHandling.init)
    }

    /// The case with external id `caseID`, locked for this transaction's change of it: a second
    /// writer on a server waits, then reads it as this one left it (its status no longer waiting).
    package static func handlingForChange(_ db: some PlanWriter, caseID: String) throws -> CaseHandling? {
        try db.rows(
            "SELECT \(CaseHandling.columns) FROM \(CaseFilings.casesWithCodes(db)) WHERE external_id = ?\(db.lockingRows())", [caseID.databaseValue]
        )
        .first.map(CaseHandling.init)
    }

    /// Cases in any of `statuses`, oldest report first.
    package static func handling(_ db: some PlanReader, statuses: [CaseStatus]) throws -> [CaseHandling] {
        try db.rows(inStatuses(db, statuses), []).map(CaseHandling.init)
    }

    /// The row ids of the cases in any of `statuses`, oldest report first: a list to work through
    /// in batches (``handlingForChange(_:fids:statuses:skippingLocked:)``).
    package static func fids(_ db: some PlanReader, statuses: [CaseStatus]) throws -> [Int64] {
        try db.rows("SELECT fid FROM cases WHERE \(inAny(statuses)) ORDER BY reported_at, fid", []).map { $0[0] }
    }

    /// Cases in any of `statuses`, oldest report first, locked for this transaction's change of
    /// them. `skippingLocked`: on a server, cases another writer holds now are left to it (a
    /// second dispatcher does not wait for the first); otherwise this one waits for them.
    package static func handlingForChange(_ db: some PlanWriter, statuses: [CaseStatus], skippingLocked: Bool) throws -> [CaseHandling] {
        try db.rows(inStatuses(db, statuses) + db.lockingRows(skippingLocked: skippingLocked), []).map(CaseHandling.init)
    }

    /// The cases of `fids` still in any of `statuses`, in the same order and locked as
    /// ``handlingForChange(_:statuses:skippingLocked:)``: a batch of a list read before.
    package static func handlingForChange(
        _ db: some PlanWriter, fids: [Int64], statuses: [CaseStatus], skippingLocked: Bool
    ) throws -> [CaseHandling] {
        guard !fids.isEmpty else { return [] }
        let among = " AND fid IN (\(fids.map(String.init).joined(separator: ", ")))"
        return try db.rows(inStatuses(db, statuses, among) + db.lockingRows(skippingLocked: skippingLocked), []).map(CaseHandling.init)
    }

    private static func inStatuses(_ db: some PlanReader, _ statuses: [CaseStatus], _ condition: String = "") -> String {
        "SELECT \(CaseHandling.columns) FROM \(CaseFilings.casesWithCodes(db)) WHERE \(inAny(statuses))\(condition) ORDER BY reported_at, fid"
    }

    /// The condition for cases in any of `statuses`; open ones found through the partial index `cases_status`.
    private static func inAny(_ statuses: [CaseStatus]) -> String {
        let list = statuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return "status IN (\(list))" + CaseStatus.openTerm(statuses.map(\.rawValue))
    }

    /// Whether a case with external id `caseID` is stored.
    package static func exists(_ db: some PlanReader, caseID: String) throws -> Bool {
        try fid(db, caseID: caseID) != nil
    }

    /// The row id of case `caseID`, nil when there is none.
    package static func fid(_ db: some PlanReader, caseID: String) throws -> Int64? {
        try db.value("SELECT fid FROM cases WHERE external_id = ?", [caseID.databaseValue])
    }

    /// Records who handles a case now, at which level and grid, with the departments summoned; an
    /// escalation also counts and restarts the case's clock at `now`.
    package static func setHandling(
        _ db: some PlanWriter, fid: Int64, level: GridLevel, grid: String?, handler: String?,
        departments: [String], escalation: Bool, now: String
    ) throws {
        try db.executeKept(
            """
            UPDATE cases SET handling_level = ?, handling_grid = ?, handler = ?, departments = ?,
              escalations = escalations + \(escalation ? "1, clock_from = ?" : "0") WHERE fid = ?
            """,
            [level.rawValue.databaseValue, grid.databaseValue, handler.databaseValue, departments.joined(separator: " ").databaseValue]
                + (escalation ? [now.databaseValue] : []) + [fid.databaseValue])
    }

    /// Moves a case to `status` at `at`: closing stamps `closed_at`, reopening clears it.
    package static func setStatus(_ db: some PlanWriter, fid: Int64, to status: CaseStatus, at: String) throws {
        let closedAt =
            switch status {
            case .closed: "?"
            case .reopened: "NULL"
            default: "closed_at"
            }
        try db.executeKept(
            "UPDATE cases SET status = ?, status_at = ?, closed_at = \(closedAt) WHERE fid = ?",
            [status.rawValue.databaseValue, at.databaseValue] + (status == .closed ? [at.databaseValue] : []) + [fid.databaseValue])
    }

    /// The resident's satisfaction score (1–5) given with the feedback.
    package static func setSatisfaction(_ db: some PlanWriter, fid: Int64, score: Int) throws {
        try db.execute("UPDATE cases SET satisfaction = ? WHERE fid = ?", [score.databaseValue, fid.databaseValue])
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
