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
/// ``WhoCoversPool``, one desk per core) and the long reads of cases (``CaseReports``): the grid
/// layers it has already written as GeoJSON, the intake of cases, and the desk that places their
/// addresses. One actor, since GEOS and PROJ handles are not thread-safe (see the README's thread
/// rule), running on a queue of its own (``QueueExecutor``): its reads wait for the database on
/// that queue's thread.
actor PlanService {
    /// Where the routes read: the plan, or a streaming replica of its server.
    let store: any PlanStore
    /// Where the write routes write (and read what they change): the plan itself.
    let writer: any WritablePlanStore
    /// The plan's file name, or its server's URL without the password, for the health route.
    nonisolated let name: String
    let desk: WhoCoversDesk
    let intakeDesk: IntakeDesk
    private var layers: [GridLevel: (figures: GridLayerFigures, features: [GridFeature])] = [:]
    private var shapes: [GridLevel: (stamp: String, shapes: [GridShape])] = [:]
    private nonisolated let executor = QueueExecutor(label: "gridplan.plan-service")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// A current grid as a GeoJSON feature, with what the routes filter and page by.
    struct GridFeature {
        var fid: Int64
        var envelope: Envelope?
        var json: Data
    }

    init(store: any PlanStore, writer: any WritablePlanStore, name: String, snapMetres: Double) {
        self.store = store
        self.writer = writer
        self.name = name
        desk = WhoCoversDesk(store: store, snapMetres: snapMetres)
        intakeDesk = IntakeDesk(store: writer)
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

    /// The current grids of a level as features with their figures, kept until the plan or its
    /// cases change (see ``GridLayerFigures``); their geometry is kept until the plan changes.
    func gridFeatures(_ level: GridLevel) throws -> [GridFeature] {
        let day = Clock.day(Clock.now())
        let stamp = try GridLayerFigures.stamp(store, day: day)
        if let kept = layers[level], kept.figures.stamp == stamp, Date().timeIntervalSince(kept.figures.readAt) < GridLayerFigures.keptFor {
            return kept.features
        }
        let shapes = try gridShapes(level)
        guard !shapes.isEmpty else { return [] } // a plan without grids yet has no figures to read
        let figures = try GridLayerFigures(store: store, level: level, day: day, stamp: stamp)
        let features = try shapes.map { shape in
            var out = shape.head
            let properties = GridLayerPropertiesJSON(record: shape.properties, figures: figures.byFid[shape.fid] ?? .init())
            out.append(try JSONOutput.data(properties, pretty: false))
            out.append(contentsOf: Array("}".utf8))
            return GridFeature(fid: shape.fid, envelope: shape.envelope, json: out)
        }
        layers[level] = (figures, features)
        return features
    }

    /// A current grid's GeoJSON up to its properties, and its plan record's properties.
    struct GridShape {
        var fid: Int64
        var envelope: Envelope?
        var head: Data
        var properties: GridPropertiesJSON
    }

    /// The current grids of a level as GeoJSON geometries, kept until the plan changes.
    private func gridShapes(_ level: GridLevel) throws -> [GridShape] {
        let stamp = try PlanStamp.read(store)
        if let kept = shapes[level], kept.stamp == stamp { return kept.shapes }
        let records = try store.reading { try GridRecord.current($0, level: level) }
        let context = GEOSContext()
        let made = try records.map { g in
            let geometry = try g.geometry(context)
            var head = Data("{\"type\":\"Feature\",\"id\":\(g.fid),\"geometry\":".utf8)
            head.append(contentsOf: Array(try geometry.geoJSON().utf8))
            head.append(contentsOf: Array(",\"properties\":".utf8))
            return GridShape(fid: g.fid, envelope: geometry.envelope, head: head, properties: GridPropertiesJSON(g))
        }
        shapes[level] = (stamp, made)
        return made
    }

    /// What the plan holds: grids per level, people, gazetteer places; the map starts from this.
    func summary() throws -> Data {
        let (perLevel, people, places) = try store.reading { db in
            (
                try GridRecord.currentCountByLevel(db).map { ($0.key.name, $0.value) },
                try Roster.peopleCount(db),
                try GazetteerStamp.placeCount(db)
            )
        }
        return try JSONOutput.data(
            PlanContentsJSON(
                plan: name,
                grids: Dictionary(uniqueKeysWithValues: perLevel), people: people,
                gazetteerPlaces: places, today: Clock.day(Clock.now())))
    }
}

// The OGC API – Features collections (see OGCFeatures).
extension PlanService {
    func ogcExtent(_ level: GridLevel) throws -> Envelope? {
        let boxes = try gridFeatures(level).compactMap(\.envelope)
        return boxes.dropFirst().reduce(boxes.first) { total, box in total?.union(box) }
    }

    func ogcItems(_ level: GridLevel, page: OGCFeatures.ItemsQuery, base: String) throws -> Data {
        let kept = try gridFeatures(level).filter { f in page.bbox.map { b in f.envelope.map(b.intersects) ?? false } ?? true }
        let slice = kept.dropFirst(page.offset).prefix(page.limit).map(\.json)
        return try OGCFeatures.page(Array(slice), matched: kept.count, query: page, collection: .grids(level), base: base)
    }

    func ogcItem(_ level: GridLevel, fid: Int64) throws -> Data {
        guard let f = try gridFeatures(level).first(where: { $0.fid == fid }) else {
            throw GridplanError(.notFound, "no feature \(fid) in \(OGCFeatures.Collection.grids(level).id)")
        }
        return f.json
    }
}
