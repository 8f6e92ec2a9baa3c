import Desk
import Duty
import Foundation
import GRDB
import Geocoding
import GridErrors
import GridGeometry
import GridStore
import Grids

/// The plan as the HTTP server sees it: one actor owns the desk (GEOS and PROJ handles are not
/// thread-safe, see the README's thread rule) and the grid layers it has already written as
/// GeoJSON features, so requests are answered one at a time, each in a few milliseconds.
actor PlanService {
    let store: GeoPackage
    /// The plan's file name, for the health route.
    nonisolated let name: String
    private let desk: WhoCoversDesk
    private var layers: [GridLevel: (stamp: String, features: [(envelope: Envelope?, json: Data)])] = [:]

    init(path: String, snapMetres: Double) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw GridplanError(.notFound, "no such plan", source: .file(path)) }
        store = try GeoPackage.plan(path: path)
        name = (path as NSString).lastPathComponent
        desk = WhoCoversDesk(store: store, snapMetres: snapMetres)
    }

    func whoCovers(_ question: CoverageQuestion, day: String, planDay: String?, k: Int) throws -> Data {
        try JSONOutput.data(desk.answer(question, day: day, planDay: planDay, k: k).json)
    }

    /// A grid layer as served: its GeoJSON and an ETag naming its content.
    struct Layer: Sendable {
        var json: Data
        var etag: String
    }

    /// The current grids of a level as an RFC 7946 FeatureCollection (CGCS2000 taken as WGS 84,
    /// which differ by well under a metre); with `bbox`, only the grids whose envelope meets it.
    func grids(_ level: GridLevel, bbox: Envelope? = nil) throws -> Layer {
        let stamp = try PlanStamp.read(store)
        let features: [(envelope: Envelope?, json: Data)]
        if let kept = layers[level], kept.stamp == stamp {
            features = kept.features
        } else {
            let records = try store.read { try GridRecord.current($0, level: level) }
            let context = GEOSContext()
            features = try records.map { g in
                let geometry = try g.geometry(context)
                var out = Data("{\"type\":\"Feature\",\"geometry\":".utf8)
                out.append(contentsOf: Array(try geometry.geoJSON().utf8))
                out.append(contentsOf: Array(",\"properties\":".utf8))
                out.append(try JSONOutput.data(GridPropertiesJSON(g), pretty: false))
                out.append(contentsOf: Array("}".utf8))
                return (geometry.envelope, out)
            }
            layers[level] = (stamp, features)
        }
        var out = Data("{\"type\":\"FeatureCollection\",\"features\":[".utf8)
        var first = true
        for f in features {
            if let bbox, !(f.envelope.map(bbox.intersects) ?? false) { continue }
            if !first { out.append(contentsOf: Array(",".utf8)) }
            out.append(f.json)
            first = false
        }
        out.append(contentsOf: Array("]}".utf8))
        return Layer(json: out, etag: "\"\(level.name)-\(Digest.hex(out))\"")
    }

    /// What the plan holds: grids per level, people, gazetteer places; the map starts from this.
    func summary() throws -> Data {
        let (perLevel, people, places) = try store.read { db in
            (
                try GridRecord.currentCountByLevel(db).map { ($0.key.name, $0.value) },
                try Roster.peopleCount(db),
                try GazetteerStamp.placeCount(db)
            )
        }
        return try JSONOutput.data(
            PlanContentsJSON(
                plan: (store.path as NSString).lastPathComponent,
                grids: Dictionary(uniqueKeysWithValues: perLevel), people: people,
                gazetteerPlaces: places, today: Clock.day(Clock.now())))
    }
}

enum JSON {
    static func data(_ object: Any, pretty: Bool = true) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys])
    }
}
