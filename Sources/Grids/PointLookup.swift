import GRDB
import GridGeometry
public import GridStore

/// Finds the grid of one point through the plan's spatial index (the GeoPackage's R-tree,
/// PostGIS's GiST index), reading only the grids whose boxes hold the point: what one question
/// from the command line needs, where building the ``Assigner``'s index over the whole plan would
/// cost far more than the answer.
///
/// The rules are the ``Assigner``'s: the lowest level the plan has at that moment; strictly
/// inside a grid wins, else on its boundary; among several, the lowest code (grids without a code
/// last), then the lowest id. A point in no grid gets no answer here (nil): the nearest grid and
/// its distance in metres need the whole plan, so the caller asks the ``Assigner``.
public enum PointLookup {
    /// `moment`: the plan in force on a day or at a version (nil: the current plan).
    public static func locate(store: any PlanStore, lon: Double, lat: Double, moment: PlanMoment? = nil) throws -> (Assignment, GridChain)? {
        guard lon.isFinite, lat.isFinite else { return nil }
        return try store.reading { db in
            let (inForce, arguments) = moment?.filter(alias: "g") ?? ("g.valid_to IS NULL", [])
            guard let level: Int = try db.value("SELECT max(g.level) FROM grids g WHERE \(inForce)", arguments) else { return nil }
            // The spatial index keeps 32-bit boxes rounded outward (the GeoPackage's R-tree, PostGIS's
            // GiST index): every grid holding the point is among these.
            let rows =
                switch db.dialect {
                case .sqlite:
                    try db.rows(
                        """
                        SELECT g.fid, g.code, g.geom FROM rtree_grids_geom r JOIN grids g ON g.fid = r.id
                        WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? AND g.level = ? AND \(inForce)
                        """, [lon, lon, lat, lat].map(\.databaseValue) + [level.databaseValue] + arguments)
                case .postgresql:
                    try db.rows(
                        """
                        SELECT g.fid, g.code, g.geom FROM grids g
                        WHERE g.geom && ST_SetSRID(ST_MakePoint(?, ?), 4490) AND g.level = ? AND \(inForce)
                        """, [lon.databaseValue, lat.databaseValue, level.databaseValue] + arguments)
                }
            guard !rows.isEmpty else { return nil }
            let context = GEOSContext()
            let point = try Geometry(x: lon, y: lat, context: context)
            var inside: (fid: Int64, code: String?)? = nil, onBoundary: (fid: Int64, code: String?)? = nil
            func first(_ a: (fid: Int64, code: String?), before b: (fid: Int64, code: String?)?) -> Bool {
                guard let b else { return true }
                let ca = a.code ?? "\u{10FFFF}", cb = b.code ?? "\u{10FFFF}"
                return ca != cb ? ca < cb : a.fid < b.fid
            }
            for row in rows {
                let grid: (fid: Int64, code: String?) = (row[0], row[1])
                let polygon = try GeoPackageGeometry.decode(row[2], context: context)
                guard try polygon.covers(point) else { continue }
                if try polygon.contains(point) {
                    if first(grid, before: inside) { inside = grid }
                } else if first(grid, before: onBoundary) {
                    onBoundary = grid
                }
            }
            guard let found = inside ?? onBoundary else { return nil }
            return (Assignment(status: inside != nil ? .inside : .boundary), try chain(db, from: found.fid, inForce: inForce, arguments))
        }
    }

    /// The grid and its parents that are in force at the same moment, up to the street.
    private static func chain(_ db: some PlanReader, from fid: Int64, inForce: String, _ arguments: [DatabaseValue]) throws -> GridChain {
        var chain = GridChain()
        var next: Int64? = fid
        var seen: Set<Int64> = []
        while let fid = next, seen.insert(fid).inserted,
            let row = try db.rows(
                "SELECT g.code, g.name, g.level, g.parent_fid FROM grids g WHERE g.fid = ? AND \(inForce)", [fid.databaseValue] + arguments
            )
            .first
        {
            let link = GridChain.Link(fid: fid, code: row[0], name: row[1])
            switch try GridLevel(stored: row[2]) {
            case .street: chain.street = link
            case .community: chain.community = link
            case .area: chain.area = link
            case .unit: chain.unit = link
            }
            next = row[3]
        }
        return chain
    }
}
