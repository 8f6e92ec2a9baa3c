import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
package import GridStore
package import Grids

/// One case handed over by another system (a hotline platform, a resident's app): stored and
/// assigned to its grids exactly as a row of `cases import` is, in one transaction.
package struct IncomingCase: Sendable, Decodable {
    /// The sender's id: the same id again updates the case (a retried request changes nothing).
    package var id: String
    package var lon: Double?, lat: Double?
    /// The coordinates' CRS (`wgs84`, `gcj02`, `bd09`, `cgcs2000`, `EPSG:NNNN`); default cgcs2000.
    package var crs: String?
    package var reportedAt: String?
    package var category: String?, address: String?, channel: String?
    package var severity: String?
    package var status: String?

    enum CodingKeys: String, CodingKey {
        case id, lon, lat, crs, category, address, channel, severity, status
        case reportedAt = "reported_at"
    }

    package init(id: String) { self.id = id }
}

/// What became of an incoming case.
package struct IntakeResult: Sendable {
    package var fid: Int64
    /// False when the id was known: the case was updated in place.
    package var created: Bool
    package var assignment: Assignment?
}

package enum CaseIntake {
    /// Checks, locates and stores `incoming`; `lon`/`lat` may come from a geocoder when the sender
    /// gave only an address (pass them in CGCS2000 with `crs` nil).
    package static func receive(
        _ incoming: IncomingCase, store: any WritablePlanStore, assigner: Assigner, now: String = Clock.now()
    ) throws -> IntakeResult {
        let id = incoming.id.trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty else { throw GridplanError(.badInput, "the case has no id", source: ErrorSource(field: "id")) }
        var row = CaseReader.Row(number: 1, values: [])
        if let x = incoming.lon, let y = incoming.lat {
            guard x.isFinite, y.isFinite else { throw GridplanError(.badInput, "lon and lat must be numbers", source: ErrorSource(field: "lon")) }
            let crs = try incoming.crs.map { try CRS(parsing: $0) } ?? .cgcs2000
            let point = try CoordinateTransformer(from: crs, to: .cgcs2000).transform(x: x, y: y)
            guard abs(point.x) <= 180, abs(point.y) <= 90 else {
                throw GridplanError(.badInput, "(\(x), \(y)) is not a longitude/latitude in \(crs)", source: ErrorSource(field: "lon"))
            }
            row.sourceX = x; row.sourceY = y; row.lon = point.x; row.lat = point.y
        } else if incoming.lon != nil || incoming.lat != nil {
            throw GridplanError(.badInput, "give both lon and lat, or neither", source: ErrorSource(field: incoming.lon == nil ? "lon" : "lat"))
        }
        guard row.lon != nil || !(incoming.address ?? "").isEmpty else {
            throw GridplanError(.badInput, "no location: give lon and lat, or an address", source: ErrorSource(field: "lon"))
        }
        var reportedAt = now
        if let t = incoming.reportedAt {
            guard let parsed = Clock.time(t) else {
                throw GridplanError(.badInput, "'\(t)' is not a date and time of the calendar", source: ErrorSource(field: "reported_at"))
            }
            reportedAt = parsed
        }
        try checkText(incoming.channel, field: "channel", limit: 32)
        try checkText(incoming.category, field: "category", limit: 64)
        try checkText(incoming.address, field: "address", limit: AddressLimit.maxCharacters)
        if let category = incoming.category, category.allSatisfy(\.isASCII), category.allSatisfy(\.isNumber), ![2, 4, 6].contains(category.count) {
            throw GridplanError(
                .badInput, "'\(category)' is not a category code: numeric codes have 2, 4 or 6 digits (大类, 小类, 细类)",
                source: ErrorSource(field: "category"))
        }
        guard let severity = CaseFields.severity(incoming.severity ?? "") else {
            throw GridplanError(.badInput, "'\(incoming.severity ?? "")' is not ordinary, important or major", source: ErrorSource(field: "severity"))
        }
        var status = CaseStatus.reported
        if let text = incoming.status {
            guard let given = CaseStatus(text: text) else {
                throw GridplanError(.badInput, "'\(text)' is not a case status", source: ErrorSource(field: "status"))
            }
            status = given
        }
        var parsed = CaseImporter.Parsed(
            id: id, reportedAt: reportedAt, closedAt: nil, category: incoming.category, address: incoming.address,
            channel: incoming.channel, severity: severity, status: status, attributes: nil)
        let assignment = try row.lon.map { try assigner.assign(lon: [$0], lat: [row.lat!], threads: 1)[0] }
        return try store.writing { db in
            // Before the case's row is locked: an importer holding the turn may be waiting for that row.
            try StagedUpsert.takeTurn(db)
            // A known id keeps its place in the life cycle: only transitions move a case on, so a
            // retried request never sends a dispatched case back to "reported".
            if let known = try CaseStore.handlingForChange(db, caseID: id) { parsed.status = known.status }
            let (inserted, _) = try CaseImporter.upsertBatch(
                db, [(row, parsed)], [assignment], assigner: assigner,
                sourceCRS: row.sourceX == nil ? nil : (try incoming.crs.map { try CRS(parsing: $0).description } ?? CRS.cgcs2000.description),
                now: now)
            guard let fid = try CaseStore.fid(db, caseID: id) else { throw GridplanError(.failed, "case \(id) was not stored") }
            // The layer's recorded extent (what QGIS zooms to) takes the case in, as an import's does.
            if let lon = row.lon, let lat = row.lat {
                try db.extendExtent(of: "cases", toInclude: Envelope(minX: lon, minY: lat, maxX: lon, maxY: lat))
            }
            return IntakeResult(fid: fid, created: inserted == 1, assignment: assignment)
        }
    }

    /// Text another system sent: no control characters (they break the CSV and GeoJSON a case
    /// goes on to), nothing empty, and no longer than `limit` characters.
    package static func checkText(_ value: String?, field: String, limit: Int) throws {
        guard let value else { return }
        if value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw GridplanError(.badInput, "is empty: leave it out instead", source: ErrorSource(field: field))
        }
        if value.count > limit {
            throw GridplanError(.badInput, "is \(value.count) characters long, over \(limit)", source: ErrorSource(field: field))
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw GridplanError(.badInput, "holds a control character (a line break or tab?)", source: ErrorSource(field: field))
        }
    }
}
