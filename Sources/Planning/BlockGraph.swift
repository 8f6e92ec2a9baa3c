import Foundation

/// The graph the aggregation works on: blocks with households, area, perimeter and centre, and
/// the boundary they share. Pure numbers, no geometry, so the search is fast and testable alone.
package struct BlockGraph: Sendable {
    package var households: [Double]
    package var residents: [Double]
    package var areas: [Double]
    package var perimeters: [Double]
    package var centreX: [Double]
    package var centreY: [Double]
    /// Every pair that shares boundary (any length), with the shared length in metres: exact perimeters.
    package var shared: [[(block: Int, length: Double)]]
    /// Pairs whose shared boundary is longer than the tolerance: the adjacency that makes grids contiguous
    /// (a touching corner is not enough).
    package var adjacent: [[Int]]
    /// The vertices of each block's convex hull (metres): the farthest point of a grid from its centre is
    /// one of them, so a grid's radius is known exactly without geometry. Empty: a disc of the block's area.
    package var hullX: [[Double]]
    package var hullY: [[Double]]

    package var count: Int { households.count }

    package init(
        households: [Double], residents: [Double], areas: [Double], perimeters: [Double],
        centreX: [Double], centreY: [Double], shared: [[(block: Int, length: Double)]], toleranceM: Double,
        hulls: [[(x: Double, y: Double)]]? = nil
    ) {
        self.households = households; self.residents = residents; self.areas = areas; self.perimeters = perimeters
        self.centreX = centreX; self.centreY = centreY; self.shared = shared
        adjacent = shared.map { $0.filter { $0.length > toleranceM }.map(\.block).sorted() }
        hullX = hulls?.map { $0.map(\.x) } ?? Array(repeating: [], count: households.count)
        hullY = hulls?.map { $0.map(\.y) } ?? Array(repeating: [], count: households.count)
        var reach = [Double](repeating: 0, count: households.count)
        for b in reach.indices {
            reach[b] =
                hullX[b].isEmpty
                ? (areas[b] / Double.pi).squareRoot()
                : zip(hullX[b], hullY[b]).map { hypot($0 - centreX[b], $1 - centreY[b]) }.max() ?? 0
        }
        self.reach = reach
    }

    /// The farthest distance from each block's centre to a point of it: with the distance between
    /// centres, a cheap upper bound of ``farthest(_:fromX:y:)``.
    package let reach: [Double]

    /// The farthest distance from (x, y) to a point of block `b`: its hull vertices, or its centre plus the
    /// radius of a disc of its area when the hull is not known.
    func farthest(_ b: Int, fromX x: Double, y: Double) -> Double {
        let xs = hullX[b], ys = hullY[b]
        if xs.isEmpty { return hypot(centreX[b] - x, centreY[b] - y) + (areas[b] / Double.pi).squareRoot() }
        var d2 = 0.0
        for k in xs.indices {
            let dx = xs[k] - x, dy = ys[k] - y
            d2 = Swift.max(d2, dx * dx + dy * dy)
        }
        return d2.squareRoot()
    }

    /// The distance between the centres of blocks `a` and `b`, metres.
    func centreDistance(_ a: Int, _ b: Int) -> Double {
        hypot(centreX[a] - centreX[b], centreY[a] - centreY[b])
    }

    /// The distance from the centre of block `b` to the point (x, y), metres.
    func centreDistance(_ b: Int, toX x: Double, y: Double) -> Double {
        hypot(centreX[b] - x, centreY[b] - y)
    }

    /// Convex hull of points (Andrew's monotone chain), counter-clockwise, without repeating the first.
    package static func convexHull(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        let p = points.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        guard p.count > 2 else { return p }
        func cross(_ o: (x: Double, y: Double), _ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        func chain(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
            var hull: [(x: Double, y: Double)] = []
            for q in points {
                while hull.count >= 2 && cross(hull[hull.count - 2], hull[hull.count - 1], q) <= 0 { hull.removeLast() }
                hull.append(q)
            }
            return hull
        }
        return Array(chain(p).dropLast() + chain(p.reversed()).dropLast())
    }

    // MARK: Contiguity

    /// The blocks reachable from `start` through the adjacency while staying among blocks for which
    /// `inside` holds (`start` itself is taken as inside), in the order they are reached. This is the one
    /// walk every contiguity question of the search is answered with: components, whether a grid is one
    /// piece, whether it stays one piece without a block, and flood fills of blocks left without a grid.
    package func reachable(from start: Int, within inside: (Int) -> Bool) -> [Int] {
        var seen: Set<Int> = [start]
        var stack = [start], reached = [start]
        while let x = stack.popLast() {
            for nb in adjacent[x] where inside(nb) && seen.insert(nb).inserted {
                stack.append(nb)
                reached.append(nb)
            }
        }
        return reached
    }

    /// Whether `blocks` form one contiguous set (an empty set does not).
    package func isContiguous(_ blocks: Set<Int>) -> Bool {
        guard let start = blocks.first else { return false }
        return reachable(from: start, within: blocks.contains).count == blocks.count
    }

    /// Connected components of the adjacency, each sorted, in order of their smallest block.
    package func components(excluding excluded: Set<Int> = []) -> [[Int]] {
        var labelled = [Bool](repeating: false, count: count)
        var result: [[Int]] = []
        for start in 0..<count where !labelled[start] && !excluded.contains(start) {
            let members = reachable(from: start) { !labelled[$0] && !excluded.contains($0) }
            for b in members { labelled[b] = true }
            result.append(members.sorted())
        }
        return result
    }
}
