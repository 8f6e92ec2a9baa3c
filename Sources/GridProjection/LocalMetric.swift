import CPROJ
import GridErrors
public import GridGeometry

/// The projected CRS in which gridplan measures areas, lengths and distances for a place:
/// the CGCS2000 3-degree Gauss–Krüger zone (EPSG:4534–4554, central meridians 75°E–135°E)
/// inside China, the WGS84 UTM zone elsewhere. Within a zone the scale error stays under
/// about 0.05 % in length, so areas agree with geodesic areas to better than 0.1 %.
public enum LocalMetric {
    /// Longitude/latitude rectangle treated as "in China" for the choice of zone.
    static func inChina(lon: Double, lat: Double) -> Bool {
        lon >= 73.0 && lon <= 136.0 && lat >= 3.0 && lat <= 54.0
    }

    /// The metric CRS for data centred at (lon, lat).
    public static func crs(lon: Double, lat: Double) -> CRS {
        if inChina(lon: lon, lat: lat) {
            let centralMeridian = min(max((lon / 3.0).rounded() * 3.0, 75.0), 135.0)
            return .proj("EPSG:\(4534 + Int((centralMeridian - 75.0) / 3.0))")
        }
        let zone = min(max(Int(((lon + 180.0) / 6.0).rounded(.down)) + 1, 1), 60)
        return .proj("EPSG:\((lat >= 0 ? 32600 : 32700) + zone)")
    }

    /// The metric CRS for a longitude/latitude envelope (by its centre).
    public static func crs(for envelope: Envelope) -> CRS {
        let c = envelope.center
        return crs(lon: c.x, lat: c.y)
    }
}

/// Projects longitude/latitude geometries (CGCS2000 or WGS84) into one metric CRS for
/// measuring. Made once per data set so every grid is measured in the same zone.
public final class MetricProjector {
    public let metricCRS: CRS
    private let forward: CoordinateTransformer
    private let inverse: CoordinateTransformer

    public init(around envelope: Envelope, from source: CRS = .cgcs2000) throws {
        metricCRS = LocalMetric.crs(for: envelope)
        forward = try CoordinateTransformer(from: source, to: metricCRS)
        inverse = try CoordinateTransformer(from: metricCRS, to: source)
    }

    /// The geometry in metres.
    public func project(_ geometry: Geometry) throws -> Geometry { try forward.transform(geometry) }
    /// Back from metres to longitude/latitude.
    public func unproject(_ geometry: Geometry) throws -> Geometry { try inverse.transform(geometry) }
    /// Area in m².
    public func area(_ geometry: Geometry) throws -> Double { try project(geometry).area }
    /// Length or perimeter in m.
    public func length(_ geometry: Geometry) throws -> Double { try project(geometry).length }
    /// A point in metres.
    public func project(x: Double, y: Double) throws -> (x: Double, y: Double) { try forward.transform(x: x, y: y) }
}

/// Measures on the ellipsoid (PROJ's geodesic routines, Karney's algorithms), as the
/// reference that planar measures are checked against.
public enum Geodesic {
    /// Area in m² of a longitude/latitude polygon or multipolygon on the CGCS2000 ellipsoid
    /// (GRS 80; within 1e-9 of WGS 84 at this scale). Holes are subtracted.
    public static func area(_ geometry: Geometry) throws -> Double {
        var g = geod_geodesic()
        geod_init(&g, 6378137.0, 1.0 / 298.257222101)
        var total = 0.0
        func ringArea(_ ring: Geometry) throws -> Double {
            var (xs, ys) = try ring.coordinates()
            var area = 0.0, perimeter = 0.0
            geod_polygonarea(&g, &ys, &xs, Int32(xs.count), &area, &perimeter)
            return abs(area)
        }
        func polygonArea(_ polygon: Geometry) throws -> Double {
            let rings = try polygon.rings()
            guard let shell = rings.first else { return 0 }
            return try rings.dropFirst().reduce(try ringArea(shell)) { $0 - (try ringArea($1)) }
        }
        switch geometry.type {
        case .polygon: total = try polygonArea(geometry)
        case .multiPolygon, .geometryCollection:
            for part in try geometry.parts where part.type.isPolygonal { total += try area(part) }
        default: total = 0
        }
        return total
    }

    /// The CGCS2000 ellipsoid's constants as PROJ's geodesic routines take them, worked out once
    /// (`geod_init` computes series coefficients that every distance on it shares).
    private static let ellipsoid: geod_geodesic = {
        var g = geod_geodesic()
        geod_init(&g, 6378137.0, 1.0 / 298.257222101)
        return g
    }()

    /// Distance in metres between two longitude/latitude points on the ellipsoid.
    public static func distance(lon1: Double, lat1: Double, lon2: Double, lat2: Double) -> Double {
        var g = ellipsoid
        var s12 = 0.0, azi1 = 0.0, azi2 = 0.0
        geod_inverse(&g, lat1, lon1, lat2, lon2, &s12, &azi1, &azi2)
        return s12
    }
}

/// Measures longitude/latitude geometries each in the metric CRS of its own centre, so that a
/// plan spanning several Gauss–Krüger zones (a city, a province) still measures every grid to
/// better than 0.1 %. Overlays between grids need one common CRS (``MetricProjector``); the
/// pieces they produce are measured here after being brought back to longitude/latitude.
public final class ZonedMeasure {
    private var projectors: [CRS: MetricProjector] = [:]
    public init() {}

    /// The projector of the zone holding the geometry's centre.
    public func projector(for geometry: Geometry) throws -> MetricProjector {
        guard let e = geometry.envelope else { throw GridplanError(.badArgument, "cannot measure an empty geometry") }
        let crs = LocalMetric.crs(for: e)
        if let p = projectors[crs] { return p }
        let p = try MetricProjector(around: e)
        projectors[crs] = p
        return p
    }

    /// Area in m² (0 for empty geometries).
    public func area(_ lonLat: Geometry) throws -> Double {
        lonLat.isEmpty ? 0 : try projector(for: lonLat).area(lonLat)
    }

    /// Length or perimeter in m.
    public func length(_ lonLat: Geometry) throws -> Double {
        lonLat.isEmpty ? 0 : try projector(for: lonLat).length(lonLat)
    }
}
