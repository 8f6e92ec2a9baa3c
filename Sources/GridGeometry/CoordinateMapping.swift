import CGEOS
import GridErrors

/// Rewriting every coordinate of a geometry, in batches, for coordinate transforms.
extension Geometry {
    /// A copy of this geometry whose coordinates are rewritten by `transform`, which receives
    /// the x and y arrays of one coordinate sequence (a ring, a line, a point) at a time and
    /// changes them in place. Batching per sequence lets PROJ transform whole rings at once.
    public func mapCoordinates(_ transform: (inout [Double], inout [Double]) throws -> Void) throws -> Geometry {
        try context.wrap(try mapped(pointer, transform), "cannot rebuild geometry")
    }

    /// All coordinates as x and y arrays (rings in order, parts in order).
    public func coordinates() throws -> (x: [Double], y: [Double]) {
        var xs: [Double] = [], ys: [Double] = []
        _ = try mapCoordinates { x, y in
            xs += x; ys += y
        }
        return (xs, ys)
    }

    private func mapped(_ g: OpaquePointer, _ transform: (inout [Double], inout [Double]) throws -> Void) throws -> OpaquePointer? {
        let h = handle
        let typeID = GEOSGeomTypeId_r(h, g)
        guard let kind = GeometryType(rawValue: typeID) else { throw GridplanError(.badArgument, "unknown geometry type \(typeID)") }
        if GEOSisEmpty_r(h, g) == 1 { return GEOSGeom_clone_r(h, g) }
        switch kind {
        case .point, .lineString, .linearRing:
            guard let seq = GEOSGeom_getCoordSeq_r(h, g) else { throw context.error("no coordinates") }
            let newSeq = try mapSequence(seq, transform)
            switch kind {
            case .point: return GEOSGeom_createPoint_r(h, newSeq)
            case .lineString: return GEOSGeom_createLineString_r(h, newSeq)
            default: return GEOSGeom_createLinearRing_r(h, newSeq)
            }
        case .polygon:
            guard let shell = GEOSGetExteriorRing_r(h, g) else { throw context.error("polygon without shell") }
            guard let newShell = try mapped(shell, transform) else { throw context.error("cannot rebuild shell") }
            var holes: [OpaquePointer?] = []
            for i in 0..<GEOSGetNumInteriorRings_r(h, g) {
                guard let ring = GEOSGetInteriorRingN_r(h, g, i), let newRing = try mapped(ring, transform) else {
                    GEOSGeom_destroy_r(h, newShell); holes.forEach { GEOSGeom_destroy_r(h, $0) }
                    throw context.error("cannot rebuild hole \(i)")
                }
                holes.append(newRing)
            }
            return holes.withUnsafeMutableBufferPointer {
                GEOSGeom_createPolygon_r(h, newShell, $0.baseAddress, UInt32($0.count))
            }
        case .multiPoint, .multiLineString, .multiPolygon, .geometryCollection:
            var parts: [OpaquePointer?] = []
            for i in 0..<GEOSGetNumGeometries_r(h, g) {
                guard let part = GEOSGetGeometryN_r(h, g, i), let newPart = try mapped(part, transform) else {
                    parts.forEach { GEOSGeom_destroy_r(h, $0) }
                    throw context.error("cannot rebuild part \(i)")
                }
                parts.append(newPart)
            }
            return parts.withUnsafeMutableBufferPointer {
                GEOSGeom_createCollection_r(h, typeID, $0.baseAddress, UInt32($0.count))
            }
        }
    }

    private func mapSequence(_ seq: OpaquePointer, _ transform: (inout [Double], inout [Double]) throws -> Void) throws -> OpaquePointer {
        let h = handle
        var size: UInt32 = 0
        GEOSCoordSeq_getSize_r(h, seq, &size)
        var xs = [Double](repeating: 0, count: Int(size))
        var ys = [Double](repeating: 0, count: Int(size))
        for i in 0..<size {
            var x = 0.0, y = 0.0
            GEOSCoordSeq_getXY_r(h, seq, i, &x, &y)
            xs[Int(i)] = x; ys[Int(i)] = y
        }
        try transform(&xs, &ys)
        guard xs.count == Int(size), ys.count == Int(size) else {
            throw GridplanError(.badArgument, "coordinate transform changed the number of points")
        }
        guard let out = GEOSCoordSeq_create_r(h, size, 2) else { throw context.error("cannot create coordinates") }
        for i in 0..<Int(size) {
            GEOSCoordSeq_setXY_r(h, out, UInt32(i), xs[i], ys[i])
        }
        return out
    }
}
