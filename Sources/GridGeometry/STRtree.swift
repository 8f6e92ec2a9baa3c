import CGEOS

/// A GEOS STR packed R-tree over the envelopes of a fixed set of geometries, returning
/// their indices. GEOS 3.11 builds the tree on the first query; inserts after that fail.
public final class STRtree {
    let context: GEOSContext
    let tree: OpaquePointer
    /// The indexed geometries, kept alive for the tree's lifetime.
    public let geometries: [Geometry]

    public init(_ geometries: [Geometry], nodeCapacity: Int = 10, context: GEOSContext = GEOSContext()) throws {
        self.context = context
        self.geometries = geometries
        guard let tree = GEOSSTRtree_create_r(context.handle, nodeCapacity) else {
            throw context.error("cannot create STRtree")
        }
        self.tree = tree
        for (index, g) in geometries.enumerated() where !g.isEmpty {
            // Items are indices + 1, so that no item is a null pointer.
            GEOSSTRtree_insert_r(context.handle, tree, g.pointer, UnsafeMutableRawPointer(bitPattern: index + 1))
        }
    }

    deinit {
        GEOSSTRtree_destroy_r(context.handle, tree)
    }

    private final class Hits { var indices: [Int] = [] }

    /// Indices of the geometries whose envelopes intersect the envelope of `geometry`, ascending.
    public func query(_ geometry: Geometry) -> [Int] {
        let hits = Hits()
        withExtendedLifetime(hits) {
            GEOSSTRtree_query_r(
                context.handle, tree, geometry.pointer,
                { item, userdata in
                    guard let userdata else { return }
                    let hits = Unmanaged<Hits>.fromOpaque(userdata).takeUnretainedValue()
                    hits.indices.append(Int(bitPattern: item) - 1)
                }, Unmanaged.passUnretained(hits).toOpaque())
        }
        return hits.indices.sorted()
    }

    /// Indices of the geometries whose envelopes intersect `envelope`.
    public func query(_ envelope: Envelope) throws -> [Int] {
        let box = try Geometry(
            polygon: [
                (envelope.minX, envelope.minY), (envelope.maxX, envelope.minY),
                (envelope.maxX, envelope.maxY), (envelope.minX, envelope.maxY),
                (envelope.minX, envelope.minY),
            ], context: context)
        return query(box)
    }

    /// Indices of geometries that really intersect `geometry` (envelope filter, then GEOS predicate).
    public func intersecting(_ geometry: Geometry) throws -> [Int] {
        try query(geometry).filter { try geometries[$0].intersects(geometry) }
    }
}

extension STRtree {
    private final class NearestSearch {
        let geometries: [Geometry]
        let query: Geometry
        let context: GEOSContext
        var failed = false
        init(_ geometries: [Geometry], _ query: Geometry, _ context: GEOSContext) {
            self.geometries = geometries; self.query = query; self.context = context
        }
    }

    /// The index of the geometry nearest to `geometry` and the distance, by GEOS's
    /// branch-and-bound search over the tree; nil when the tree is empty.
    public func nearest(to geometry: Geometry) throws -> (index: Int, distance: Double)? {
        guard geometries.contains(where: { !$0.isEmpty }) else { return nil }
        let search = NearestSearch(geometries, geometry, geometry.context)
        // The query item is the pointer value 0 + a tag that no indexed item uses (indices are 1…n).
        let queryItem = UnsafeRawPointer(bitPattern: geometries.count + 1)
        let found = withExtendedLifetime(search) { () -> UnsafeRawPointer? in
            GEOSSTRtree_nearest_generic_r(
                context.handle, tree, queryItem, geometry.pointer,
                { a, b, distance, userdata in
                    guard let userdata, let distance else { return 0 }
                    let search = Unmanaged<NearestSearch>.fromOpaque(userdata).takeUnretainedValue()
                    func geometry(_ item: UnsafeRawPointer?) -> Geometry {
                        let i = Int(bitPattern: item) - 1
                        return i < search.geometries.count ? search.geometries[i] : search.query
                    }
                    var d = 0.0
                    guard GEOSDistance_r(search.context.handle, geometry(a).pointer, geometry(b).pointer, &d) == 1 else {
                        search.failed = true
                        return 0
                    }
                    distance.pointee = d
                    return 1
                }, Unmanaged.passUnretained(search).toOpaque())
        }
        if search.failed { throw context.error("nearest search failed") }
        guard let found else { return nil }
        let index = Int(bitPattern: found) - 1
        return (index, try geometries[index].distance(to: geometry))
    }
}
