import Cases
import Desk
import Duty
import Foundation
import GRDB
import Geocoding
import GridErrors
import GridGeometry
import GridStore
import Grids

/// The plan as the HTTP server sees it, for everything but who-covers answers (those go to
/// ``WhoCoversPool``, one desk per core): the grid layers it has already written as GeoJSON, the
/// intake of cases, and the desk that places their addresses. One actor, since GEOS and PROJ
/// handles are not thread-safe (see the README's thread rule).
actor PlanService {
    let store: GeoPackage
    /// The plan's file name, for the health route.
    nonisolated let name: String
    let desk: WhoCoversDesk
    let intakeDesk: IntakeDesk
    private var layers: [GridLevel: (stamp: String, features: [GridFeature])] = [:]

    /// A current grid as a GeoJSON feature, with what the routes filter and page by.
    struct GridFeature {
        var fid: Int64
        var envelope: Envelope?
        var json: Data
    }

    init(path: String, snapMetres: Double) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw GridplanError(.notFound, "no such plan", source: .file(path)) }
        store = try GeoPackage.plan(path: path)
        name = (path as NSString).lastPathComponent
        desk = WhoCoversDesk(store: store, snapMetres: snapMetres)
        intakeDesk = IntakeDesk(store: store)
    }

    /// A grid layer as served: its GeoJSON and an ETag naming its content.
    struct Layer: Sendable {
        var json: Data
        var etag: String
    }

    /// The current grids of a level as an RFC 7946 FeatureCollection (CGCS2000 taken as WGS 84,
    /// which differ by well under a metre); with `bbox`, only the grids whose envelope meets it.
    func grids(_ level: GridLevel, bbox: Envelope? = nil) throws -> Layer {
        let features = try gridFeatures(level)
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

    /// The current grids of a level as features, kept until the plan changes.
    func gridFeatures(_ level: GridLevel) throws -> [GridFeature] {
        let stamp = try PlanStamp.read(store)
        if let kept = layers[level], kept.stamp == stamp { return kept.features }
        let records = try store.read { try GridRecord.current($0, level: level) }
        let context = GEOSContext()
        let features = try records.map { g in
            let geometry = try g.geometry(context)
            var out = Data("{\"type\":\"Feature\",\"id\":\(g.fid),\"geometry\":".utf8)
            out.append(contentsOf: Array(try geometry.geoJSON().utf8))
            out.append(contentsOf: Array(",\"properties\":".utf8))
            out.append(try JSONOutput.data(GridPropertiesJSON(g), pretty: false))
            out.append(contentsOf: Array("}".utf8))
            return GridFeature(fid: g.fid, envelope: geometry.envelope, json: out)
        }
        layers[level] = (stamp, features)
        return features
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

// The OGC API – Features collections (see OGCFeatures).
extension PlanService {
    func ogcExtent(_ c: OGCFeatures.Collection) throws -> Envelope? {
        switch c {
        case .grids(let level):
            let boxes = try gridFeatures(level).compactMap(\.envelope)
            return boxes.dropFirst().reduce(boxes.first) { total, box in total?.union(box) }
        case .cases:
            return try CaseQuery.extent(in: store)
        }
    }

    func ogcItems(_ c: OGCFeatures.Collection, page: OGCFeatures.ItemsQuery, base: String) throws -> Data {
        switch c {
        case .grids(let level):
            let kept = try gridFeatures(level).filter { f in page.bbox.map { b in f.envelope.map(b.intersects) ?? false } ?? true }
            let slice = kept.dropFirst(page.offset).prefix(page.limit).map(\.json)
            return try OGCFeatures.page(Array(slice), matched: kept.count, query: page, collection: c, base: base)
        case .cases:
            var q = CaseQuery()
            q.bbox = page.bbox
            q.limit = page.limit
            q.offset = page.offset
            let records = try q.run(store)
            return try OGCFeatures.page(try records.map(Self.caseFeature), matched: nil, query: page, collection: c, base: base)
        }
    }

    func ogcItem(_ c: OGCFeatures.Collection, fid: Int64) throws -> Data {
        switch c {
        case .grids(let level):
            guard let f = try gridFeatures(level).first(where: { $0.fid == fid }) else {
                throw GridplanError(.notFound, "no feature \(fid) in \(c.id)")
            }
            return f.json
        case .cases:
            var q = CaseQuery()
            q.fid = fid
            guard let r = try q.run(store).first else { throw GridplanError(.notFound, "no feature \(fid) in \(c.id)") }
            return try Self.caseFeature(r)
        }
    }

    /// A case as a GeoJSON feature with its row id, the properties `cases query --format geojson` gives.
    static func caseFeature(_ r: CaseRecord) throws -> Data {
        struct Feature: Encodable {
            var type = "Feature"
            var id: Int64
            @Nullable var geometry: CaseFeatureCollectionJSON.Point?
            var properties: [String: String]
        }
        let f = CaseFeatureCollectionJSON([r]).features[0]
        return try JSONOutput.data(Feature(id: r.fid, geometry: f.geometry, properties: f.properties), pretty: false)
    }
}
