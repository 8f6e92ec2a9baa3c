import Foundation
public import GRDB
import GridErrors
public import GridGeometry
public import GridProjection
public import GridStore

/// The grids of one moment of a plan, decoded and projected once into the plan's metric CRS,
/// so that checks and measures (in m² and m) share the work.
public final class PlanSnapshot {
    public let grids: [GridRecord]
    /// Geometries in CGCS2000 longitude/latitude, as stored.
    public let lonLat: [Geometry]
    /// The same geometries in the plan's metric CRS (metres).
    public let metric: [Geometry]
    /// The common metric CRS, for overlays between grids.
    public let projector: MetricProjector
    /// Reported areas and lengths: each geometry in the zone of its own centre.
    public let measure = ZonedMeasure()
    public let context: GEOSContext
    private let indexByFid: [Int64: Int]

    /// The grids current now (nil) or at a moment of the plan's history.
    public convenience init(store: any PlanStore, at moment: PlanMoment? = nil) throws {
        let grids = try store.reading { db in try moment.map { try $0.grids(db) } ?? GridRecord.current(db) }
        try self.init(grids: grids)
    }

    public init(grids: [GridRecord], projector: MetricProjector? = nil) throws {
        self.grids = grids
        let context = GEOSContext()
        let lonLat = try grids.map { try $0.geometry(context) }
        // An empty snapshot is allowed when it is measured like another one.
        let chosen = try projector ?? Self.metricProjector(around: lonLat.compactMap(\.envelope))
        self.context = context
        self.lonLat = lonLat
        self.projector = chosen
        metric = try lonLat.map { try chosen.project($0) }
        indexByFid = Dictionary(uniqueKeysWithValues: grids.enumerated().map { ($1.fid, $0) })
    }

    /// The common metric CRS of these grids (as an unprojected snapshot of them chooses it), with
    /// PROJ objects of its own: for another thread comparing the same grids.
    public static func metricProjector(around grids: [GridRecord]) throws -> MetricProjector {
        try metricProjector(around: grids.compactMap { try GeoPackageGeometry.envelope($0.blob) })
    }

    private static func metricProjector(around envelopes: [Envelope]) throws -> MetricProjector {
        guard let first = envelopes.first else { throw GridplanError(.notFound, "the plan has no grids") }
        return try MetricProjector(around: envelopes.dropFirst().reduce(first) { $0.union($1) })
    }

    /// Indices of grids at a level.
    public func indices(at level: GridLevel) -> [Int] {
        grids.indices.filter { grids[$0].level == level }
    }

    public func index(ofFid fid: Int64) -> Int? { indexByFid[fid] }

    /// Children indices by parent index.
    public lazy var children: [Int: [Int]] = {
        var result: [Int: [Int]] = [:]
        for (i, g) in grids.enumerated() {
            if let p = g.parentFid, let pi = indexByFid[p] { result[pi, default: []].append(i) }
        }
        return result
    }()

    public var levelsPresent: Set<GridLevel> { Set(grids.map(\.level)) }

    /// A metric geometry as longitude/latitude, for writing locations.
    public func toLonLat(_ metricGeometry: Geometry) throws -> Geometry { try projector.unproject(metricGeometry) }

    /// Area in m² of a piece computed in the common metric CRS, measured in its own zone.
    public func areaM2(ofMetric piece: Geometry) throws -> Double {
        piece.isEmpty || piece.area == 0 ? 0 : try measure.area(try toLonLat(piece))
    }

    /// Area in m² of grid `i`, measured in its own zone.
    public func areaM2(ofGrid i: Int) throws -> Double { try measure.area(lonLat[i]) }
}

/// A moment in a plan's history: a day, or a plan version.
public enum PlanMoment: Sendable, CustomStringConvertible {
    case date(String)
    case version(Int64)

    /// Parses `YYYY-MM-DD` as a date and a whole number as a version.
    public init?(_ text: String) {
        if let v = Int64(text) { self = .version(v); return }
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts.allSatisfy({ Int($0) != nil }), text.count == 10 else { return nil }
        self = .date(text)
    }

    public var description: String {
        switch self {
        case .date(let d): "day \(d)"
        case .version(let v): "version \(v)"
        }
    }

    /// The grids in force at this moment.
    public func grids(_ db: some PlanReader) throws -> [GridRecord] {
        let (inForce, arguments) = filter(alias: "g")
        return try db.rows("\(GridRecord.selectSQL) WHERE \(inForce) ORDER BY g.level, g.code, g.fid", arguments)
            .map { try GridRecord(row: $0) }
    }

    /// The SQL condition on table `alias` of `grids` that keeps the rows in force at this moment.
    func filter(alias g: String) -> (sql: String, arguments: [DatabaseValue]) {
        switch self {
        case .date(let d): ("\(g).valid_from <= ? AND (\(g).valid_to IS NULL OR \(g).valid_to > ?)", [d.databaseValue, d.databaseValue])
        case .version(let v): ("\(g).version_from <= ? AND (\(g).version_to IS NULL OR \(g).version_to > ?)", [v.databaseValue, v.databaseValue])
        }
    }
}
