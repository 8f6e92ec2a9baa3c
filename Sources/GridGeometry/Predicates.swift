import CGEOS

/// Binary spatial predicates (DE-9IM) and equality.
extension Geometry {
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
