import CGEOS

/// A geometry prepared for many repeated predicate tests against it (GEOS prepared geometry).
/// Keeps its source geometry alive, as GEOS requires.
public final class PreparedGeometry {
    public let geometry: Geometry
    private let prepared: OpaquePointer

    public init(_ geometry: Geometry) throws {
        self.geometry = geometry
        guard let p = GEOSPrepare_r(geometry.handle, geometry.pointer) else {
            throw geometry.context.error("cannot prepare geometry")
        }
        self.prepared = p
    }

    deinit {
        GEOSPreparedGeom_destroy_r(geometry.handle, prepared)
    }

    private var context: GEOSContext { geometry.context }

    public func contains(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSPreparedContains_r(context.handle, prepared, other.pointer), "prepared contains failed")
    }
    public func containsProperly(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSPreparedContainsProperly_r(context.handle, prepared, other.pointer), "prepared containsProperly failed")
    }
    public func covers(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSPreparedCovers_r(context.handle, prepared, other.pointer), "prepared covers failed")
    }
    public func intersects(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSPreparedIntersects_r(context.handle, prepared, other.pointer), "prepared intersects failed")
    }
    public func within(_ other: Geometry) throws -> Bool {
        try context.predicate(GEOSPreparedWithin_r(context.handle, prepared, other.pointer), "prepared within failed")
    }

    /// The shortest distance to `other`, by GEOS's indexed facet distance: much faster than
    /// ``Geometry/distance(to:)`` when one geometry is measured against many points.
    public func distance(to other: Geometry) throws -> Double {
        var d = 0.0
        guard GEOSPreparedDistance_r(context.handle, prepared, other.pointer, &d) == 1 else {
            throw context.error("prepared distance failed")
        }
        return d
    }

    /// Whether the point (x, y) lies in the interior or on the boundary.
    /// GEOS 3.11 has no XY predicate, so a point is made for each test.
    public func covers(x: Double, y: Double) throws -> Bool {
        try covers(try Geometry(x: x, y: y, context: context))
    }
}
