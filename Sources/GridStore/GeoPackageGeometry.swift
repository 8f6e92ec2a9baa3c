import Foundation
import GridGeometry

/// The GeoPackage binary geometry encoding (GeoPackage 1.3, clause 2.1.3): a header with
/// magic "GP", version, flags, SRS id and envelope, followed by ISO WKB.
public enum GeoPackageGeometry {
    /// Encodes `geometry` with an XY envelope (or the empty flag) in little-endian order.
    public static func encode(_ geometry: Geometry, srsID: Int32) throws -> Data {
        var data = Data()
        data.append(contentsOf: [0x47, 0x50, 0x00]) // "GP", version 0
        let envelope = geometry.envelope
        // flags: bit 0 = little-endian, bits 1-3 = envelope kind (1: xy), bit 4 = empty
        let flags: UInt8 = envelope == nil ? 0b0001_0001 : 0b0000_0011
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
        let bytes = [UInt8](blob.prefix(72))
        guard bytes.count >= 8, bytes[0] == 0x47, bytes[1] == 0x50 else {
            throw GeometryError("not a GeoPackage geometry (no 'GP' magic)")
        }
        let flags = bytes[3]
        let littleEndian = flags & 1 == 1
        let envelopeKind = Int((flags >> 1) & 0b111)
        let empty = (flags >> 4) & 1 == 1
        func int32(at offset: Int) -> Int32 {
            let raw = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            return Int32(bitPattern: littleEndian ? raw : raw.byteSwapped)
        }
        func double(at offset: Int) -> Double {
            var raw: UInt64 = 0
            for i in 0..<8 { raw |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            return Double(bitPattern: littleEndian ? raw : raw.byteSwapped)
        }
        let envelopeDoubles = [0, 4, 6, 6, 8][min(envelopeKind, 4)]
        guard envelopeKind <= 4 else { throw GeometryError("invalid GeoPackage envelope indicator \(envelopeKind)") }
        let wkbOffset = 8 + 8 * envelopeDoubles
        guard bytes.count >= min(wkbOffset, 72) else { throw GeometryError("truncated GeoPackage geometry header") }
        var envelope: Envelope? = nil
        if envelopeDoubles >= 4 {
            let e = Envelope(minX: double(at: 8), minY: double(at: 24), maxX: double(at: 16), maxY: double(at: 32))
            if !e.minX.isNaN { envelope = e }
        }
        return Header(srsID: int32(at: 4), isEmpty: empty, envelope: envelope, wkbOffset: wkbOffset)
    }

    /// Decodes a blob into a GEOS geometry.
    public static func decode(_ blob: Data, context: GEOSContext) throws -> Geometry {
        let h = try header(blob)
        return try Geometry(wkb: blob.subdata(in: blob.startIndex + h.wkbOffset..<blob.endIndex), context: context)
    }

    /// The envelope of a blob: from its header, or by reading the geometry when the header has
    /// none (GDAL, for instance, writes points without an envelope). Nil when empty.
    public static func envelope(_ blob: Data) throws -> Envelope? {
        let h = try header(blob)
        if h.isEmpty { return nil }
        if let e = h.envelope { return e }
        return try decode(blob, context: GEOSContext()).envelope
    }
}

extension GeoPackageGeometry {
    /// A point blob written directly (no GEOS object): the hot path of importing millions of
    /// cases. Header with an xy envelope, then ISO WKB Point.
    public static func encodePoint(x: Double, y: Double, srsID: Int32) throws -> Data {
        var data = Data(capacity: 61)
        data.append(contentsOf: [0x47, 0x50, 0x00, 0b0000_0011])
        withUnsafeBytes(of: srsID.littleEndian) { data.append(contentsOf: $0) }
        for v in [x, x, y, y] { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        data.append(1)
        withUnsafeBytes(of: UInt32(1).littleEndian) { data.append(contentsOf: $0) }
        for v in [x, y] { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
}
