import Cases
import Foundation
import GridErrors
import GridGeometry
import Grids
import Hummingbird
import HummingbirdCore

/// OGC API – Features, Part 1: Core, under `/ogc`: the landing page, the conformance classes,
/// the collections (the current grids of each level, and the cases) and their items as GeoJSON
/// with `bbox`, `limit` and paging, so that QGIS ("Add WFS / OGC API – Features layer") and GDAL
/// (`ogrinfo OAPIF:http://host:port/ogc`) read the plan as layers.
///
/// Coordinates are served as stored, CGCS2000 longitude/latitude, declared as CRS84 (WGS 84
/// longitude/latitude): the two differ by well under a metre, as for `/api/grids`.
enum OGCFeatures {
    static let crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    static let defaultLimit = 100, maxLimit = 10_000

    /// The collections: `unit_grids` … `street_grids`, and `cases`.
    enum Collection: Equatable {
        case grids(GridLevel)
        case cases

        init?(id: String) {
            if id == "cases" {
                self = .cases
            } else if id.hasSuffix("_grids"), let level = GridLevel(name: String(id.dropLast(6))) {
                self = .grids(level)
            } else {
                return nil
            }
        }

        var id: String {
            switch self {
            case .grids(let level): "\(level.name)_grids"
            case .cases: "cases"
            }
        }

        var title: String {
            switch self {
            case .grids(let level): "\(level.chineseName) (\(level.name) grids in force today)"
            case .cases: "案件 (cases)"
            }
        }

        static let all: [Collection] = [.grids(.street), .grids(.community), .grids(.area), .grids(.unit), .cases]
    }

    static func add<Context: RequestContext>(to router: Router<Context>, service: PlanService, reports: CaseReports) {
        router.get("/ogc") { request, _ in
            await GridplanServer.reply(type: "application/json") { try landing(base(request), plan: service.name) }
        }
        router.get("/ogc/conformance") { _, _ in
            await GridplanServer.reply(type: "application/json") {
                try JSONOutput.data(
                    [
                        "conformsTo": [
                            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                        ]
                    ])
            }
        }
        router.get("/ogc/collections") { request, _ in
            await GridplanServer.reply(type: "application/json") {
                let base = base(request)
                var collections: [CollectionJSON] = []
                for c in Collection.all { collections.append(try await describe(c, base: base, service: service, reports: reports)) }
                return try JSONOutput.data(
                    CollectionsJSON(links: [Link(href: "\(base)/collections", rel: "self", type: "application/json")], collections: collections))
            }
        }
        router.get("/ogc/collections/:id") { request, context in
            await GridplanServer.reply(type: "application/json") {
                try JSONOutput.data(try await describe(try collection(context), base: base(request), service: service, reports: reports))
            }
        }
        router.get("/ogc/collections/:id/items") { request, context in
            await GridplanServer.reply(type: "application/geo+json") {
                let c = try collection(context)
                let page = try ItemsQuery(request.uri.queryParameters)
                switch c {
                case .grids(let level): return try await service.ogcItems(level, page: page, base: base(request))
                case .cases: return try await reports.ogcItems(page: page, base: base(request))
                }
            }
        }
        router.get("/ogc/collections/:id/items/:fid") { request, context in
            await GridplanServer.reply(type: "application/geo+json") {
                let c = try collection(context)
                let text = context.parameters.get("fid") ?? ""
                guard let fid = Int64(text) else { throw GridplanError(.notFound, "no feature '\(text)' in \(c.id)") }
                switch c {
                case .grids(let level): return try await service.ogcItem(level, fid: fid)
                case .cases: return try await reports.ogcItem(fid: fid)
                }
            }
        }
    }

    static func collection<Context: RequestContext>(_ context: Context) throws -> Collection {
        let id = context.parameters.get("id") ?? ""
        guard let c = Collection(id: id) else {
            throw GridplanError(.notFound, "no collection '\(id)'; the collections are \(Collection.all.map(\.id).joined(separator: ", "))")
        }
        return c
    }

    /// The absolute URL of `/ogc` as the client reached it (links must be absolute for GDAL).
    static func base(_ request: Request) -> String {
        let host = request.head.authority ?? "127.0.0.1"
        return "http://\(host)/ogc"
    }

    static func landing(_ base: String, plan: String) throws -> Data {
        struct Landing: Encodable { var title: String, description: String, links: [Link] }
        return try JSONOutput.data(
            Landing(
                title: "gridplan: \(plan)",
                description: "The grids of each level in force today and the cases of the plan, as OGC API – Features.",
                links: [
                    Link(href: base, rel: "self", type: "application/json"),
                    Link(href: "\(base)/conformance", rel: "conformance", type: "application/json"),
                    Link(href: "\(base)/collections", rel: "data", type: "application/json"),
                ]))
    }

    static func describe(_ c: Collection, base: String, service: PlanService, reports: CaseReports) async throws -> CollectionJSON {
        let extent: Envelope? =
            switch c {
            case .grids(let level): try await service.ogcExtent(level)
            case .cases: try await reports.ogcExtent()
            }
        return CollectionJSON(
            id: c.id, title: c.title,
            extent: extent.map { e in CollectionJSON.Extent(spatial: .init(bbox: [[e.minX, e.minY, e.maxX, e.maxY]], crs: crs84)) },
            links: [
                Link(href: "\(base)/collections/\(c.id)", rel: "self", type: "application/json"),
                Link(href: "\(base)/collections/\(c.id)/items", rel: "items", type: "application/geo+json"),
            ])
    }

    struct Link: Encodable { var href: String, rel: String, type: String }

    struct CollectionJSON: Encodable {
        struct Extent: Encodable {
            struct Spatial: Encodable { var bbox: [[Double]], crs: String }
            var spatial: Spatial
        }
        var id: String, title: String
        var extent: Extent?
        var itemType = "feature"
        var crs = [OGCFeatures.crs84]
        var links: [Link]
    }

    struct CollectionsJSON: Encodable { var links: [Link], collections: [CollectionJSON] }

    /// `bbox`, `limit` (1–10,000, default 100) and `offset` (where the page starts, from `next` links).
    struct ItemsQuery {
        var bbox: Envelope?
        var limit = OGCFeatures.defaultLimit
        var offset = 0

        init(_ q: FlatDictionary<Substring, Substring>) throws {
            bbox = try GridsQuery(q).bbox
            if let text = q["limit"].map(String.init) {
                guard let n = Int(text), n >= 1 else { throw GridplanError(.badArgument, "\(setting: "limit")=\(text): give a whole number ≥ 1") }
                limit = min(n, OGCFeatures.maxLimit)
            }
            if let text = q["offset"].map(String.init) {
                guard let n = Int(text), n >= 0 else { throw GridplanError(.badArgument, "\(setting: "offset")=\(text): give a whole number ≥ 0") }
                offset = n
            }
        }
    }

    /// A page of features: the FeatureCollection with its counts and its `self` and `next` links.
    static func page(
        _ features: [Data], matched: Int?, query: ItemsQuery, collection: Collection, base: String
    ) throws -> Data {
        var href = "\(base)/collections/\(collection.id)/items?limit=\(query.limit)"
        if let b = query.bbox { href += "&bbox=\(b.minX),\(b.minY),\(b.maxX),\(b.maxY)" }
        var links = [Link(href: href + "&offset=\(query.offset)", rel: "self", type: "application/geo+json")]
        if features.count == query.limit && matched.map({ query.offset + query.limit < $0 }) ?? true {
            links.append(Link(href: href + "&offset=\(query.offset + query.limit)", rel: "next", type: "application/geo+json"))
        }
        var out = Data("{\"type\":\"FeatureCollection\",\"numberReturned\":\(features.count),".utf8)
        if let matched { out.append(contentsOf: Array("\"numberMatched\":\(matched),".utf8)) }
        out.append(contentsOf: Array("\"timeStamp\":\"\(ISO8601DateFormatter().string(from: Date()))\",\"links\":".utf8))
        out.append(try JSONOutput.data(links, pretty: false))
        out.append(contentsOf: Array(",\"features\":[".utf8))
        for (i, f) in features.enumerated() {
            if i > 0 { out.append(contentsOf: Array(",".utf8)) }
            out.append(f)
        }
        out.append(contentsOf: Array("]}".utf8))
        return out
    }
}
