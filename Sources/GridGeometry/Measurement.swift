import CGEOS

/// Measures and representative points.
extension Geometry {
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
}
