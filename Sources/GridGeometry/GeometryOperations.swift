import CGEOS

/// Why a geometry is invalid, as GEOS reports it, and where.
public struct ValidityProblem: CustomStringConvertible {
    /// GEOS's reason, e.g. "Self-intersection" or "Ring Self-intersection".
    public let reason: String
    /// The point GEOS names as the location of the problem, when it gives one.
    public let location: Geometry?
    public var description: String {
        if let location, let p = try? location.xy { return "\(reason) at (\(p.x) \(p.y))" }
        return reason
    }
}

/// Measures, overlays, predicates and repairs: thin calls into GEOS.
extension Geometry {
    // MARK: Validity

    /// Nil when valid; otherwise GEOS's reason and location (`GEOSisValidDetail_r`).
    public func validityProblem() throws -> ValidityProblem? {
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        context.resetError()
        let result = GEOSisValidDetail_r(handle, pointer, 0, &reason, &location)
        let text = reason.map { String(cString: $0) }
        if let reason { GEOSFree_r(handle, reason) }
        let where_ = location.map { Geometry(owning: $0, context: context) }
        switch result {
        case 1: return nil
        case 0: return ValidityProblem(reason: text ?? "invalid", location: where_)
        default: throw context.error("validity check failed")
        }
    }

    public var isValid: Bool { (try? validityProblem()) == nil }

    /// GEOS's make-valid ("structure" method: keeps areas, drops collapsed parts).
    public func makeValid() throws -> Geometry {
        guard let params = GEOSMakeValidParams_create_r(handle) else { throw context.error("cannot create make-valid parameters") }
        defer { GEOSMakeValidParams_destroy_r(handle, params) }
        GEOSMakeValidParams_setMethod_r(handle, params, GEOS_MAKE_VALID_STRUCTURE)
        GEOSMakeValidParams_setKeepCollapsed_r(handle, params, 0)
        return try context.wrap(GEOSMakeValidWithParams_r(handle, pointer, params), "make-valid failed")
    }

    // MARK: Measures

    public func centroid() throws -> Geometry {
        try context.wrap(GEOSGetCentroid_r(handle, pointer), "centroid failed")
    }

    /// A point guaranteed to lie in the interior.
    public func pointOnSurface() throws -> Geometry {
        try context.wrap(GEOSPointOnSurface_r(handle, pointer), "point-on-surface failed")
    }

    public func distance(to other: Geometry) throws -> Double {
        var d = 0.0
        guard GEOSDistance_r(handle, pointer, other.pointer, &d) == 1 else { throw context.error("distance failed") }
        return d
    }

    /// The largest distance from any point of this geometry to the nearest point of `other`.
    public func hausdorffDistance(to other: Geometry) throws -> Double {
        var d = 0.0
        guard GEOSHausdorffDistance_r(handle, pointer, other.pointer, &d) == 1 else { throw context.error("hausdorff distance failed") }
        return d
    }

    // MARK: Constructive operations

    public func buffer(_ width: Double, quadrantSegments: Int = 8) throws -> Geometry {
        try context.wrap(GEOSBuffer_r(handle, pointer, width, Int32(quadrantSegments)), "buffer failed")
    }

    public func union(_ other: Geometry) throws -> Geometry {
        try context.wrap(GEOSUnion_r(handle, pointer, other.pointer), "union failed")
    }

    /// Union of all parts of this geometry (dissolve).
    public func unaryUnion() throws -> Geometry {
        try context.wrap(GEOSUnaryUnion_r(handle, pointer), "unary union failed")
    }

    public func difference(_ other: Geometry) throws -> Geometry {
        try context.wrap(GEOSDifference_r(handle, pointer, other.pointer), "difference failed")
    }

    public func intersection(_ other: Geometry) throws -> Geometry {
        try context.wrap(GEOSIntersection_r(handle, pointer, other.pointer), "intersection failed")
    }

    public func symmetricDifference(_ other: Geometry) throws -> Geometry {
        try context.wrap(GEOSSymDifference_r(handle, pointer, other.pointer), "symmetric difference failed")
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

    /// Union of many geometries at once (faster than folding `union`).
    public static func unionAll(_ geometries: [Geometry], context: GEOSContext = GEOSContext()) throws -> Geometry {
        try Geometry.collection(.geometryCollection, geometries, context: context).unaryUnion()
    }

    // MARK: Predicates

    public func intersects(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSIntersects_r(handle, pointer, other.pointer), "intersects failed")
    }
    public func contains(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSContains_r(handle, pointer, other.pointer), "contains failed")
    }
    public func within(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSWithin_r(handle, pointer, other.pointer), "within failed")
    }
    public func covers(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSCovers_r(handle, pointer, other.pointer), "covers failed")
    }
    public func touches(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSTouches_r(handle, pointer, other.pointer), "touches failed")
    }
    public func overlaps(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSOverlaps_r(handle, pointer, other.pointer), "overlaps failed")
    }
    /// Exact structural equality of coordinates (not topological).
    public func equalsExact(_ other: Geometry, tolerance: Double = 0) throws -> Bool {
        try context.predicate(GEOSEqualsExact_r(handle, pointer, other.pointer, tolerance), "equals failed")
    }
    /// Topological equality: the same point set.
    public func equalsTopologically(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSEquals_r(handle, pointer, other.pointer), "equals failed")
    }
}
