import Cases
import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridStore
import Grids

/// What the map draws of the cases: points clustered on the server (so a plan with a million cases
/// sends only the clusters in view), and counts per grid for the choropleth.
extension PlanService {
    /// Most cells a cluster request may ask for (the box over the cell size, squared).
    static let mostCells = 250_000.0

    /// The cases in `bbox`, grouped in cells of `cell` degrees: each cluster's count and mean
    /// position, and for a cluster of one the case itself (id, status, category, when reported).
    func caseClusters(bbox: Envelope, cell: Double, status: String?) throws -> Data {
        guard cell > 0, cell.isFinite, (bbox.width / cell + 1) * (bbox.height / cell + 1) <= Self.mostCells else {
            throw GridplanError(.badArgument, "cell=\(cell): give a cell size in degrees that cuts the bbox into at most 250,000 cells")
        }
        let rows: [[String: Any]] = try store.read { db in
            guard try db.tableExists("cases") else { return [] }
            var sql = """
                SELECT count(*) AS n, avg(lon) AS lon, avg(lat) AS lat, min(external_id) AS id, min(status) AS status,
                  min(category) AS category, min(reported_at) AS reported_at
                FROM cases WHERE lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?
                """
            var arguments: [DatabaseValueConvertible?] = [bbox.minX, bbox.maxX, bbox.minY, bbox.maxY]
            if let status {
                sql += " AND status = ?"
                arguments.append(status)
            }
            sql += " GROUP BY CAST((lon - ?) / ? AS INTEGER), CAST((lat - ?) / ? AS INTEGER)"
            arguments += [bbox.minX, cell, bbox.minY, cell]
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { r in
                let n: Int = r["n"]
                var out: [String: Any] = ["n": n, "lon": r["lon"] as Double, "lat": r["lat"] as Double]
                if n == 1 {
                    for key in ["id", "status", "category", "reported_at"] { out[key] = (r[key] as String?) ?? NSNull() }
                }
                return out
            }
        }
        let total = rows.reduce(0) { $0 + ($1["n"] as? Int ?? 0) }
        return try JSON.data(["cell": cell, "total": total, "clusters": rows], pretty: false)
    }

    /// Cases per grid of a level, and per 1,000 households, for the choropleth (all time).
    func caseCounts(_ level: GridLevel) throws -> Data {
        let hasCases = try store.read { try $0.tableExists("cases") }
        guard hasCases else { return try JSON.data(["level": level.name, "total": 0, "unassigned": 0, "grids": [:]]) }
        let stats = try CaseStats.compute(store: store, level: level)
        var grids: [String: Any] = [:]
        for g in stats.grids {
            grids[g.code] = ["total": g.total, "per_1000_households": g.perThousandHouseholds.map { $0 as Any } ?? NSNull()]
        }
        return try JSON.data(["level": level.name, "total": stats.total, "unassigned": stats.unassigned, "grids": grids], pretty: false)
    }
}
