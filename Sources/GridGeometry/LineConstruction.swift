import CGEOS
import GridErrors

/// Building lines from coordinates, for code that edits linework (e.g. extending street ends).
extension Geometry {
    /// A line string through `points` (at least two).
    public convenience init(lineString points: [(Double, Double)], context: GEOSContext = GEOSContext()) throws {
        let h = context.handle
        guard points.count >= 2 else { throw GridplanError(.badArgument, "a line needs at least 2 points, got \(points.count)") }
        guard let seq = GEOSCoordSeq_create_r(h, UInt32(points.count), 2) else {
            throw context.error("cannot create coordinate sequence")
        }
        for (i, p) in points.enumerated() { GEOSCoordSeq_setXY_r(h, seq, UInt32(i), p.0, p.1) }
        guard let line = GEOSGeom_createLineString_r(h, seq) else { throw context.error("cannot create line of \(points.count) points") }
        self.init(owning: line, context: context)
    }
}

extension Geometry {
    /// The same geometry with vertices added so that no segment is longer than `maxSegmentLength`
    /// (GEOS densify): a line straight in one CRS stays close to its course once projected.
    public func densified(maxSegmentLength: Double) throws -> Geometry {
        try context.wrap(GEOSDensify_r(handle, pointer, maxSegmentLength), "densify failed")
    }
}
