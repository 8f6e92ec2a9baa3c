import Foundation
import GRDB
package import GridStore
import Grids

/// After a redraw: assigns every located case to the current plan. Cases whose grid changes
/// get a new entry in `case_assignments`; the earlier one is ended, so history survives. A case
/// "changes" when its status or its grid at any level does, codes included (after `gridplan codes`).
package enum Reassign {
    package struct Report: Sendable, Encodable {
        package var cases = 0
        package var moved = 0
        package var byStatus: [String: Int] = [:]
    }

    /// Stored cases with a location (the ones a reassignment looks at).
    package static func locatedCases(in store: GeoPackage) throws -> Int {
        try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM cases WHERE lon IS NOT NULL") ?? 0 }
    }

    package static func run(
        store: GeoPackage, snapMetres: Double = 30, threads: Int = 1, batchSize: Int = 50_000,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> Report {
        let assigner = try Assigner(store: store, snapMetres: snapMetres)
        let total = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM cases WHERE lon IS NOT NULL") ?? 0 }
        var report = Report()
        var lastFid: Int64 = 0
        let now = ISO8601DateFormatter().string(from: Date())
        while true {
            let batch = try store.read { db in
                try Row.fetchAll(
                    db,
                    sql:
                        "SELECT fid, lon, lat, assign_status, unit_code, area_code, community_code, street_code, nearest_code FROM cases WHERE lon IS NOT NULL AND fid > ? ORDER BY fid LIMIT ?",
                    arguments: [lastFid, batchSize])
            }
            guard let last = batch.last else { break }
            lastFid = last["fid"]
            let results = try assigner.assign(lon: batch.map { $0["lon"] }, lat: batch.map { $0["lat"] }, threads: threads)
            try store.write { db in
                let update = try db.cachedStatement(
                    sql: """
                        UPDATE cases SET assign_status = ?, distance_m = ?, unit_code = ?, area_code = ?, community_code = ?,
                          street_code = ?, grid_fid = ?, plan_version = ?, nearest_code = ? WHERE fid = ?
                        """)
                let end = try db.cachedStatement(sql: "UPDATE case_assignments SET ended_at = ? WHERE case_fid = ? AND ended_at IS NULL")
                let add = try db.cachedStatement(
                    sql: """
                        INSERT INTO case_assignments (case_fid, assign_status, unit_code, area_code, community_code, street_code, plan_version, assigned_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                for (row, a) in zip(batch, results) {
                    let chain = a.grid.flatMap { a.status == .outside ? nil : assigner.chains[$0] }
                    let codes: [String?] = [GridLevel.unit, .area, .community, .street].map { l in
                        chain?.link(l).map { $0.code ?? $0.name ?? "#\($0.fid)" }
                    }
                    let fid: Int64 = row["fid"]
                    report.byStatus[a.status.rawValue, default: 0] += 1
                    let nearest =
                        a.status != .outside
                        ? nil : a.grid.flatMap { assigner.chains[$0].link(assigner.level).map { $0.code ?? $0.name ?? "#\($0.fid)" } }
                    let before: [String?] = [row["unit_code"], row["area_code"], row["community_code"], row["street_code"]]
                    let changed =
                        (row["assign_status"] as String) != a.status.rawValue || before != codes
                        || (a.status == .outside && (row["nearest_code"] as String?) != nearest)
                    try update.execute(arguments: [
                        a.status.rawValue, a.distanceM, codes[0], codes[1], codes[2], codes[3],
                        chain?.link(assigner.level)?.fid, assigner.planVersion, nearest, fid,
                    ])
                    if changed {
                        report.moved += 1
                        try end.execute(arguments: [now, fid])
                        try add.execute(arguments: [fid, a.status.rawValue, codes[0], codes[1], codes[2], codes[3], assigner.planVersion, now])
                    }
                }
            }
            report.cases += batch.count
            progress?(report.cases, total)
        }
        return report
    }
}
