import Foundation
import GridGeometry
import GridProjection

/// The nearest grid to a point outside all grids, and its distance in metres, measured in the
/// plan's metric CRS. Not `Sendable`: one per thread.
final class NearestGrid {
    let context = GEOSContext()
    let metric: [Geometry]
    let tree: STRtree
    let projector: CoordinateTransformer

    let ranks: [Int]

    init(polygonsWKB: [[UInt8]], ranks: [Int], metricCRS: CRS) throws {
        self.ranks = ranks
        let projector = try CoordinateTransformer(from: .cgcs2000, to: metricCRS)
        let context = self.context
        let metric = try polygonsWKB.map { try projector.transform(try Geometry(wkb: $0, context: context)) }
        self.projector = projector
        self.metric = metric
        tree = try STRtree(metric, context: context)
    }

    /// GEOS's branch-and-bound nearest-neighbour search over the metric polygons. Grids at the
    /// same distance (a point facing a shared corner) are decided by the tie rule: lowest rank.
    func nearest(lon: Double, lat: Double) throws -> (Int, Double)? {
        let p = try projector.transform(x: lon, y: lat)
        let point = try Geometry(x: p.x, y: p.y, context: context)
        guard let found = try tree.nearest(to: point) else { return nil }
        let d = found.distance, slack = max(d * 1e-12, 1e-9)
        var best = found.index
        for i in try tree.query(Envelope(minX: p.x - d - slack, minY: p.y - d - slack, maxX: p.x + d + slack, maxY: p.y + d + slack))
        where i != best && ranks[i] < ranks[best] {
            if try metric[i].distance(to: point) <= d + slack { best = i }
        }
        return (best, d)
    }
}
