import Cases
import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridStore
import Grids

/// What the map draws of the cases: points clustered on the server (so a plan with a million cases
/// sends only the clusters in view), and counts per grid for the choropleth.
extension CaseReports {
    /// Most cells a cluster request may ask for (the box over the cell size, squared).
    static let mostCells = 250_000.0

    /// The cases in `bbox`, grouped in cells of `cell` degrees: each cluster's count and mean
    /// position, and for a cluster of one the case itself (id, status, category, when reported).
    func caseClusters(bbox: Envelope, cell: Double, status: String?) throws -> Data {
        guard cell > 0, cell.isFinite, (bbox.width / cell + 1) * (bbox.height / cell + 1) <= Self.mostCells else {
            throw GridplanError(.badArgument, "cell=\(cell): give a cell size in degrees that cuts the bbox into at most 250,000 cells")
        }
        let clusters: [CaseClusterJSON] = try store.reading { db in
            guard try db.hasTable("cases") else { return [] }
            var sql = """
                SELECT count(*) AS n, avg(lon) AS lon, avg(lat) AS lat, min(external_id) AS id, min(status) AS status,
                  min(category) AS category, min(reported_at) AS reported_at
                FROM cases WHERE lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?
                """
            var arguments: [DatabaseValue] = [bbox.minX, bbox.maxX, bbox.minY, bbox.maxY].map(\.databaseValue)
            if let status {
                sql += " AND status = ?" + CaseStatus.openTerm([status])
                arguments.append(status.databaseValue)
            }
            // The cell a case falls in: SQLite's CAST truncates (the offsets are never negative),
            // PostgreSQL's rounds, so there floor() first.
            let cellIndex = { (offset: String) in db.dialect == .sqlite ? "CAST(\(offset) AS INTEGER)" : "CAST(floor(\(offset)) AS INTEGER)" }
            sql += " GROUP BY \(cellIndex("(lon - ?) / ?")), \(cellIndex("(lat - ?) / ?"))"
            arguments += [bbox.minX, cell, bbox.minY, cell].map(\.databaseValue)
            return try db.rows(sql, arguments).map { r in
                let n: Int = r["n"]
                guard n == 1 else { return CaseClusterJSON(n: n, lon: r["lon"], lat: r["lat"]) }
                return CaseClusterJSON(
                    n: n, lon: r["lon"], lat: r["lat"],
                    one: .init(id: r["id"], status: r["status"], category: r["category"], reportedAt: r["reported_at"]))
            }
        }
        return try JSONOutput.data(
            CaseClustersJSON(cell: cell, total: clusters.reduce(0) { $0 + $1.n }, clusters: clusters), pretty: false)
    }

    /// Cases per grid of a level, and per 1,000 households, for the choropleth (all time).
    func caseCounts(_ level: GridLevel) throws -> Data {
        let hasCases = try store.reading { try $0.hasTable("cases") }
        guard hasCases else { return try JSONOutput.data(CaseCountsJSON(level: level.name, total: 0, unassigned: 0, grids: [:])) }
        let (totals, unassigned) = try CaseStats.totals(store: store, level: level)
        let grids = Dictionary(
            totals.map { g in
                (
                    g.code,
                    CaseCountsJSON.Grid(
                        total: g.total, per1000Households: g.households.flatMap { $0 > 0 ? Double(g.total) * 1000 / Double($0) : nil })
                )
            },
            uniquingKeysWith: { a, _ in a })
        return try JSONOutput.data(
            CaseCountsJSON(level: level.name, total: totals.reduce(0) { $0 + $1.total }, unassigned: unassigned, grids: grids), pretty: false)
    }
}

/// One cluster of cases on the map: how many, their mean position, and for a cluster of one the
/// case itself.
struct CaseClusterJSON: Encodable {
    struct One: Encodable {
        @Nullable var id: String?
        @Nullable var status: String?
        @Nullable var category: String?
        @Nullable var reportedAt: String?
        enum CodingKeys: String, CodingKey { case id, status, category, reportedAt = "reported_at" }
    }
    var n: Int
    var lon: Double, lat: Double
    var one: One?

    enum CodingKeys: String, CodingKey { case n, lon, lat }

    /// A cluster of one carries the case's keys beside n, lon and lat.
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(n, forKey: .n)
        try container.encode(lon, forKey: .lon)
        try container.encode(lat, forKey: .lat)
        try one?.encode(to: encoder)
    }
}

/// `GET /api/map/cases`: the clusters in view.
struct CaseClustersJSON: Encodable {
    var cell: Double
    var total: Int
    var clusters: [CaseClusterJSON]
}

/// `GET /api/map/case-counts`: cases per grid of a level, for the choropleth.
struct CaseCountsJSON: Encodable {
    struct Grid: Encodable {
        var total: Int
        @Nullable var per1000Households: Double?
        enum CodingKeys: String, CodingKey { case total, per1000Households = "per_1000_households" }
    }
    var level: String
    var total: Int
    var unassigned: Int
    var grids: [String: Grid]
}
