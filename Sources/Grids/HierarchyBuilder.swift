import Foundation
import GRDB
import GridGeometry
import GridProjection
import GridStore

/// Finds parents geometrically for grids that name none: the grid one level up holding the
/// largest share of the child's area.
public enum HierarchyBuilder {
    /// A parent chosen with less than 99 % of the child inside it: worth a planner's look.
    public struct WeakParent: Sendable, Encodable {
        public var child: String
        public var parent: String
        public var share: Double
    }

    public struct Result: Sendable {
        public var linked = 0
        public var weak: [WeakParent] = []
        /// Children that lie in no grid one level up.
        public var orphans: [String] = []
    }

    /// Links current grids of `levels` that have no parent reference to the current grid at the
    /// nearest level above (that has grids) covering most of their area. Links found this way
    /// are recomputed each time, so they follow when a missing level is imported later.
    static func inferParents(_ db: some PlanWriter, levels: [GridLevel]) throws -> Result {
        var result = Result()
        let context = GEOSContext()
        for level in levels {
            guard let parentLevel = try HierarchyLinks.presentLevels(above: level, db).first else { continue }
            let children = try db.rows(
                """
                SELECT fid, coalesce(name, code, '#' || fid) AS label, geom FROM grids
                WHERE level = ? AND valid_to IS NULL AND parent_ref IS NULL ORDER BY fid
                """, [level.rawValue.databaseValue])
            if children.isEmpty { continue }
            let parents = try db.rows(
                "SELECT fid, coalesce(name, code, '#' || fid) AS label, geom FROM grids WHERE level = ? AND valid_to IS NULL ORDER BY fid",
                [parentLevel.rawValue.databaseValue])
            if parents.isEmpty { continue }
            let parentGeometries = try parents.map { try GeoPackageGeometry.decode($0["geom"], context: context) }
            let extent = parentGeometries.compactMap(\.envelope).reduce(parentGeometries[0].envelope!) { $0.union($1) }
            let metric = try MetricProjector(around: extent)
            let parentMetric = try parentGeometries.map { try metric.project($0).makeValidIfNeeded() }
            let tree = try STRtree(parentMetric, context: context)
            for child in children {
                let g = try metric.project(try GeoPackageGeometry.decode(child["geom"], context: context)).makeValidIfNeeded()
                let total = g.area
                var best: (index: Int, area: Double)? = nil
                for candidate in tree.query(g) {
                    let shared = try g.intersection(parentMetric[candidate]).area
                    if shared > (best?.area ?? 0) { best = (candidate, shared) }
                }
                guard let best, total > 0 else {
                    try db.executeKept("UPDATE grids SET parent_fid = NULL WHERE fid = ?", [(child["fid"] as Int64).databaseValue])
                    result.orphans.append(child["label"])
                    continue
                }
                try db.executeKept(
                    "UPDATE grids SET parent_fid = ? WHERE fid = ?",
                    [(parents[best.index]["fid"] as Int64).databaseValue, (child["fid"] as Int64).databaseValue])
                result.linked += 1
                let share = best.area / total
                if share < 0.99 { result.weak.append(WeakParent(child: child["label"], parent: parents[best.index]["label"], share: share)) }
            }
        }
        return result
    }
}

extension Geometry {
    /// Itself when valid, else GEOS make-valid: overlays need valid input.
    func makeValidIfNeeded() throws -> Geometry { try isValid ? self : makeValid() }
}
