import Foundation
import GridErrors
package import GridGeometry
package import GridProjection

/// The blocks barrier lines cut a parent grid into (街巷定界): the faces of the barriers noded
/// with the parent's boundary, polygonized inside the parent, small faces merged into the
/// neighbour they share the longest boundary with.
///
/// Everything is done in the plan's metric CRS (the one `validate` overlays in), so that a grid
/// corner where a street meets the parent's boundary lies on the parent's edge as `validate` sees
/// it. Faces share identical vertices: shared boundaries are found by matching segments, and a
/// grid made of faces is their exact union, edges on barriers only. Back in longitude/latitude the
/// parent's own vertices are restored exactly (see ``lonLatUnion(ofBlocks:)``).
package final class BlockSet {
    /// Faces in metres, as polygonized.
    package let faces: [Geometry]
    /// The block each face belongs to after small faces are merged.
    package private(set) var faceBlock: [Int]
    /// The faces of each block.
    package private(set) var blockFaces: [[Int]]
    package let faceArea: [Double]
    package let facePerimeter: [Double]
    let faceCentreX: [Double], faceCentreY: [Double]
    /// Convex hull vertices of each face, metres.
    let faceHull: [[(x: Double, y: Double)]]
    /// Shared boundary length in metres between faces that touch along an edge.
    let faceShared: [[Int: Double]]
    /// Segment keys of the noded linework, to check that grid edges lie on barriers.
    let lineworkSegments: Set<SegmentKey>
    /// Segment keys that come from `extraLines` only (old grid boundaries in a redraw).
    let extraOnlySegments: Set<SegmentKey>
    /// Segment keys on the boundary of a dedicated grid and on no street.
    let dedicatedSegments: Set<SegmentKey>
    /// The dedicated polygon (index into `dedicated`) each face lies in, -1 for none.
    package let faceDedicated: [Int]
    package let context: GEOSContext
    let projector: MetricProjector
    let toLonLat: CoordinateTransformer
    /// The parent's vertices in metres → the same vertices as stored (longitude/latitude).
    let parentVertices: [SegmentKey: (Double, Double)]

    /// Cuts `parent` (longitude/latitude) by `barriers` (lines, longitude/latitude) and, in a
    /// redraw, by `extraLines` (the existing grids, longitude/latitude), in the CRS of `projector`.
    /// `dedicated` polygons (longitude/latitude) are carved out too: their boundaries cut faces, and every
    /// face inside one is marked with its index (the first that holds it) in ``faceDedicated``.
    package init(
        parent lonLatParent: Geometry, barriers: [Geometry], extraLines: [Geometry] = [], dedicated: [Geometry] = [],
        projector: MetricProjector
    ) throws {
        let context = lonLatParent.context
        self.context = context
        self.projector = projector
        toLonLat = try CoordinateTransformer(from: projector.metricCRS, to: .cgcs2000)
        let preparedLonLat = try PreparedGeometry(lonLatParent)
        let parent = try projector.project(lonLatParent)
        var vertices: [SegmentKey: (Double, Double)] = [:]
        let (lx, ly) = try lonLatParent.coordinates(), (mx, my) = try parent.coordinates()
        for k in lx.indices { vertices[SegmentKey(mx[k], my[k], mx[k], my[k])] = (lx[k], ly[k]) }
        parentVertices = vertices
        let parentBoundary = try parent.boundary()
        let prepared = try PreparedGeometry(parent)
        // Barriers are straight between their vertices in longitude/latitude: densified first (to about
        // 50 m), they keep that course in metres to well under a millimetre.
        let relevant = try barriers.filter { try preparedLonLat.intersects($0) }
            .map { try projector.project(try $0.densified(maxSegmentLength: Self.densifyDegrees)) }
        let extras = try extraLines.filter { try preparedLonLat.intersects($0) }.map { try projector.project($0) }
        var dedicatedMetric = try dedicated.map { try projector.project(try $0.densified(maxSegmentLength: Self.densifyDegrees)) }
        var barrierLines = relevant.isEmpty ? nil : try Self.lines(relevant, context: context)
        if !dedicatedMetric.isEmpty {
            // Dedicated polygons drawn along a street (or the parent's edge) come back from longitude/latitude
            // millimetres off it: snapped to each other, they share their vertices and segments, so that no
            // sliver joins the faces on both sides of the site into a ring around it.
            let reference = try Geometry.collection(.geometryCollection, [parentBoundary] + (barrierLines.map { [$0] } ?? []), context: context)
            dedicatedMetric = try dedicatedMetric.map { try $0.snapped(to: reference, tolerance: Self.snapM) }
            if let lines = barrierLines {
                let sites = try Geometry.collection(.geometryCollection, dedicatedMetric, context: context)
                barrierLines = try lines.snapped(to: sites, tolerance: Self.snapM)
            }
        }
        // Whole lines (not clipped first: a clipped end is only nearly on the boundary and would not be
        // noded with it) noded together with the boundary; faces outside the parent are dropped below.
        var pieces: [Geometry] = [parentBoundary]
        if let barrierLines { pieces.append(barrierLines) }
        if !extras.isEmpty { pieces.append(try Self.lines(extras, context: context, extendEnds: false)) }
        if !dedicatedMetric.isEmpty { pieces.append(try Self.lines(dedicatedMetric, context: context, extendEnds: false)) }
        let linework = try Geometry.collection(.geometryCollection, pieces, context: context).unaryUnion()
        let polygons = try Geometry.polygonize(try linework.parts.filter { $0.type == .lineString || $0.type == .multiLineString }, context: context)
        var faces: [Geometry] = []
        for candidate in try polygons.parts where candidate.type == .polygon && candidate.area > 0 {
            if try prepared.covers(try candidate.pointOnSurface()) { faces.append(candidate) }
        }
        guard !faces.isEmpty else { throw GridplanError(.badArgument, "the barriers and the parent's boundary form no block inside the parent") }
        self.faces = faces
        let preparedDedicated = try dedicatedMetric.map { try PreparedGeometry($0) }
        faceDedicated = try faces.map { face in
            if preparedDedicated.isEmpty { return -1 }
            let inside = try face.pointOnSurface()
            return try preparedDedicated.firstIndex { try $0.covers(inside) } ?? -1
        }
        lineworkSegments = try Self.segments(of: linework)
        if extras.isEmpty && dedicatedMetric.isEmpty {
            extraOnlySegments = []
            dedicatedSegments = []
        } else {
            var streetOnly: [Geometry] = [parentBoundary]
            if let barrierLines { streetOnly.append(barrierLines) }
            let streets = try Geometry.collection(.geometryCollection, streetOnly, context: context).unaryUnion()
            // A segment of the full linework lies on a street when its midpoint is within 1 mm of the street linework
            // (old grid edges drawn along streets come back through longitude/latitude a few nanometres off).
            let streetBuffer = try PreparedGeometry(try streets.buffer(1e-3, quadrantSegments: 1))
            let dedicatedBuffer =
                dedicatedMetric.isEmpty
                ? nil
                : try PreparedGeometry(try Self.lines(dedicatedMetric, context: context, extendEnds: false).buffer(1e-3, quadrantSegments: 1))
            var extra = Set<SegmentKey>(), onDedicated = Set<SegmentKey>()
            for key in lineworkSegments {
                let mid = try Geometry(x: (key.ax + key.bx) / 2, y: (key.ay + key.by) / 2, context: context)
                if try streetBuffer.covers(mid) { continue }
                if let dedicatedBuffer, try dedicatedBuffer.covers(mid) { onDedicated.insert(key) } else { extra.insert(key) }
            }
            extraOnlySegments = extra
            dedicatedSegments = onDedicated
        }

        // Measures; shared boundaries by matching segments of the rings.
        var areas: [Double] = [], perimeters: [Double] = [], cx: [Double] = [], cy: [Double] = []
        var hulls: [[(x: Double, y: Double)]] = []
        var shared = [[Int: Double]](repeating: [:], count: faces.count)
        var firstOwner: [SegmentKey: Int] = [:]
        for (i, face) in faces.enumerated() {
            areas.append(face.area)
            perimeters.append(face.length)
            let c = try face.centroid().xy
            cx.append(c.x); cy.append(c.y)
            let (allX, allY) = try face.coordinates()
            hulls.append(BlockGraph.convexHull(Array(zip(allX, allY)).map { (x: $0.0, y: $0.1) }))
            for ring in try face.rings() {
                let (xs, ys) = try ring.coordinates()
                for k in 0..<(xs.count - 1) {
                    let key = SegmentKey(xs[k], ys[k], xs[k + 1], ys[k + 1])
                    if let other = firstOwner[key], other != i {
                        let length = hypot(xs[k + 1] - xs[k], ys[k + 1] - ys[k])
                        shared[i][other, default: 0] += length
                        shared[other][i, default: 0] += length
                    } else {
                        firstOwner[key] = i
                    }
                }
            }
        }
        faceArea = areas; facePerimeter = perimeters; faceCentreX = cx; faceCentreY = cy
        faceHull = hulls
        faceShared = shared
        faceBlock = Array(faces.indices)
        blockFaces = faces.indices.map { [$0] }
    }

    /// An undirected segment between two exact coordinates.
    struct SegmentKey: Hashable {
        let ax: Double, ay: Double, bx: Double, by: Double
        init(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
            if (x1, y1) <= (x2, y2) { ax = x1; ay = y1; bx = x2; by = y2 } else { ax = x2; ay = y2; bx = x1; by = y1 }
        }
    }

    /// How far every line end is extended, in metres, so that a street ending on another street or on
    /// the parent's boundary (but, after a datum or projection change, only nearly on it) crosses it and
    /// is noded with it. The overshoots are dangles that polygonize ignores.
    static let endExtensionM = 1.0
    /// How near (metres) a dedicated polygon's edge and a street are snapped together.
    static let snapM = 0.5
    /// Longest barrier segment, in degrees, before projection.
    static let densifyDegrees = 0.0005

    /// One MultiLineString of every line part of `geometries` (overlays want one homogeneous input),
    /// with both ends of each line (in metres) extended by ``endExtensionM``.
    static func lines(_ geometries: [Geometry], context: GEOSContext, extendEnds: Bool = true) throws -> Geometry {
        var parts: [Geometry] = []
        func extended(_ line: Geometry) throws -> Geometry {
            var (xs, ys) = try line.coordinates()
            guard extendEnds, xs.count >= 2 else { return line }
            func push(_ i: Int, from j: Int) {
                let dx = xs[i] - xs[j], dy = ys[i] - ys[j]
                let d = hypot(dx, dy)
                guard d > 0 else { return }
                xs[i] += dx / d * endExtensionM; ys[i] += dy / d * endExtensionM
            }
            if xs.first == xs.last && ys.first == ys.last { return line } // a closed ring has no ends
            push(0, from: 1)
            push(xs.count - 1, from: xs.count - 2)
            return try Geometry(lineString: Array(zip(xs, ys)), context: context)
        }
        func collect(_ g: Geometry) throws {
            switch g.type {
            case .lineString: parts.append(try extended(g))
            case .multiLineString, .geometryCollection: for p in try g.parts { try collect(p) }
            case .polygon, .multiPolygon: try collect(try g.boundary())
            default: break
            }
        }
        for g in geometries { try collect(g) }
        return try Geometry.collection(.multiLineString, parts, context: context)
    }

    static func segments(of lines: Geometry) throws -> Set<SegmentKey> {
        var result = Set<SegmentKey>()
        for part in try lines.parts {
            if part.type == .multiLineString || part.type == .geometryCollection {
                result.formUnion(try segments(of: part)); continue
            }
            guard part.type == .lineString || part.type == .linearRing else { continue }
            let (xs, ys) = try part.coordinates()
            for k in 0..<Swift.max(0, xs.count - 1) { result.insert(SegmentKey(xs[k], ys[k], xs[k + 1], ys[k + 1])) }
        }
        return result
    }

    package var blockCount: Int { blockFaces.count }

    /// Merges every block smaller than `minAreaM2` (or holding no households while long and thin,
    /// Polsby–Popper under `thinCompactness`) into the neighbour it shares the longest boundary with,
    /// smallest first. Returns the number of merges.
    /// With `group` (a redraw: the existing grid of each face), blocks merge only within their group.
    /// Faces with the same `unite` label (≥ 0: a dedicated grid) first become one block, which merges into
    /// none and takes only small blocks without households (those merges count); uniting is not counted.
    @discardableResult
    package func mergeSmallBlocks(
        minAreaM2: Double, households: [Double], thinCompactness: Double = 0.08, group: [Int]? = nil,
        unite: [Int]? = nil
    ) -> Int {
        let n = faces.count
        var owner = Array(0..<n)
        var area = faceArea, perimeter = facePerimeter, hh = households
        var adjacency = faceShared
        var alive = [Bool](repeating: true, count: n)
        var merges = 0
        func absorb(_ b: Int, into: Int) {
            let length = adjacency[b][into] ?? 0
            alive[b] = false
            area[into] += area[b]; hh[into] += hh[b]
            perimeter[into] += perimeter[b] - 2 * length
            for (nb, l) in adjacency[b] where nb != into {
                adjacency[into][nb, default: 0] += l
                adjacency[nb][into, default: 0] += l
                adjacency[nb][b] = nil
            }
            adjacency[into][b] = nil
            adjacency[b] = [:]
            for f in 0..<n where owner[f] == b { owner[f] = into }
        }
        let label = unite ?? [Int](repeating: -1, count: n)
        var head: [Int: Int] = [:]
        for f in 0..<n where label[f] >= 0 {
            if let h = head[label[f]] { absorb(f, into: h) } else { head[label[f]] = f }
        }
        func small(_ b: Int) -> Bool {
            if area[b] < minAreaM2 { return true }
            let pp = perimeter[b] > 0 ? 4 * Double.pi * area[b] / (perimeter[b] * perimeter[b]) : 1
            return hh[b] == 0 && pp < thinCompactness
        }
        for b in (0..<n).sorted(by: { (faceArea[$0], $0) < (faceArea[$1], $1) }) where alive[b] && label[b] < 0 && small(b) {
            // Blocks without households may join a dedicated grid (the strip or sliver between its edge and the
            // street); blocks with households only join ordinary ones.
            let candidates = adjacency[b].filter { (label[$0.key] < 0 || hh[b] == 0) && (group == nil || group![$0.key] == group![b]) }
            guard let (into, length) = candidates.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }), length > 0 else { continue }
            merges += 1
            absorb(b, into: into)
        }
        let survivors = (0..<n).filter { alive[$0] }
        let number = Dictionary(uniqueKeysWithValues: survivors.enumerated().map { ($1, $0) })
        faceBlock = owner.map { number[$0]! }
        blockFaces = Array(repeating: [], count: survivors.count)
        for (f, b) in faceBlock.enumerated() { blockFaces[b].append(f) }
        return merges
    }

    /// The aggregation graph of the blocks, with households and residents per face summed per block.
    package func graph(faceHouseholds: [Double], faceResidents: [Double], toleranceM: Double) -> BlockGraph {
        let k = blockCount
        var hh = [Double](repeating: 0, count: k), res = hh, area = hh, perimeter = hh, sx = hh, sy = hh
        var shared = [[Int: Double]](repeating: [:], count: k)
        for f in faces.indices {
            let b = faceBlock[f]
            hh[b] += faceHouseholds[f]; res[b] += faceResidents[f]
            area[b] += faceArea[f]; perimeter[b] += facePerimeter[f]
            sx[b] += faceArea[f] * faceCentreX[f]; sy[b] += faceArea[f] * faceCentreY[f]
            for (g, length) in faceShared[f] {
                let c = faceBlock[g]
                if c == b { perimeter[b] -= length } else { shared[b][c, default: 0] += length }
            }
        }
        let cx = (0..<k).map { area[$0] > 0 ? sx[$0] / area[$0] : faceCentreX[blockFaces[$0][0]] }
        let cy = (0..<k).map { area[$0] > 0 ? sy[$0] / area[$0] : faceCentreY[blockFaces[$0][0]] }
        let hulls = (0..<k).map { b in BlockGraph.convexHull(blockFaces[b].flatMap { faceHull[$0] }) }
        return BlockGraph(
            households: hh, residents: res, areas: area, perimeters: perimeter, centreX: cx, centreY: cy,
            shared: shared.map { $0.map { (block: $0.key, length: $0.value) }.sorted { $0.block < $1.block } },
            toleranceM: toleranceM, hulls: hulls)
    }

    /// The union of the faces of `blocks`, in metres.
    package func union(ofBlocks blocks: [Int]) throws -> Geometry {
        let members = blocks.flatMap { blockFaces[$0] }.sorted().map { faces[$0] }
        return try Geometry.unionAll(members, context: context)
    }

    /// A metric geometry made of faces, back in longitude/latitude: the parent's vertices exactly as
    /// stored, the others by the inverse projection (the same for every grid sharing them).
    package func lonLat(_ metric: Geometry) throws -> Geometry {
        try metric.mapCoordinates { xs, ys in
            let keys = zip(xs, ys).map { SegmentKey($0, $1, $0, $1) }
            _ = toLonLat.transform(x: &xs, y: &ys)
            for (k, key) in keys.enumerated() {
                if let original = parentVertices[key] { xs[k] = original.0; ys[k] = original.1 }
            }
        }
    }

    /// Boundary segments between different regions, counted by where they lie: on a barrier (or the
    /// parent's boundary), on the boundary of a dedicated grid only, on an old grid boundary only, or on
    /// none of them (never, by construction).
    package func cutCounts(region ofBlock: [Int]) throws -> (onBarriers: Int, onDedicated: Int, onOldBoundariesOnly: Int, elsewhere: Int) {
        var owner: [SegmentKey: Int] = [:]
        var cuts = Set<SegmentKey>()
        for (i, face) in faces.enumerated() {
            let r = ofBlock[faceBlock[i]]
            for ring in try face.rings() {
                let (xs, ys) = try ring.coordinates()
                for k in 0..<(xs.count - 1) {
                    let key = SegmentKey(xs[k], ys[k], xs[k + 1], ys[k + 1])
                    if let o = owner[key] { if o != r { cuts.insert(key) } } else { owner[key] = r }
                }
            }
        }
        var on = 0, dedicated = 0, old = 0, elsewhere = 0
        for key in cuts {
            if !lineworkSegments.contains(key) {
                elsewhere += 1
            } else if dedicatedSegments.contains(key) {
                dedicated += 1
            } else if extraOnlySegments.contains(key) {
                old += 1
            } else {
                on += 1
            }
        }
        return (on, dedicated, old, elsewhere)
    }
}
