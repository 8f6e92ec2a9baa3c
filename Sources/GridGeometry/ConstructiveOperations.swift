import CGEOS

/// Constructive operations: new geometries derived from one (buffers, boundaries, noding,
/// simplification, snapping, precision) or built from many lines (polygonize).
extension Geometry {
    public func buffer(_ width: Double, quadrantSegments: Int = 8) throws -> Geometry {
        try context.wrap(GEOSBuffer_r(handle, pointer, width, Int32(quadrantSegments)), "buffer failed")
    }

    /// The boundary (rings of a polygon, end points of a line).
    public func boundary() throws -> Geometry {
        try context.wrap(GEOSBoundary_r(handle, pointer), "boundary failed")
    }

    /// Fully noded linework: lines split at every intersection.
    public func noded() throws -> Geometry {
        try context.wrap(GEOSNode_r(handle, pointer), "noding failed")
    }

    /// Removes vertices while keeping topology, within `tolerance`.
    public func simplified(tolerance: Double) throws -> Geometry {
        try context.wrap(GEOSTopologyPreserveSimplify_r(handle, pointer, tolerance), "simplify failed")
    }

    /// Snaps the vertices and segments of this geometry to the vertices of `reference` within `tolerance`
    /// (GEOS snap): lines drawn nearly along each other come to share vertices.
    public func snapped(to reference: Geometry, tolerance: Double) throws -> Geometry {
        try context.wrap(GEOSSnap_r(handle, pointer, reference.pointer, tolerance), "snap failed")
    }

    /// Snaps coordinates to a grid of size `gridSize` (GEOS's precision reducer).
    public func withPrecision(_ gridSize: Double) throws -> Geometry {
        try context.wrap(GEOSGeom_setPrecision_r(handle, pointer, gridSize, 0), "set precision failed")
    }

    /// The polygons formed by a set of noded lines (GEOS polygonize).
    public static func polygonize(_ lines: [Geometry], context: GEOSContext = GEOSContext()) throws -> Geometry {
        let pointers: [OpaquePointer?] = lines.map { $0.pointer }
        let result = pointers.withUnsafeBufferPointer {
            GEOSPolygonize_r(context.handle, $0.baseAddress, UInt32($0.count))
        }
        return try context.wrap(result, "polygonize failed")
    }

}
