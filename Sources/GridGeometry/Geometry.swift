import CGEOS
import GridErrors

/// The kinds of geometry of the OGC simple-features model, as GEOS numbers them.
public enum GeometryType: Int32, Sendable, CustomStringConvertible {
    case point = 0, lineString = 1, linearRing = 2, polygon = 3
    case multiPoint = 4, multiLineString = 5, multiPolygon = 6, geometryCollection = 7

    public var description: String {
        switch self {
        case .point: "Point"
        case .lineString: "LineString"
        case .linearRing: "LinearRing"
        case .polygon: "Polygon"
        case .multiPoint: "MultiPoint"
        case .multiLineString: "MultiLineString"
        case .multiPolygon: "MultiPolygon"
        case .geometryCollection: "GeometryCollection"
        }
    }

    /// True for Polygon and MultiPolygon.
    public var isPolygonal: Bool { self == .polygon || self == .multiPolygon }
}

/// An axis-aligned bounding box.
public struct Envelope: Equatable, Sendable, CustomStringConvertible {
    public var minX: Double, minY: Double, maxX: Double, maxY: Double
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY
    }
    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    public var center: (x: Double, y: Double) { ((minX + maxX) / 2, (minY + maxY) / 2) }
    /// The smallest envelope holding both.
    public func union(_ other: Envelope) -> Envelope {
        Envelope(
            minX: Swift.min(minX, other.minX), minY: Swift.min(minY, other.minY),
            maxX: Swift.max(maxX, other.maxX), maxY: Swift.max(maxY, other.maxY))
    }
    public func intersects(_ other: Envelope) -> Bool {
        minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
    }
    public func contains(x: Double, y: Double) -> Bool {
        x >= minX && x <= maxX && y >= minY && y <= maxY
    }
    public var description: String { "(\(minX) \(minY), \(maxX) \(maxY))" }
}

/// A GEOS geometry owned by Swift: the handle is destroyed exactly once, when the value goes.
///
/// Geometries are immutable; every operation returns a new geometry. Semantics are GEOS's
/// (and so shapely 2's): areas and lengths are in the units of the coordinates.
public final class Geometry {
    let pointer: OpaquePointer
    /// The context this geometry was made with; operations on it run in this context.
    public let context: GEOSContext

    /// Takes ownership of a geometry GEOS created.
    init(owning pointer: OpaquePointer, context: GEOSContext) {
        self.pointer = pointer
        self.context = context
    }

    deinit {
        GEOSGeom_destroy_r(context.handle, pointer)
    }

    var handle: GEOSContextHandle_t { context.handle }

    // MARK: Construction

    /// A point.
    public convenience init(x: Double, y: Double, context: GEOSContext = GEOSContext()) throws {
        guard let p = GEOSGeom_createPointFromXY_r(context.handle, x, y) else {
            throw context.error("cannot create point (\(x) \(y))")
        }
        self.init(owning: p, context: context)
    }

    /// A polygon from an exterior ring and optional holes, each a closed list of (x, y).
    public convenience init(
        polygon shell: [(Double, Double)], holes: [[(Double, Double)]] = [],
        context: GEOSContext = GEOSContext()
    ) throws {
        let h = context.handle
        func ring(_ points: [(Double, Double)]) throws -> OpaquePointer {
            guard let seq = GEOSCoordSeq_create_r(h, UInt32(points.count), 2) else {
                throw context.error("cannot create coordinate sequence")
            }
            for (i, p) in points.enumerated() {
                GEOSCoordSeq_setXY_r(h, seq, UInt32(i), p.0, p.1)
            }
            guard let r = GEOSGeom_createLinearRing_r(h, seq) else {
                throw context.error("invalid ring of \(points.count) points")
            }
            return r
        }
        let shellRing = try ring(shell)
        var holeRings: [OpaquePointer?] = []
        do {
            for hole in holes { holeRings.append(try ring(hole)) }
        } catch {
            GEOSGeom_destroy_r(h, shellRing)
            for r in holeRings { GEOSGeom_destroy_r(h, r) }
            throw error
        }
        let poly = holeRings.withUnsafeMutableBufferPointer {
            GEOSGeom_createPolygon_r(h, shellRing, $0.baseAddress, UInt32($0.count))
        }
        guard let poly else { throw context.error("cannot create polygon") }
        self.init(owning: poly, context: context)
    }

    /// A collection of the given kind holding copies of `parts`.
    public static func collection(
        _ type: GeometryType, _ parts: [Geometry],
        context: GEOSContext = GEOSContext()
    ) throws -> Geometry {
        let h = context.handle
        var clones: [OpaquePointer?] = parts.map { GEOSGeom_clone_r(h, $0.pointer) }
        let made = clones.withUnsafeMutableBufferPointer {
            GEOSGeom_createCollection_r(h, Int32(type.rawValue), $0.baseAddress, UInt32($0.count))
        }
        guard let made else {
            for c in clones { GEOSGeom_destroy_r(h, c) }
            throw context.error("cannot create \(type)")
        }
        return Geometry(owning: made, context: context)
    }

    /// An empty geometry collection.
    public static func empty(context: GEOSContext = GEOSContext()) throws -> Geometry {
        try context.wrap(
            GEOSGeom_createEmptyCollection_r(context.handle, Int32(GeometryType.geometryCollection.rawValue)),
            "cannot create empty collection")
    }

    /// A deep copy, optionally into another context (for handing to another thread's context).
    public func clone(into target: GEOSContext? = nil) throws -> Geometry {
        let ctx = target ?? context
        return try ctx.wrap(GEOSGeom_clone_r(ctx.handle, pointer), "cannot clone geometry")
    }

    // MARK: Properties

    public var type: GeometryType {
        GeometryType(rawValue: GEOSGeomTypeId_r(handle, pointer)) ?? .geometryCollection
    }

    public var isEmpty: Bool { GEOSisEmpty_r(handle, pointer) == 1 }

    /// Planar area in coordinate units squared (0 for points and lines).
    public var area: Double {
        var value = 0.0
        GEOSArea_r(handle, pointer, &value)
        return value
    }

    /// Planar length (perimeter for polygons) in coordinate units.
    public var length: Double {
        var value = 0.0
        GEOSLength_r(handle, pointer, &value)
        return value
    }

    /// Number of parts of a collection; 1 for a single geometry.
    public var partCount: Int { Int(GEOSGetNumGeometries_r(handle, pointer)) }

    /// A copy of part `index` of a collection (the geometry itself, copied, for index 0 of a single one).
    public func part(_ index: Int) throws -> Geometry {
        guard index >= 0, index < partCount, let inner = GEOSGetGeometryN_r(handle, pointer, Int32(index)) else {
            throw GridplanError(.badArgument, "part \(index) out of range 0..<\(partCount)")
        }
        return try context.wrap(GEOSGeom_clone_r(handle, inner), "cannot copy part \(index)")
    }

    /// Copies of all parts.
    public var parts: [Geometry] {
        get throws { try (0..<partCount).map { try part($0) } }
    }

    /// Number of interior rings (holes) of a polygon.
    public var holeCount: Int {
        type == .polygon ? Int(GEOSGetNumInteriorRings_r(handle, pointer)) : 0
    }

    /// Number of coordinates in the whole geometry.
    public var pointCount: Int { Int(GEOSGetNumCoordinates_r(handle, pointer)) }

    /// The x and y of a point.
    public var xy: (x: Double, y: Double) {
        get throws {
            guard type == .point, !isEmpty else { throw GridplanError(.badArgument, "not a non-empty point: \(type)") }
            var x = 0.0, y = 0.0
            GEOSGeomGetX_r(handle, pointer, &x)
            GEOSGeomGetY_r(handle, pointer, &y)
            return (x, y)
        }
    }

    /// The bounding box; nil for an empty geometry.
    public var envelope: Envelope? {
        if isEmpty { return nil }
        var minX = 0.0, minY = 0.0, maxX = 0.0, maxY = 0.0
        guard GEOSGeom_getExtent_r(handle, pointer, &minX, &minY, &maxX, &maxY) == 1 else { return nil }
        return Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    /// The spatial reference id stored with the geometry (0 when unset).
    public var srid: Int32 {
        get { GEOSGetSRID_r(handle, pointer) }
        set { GEOSSetSRID_r(handle, pointer, newValue) }
    }
}

extension Geometry: CustomStringConvertible {
    public var description: String { (try? wkt(precision: 8)) ?? "<\(type)>" }
}

extension Geometry {
    /// Copies of a polygon's rings: the exterior first, then the holes.
    public func rings() throws -> [Geometry] {
        guard type == .polygon else { throw GridplanError(.badArgument, "rings of a \(type): only polygons have rings") }
        if isEmpty { return [] }
        var result: [Geometry] = []
        guard let shell = GEOSGetExteriorRing_r(handle, pointer) else { throw context.error("polygon without exterior ring") }
        result.append(try context.wrap(GEOSGeom_clone_r(handle, shell), "cannot copy ring"))
        for i in 0..<GEOSGetNumInteriorRings_r(handle, pointer) {
            guard let ring = GEOSGetInteriorRingN_r(handle, pointer, i) else { throw context.error("missing hole \(i)") }
            result.append(try context.wrap(GEOSGeom_clone_r(handle, ring), "cannot copy ring"))
        }
        return result
    }
}
