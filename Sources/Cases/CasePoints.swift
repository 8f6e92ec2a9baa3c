import GRDB
package import GridStore

/// Where the stored cases are, for modules that need case locations without reading the case table
/// (a redraw counts the cases whose grid changes).
package enum CasePoints {
    /// Longitude/latitude of the stored cases in the box (edges included), in storage order; nil when
    /// the plan has no cases table.
    package static func inBox(
        store: any PlanStore, minLon: Double, minLat: Double, maxLon: Double,
        maxLat: Double
    ) throws -> [(lon: Double, lat: Double)]? {
        try store.reading { db in
            guard try db.hasTable("cases") else { return nil }
            return try db.rows(
                "SELECT lon, lat FROM cases WHERE lon BETWEEN ? AND ? AND lat BETWEEN ? AND ? ORDER BY fid",
                [minLon, maxLon, minLat, maxLat].map(\.databaseValue)
            )
            .map { (lon: $0["lon"] as Double, lat: $0["lat"] as Double) }
        }
    }
}
