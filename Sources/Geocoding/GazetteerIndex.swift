import Foundation
import GRDB
import GridGeometry
package import GridStore
package import Grids

/// One place as the matcher sees it, with its representative point (CGCS2000).
///
/// A class: the matcher looks at thousands of places per second, and copying a struct of a
/// dozen strings costs a retain and release each. Only ``GazetteerIndex``'s initialiser
/// changes a place; afterwards places are shared read-only between threads.
package final class Place: @unchecked Sendable {
    package enum Kind: String, Sendable { case admin, road, address, poi, building, grid }
    package let id: Int64
    package let kind: Kind
    package let level: AdminLevel?
    /// For a grid place of level 3 or 4 (片区, 网格).
    package let gridLevel: GridLevel?
    package let code: String?
    package let name: String
    package let key: String
    package let county: String?, street: String?, community: String?
    package let parentCode: String?
    package internal(set) var lon: Double, lat: Double
    package internal(set) var hasLocation: Bool
    package let road: String?
    package let number: Int?
    package let numberTo: Int?
    package let compound: String?
    package let building: String?
    /// Former names and aliases, as keys.
    package internal(set) var aliasKeys: [String] = []

    init(
        id: Int64, kind: Kind, level: AdminLevel?, gridLevel: GridLevel?, code: String?, name: String, key: String,
        county: String?, street: String?, community: String?, parentCode: String?, lon: Double, lat: Double,
        hasLocation: Bool, road: String? = nil, number: Int? = nil, numberTo: Int? = nil, compound: String? = nil,
        building: String? = nil
    ) {
        self.id = id; self.kind = kind; self.level = level; self.gridLevel = gridLevel; self.code = code
        self.name = name; self.key = key; self.county = county; self.street = street; self.community = community
        self.parentCode = parentCode; self.lon = lon; self.lat = lat; self.hasLocation = hasLocation; self.road = road
        self.number = number; self.numberTo = numberTo; self.compound = compound; self.building = building
    }
}

/// A house-number range along a road line (from the gazetteer's `gazetteer_ranges`): `from`
/// at the line's first point, `to` at its last, numbers of its parity spread evenly between.
package struct NumberRange: Sendable {
    package enum Parity: String, Sendable { case odd, even, all }
    package enum Side: String, Sendable { case left, right }
    /// The road place whose line it is.
    package let place: Int
    package let from: Int, to: Int
    package let parity: Parity
    package let side: Side?
    /// The line as WKB, x scaled by cos(latitude) so that lengths along it are proportional to
    /// metres (the line's own latitudes vary too little for this to matter).
    let line: [UInt8]
    let xScale: Double

    package func contains(_ n: Int) -> Bool {
        guard n >= Swift.min(from, to), n <= Swift.max(from, to) else { return false }
        switch parity {
        case .odd: return n % 2 != 0
        case .even: return n % 2 == 0
        case .all: return true
        }
    }

    /// Where `n` lies along the line, 0 (first point) to 1 (last).
    package func fraction(_ n: Int) -> Double {
        to == from ? 0.5 : Double(n - from) / Double(to - from)
    }
}

/// The gazetteer and the plan's grids, loaded once into exact-key hash indexes that worker
/// threads share read-only: names and suffix-free division names, one-character-deletion keys
/// for typos, house numbers per road in order, buildings per compound. Building it reads each
/// table once; a lookup never scans.
///
/// The grids are places too: a community grid named 南华社区 is the community 南华 when the
/// divisions list does not have it, and gives its polygon's point to the division that does.
package final class GazetteerIndex: Sendable {
    package let places: [Place]
    let adminByCore: [AdminLevel: [String: [Int]]]
    let byKey: [Place.Kind: [String: [Int]]]
    let fuzzy: [Place.Kind: [String: [Int]]]
    let fuzzyAdmin: [AdminLevel: [String: [Int]]]
    /// Road key → (number, place) sorted by number.
    let numbers: [String: [(number: Int, place: Int)]]
    /// Road key (names and aliases) → house-number ranges on lines of roads of that name.
    let ranges: [String: [NumberRange]]
    /// GEOS contexts for interpolating on range lines from any thread.
    let geometryPool = GEOSContextPool()
    /// Compound key → building places.
    let buildings: [String: [Int]]
    let adminByCode: [String: Int]
    let gridsByKey: [String: [Int]]
    /// Compound and POI names without their suffix (金海岸 for 金海岸花园), for names written bare.
    let poiCores: [String: [Int]]
    let indexByFid: [Int64: Int]
    /// The longest name key, in scalars: a text longer by two or more is one edit from none of
    /// them, so it gets no deletion keys (a long text would make as many keys as it has characters,
    /// each nearly as long: quadratic time and memory).
    let longestKey: Int
    let store: any PlanStore
    package let lexicon: [String: AdminLevel]
    package let sourcePath: String

    package var count: Int { places.count }

    /// `store`: a GeoPackage, or a plan on a server (``PlanStore``); the places in `fid` order on both.
    package init(store: any PlanStore) throws {
        sourcePath = store.location
        self.store = store
        let (rows, grids, rangeRows) = try store.reading { db in
            (
                try db.rows(
                    """
                    SELECT fid, kind, level, code, name,                                  -- 0 to 4
                           aliases, parent_code, county_code, street_code, community_code, -- 5 to 9
                           road, number_from, number_to, compound, building, geom          -- 10 to 15
                    FROM gazetteer ORDER BY fid
                    """, []),
                try GridRecord.current(db),
                try db.rows("SELECT entry, side, number_from, number_to, parity FROM gazetteer_ranges ORDER BY fid", [])
            )
        }
        var rangesByFid: [Int64: [PlanRow]] = [:]
        for r in rangeRows { rangesByFid[r["entry"], default: []].append(r) }
        var ranges: [String: [NumberRange]] = [:]
        let context = GEOSContext()
        var places: [Place] = []
        var aliasKeys: [[String]] = []
        func point(_ blob: Data?) throws -> (Double, Double)? {
            guard let blob, !blob.isEmpty else { return nil }
            let header = try GeoPackageGeometry.header(blob)
            if header.isEmpty { return nil }
            if let e = header.envelope, e.minX == e.maxX, e.minY == e.maxY { return (e.minX, e.minY) }
            let g = try GeoPackageGeometry.decode(blob, context: context)
            let p = g.type == .point ? g : try g.pointOnSurface()
            let xy = try p.xy
            return (xy.x, xy.y)
        }
        // Values by position, in the SELECT's order: by name, each costs a case-insensitive search
        // of the columns, a third of loading a county's gazetteer.
        for r in rows {
            let p = try point(r[15])
            let fid: Int64 = r[0]
            let name: String = r[4]
            let kind = Place.Kind(rawValue: r[1]) ?? .poi
            let level = (r[2] as String?).flatMap(AdminLevel.init(rawValue:))
            places.append(
                Place(
                    id: fid, kind: kind, level: level, gridLevel: nil, code: r[3], name: name,
                    key: PlaceKeys.key(name), county: r[7], street: r[8], community: r[9], parentCode: r[6],
                    lon: p?.0 ?? .nan, lat: p?.1 ?? .nan, hasLocation: p != nil, road: r[10],
                    number: (r[11] as Int64?).map(Int.init), numberTo: (r[12] as Int64?).map(Int.init), compound: r[13],
                    building: r[14]))
            let aliases =
                (r[5] as String?)?.split(whereSeparator: { $0 == "|" || $0 == ";" || $0 == "；" }).map { PlaceKeys.key(String($0)) } ?? []
            aliasKeys.append(aliases)
            places[places.count - 1].aliasKeys = aliases
            // Ranges: the line, scaled once, shared by the ranges of its sides.
            if let list = rangesByFid[fid], let blob = r[15] as Data?, let lat = p?.1 {
                let line = try GeoPackageGeometry.decode(blob, context: context)
                guard line.type == .lineString || line.type == .multiLineString, !line.isEmpty else { continue }
                let xScale = cos(lat * .pi / 180)
                let scaled = try line.mapCoordinates { xs, _ in for i in xs.indices { xs[i] *= xScale } }.wkb
                let placeIndex = places.count - 1
                for x in list {
                    guard let parity = (x["parity"] as String?).flatMap(NumberRange.Parity.init(rawValue:)) else { continue }
                    let range = NumberRange(
                        place: placeIndex, from: x["number_from"], to: x["number_to"], parity: parity,
                        side: (x["side"] as String?).flatMap(NumberRange.Side.init(rawValue:)),
                        line: scaled, xScale: xScale)
                    for key in Set([places[placeIndex].key] + aliases) { ranges[key, default: []].append(range) }
                }
            }
        }
        // Grids: their chain of codes, and their point for divisions of the same code or name.
        let byFid = Dictionary(uniqueKeysWithValues: grids.map { ($0.fid, $0) })
        var adminIndexByCode: [String: Int] = [:]
        var adminIndexByLevelName: [String: Int] = [:]
        for (i, p) in places.enumerated() where p.kind == .admin {
            if let c = p.code { adminIndexByCode[c] = i }
            if let l = p.level { adminIndexByLevelName["\(l.rawValue)|\(PlaceKeys.adminCore(p.name))"] = i }
        }
        for g in grids {
            guard let name = g.name ?? g.code else { continue }
            var chain: [GridLevel: GridRecord] = [g.level: g]
            var up = g.parentFid.flatMap { byFid[$0] }
            while let u = up { chain[u.level] = u; up = u.parentFid.flatMap { byFid[$0] } }
            let xy = try g.geometry(context).pointOnSurface().xy
            let streetCode = chain[.street]?.code, communityCode = chain[.community]?.code
            let county = streetCode.flatMap { $0.count >= 9 ? String($0.prefix(6)) : nil }
            if g.level == .street || g.level == .community {
                let level: AdminLevel = g.level == .street ? .street : .community
                if let i = g.code.flatMap({ adminIndexByCode[$0] }) ?? adminIndexByLevelName["\(level.rawValue)|\(PlaceKeys.adminCore(name))"] {
                    if !places[i].hasLocation { places[i].lon = xy.x; places[i].lat = xy.y; places[i].hasLocation = true }
                    continue
                }
                places.append(
                    Place(
                        id: -g.fid, kind: .admin, level: level, gridLevel: nil, code: g.code, name: name, key: PlaceKeys.key(name),
                        county: county, street: streetCode, community: communityCode,
                        parentCode: chain[g.level.parent ?? .street]?.code, lon: xy.x, lat: xy.y, hasLocation: true))
            } else {
                places.append(
                    Place(
                        id: -g.fid, kind: .grid, level: nil, gridLevel: g.level, code: g.code, name: name, key: PlaceKeys.key(name),
                        county: county, street: streetCode, community: communityCode, parentCode: nil,
                        lon: xy.x, lat: xy.y, hasLocation: true))
            }
            aliasKeys.append([])
        }
        // Divisions still without a point (the county, city, province of a plan that has only
        // street and lower grids): the mean of their located children, bottom up.
        for level in [AdminLevel.county, .city, .province] {
            var sums: [String: (Double, Double, Int)] = [:]
            for p in places where p.kind == .admin && p.hasLocation && p.level.map({ $0 > level }) == true {
                guard let code = p.code, code.count >= 6 else { continue }
                let prefix =
                    level == .county ? String(code.prefix(6)) : level == .city ? String(code.prefix(4)) + "00" : String(code.prefix(2)) + "0000"
                let s = sums[prefix] ?? (0, 0, 0)
                sums[prefix] = (s.0 + p.lon, s.1 + p.lat, s.2 + 1)
            }
            for i in places.indices where places[i].kind == .admin && places[i].level == level && !places[i].hasLocation {
                guard let code = places[i].code, let s = sums[code], s.2 > 0 else { continue }
                places[i].lon = s.0 / Double(s.2); places[i].lat = s.1 / Double(s.2); places[i].hasLocation = true
            }
        }
        // Indexes.
        var adminByCore: [AdminLevel: [String: [Int]]] = [:], fuzzyAdmin: [AdminLevel: [String: [Int]]] = [:]
        var byKey: [Place.Kind: [String: [Int]]] = [:], fuzzy: [Place.Kind: [String: [Int]]] = [:]
        var numbers: [String: [(number: Int, place: Int)]] = [:]
        var buildings: [String: [Int]] = [:]
        var adminByCode: [String: Int] = [:]
        var gridsByKey: [String: [Int]] = [:]
        var poiCores: [String: [Int]] = [:]
        var indexByFid: [Int64: Int] = [:]
        for (i, p) in places.enumerated() {
            if p.id > 0 { indexByFid[p.id] = i }
            let extra = i < aliasKeys.count ? aliasKeys[i] : []
            switch p.kind {
            case .admin:
                guard let level = p.level else { continue }
                if let c = p.code { adminByCode[c] = i }
                for k in Set([p.key, PlaceKeys.adminCore(p.name)] + extra + extra.map { PlaceKeys.adminCore($0) }) {
                    adminByCore[level, default: [:]][k, default: []].append(i)
                }
                let core = PlaceKeys.adminCore(p.name)
                for d in PlaceKeys.deletions(core) + PlaceKeys.deletions(p.key) { fuzzyAdmin[level, default: [:]][d, default: []].append(i) }
            case .grid:
                gridsByKey[p.key, default: []].append(i)
            case .address:
                if let road = p.road, let n = p.number { numbers[road, default: []].append((n, i)) }
            case .building:
                if let c = p.compound { buildings[c, default: []].append(i) }
            case .road, .poi:
                for k in Set([p.key] + extra) {
                    byKey[p.kind, default: [:]][k, default: []].append(i)
                    if p.kind == .poi, let core = PlaceKeys.compoundCore(k) { poiCores[core, default: []].append(i) }
                    for d in Set(PlaceKeys.deletions(k)) { fuzzy[p.kind, default: [:]][d, default: []].append(i) }
                }
            }
        }
        for k in numbers.keys { numbers[k]!.sort { $0.number < $1.number } }
        self.places = places
        self.adminByCore = adminByCore
        self.fuzzyAdmin = fuzzyAdmin
        self.byKey = byKey
        self.fuzzy = fuzzy
        self.numbers = numbers
        self.ranges = ranges
        self.buildings = buildings
        self.adminByCode = adminByCode
        self.gridsByKey = gridsByKey
        self.poiCores = poiCores
        self.indexByFid = indexByFid
        longestKey = (byKey.values.flatMap(\.keys) + adminByCore.values.flatMap(\.keys)).map { $0.unicodeScalars.count }.max() ?? 0
        // The parser's lexicon: provinces, cities and counties without suffix; streets and
        // communities only where no road or compound name starts the same way (中山街道 vs 中山一路).
        var lexicon: [String: AdminLevel] = [:]
        // Every prefix of a road or compound name, as long as the longest division core: a set
        // lookup per division instead of a scan of all names.
        let longestCore = places.lazy.filter { $0.kind == .admin }.map { PlaceKeys.adminCore($0.name).unicodeScalars.count }.max() ?? 0
        var otherPrefixes = Set<String>()
        for p in places where p.kind == .road || p.kind == .poi {
            let s = Array(p.key.unicodeScalars)
            for length in stride(from: 2, through: min(longestCore, s.count), by: 1) { otherPrefixes.insert(makeString(s[..<length])) }
        }
        for p in places where p.kind == .admin {
            guard let level = p.level else { continue }
            let core = PlaceKeys.adminCore(p.name)
            guard core.unicodeScalars.count >= 2, core != p.key || level <= .county else { continue }
            if level >= .street && otherPrefixes.contains(core) { continue }
            if let existing = lexicon[core], existing != level { continue }
            lexicon[core] = level
        }
        self.lexicon = lexicon
    }

    /// The point of house number `n` on a range's line (CGCS2000), by GEOS's linear
    /// interpolation at its fraction of the line's length; nil if GEOS fails.
    package func point(on range: NumberRange, number n: Int) -> (lon: Double, lat: Double)? {
        geometryPool.withContext { context in
            guard let line = try? Geometry(wkb: range.line, context: context),
                let xy = try? line.interpolate(fraction: range.fraction(n)).xy
            else { return nil }
            return (xy.x / range.xScale, xy.y)
        }
    }

    /// The division with this code.
    package func admin(code: String) -> Place? { adminByCode[code].map { places[$0] } }

    func admins(_ level: AdminLevel, core: String, fuzzy allowFuzzy: Bool) -> (exact: Bool, places: [Int]) {
        if let hits = adminByCore[level]?[core], !hits.isEmpty { return (true, hits) }
        guard allowFuzzy else { return (true, []) }
        guard core.unicodeScalars.count <= longestKey + 1 else { return (false, []) }
        var hits = Set<Int>()
        for d in [core] + PlaceKeys.deletions(core) { hits.formUnion(fuzzyAdmin[level]?[d] ?? []) }
        for d in PlaceKeys.deletions(core) { hits.formUnion(adminByCore[level]?[d] ?? []) }
        return (
            false,
            hits.filter { h in
                PlaceKeys.withinOneEdit(PlaceKeys.adminCore(places[h].name), core) || PlaceKeys.withinOneEdit(places[h].key, core)
            }.sorted()
        )
    }

    func named(_ kind: Place.Kind, key: String) -> (exact: Bool, places: [Int]) {
        if let hits = byKey[kind]?[key], !hits.isEmpty { return (true, hits) }
        guard key.unicodeScalars.count <= longestKey + 1 else { return (false, []) }
        var hits = Set<Int>()
        for d in [key] + PlaceKeys.deletions(key) { hits.formUnion(fuzzy[kind]?[d] ?? []) }
        for d in PlaceKeys.deletions(key) { hits.formUnion(byKey[kind]?[d] ?? []) }
        return (
            false,
            hits.filter { h in
                ([places[h].key] + places[h].aliasKeys).contains { PlaceKeys.withinOneEdit($0, key) }
            }.sorted()
        )
    }

    /// Places of a kind whose name or alias contains `text` (three characters or more), from
    /// the FTS5 trigram index: for names the parser could not split, e.g. a compound written
    /// without its suffix and run into other text. Only misses come here, not the hot path.
    ///
    /// A plan on a server has no FTS5 table: its places are searched in memory, the shortest
    /// names first (FTS5 ranks by BM25, which also favours short texts, but not always alike: with
    /// more than `limit` places containing the text, the two may offer different ones).
    func containing(_ text: String, kind: Place.Kind, limit: Int = 8) -> [Int] {
        guard text.unicodeScalars.count >= 3 else { return [] }
        guard let store = store as? GeoPackage else {
            let key = text.lowercased()
            let found = places.indices.filter { i in
                places[i].kind == kind && ([places[i].key] + places[i].aliasKeys).contains { $0.lowercased().contains(key) }
            }
            func length(_ i: Int) -> Int { ([places[i].key] + places[i].aliasKeys).reduce(0) { $0 + $1.count } }
            return Array(found.sorted { (length($0), places[$0].id) < (length($1), places[$1].id) }.prefix(limit))
        }
        let quoted = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let fids =
            (try? store.read { db in
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT f.rowid FROM internal_gazetteer_fts f JOIN gazetteer g ON g.fid = f.rowid
                        WHERE internal_gazetteer_fts MATCH ? AND g.kind = ? ORDER BY rank LIMIT ?
                        """, arguments: [quoted, kind.rawValue, limit])
            }) ?? []
        return fids.compactMap { indexByFid[$0] }
    }
}
