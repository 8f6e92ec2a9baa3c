import CGEOS
public import Foundation
import GridErrors

/// Reading and writing WKT, WKB and GeoJSON, all through GEOS's own readers and writers.
extension Geometry {
    /// Parses well-known text.
    public convenience init(wkt: String, context: GEOSContext = GEOSContext()) throws {
        let h = context.handle
        guard let reader = GEOSWKTReader_create_r(h) else { throw context.error("cannot create WKT reader") }
        defer { GEOSWKTReader_destroy_r(h, reader) }
        context.resetError()
        guard let g = GEOSWKTReader_read_r(h, reader, wkt) else {
            throw context.error("invalid WKT \(Self.excerpt(wkt))", kind: .badInput)
        }
        self.init(owning: g, context: context)
    }

    /// Parses well-known binary (ISO or extended WKB, either byte order).
    public convenience init(wkb: some ContiguousBytes, context: GEOSContext = GEOSContext()) throws {
        let h = context.handle
        guard let reader = GEOSWKBReader_create_r(h) else { throw context.error("cannot create WKB reader") }
        defer { GEOSWKBReader_destroy_r(h, reader) }
        context.resetError()
        let g = wkb.withUnsafeBytes { raw -> OpaquePointer? in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return nil }
            return GEOSWKBReader_read_r(h, reader, base, raw.count)
        }
        guard let g else { throw context.error("invalid WKB", kind: .badInput) }
        self.init(owning: g, context: context)
    }

    /// Parses a GeoJSON geometry, Feature or FeatureCollection (the latter two become a
    /// geometry or a geometry collection).
    public convenience init(geoJSON: String, context: GEOSContext = GEOSContext()) throws {
        let h = context.handle
        guard let reader = GEOSGeoJSONReader_create_r(h) else { throw context.error("cannot create GeoJSON reader") }
        defer { GEOSGeoJSONReader_destroy_r(h, reader) }
        context.resetError()
        guard let g = GEOSGeoJSONReader_readGeometry_r(h, reader, geoJSON) else {
            throw context.error("invalid GeoJSON \(Self.excerpt(geoJSON))", kind: .badInput)
        }
        self.init(owning: g, context: context)
    }

    /// Well-known text; `precision` limits decimals (nil: shortest exact representation).
    public func wkt(precision: Int? = nil) throws -> String {
        guard let writer = GEOSWKTWriter_create_r(handle) else { throw context.error("cannot create WKT writer") }
        defer { GEOSWKTWriter_destroy_r(handle, writer) }
        GEOSWKTWriter_setTrim_r(handle, writer, 1)
        if let precision { GEOSWKTWriter_setRoundingPrecision_r(handle, writer, Int32(precision)) }
        GEOSWKTWriter_setOutputDimension_r(handle, writer, 2)
        return try context.takeString(GEOSWKTWriter_write_r(handle, writer, pointer), "cannot write WKT")
    }

    /// ISO well-known binary, little-endian, 2D.
    public var wkb: [UInt8] {
        get throws {
            guard let writer = GEOSWKBWriter_create_r(handle) else { throw context.error("cannot create WKB writer") }
            defer { GEOSWKBWriter_destroy_r(handle, writer) }
            GEOSWKBWriter_setOutputDimension_r(handle, writer, 2)
            GEOSWKBWriter_setByteOrder_r(handle, writer, Int32(GEOS_WKB_NDR.rawValue))
            GEOSWKBWriter_setFlavor_r(handle, writer, Int32(GEOS_WKB_ISO.rawValue))
            var size = 0
            guard let bytes = GEOSWKBWriter_write_r(handle, writer, pointer, &size) else {
                throw context.error("cannot write WKB")
            }
            defer { GEOSFree_r(handle, bytes) }
            return Array(UnsafeBufferPointer(start: bytes, count: size))
        }
    }

    /// A GeoJSON geometry object (RFC 7946). Polygon rings are oriented by the right-hand
    /// rule (exterior counter-clockwise) as RFC 7946 asks.
    public func geoJSON(indent: Int = -1) throws -> String {
        let oriented = try rightHandRule()
        guard let writer = GEOSGeoJSONWriter_create_r(handle) else { throw context.error("cannot create GeoJSON writer") }
        defer { GEOSGeoJSONWriter_destroy_r(handle, writer) }
        return try context.takeString(
            GEOSGeoJSONWriter_writeGeometry_r(handle, writer, oriented.pointer, Int32(indent)),
            "cannot write GeoJSON")
    }

    /// This geometry with exterior rings counter-clockwise and holes clockwise.
    /// GEOS's normal form has them the other way round, so normalise and reverse.
    public func rightHandRule() throws -> Geometry {
        guard let copy = GEOSGeom_clone_r(handle, pointer) else { throw context.error("cannot copy geometry") }
        let normal = Geometry(owning: copy, context: context)
        guard GEOSNormalize_r(handle, normal.pointer) == 0 else { throw context.error("cannot normalise geometry") }
        return try context.wrap(GEOSReverse_r(handle, normal.pointer), "cannot reverse geometry")
    }

    static func excerpt(_ text: String) -> String {
        let cut = text.prefix(60)
        return "'\(cut)\(cut.count < text.count ? "…" : "")'"
    }
}
