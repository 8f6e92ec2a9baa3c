import Foundation
import GRDB
package import GridStore
import Grids

/// After a redraw: assigns every located case to the current plan. A case whose grid changes
/// has its earlier filing kept in `case_assignments` (``CaseHistory``), so history survives. A case
/// "changes" when its status or its grid at any level does, codes included (after `gridplan codes`).
package enum Reassign {
    package struct Report: Sendable, Encodable {
        package var cases = 0
        package var moved = 0
        package var byStatus: [String: Int] = [:]
    }

    /// Stored cases with a location (the ones a reassignment looks at).
    package static func locatedCases(in store: any PlanStore) throws -> Int {
        try store.reading { try $0.value("SELECT count(*) FROM cases WHERE lon IS NOT NULL") ?? 0 }
    }

    /// Each batch is read, assigned and written in one transaction, its cases locked on a server
    /// (``PlanWriter/lockingRows(skippingLocked:)``): an import or dispatch changing one of them
    /// meanwhile waits, and nothing is compared with a state another writer has since changed.
    package static func run(
        store: any WritablePlanStore, snapMetres: Double = 30, threads: Int = 1, batchSize: Int = 50_000,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> Report {
        let assigner = try Assigner(store: store, snapMetres: snapMetres)
        let total = try locatedCases(in: store)
        var report = Report()
        var lastFid: Int64 = 0
        let now = ISO8601DateFormatter().string(from: Date())
        while true {
            let read = try store.writing { w -> Int in
                let batch = try w.rows(
                    "SELECT fid, lon, lat, assign_status, unit_code, area_code, community_code, street_code, nearest_code FROM \(CaseFilings.casesWithCodes(w)) "
                        + "WHERE lon IS NOT NULL AND fid > ? ORDER BY fid LIMIT ?\(w.lockingRows())",
                    [lastFid.databaseValue, batchSize.databaseValue])
                guard let last = batch.last else { return 0 }
                lastFid = last["fid"]
                let results = try assigner.assign(lon: batch.map { $0["lon"] }, lat: batch.map { $0["lat"] }, threads: threads)
                var refiled: [Refiled] = []
                refiled.reserveCapacity(batch.count)
                for (row, a) in zip(batch, results) {
                    let chain = a.grid.flatMap { a.status == .outside ? nil : assigner.chains[$0] }
                    let codes: [String?] = [GridLevel.unit, .area, .community, .street].map { l in
                        chain?.link(l).map { $0.code ?? $0.name ?? "#\($0.fid)" }
                    }
                    report.byStatus[a.status.rawValue, default: 0] += 1
                    let nearest =
                        a.status != .outside
                        ? nil : a.grid.flatMap { assigner.chains[$0].link(assigner.level).map { $0.code ?? $0.name ?? "#\($0.fid)" } }
                    let before: [String?] = [row["unit_code"], row["area_code"], row["community_code"], row["street_code"]]
                    let changed =
                        (row["assign_status"] as String) != a.status.rawValue || before != codes
                        || (a.status == .outside && (row["nearest_code"] as String?) != nearest)
                    if changed { report.moved += 1 }
                    let values: [DatabaseValueConvertible?] = [
                        a.status.rawValue, a.distanceM, codes[0], codes[1], codes[2], codes[3],
                        chain?.link(assigner.level)?.fid, assigner.planVersion, nearest,
                    ]
                    refiled.append(Refiled(fid: row["fid"], values: values.map { $0?.databaseValue ?? .null }, changed: changed))
                }
                if let db = w as? Database { try refile(refiled, in: db, now: now) } else { try refileStaged(refiled, in: w, now: now) }
                return batch.count
            }
            guard read > 0 else { break }
            report.cases += read
            progress?(report.cases, total)
        }
        return report
    }

    /// A case's new filing: the values of ``filingColumns``, and whether its grid or status changed.
    struct Refiled {
        var fid: Int64
        var values: [DatabaseValue]
        var changed: Bool
    }

    static let filingColumns = [
        "assign_status", "distance_m", "unit_code", "area_code", "community_code", "street_code", "grid_fid", "plan_version", "nearest_code",
    ]

    /// On a file: cached statements, one case after the other. A changed filing is kept in the
    /// history before the row is updated, and the row's `assigned_at` moves only then.
    static func refile(_ refiled: [Refiled], in db: Database, now: String) throws {
        let onRow = filingColumns.indices.filter { !CaseFilings.columns.contains(filingColumns[$0]) }
        let filed = CaseFilings.columns.map { filingColumns.firstIndex(of: $0)! }
        let update = try db.cachedStatement(
            sql:
                "UPDATE cases SET \(onRow.map { "\(filingColumns[$0]) = ?" }.joined(separator: ", ")), filing = ?, assigned_at = coalesce(?, assigned_at) WHERE fid = ?"
        )
        let endFiling = try db.cachedStatement(sql: CaseHistory.endOne)
        let filings = try CaseFilings.lookup(db)
        for r in refiled {
            if r.changed { try endFiling.execute(arguments: [now, r.fid]) }
            let filing = try filings.id(filed.map { r.values[$0] })
            try update.execute(
                arguments: StatementArguments(
                    onRow.map { r.values[$0] } + [filing.databaseValue, r.changed ? now.databaseValue : .null, r.fid.databaseValue]))
        }
    }

    /// On a server: the batch into a temporary table in one statement, then two statements for
    /// all its cases (a round trip per case would take minutes for a large backlog). The batch's
    /// cases are locked since they were read.
    static func refileStaged(_ refiled: [Refiled], in w: any PlanWriter, now: String) throws {
        let stage = "case_refile_stage"
        try w.execute(
            """
            CREATE TEMPORARY TABLE IF NOT EXISTS \(stage) (ord integer, fid bigint, assign_status text, distance_m double precision, \
            unit_code text, area_code text, community_code text, street_code text, grid_fid bigint, plan_version bigint, nearest_code text, \
            changed boolean) ON COMMIT DELETE ROWS
            """, [])
        try w.append(
            into: stage, columns: ["ord", "fid"] + filingColumns + ["changed"],
            rows: refiled.enumerated().map { k, r in [k.databaseValue, r.fid.databaseValue] + r.values + [r.changed.databaseValue] })
        try w.execute(
            CaseHistory.ending(from: "\(stage) s JOIN cases c ON c.fid = s.fid", where: "s.changed") + " ORDER BY s.ord", [now.databaseValue])
        try w.execute(
            """
            UPDATE cases c SET \(filingColumns.map { "\($0) = s.\($0)" }.joined(separator: ", ")), \
            assigned_at = CASE WHEN s.changed THEN ? ELSE c.assigned_at END FROM \(stage) s WHERE c.fid = s.fid
            """, [now.databaseValue])
    }
}
