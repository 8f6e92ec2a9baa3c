public import Foundation
import GridErrors
public import GridGeometry

/// The GeoPackage binary geometry encoding (GeoPackage 1.3, clause 2.1.3): a header with
/// magic "GP", version, flags, SRS id and envelope, followed by ISO WKB.
public enum GeoPackageGeometry {
    /// Encodes `geometry` with an XY envelope (or the empty flag) in little-endian order; a point
    /// without one, as ``encodePoint(x:y:srsID:)`` and GDAL write points.
    public static func encode(_ geometry: Geometry, srsID: Int32) throws -> Data {
        var data = Data()
        data.append(contentsOf: [0x47, 0x50, 0x00]) // "GP", version 0
        let isPoint = geometry.type == .point
        let envelope = isPoint ? nil : geometry.envelope
        let empty = isPoint ? geometry.isEmpty : envelope == nil
        // flags: bit 0 = little-endian, bits 1-3 = envelope kind (0: none, 1: xy), bit 4 = empty
        let flags: UInt8 = 0b0000_0001 | (envelope == nil ? 0 : 0b0000_0010) | (empty ? 0b0001_0000 : 0)
        data.append(flags)
        withUnsafeBytes(of: srsID.littleEndian) { data.append(contentsOf: $0) }
        if let e = envelope {
            for v in [e.minX, e.maxX, e.minY, e.maxY] {
                withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        data.append(contentsOf: try geometry.wkb)
        return data
    }

    /// The parsed header of a GeoPackage geometry blob.
    public struct Header: Sendable {
        public let srsID: Int32
        public let isEmpty: Bool
        /// The envelope stored in the header, if any.
        public let envelope: Envelope?
        /// Where the WKB starts.
        public let wkbOffset: Int
    }

    public static func header(_ blob: Data) throws -> Header {
        try blob.withUnsafeBytes { try header($0) }
    }

    /// Reads the header from raw bytes (no copy: the R-tree triggers call this for every row).
    public static func header(_ bytes: UnsafeRawBufferPointer) throws -> Header {
        guard bytes.count >= 8, bytes[0] == 0x47, bytes[1] == 0x50 else {
            throw GridplanError(.badInput, "not a GeoPackage geometry (no 'GP' magic)")
        }
        let flags = bytes[3]
        let littleEndian = flags & 1 == 1
        let envelopeKind = Int((flags >> 1) & 0b111)
        let empty = (flags >> 4) & 1 == 1
        guard envelopeKind <= 4 else { throw GridplanError(.badInput, "invalid GeoPackage envelope indicator \(envelopeKind)") }
        let envelopeDoubles = [0, 4, 6, 6, 8][envelopeKind]
        let wkbOffset = 8 + 8 * envelopeDoubles
        guard bytes.count >= wkbOffset else { throw GridplanError(.badInput, "truncated GeoPackage geometry header") }
        func int32(at offset: Int) -> Int32 {
            let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            return Int32(bitPattern: littleEndian ? UInt32(littleEndian: raw) : UInt32(bigEndian: raw))
        }
        func double(at offset: Int) -> Double {
            let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            return Double(bitPattern: littleEndian ? UInt64(littleEndian: raw) : UInt64(bigEndian: raw))
        }
        var envelope: Envelope? = nil
        if envelopeDoubles >= 4 {
            let e = Envelope(minX: double(at: 8), minY: double(at: 24), maxX: double(at: 16), maxY: double(at: 32))
            if !e.minX.isNaN { envelope = e }
        }
        return Header(srsID: int32(at: 4), isEmpty: empty, envelope: envelope, wkbOffset: wkbOffset)
    }

    /// The envelope from raw bytes: from the header, or by reading the geometry when the header
    /// has none (GDAL writes points without one). Nil when empty.
    public static func envelope(_ bytes: UnsafeRawBufferPointer) throws -> Envelope? {
        let h = try header(bytes)
        if h.isEmpty { return nil }
        if let e = h.envelope { return e }
        let wkb = UnsafeRawBufferPointer(rebasing: bytes[h.wkbOffset...])
        if let (x, y) = point(wkb) { return Envelope(minX: x, minY: y, maxX: x, maxY: y) }
        return try Geometry(wkb: wkb, context: GEOSContext()).envelope
    }

    /// Decodes a blob into a GEOS geometry.
    public static func decode(_ blob: Data, context: GEOSContext) throws -> Geometry {
        let h = try header(blob)
        return try Geometry(wkb: blob.subdata(in: blob.startIndex + h.wkbOffset..<blob.endIndex), context: context)
    }

    /// The envelope of a blob (see ``envelope(_:)-raw``). Nil when empty.
    public static func envelope(_ blob: Data) throws -> Envelope? {
        try blob.withUnsafeBytes { try envelope($0) }
    }
}

extension GeoPackageGeometry {
    /// A point blob written directly (no GEOS object): the hot path of importing millions of
    /// cases. A header without an envelope (a point's envelope is the point: GDAL writes points
    /// so too, and 32 bytes a case are saved), then ISO WKB Point; 29 bytes.
    public static func encodePoint(x: Double, y: Double, srsID: Int32) throws -> Data {
        var bytes = [UInt8](repeating: 0, count: 29)
        bytes.withUnsafeMutableBytes { b in
            b[0] = 0x47; b[1] = 0x50; b[2] = 0; b[3] = 0b0000_0001 // "GP", version 0, little-endian, no envelope
            b.storeBytes(of: srsID.littleEndian, toByteOffset: 4, as: Int32.self)
            b[8] = 1 // WKB little-endian
            b.storeBytes(of: UInt32(1).littleEndian, toByteOffset: 9, as: UInt32.self) // Point
            b.storeBytes(of: x.bitPattern.littleEndian, toByteOffset: 13, as: UInt64.self)
            b.storeBytes(of: y.bitPattern.littleEndian, toByteOffset: 21, as: UInt64.self)
        }
        return Data(bytes)
    }

    /// The coordinates of a 2D WKB Point (either byte order), read in place; nil for any other
    /// geometry and for an empty point (NaN coordinates), which GEOS reads instead.
    static func point(_ wkb: UnsafeRawBufferPointer) -> (x: Double, y: Double)? {
        guard wkb.count >= 21, wkb[0] <= 1 else { return nil }
        let little = wkb[0] == 1
        let rawType = wkb.loadUnaligned(fromByteOffset: 1, as: UInt32.self)
        guard (little ? UInt32(littleEndian: rawType) : UInt32(bigEndian: rawType)) == 1 else { return nil }
        func double(_ offset: Int) -> Double {
            let raw = wkb.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            return Double(bitPattern: little ? UInt64(littleEndian: raw) : UInt64(bigEndian: raw))
        }
        let (x, y) = (double(5), double(13))
        return x.isNaN || y.isNaN ? nil : (x, y)
    }
}
