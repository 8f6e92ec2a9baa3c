import CGEOS

/// Set-theoretic overlays: union, difference, intersection.
extension Geometry {
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

    /// Union of many geometries at once (faster than folding `union`).
    public static func unionAll(_ geometries: [Geometry], context: GEOSContext = GEOSContext()) throws -> Geometry {
        try Geometry.collection(.geometryCollection, geometries, context: context).unaryUnion()
    }
}
