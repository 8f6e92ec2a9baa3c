import Cases
import Foundation
import GridErrors
import GridGeometry
import GridStore
import Grids

/// The server's long reads of the cases: lists (`/api/cases`, OGC API – Features' `cases`
/// collection), statistics (`/api/stats`) and the map's clusters and counts per grid, one at a
/// time on a queue of their own. In ``PlanService`` they held up every route it answers, the
/// intake of cases included: during an export of 1 M cases (7 s) a grid's chain took 6.4 s
/// instead of 9 ms, during the statistics (1.4 s) 1.2 s. On a file they read beside the plan's
/// other readers; on a server through a connection of their own (a connection runs one
/// transaction at a time).
actor CaseReports {
    /// Where the reports read: the plan, a replica of its server, or a connection of their own.
    let store: any PlanStore
    nonisolated let executor = QueueExecutor(label: "gridplan.case-reports")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(store: any PlanStore) { self.store = store }
}

/// The cases as OGC API – Features' `cases` collection.
extension CaseReports {
    func ogcExtent() throws -> Envelope? { try CaseQuery.extent(in: store) }

    func ogcItems(page: OGCFeatures.ItemsQuery, base: String) throws -> Data {
        var q = CaseQuery()
        q.bbox = page.bbox
        q.limit = page.limit
        q.offset = page.offset
        let records = try q.run(store)
        return try OGCFeatures.page(try records.map(Self.caseFeature), matched: nil, query: page, collection: .cases, base: base)
    }

    func ogcItem(fid: Int64) throws -> Data {
        var q = CaseQuery()
        q.fid = fid
        guard let r = try q.run(store).first else { throw GridplanError(.notFound, "no feature \(fid) in \(OGCFeatures.Collection.cases.id)") }
        return try Self.caseFeature(r)
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
