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
        envelopes = metric.map { $0.envelope ?? Envelope(minX: .infinity, minY: .infinity, maxX: .infinity, maxY: .infinity) }
        prepared = Array(repeating: nil, count: metric.count)
        tree = try STRtree(metric, context: context)
    }

    /// GEOS's branch-and-bound nearest-neighbour search over the metric polygons. Grids at the
    /// same distance (a point facing a shared corner) are decided by the tie rule: lowest rank.
    func nearest(lon: Double, lat: Double) throws -> (Int, Double)? {
        let p = try projector.transform(x: lon, y: lat)
        return try nearest(in: nil, x: p.x, y: p.y)
    }

    /// Candidates per square of the point index: every grid that can be nearest to some point of
    /// the square. With c the square's centre, d0 its distance to the nearest grid and r the
    /// largest distance from c to a corner, any point p of the square has a grid within d0 + r,
    /// and every grid within that of p lies within d0 + 2r of c. The squares are `groupSide` fine
    /// cells wide, about a typical grid's side (fine cells are a 120th of it): points outside
    /// the grids are sparse, and a cache per fine cell would be rebuilt for almost every point.
    private var candidatesByGroup: [Int: [Int]] = [:]
    static let groupSide = 128
    /// The metric polygons prepared for distance (made on first need) and their envelopes.
    private var prepared: [PreparedGeometry?]
    private let envelopes: [Envelope]

    /// The nearest grid to the metric point (x, y), which lies in square `group` of `index` (nil:
    /// search everything). Candidates are measured nearest envelope first, and the search stops
    /// when an envelope lies farther than the best distance so far.
    func nearest(in group: (number: Int, index: CellIndex)?, x: Double, y: Double) throws -> (Int, Double)? {
        let point = try Geometry(x: x, y: y, context: context)
        guard let group else { return try nearestByTree(point) }
        let candidates = try candidatesByGroup[group.number] ?? groupCandidates(group.number, group.index)
        let bounded = candidates.map { i -> (Int, Double) in
            let e = envelopes[i]
            let dx = max(e.minX - x, 0, x - e.maxX), dy = max(e.minY - y, 0, y - e.maxY)
            return (i, (dx * dx + dy * dy).squareRoot())
        }.sorted { $0.1 < $1.1 }
        var best: (Int, Double)? = nil
        for (i, lowerBound) in bounded {
            if let b = best, lowerBound > b.1 { break }
            let d = try distance(i, point)
            if let b = best, d > b.1 || (d == b.1 && ranks[i] > ranks[b.0]) { continue }
            best = (i, d)
        }
        return try best ?? nearestByTree(point)
    }

    private func distance(_ i: Int, _ point: Geometry) throws -> Double {
        if let p = prepared[i] { return try p.distance(to: point) }
        let p = try PreparedGeometry(metric[i])
        prepared[i] = p
        return try p.distance(to: point)
    }

    private func groupCandidates(_ number: Int, _ index: CellIndex) throws -> [Int] {
        let box = index.groupBox(number, side: Self.groupSide)
        var xs = [box.center.x, box.minX, box.maxX, box.minX, box.maxX], ys = [box.center.y, box.minY, box.minY, box.maxY, box.maxY]
        guard projector.transform(x: &xs, y: &ys).isEmpty else { return Array(metric.indices) }
        let r = (1...4).map { ((xs[$0] - xs[0]) * (xs[$0] - xs[0]) + (ys[$0] - ys[0]) * (ys[$0] - ys[0])).squareRoot() }.max()!
        let centre = try Geometry(x: xs[0], y: ys[0], context: context)
        guard let found = try tree.nearest(to: centre) else { return [] }
        let reach = found.distance + 2 * r + 1e-6
        let candidates = try tree.query(Envelope(minX: xs[0] - reach, minY: ys[0] - reach, maxX: xs[0] + reach, maxY: ys[0] + reach))
            .filter { try distance($0, centre) <= reach }
        candidatesByGroup[number] = candidates
        return candidates
    }

    private func nearestByTree(_ point: Geometry) throws -> (Int, Double)? {
        guard let found = try tree.nearest(to: point) else { return nil }
        let (x, y) = try point.xy
        let d = found.distance, slack = max(d * 1e-12, 1e-9)
        var best = found.index
        for i in try tree.query(Envelope(minX: x - d - slack, minY: y - d - slack, maxX: x + d + slack, maxY: y + d + slack))
        where i != best && ranks[i] < ranks[best] {
            if try metric[i].distance(to: point) <= d + slack { best = i }
        }
        return (best, d)
    }

    /// Longitude/latitude to metres, in place, for a batch.
    func project(x: inout [Double], y: inout [Double]) { projector.transform(x: &x, y: &y) }
}
