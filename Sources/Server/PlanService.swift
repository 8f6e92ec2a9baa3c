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
/// GeoJSON, so requests are answered one at a time, each in a few milliseconds.
actor PlanService {
    let store: GeoPackage
    private let desk: WhoCoversDesk
    private var layers: [GridLevel: (stamp: String, json: Data)] = [:]

    init(path: String, snapMetres: Double) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw GridplanError(.notFound, "no such plan", source: .file(path)) }
        store = try GeoPackage.plan(path: path)
        desk = WhoCoversDesk(store: store, snapMetres: snapMetres)
    }

    func whoCovers(_ question: CoverageQuestion, day: String, planDay: String?, k: Int) throws -> Data {
        try JSONOutput.data(desk.answer(question, day: day, planDay: planDay, k: k).json)
    }

    /// The current grids of a level as an RFC 7946 FeatureCollection (CGCS2000 taken as WGS 84,
    /// which differ by well under a metre).
    func grids(_ level: GridLevel) throws -> Data {
        let stamp = try PlanStamp.read(store)
        if let kept = layers[level], kept.stamp == stamp { return kept.json }
        let records = try store.read { try GridRecord.current($0, level: level) }
        let context = GEOSContext()
        var out = Data("{\"type\":\"FeatureCollection\",\"features\":[".utf8)
        for (i, g) in records.enumerated() {
            if i > 0 { out.append(contentsOf: Array(",".utf8)) }
            out.append(contentsOf: Array("{\"type\":\"Feature\",\"geometry\":".utf8))
            out.append(contentsOf: Array(try g.geometry(context).geoJSON().utf8))
            out.append(contentsOf: Array(",\"properties\":".utf8))
            out.append(try JSONOutput.data(GridPropertiesJSON(g), pretty: false))
            out.append(contentsOf: Array("}".utf8))
        }
        out.append(contentsOf: Array("]}".utf8))
        layers[level] = (stamp, out)
        return out
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
