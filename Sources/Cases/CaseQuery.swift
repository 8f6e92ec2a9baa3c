import Foundation
import GRDB
import GridErrors
package import GridGeometry
import GridProjection
package import GridStore
import Grids

/// One stored case, as queries return it.
package struct CaseRecord: Sendable {
    package var fid: Int64
    package var externalID: String
    package var reportedAt: String?
    package var category: String?
    package var severity: String
    package var status: String
    package var address: String?
    package var lon: Double?, lat: Double?
    package var assignStatus: String
    package var unitCode: String?, areaCode: String?, communityCode: String?, streetCode: String?
    /// Metres from the query point, for --near queries.
    package var distanceM: Double?

    static let columns =
        "fid, external_id, reported_at, category, severity, status, address, lon, lat, assign_status, unit_code, area_code, community_code, street_code"

    /// By position in ``columns`` (a lookup by name costs a string search per value).
    init(_ row: PlanRow) {
        fid = row[0]; externalID = row[1]; reportedAt = row[2]; category = row[3]
        severity = row[4]; status = row[5]; address = row[6]; lon = row[7]; lat = row[8]
        assignStatus = row[9]; unitCode = row[10]; areaCode = row[11]
        communityCode = row[12]; streetCode = row[13]
    }
}

/// Spatial and attribute questions about stored cases, answered through the R-tree.
package struct CaseQuery: Sendable {
    package var bbox: Envelope?
    package var near: (lon: Double, lat: Double)?
    /// With `near`: only cases within this many metres.
    package var radiusM: Double?
    /// With `near`: only the K nearest.
    package var nearest: Int?
    /// A grid code at any level.
    package var grid: String?
    package var from: String?, to: String?
    package var status: String?
    /// A LIKE pattern matching texts that start with `text`: its own `\`, `%` and `_` escaped
    /// (with `ESCAPE '\'`), so that `_` is an underscore, not any character.
    static func likePrefix(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    /// The least text after every text that starts with `prefix` in SQLite's byte order (UTF-8's
    /// order of characters): its last character stepped up. Nil when such a range would not stand
    /// for SQLite's `LIKE 'prefix%'`, which ignores the case of ASCII letters: the prefix holds one
    /// (category codes are digits), is empty, or ends in a character with no next one.
    static func prefixEnd(_ prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        guard let last = scalars.popLast(), !prefix.unicodeScalars.contains(where: { $0.isASCII && $0.properties.isAlphabetic }),
            let next = Unicode.Scalar(last.value + 1)
        else { return nil }
        scalars.append(next)
        return String(String.UnicodeScalarView(scalars))
    }

    /// A category code: matches it and every sub-category under it (prefix).
    package var category: String?
    package var limit: Int?
    /// Cases to skip before the first returned (paging), in the order reported_at, fid.
    package var offset: Int?
    /// One case by its row id.
    package var fid: Int64?
    /// Tests only: how many of the earliest cases a page is first looked for among.
    var probeWindow: Int?

    package init() {}

    /// The cases, in one array (see ``each(_:_:)``).
    package func run(_ store: any PlanStore) throws -> [CaseRecord] {
        var records: [CaseRecord] = []
        try each(store) { records.append($0) }
        return records
    }

    /// Calls `body` with each case in order: by distance for `near`, else by report time (then
    /// id). A list without `near` is handed over as it is read, so that a list of millions (an
    /// export of the backlog) is written without being held; `near` answers, bounded by their
    /// radius or count, are sorted first.
    package func each(_ store: any PlanStore, _ body: (CaseRecord) throws -> Void) throws {
        try each(store) { record, _ in try body(record) }
    }

    /// As ``each(_:_:)``, with a function `body` may call to count the whole list in the same
    /// snapshot (an export's progress, once shown, gives its percent and time left). The count is
    /// one more pass over the filters' indexes, up to ~0.2 s among 1 M cases with two filters:
    /// asked only by a list long enough to show its progress, and once.
    package func each(_ store: any PlanStore, counting body: (CaseRecord, _ total: () throws -> Int) throws -> Void) throws {
        if nearest != nil && near == nil { throw GridplanError(.badArgument, "\(setting: "nearest") needs \(setting: "near") LON,LAT") }
        if radiusM != nil && near == nil { throw GridplanError(.badArgument, "\(setting: "radius") needs \(setting: "near") LON,LAT") }
        if let nearest, nearest < 1 { throw GridplanError(.badArgument, "\(setting: "nearest") \(nearest): ask for at least 1 case") }
        if let radiusM, !(radiusM >= 0) { throw GridplanError(.badArgument, "\(setting: "radius") \(radiusM): a distance in metres, 0 or more") }
        if let limit, limit < 0 { throw GridplanError(.badArgument, "\(setting: "limit") \(limit): 0 or more") }
        if let near, !(abs(near.lon) <= 180 && abs(near.lat) <= 90) {
            throw GridplanError(.badArgument, "\(setting: "near") \(near.lon),\(near.lat): not a longitude,latitude")
        }
        try store.reading { db in
            // A GeoPackage's R-tree, asked for once: a killed bulk import may have set it aside.
            let rtree = try db.dialect == .sqlite && db.hasTable("rtree_cases_geom")
            guard let near else {
                var counted: Int?
                func total() throws -> Int {
                    if counted == nil { counted = try count(db, box: bbox, rtree: rtree) }
                    return counted!
                }
                return try list(db, box: bbox, rtree: rtree) { try body($0, total) }
            }
            let records = try nearby(db, near, rtree: rtree)
            for record in records { try body(record) { records.count } }
        }
    }

    /// The cases around `near`: the `nearest` ones (within `radiusM` when given), or those within
    /// `radiusM` (default 1 km), nearest first.
    private func nearby(_ db: some PlanReader, _ near: (lon: Double, lat: Double), rtree: Bool) throws -> [CaseRecord] {
        if let k = nearest {
            // Grow a box until it holds k candidates (their coordinates only, or their R-tree boxes),
            // then the box of the k-th distance holds the answer, whose cases alone are read whole.
            // It starts at a metre and doubles: a probe of an empty box costs microseconds, while
            // a box far larger than needed measures hundreds of candidates (25 m among 10 M
            // cases of one district held 370–430 at four of five places, for 10 asked).
            let limitRadius = radiusM ?? .infinity
            var radius = min(limitRadius, 1)
            let treeAlone = rtree && !hasOtherFilters
            while true {
                let within = try distances(db, box: Self.box(near, radius), near: near, rtree: rtree, treeAlone: treeAlone)
                    .filter { $0 <= limitRadius }
                if within.count >= k || radius >= limitRadius || radius > 2e7 {
                    let kth = within.count >= k ? within[k - 1] : min(limitRadius, radius)
                    let all = try fetch(db, box: Self.box(near, kth), near: near, rtree: rtree).filter { $0.distanceM! <= min(limitRadius, kth) }
                    return Array(all.prefix(k))
                }
                radius = min(radius * 2, limitRadius)
            }
        }
        let radius = radiusM ?? 1000
        return try fetch(db, box: Self.box(near, radius), near: near, rtree: rtree).filter { $0.distanceM! <= radius }
    }

    /// A longitude/latitude box surely containing the circle of `radius` metres around `p`.
    static func box(_ p: (lon: Double, lat: Double), _ radius: Double) -> Envelope {
        let dLat = radius / 110_574 * 1.01 + 1e-9
        let dLon = radius / (111_320 * max(cos(p.lat * .pi / 180), 0.01)) * 1.01 + 1e-9
        return Envelope(minX: p.lon - dLon, minY: p.lat - dLat, maxX: p.lon + dLon, maxY: p.lat + dLat)
    }

    /// Whether a filter other than the place is given: without one, ``distances(_:box:near:rtree:treeAlone:)``
    /// can bound distances from a GeoPackage's R-tree alone.
    var hasOtherFilters: Bool { grid != nil || from != nil || to != nil || status != nil || fid != nil || category != nil }

    /// The sorted distances in metres from `near` to the cases in `box` that match the other filters,
    /// or bounds above them.
    ///
    /// `treeAlone`: from the R-tree alone. The bound of a case is the distance to its box's centre
    /// plus the box's diagonal (32-bit floats, about a metre), and no case row is read. The k-th
    /// bound is then at least the k-th distance, and the box it makes still holds the answer.
    func distances(_ db: some PlanReader, box: Envelope, near: (lon: Double, lat: Double), rtree: Bool, treeAlone: Bool) throws -> [Double] {
        if treeAlone {
            var bounds: [Double] = []
            try db.eachKept(
                "SELECT minx, maxx, miny, maxy FROM rtree_cases_geom WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?",
                [box.maxX, box.minX, box.maxY, box.minY].map(\.databaseValue)
            ) { row in
                let (x0, x1, y0, y1): (Double, Double, Double, Double) = (row[0], row[1], row[2], row[3])
                let centre = Geodesic.distance(lon1: near.lon, lat1: near.lat, lon2: (x0 + x1) / 2, lat2: (y0 + y1) / 2)
                bounds.append(centre + Geodesic.distance(lon1: x0, lat1: y0, lon2: x1, lat2: y1))
            }
            return bounds.sorted()
        }
        let (conditions, arguments) = try filters(box: box, db.dialect, rtree: rtree)
        var result: [Double] = []
        try db.eachKept("SELECT lon, lat FROM cases WHERE " + conditions.joined(separator: " AND "), arguments) { row in
            result.append(Geodesic.distance(lon1: near.lon, lat1: near.lat, lon2: row[0], lat2: row[1]))
        }
        return result.sorted()
    }

    /// The cases in `box` that match the other filters, with their distance from `near`, nearest
    /// first (at most `limit` of them when `nearest` is not given). `rtree`: the GeoPackage's
    /// R-tree is there to find the cases in `box`.
    func fetch(_ db: some PlanReader, box: Envelope, near: (lon: Double, lat: Double), rtree: Bool) throws -> [CaseRecord] {
        let (conditions, arguments) = try filters(box: box, db.dialect, rtree: rtree)
        var records: [CaseRecord] = []
        try db.eachKept(
            "SELECT \(CaseRecord.columns) FROM \(CaseFilings.casesWithCodes(db)) WHERE " + conditions.joined(separator: " AND "), arguments
        ) {
            records.append(CaseRecord($0))
        }
        for i in records.indices {
            records[i].distanceM = Geodesic.distance(lon1: near.lon, lat1: near.lat, lon2: records[i].lon!, lat2: records[i].lat!)
        }
        records.sort { ($0.distanceM!, $0.fid) < ($1.distanceM!, $1.fid) }
        if let limit, nearest == nil { records = Array(records.prefix(limit)) }
        return records
    }

    /// The cases that match the filters (in `box` when given), in the order of report time and
    /// id, the page `limit` and `offset` ask for, each handed to `body` as it is read.
    func list(_ db: some PlanReader, box: Envelope?, rtree: Bool, _ body: (CaseRecord) throws -> Void) throws {
        var sql = "SELECT \(CaseRecord.columns) FROM \(CaseFilings.casesWithCodes(db))"
        let (conditions, arguments) = try filters(box: box, db.dialect, rtree: rtree)
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        var page = ""
        if let limit { page += " LIMIT \(limit)" }
        if let offset, offset > 0 { page += (limit == nil ? (db.dialect == .sqlite ? " LIMIT -1" : " LIMIT ALL") : "") + " OFFSET \(offset)" }
        // SQLite, left to choose, orders through the time index even when another filter picks
        // few cases, and then visits every case in time order to find them (a category among
        // 1 M: 2.8 s against 0.9 s). Unless time itself is asked, `+` takes that index out of the
        // ordering: the filter's own index (or a scan) finds the cases, which are then sorted.
        let throughTimeIndex = db.dialect == .postgresql || conditions.isEmpty || from != nil || to != nil
        if !throughTimeIndex, box == nil, let limit, let found = try firstInTime(db, conditions, arguments, limit: limit, page: page) {
            return try found.forEach(body)
        }
        sql += (throughTimeIndex ? " ORDER BY reported_at, fid" : " ORDER BY +reported_at, fid") + page
        // A whole list sorted by SQLite may pass millions of cases through its sorter: past the
        // sorter's own buffer (the size of the page cache) they go to a temporary file, not to
        // memory where the plan's connections otherwise keep temporary data (an export of 7 M
        // closed cases would hold GBs). Small sorts never leave the buffer either way.
        let sortsInFile = db.dialect == .sqlite && !throughTimeIndex && limit == nil
        if sortsInFile { try db.each("PRAGMA temp_store = FILE", []) { _ in } }
        defer { if sortsInFile { try? db.each("PRAGMA temp_store = MEMORY", []) { _ in } } }
        try db.eachKept(sql, arguments) { try body(CaseRecord($0)) }
    }

    /// How many cases ``list(_:box:rtree:_:)`` hands over: those matching, within the page.
    func count(_ db: some PlanReader, box: Envelope?, rtree: Bool) throws -> Int {
        let (conditions, arguments) = try filters(box: box, db.dialect, rtree: rtree)
        let matching: Int =
            try db.value("SELECT count(*) FROM cases" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")), arguments)
            ?? 0
        let afterOffset = max(0, matching - (offset ?? 0))
        return limit.map { min($0, afterOffset) } ?? afterOffset
    }

    /// A page of a list (`limit`, `offset`) looked for among the earliest cases only: a page of
    /// a common status or category is found within the first thousands of cases in time order,
    /// where sorting every case that matches would take seconds among 10 M (`--status reported
    /// --limit 20` among 1 M: 100 ms). The earliest ``timeWindow(_:)`` cases are taken through the
    /// time index; when they hold the whole page it is the page of the whole list (every case
    /// after them comes later), otherwise nil, and the list is found through the filter's index
    /// (at once for a page beyond the first 2,000 cases of the list).
    private func firstInTime(
        _ db: some PlanReader, _ conditions: [String], _ arguments: [DatabaseValue], limit: Int, page: String
    ) throws -> [CaseRecord]? {
        let wanted = limit + (offset ?? 0)
        // A deep page would take most of the cases into the window: sorted at once instead.
        guard wanted <= 2_000 || probeWindow != nil else { return nil }
        let window = timeWindow(wanted)
        let sql = """
            SELECT \(CaseRecord.columns) FROM \(CaseFilings.casesWithCodes(db))
            WHERE fid IN (SELECT fid FROM cases ORDER BY reported_at, fid LIMIT \(window)) AND \(conditions.joined(separator: " AND "))
            ORDER BY reported_at, fid\(page)
            """
        var records: [CaseRecord] = []
        try db.eachKept(sql, arguments) { records.append(CaseRecord($0)) }
        return records.count == limit ? records : nil
    }

    /// How many of the earliest cases ``firstInTime(_:_:_:limit:page:)`` looks among for the
    /// first `wanted` matches (``probeWindow`` when set, for tests).
    func timeWindow(_ wanted: Int) -> Int { probeWindow ?? max(10_000, 50 * wanted) }

    /// The WHERE conditions of the query's filters (and of `box`), with their arguments.
    func filters(box: Envelope?, _ dialect: SQLDialect, rtree: Bool) throws -> ([String], [DatabaseValue]) {
        var conditions: [String] = []
        var arguments: [DatabaseValueConvertible?] = []
        if let box {
            // The spatial index finds candidates (the R-tree's float32 boxes are rounded outwards;
            // PostGIS's GiST index compares boxes); lon/lat decide. A file whose R-tree a killed
            // bulk import left set aside (see `FeatureTables.setAsideRTree`) is scanned until the
            // import resumes.
            switch dialect {
            case .sqlite where !rtree:
                break
            case .sqlite:
                conditions.append("fid IN (SELECT id FROM rtree_cases_geom WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)")
                arguments += [box.maxX, box.minX, box.maxY, box.minY]
            case .postgresql:
                conditions.append("geom && ST_MakeEnvelope(?, ?, ?, ?, 4490)")
                arguments += [box.minX, box.minY, box.maxX, box.maxY]
            }
            conditions.append("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?")
            arguments += [box.minX, box.maxX, box.minY, box.maxY]
        }
        if let grid {
            // A GeoPackage finds the grid's filings, then their cases through the index by filing.
            let codes = "(unit_code = ? OR area_code = ? OR community_code = ? OR street_code = ?)"
            conditions.append(dialect == .sqlite ? "filing IN (SELECT id FROM internal_case_filings WHERE \(codes))" : codes)
            arguments += [grid, grid, grid, grid]
        }
        if let from { conditions.append("reported_at >= ?"); arguments.append(try Clock.requireTime(from, option: "from")) }
        if let to { conditions.append("reported_at < ?"); arguments.append(try Clock.requireTime(to, option: "to")) }
        if let status { conditions.append("status = ?" + CaseStatus.openTerm([status])); arguments.append(status) }
        if let fid { conditions.append("fid = ?"); arguments.append(fid) }
        if let category {
            if dialect == .sqlite, let end = Self.prefixEnd(category) {
                // The same cases as the LIKE below, found by seeking `cases_category`, which
                // SQLite cannot do for a LIKE that ignores letter case.
                conditions.append("category >= ? AND category < ?")
                arguments += [category, end]
            } else {
                conditions.append("(category = ? OR category LIKE ? ESCAPE '\\')")
                arguments += [category, Self.likePrefix(category)]
            }
        }
        return (conditions, arguments.map { $0?.databaseValue ?? .null })
    }
}

extension CaseQuery {
    /// A box around the cases with coordinates, nil when none has any: informative, as an OGC
    /// collection's extent is. On a file, the cases layer's extent as `gpkg_contents` records it
    /// (3 ms where reading every case takes 0.4 s among 1,000,000): every import and intake widens
    /// it to the points it writes and a bulk import recomputes it, so it holds every case but may
    /// still hold where a moved case was (a plan whose intake did not yet widen it may miss a case
    /// taken in through the API beyond it). On a server, or a file whose layer records none, the
    /// cases' own coordinates.
    package static func extent(in store: any PlanStore) throws -> Envelope? {
        try store.reading { db in
            if db.dialect == .sqlite,
                let recorded = try db.rows(
                    "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'cases' AND min_x IS NOT NULL", []
                ).first.flatMap(envelope)
            {
                return recorded
            }
            return try db.rows("SELECT min(lon), min(lat), max(lon), max(lat) FROM cases WHERE lon IS NOT NULL", []).first.flatMap(envelope)
        }
    }

    private static func envelope(_ row: PlanRow) -> Envelope? {
        guard let x0 = row[0] as Double?, let y0 = row[1] as Double?, let x1 = row[2] as Double?, let y1 = row[3] as Double? else {
            return nil
        }
        return Envelope(minX: x0, minY: y0, maxX: x1, maxY: y1)
    }
}
