import Foundation
import GridProjection

/// How precisely an address was placed, most precise first.
public enum MatchLevel: String, Sendable, CaseIterable, Comparable {
    case building
    case houseNumber = "house_number"
    case compound
    /// A 片区 or 网格 of the plan named in the text (中华社区第1片区第3网格).
    case grid
    case road, community, street, county, none
    var rank: Int { MatchLevel.allCases.firstIndex(of: self)! }
    public static func < (a: MatchLevel, b: MatchLevel) -> Bool { a.rank < b.rank }
}

/// How a house number that is not in the gazetteer was placed.
public enum Interpolation: String, Sendable {
    /// Between the nearest known numbers on the road.
    case points
    /// On the line of a road whose house-number range holds it.
    case range
    /// Beyond the known numbers, from the two nearest.
    case extrapolated
}

/// What the geocoder answers for one address.
public struct GeocodeResult: Sendable {
    public struct Alternative: Sendable {
        public var name: String
        public var lon: Double, lat: Double
        public var confidence: Double
    }
    public var level: MatchLevel = .none
    public var confidence = 0.0
    /// CGCS2000 longitude/latitude; NaN when nothing matched.
    public var lon = Double.nan, lat = Double.nan
    /// The place matched, as the gazetteer names it.
    public var matched: String?
    public var placeID: Int64?
    /// House number placed between known numbers on its road, or on a range of the road's line.
    public var interpolated = false
    /// How, when interpolated.
    public var interpolation: Interpolation?
    /// A name matched with one character different.
    public var fuzzy = false
    public var countyCode: String?, countyName: String?
    public var streetCode: String?, streetName: String?
    public var communityCode: String?, communityName: String?
    /// Why the result is not more precise (or none): "unknown road", "road not in the named county", …
    public var reason: String?
    public var alternatives: [Alternative] = []
    public var components = AddressComponents()
}

/// Matches parsed addresses against a ``GazetteerIndex``.
///
/// The divisions the text names come first and constrain everything below them: a road or
/// compound in another county is never taken, one in another street or community of the same
/// county only with a penalty (the text may be wrong about small divisions, rarely about the
/// county). Then the most precise place found wins: building, house number (exact, else
/// interpolated between the nearest known numbers on the road), compound or POI, grid, road,
/// community, street, county. Candidates within 0.1 of the best score are alternatives;
/// a tie between places far apart lowers the confidence.
public struct Geocoder: Sendable {
    public let index: GazetteerIndex
    public let parser: AddressParser

    public init(index: GazetteerIndex) {
        self.index = index
        parser = AddressParser(lexicon: index.lexicon)
    }

    public func geocode(_ text: String) -> GeocodeResult {
        let c = parser.parse(text)
        var r = match(c)
        r.components = c
        return r
    }

    struct Constraint {
        var county: String?, street: String?, community: String?
    }

    /// Matches components as the parser gives them (normalised text).
    public func match(_ c: AddressComponents) -> GeocodeResult {
        var result = GeocodeResult()
        var reasons: [String] = []
        var admin = Constraint()
        var adminFuzzy = false
        var deepest: Int? = nil
        let places = index.places

        // Divisions, from the top: each must agree with those above it (by code prefix for
        // province, city and county; by the codes stored with streets and communities).
        var resolvedCode: [AdminLevel: String] = [:]
        func resolve(_ level: AdminLevel, _ name: String?) {
            guard let name else { return }
            let core = PlaceKeys.adminCore(normalized: name)
            let (exact, hits) = index.admins(level, core: core, fuzzy: true)
            let agreeing = hits.filter { i in
                let p = places[i]
                if let county = admin.county, let pc = p.county, level > .county, pc != county { return false }
                if let street = admin.street, let ps = p.street, level > .street, ps != street { return false }
                if let own = p.code {
                    if level == .city, let prov = resolvedCode[.province], !own.hasPrefix(String(prov.prefix(2))) { return false }
                    if level == .county, let city = resolvedCode[.city], !own.hasPrefix(String(city.prefix(4))) { return false }
                    if level == .county, let prov = resolvedCode[.province], !own.hasPrefix(String(prov.prefix(2))) { return false }
                }
                return true
            }
            // The same core may name a 社区 and a 村 (海萍社区, 海萍村): prefer the name as written,
            // then the same kind of suffix (村委会 → 村, 居委会 → 社区).
            let key = name
            let village = level == .community && (key.hasSuffix("村") || key.hasSuffix("村委会") || key.hasSuffix("村民委员会"))
            let ranked = agreeing.sorted { a, b in
                func rank(_ i: Int) -> Int {
                    let p = places[i]
                    if p.key == key { return 0 }
                    if level == .community && p.key.hasSuffix("村") == village { return 1 }
                    return 2
                }
                return (rank(a), a) < (rank(b), b)
            }
            guard let best = ranked.first else {
                reasons.append(hits.isEmpty ? "unknown \(level.rawValue) '\(name)'" : "\(level.rawValue) '\(name)' is not in the named divisions")
                return
            }
            if !exact { adminFuzzy = true }
            let p = places[best]
            if let code = p.code { resolvedCode[level] = code }
            switch level {
            case .county: admin.county = p.code ?? admin.county
            case .street: admin.street = p.code ?? p.street; admin.county = admin.county ?? p.county
            case .community: admin.community = p.code ?? p.community; admin.street = admin.street ?? p.street; admin.county = admin.county ?? p.county
            default: break
            }
            deepest = best
        }
        resolve(.province, c.province)
        resolve(.city, c.city)
        resolve(.county, c.county)
        resolve(.street, c.street)
        resolve(.community, c.community)
        if c.county != nil && admin.county == nil && !reasons.isEmpty {
            // A county outside the gazetteer: nothing below it can be trusted.
            result.reason = reasons.joined(separator: "; ")
            return result
        }

        /// Score of a candidate against the divisions named: nil when in another county.
        func fit(_ p: Place) -> Double? {
            if let county = admin.county, let pc = p.county, pc != county { return nil }
            var s = 1.0
            if let street = admin.street, let ps = p.street, ps != street { s -= 0.25 }
            if let community = admin.community, let pc = p.community, pc != community { s -= 0.1 }
            return s
        }

        struct Candidate { var place: Int; var score: Double; var level: MatchLevel; var interpolated = false; var fuzzy = false
            var lon: Double; var lat: Double; var name: String; var interpolation: Interpolation? = nil }
        var candidates: [Candidate] = []

        // Compounds and POIs (and a bare name, which may be one), with their buildings.
        var compoundFound = false
        for (text, isBare) in [(c.compound, false), (c.bareName, true)] {
            guard let text, !compoundFound else { continue }
            let key = text
            var (exact, hits) = index.named(.poi, key: key)
            if hits.isEmpty, let stripped = stripAdminPrefix(key) { (exact, hits) = index.named(.poi, key: stripped) }
            var partial = false
            if hits.isEmpty {
                // Written without its suffix (金海岸3栋), or run into other text: by the name's
                // core, else any name containing the text (FTS5 trigrams).
                hits = index.poiCores[key] ?? PlaceKeys.compoundCore(key).flatMap { index.poiCores[$0] } ?? []
                if hits.isEmpty { hits = index.containing(key, kind: .poi) }
                partial = !hits.isEmpty
                exact = true
            }
            for i in hits {
                let p = places[i]
                guard p.hasLocation, var score = fit(p) else { continue }
                if !exact { score *= 0.85 }
                if partial { score *= 0.8 }
                if isBare { score *= 0.95 }
                compoundFound = true
                if let b = c.building, let building = building(of: p, label: b) {
                    let bp = places[building]
                    candidates.append(Candidate(place: building, score: score, level: .building, fuzzy: !exact,
                                                lon: bp.lon, lat: bp.lat, name: bp.name))
                } else {
                    candidates.append(Candidate(place: i, score: score * (c.building != nil ? 0.9 : 1), level: .compound,
                                                fuzzy: !exact, lon: p.lon, lat: p.lat, name: p.name))
                }
            }
            if !hits.isEmpty && !compoundFound { reasons.append("compound '\(text)' is not in the named divisions") }
            else if hits.isEmpty && !isBare { reasons.append("unknown compound '\(text)'") }
        }

        // Roads and house numbers.
        if let road = c.road {
            let key = road
            var (exact, hits) = index.named(.road, key: key)
            var numberKeys = [key]
            if hits.isEmpty, let stripped = stripAdminPrefix(key) { (exact, hits) = index.named(.road, key: stripped); numberKeys = [stripped] }
            var partial = false
            if hits.isEmpty {
                // Part of a longer name (two or more characters missing): the FTS5 trigram index.
                hits = index.containing(key, kind: .road)
                partial = !hits.isEmpty
                if partial { exact = true }     // scored as partial (× 0.8), not as a typo
            }
            if !exact || partial { numberKeys = hits.map { places[$0].key } }
            var anyFit = false
            var roads: [(place: Int, score: Double)] = []
            for i in hits {
                let p = places[i]
                guard var score = fit(p) else { continue }
                anyFit = true
                if !exact { score *= 0.85 }
                if partial { score *= 0.8 }
                if p.hasLocation { roads.append((i, score)) }
            }
            // Segments of one road (the same name in the same county, each within 1.5 km of
            // another) are one candidate: the segment nearest their middle.
            for group in roadGroups(roads) {
                let p = places[group.place]
                candidates.append(Candidate(place: group.place, score: group.score, level: .road, fuzzy: !exact || partial,
                                            lon: p.lon, lat: p.lat, name: p.name))
            }
            if let n = c.numberValue {
                for roadKey in Set(numberKeys) {
                    for hit in houseNumber(roadKey, n, fit: fit) {
                        var h = hit
                        if !exact { h.score *= 0.85 }
                        if partial { h.score *= 0.8 }
                        candidates.append(Candidate(place: h.place, score: h.score, level: .houseNumber, interpolated: h.interpolation != nil,
                                                    fuzzy: !exact || partial, lon: h.lon, lat: h.lat,
                                                    name: h.interpolation != nil ? "\(places[hits.first ?? h.place].name)\(n)号" : places[h.place].name,
                                                    interpolation: h.interpolation))
                        anyFit = true
                    }
                }
                if !candidates.contains(where: { $0.level == .houseNumber }) && anyFit { reasons.append("no house numbers known near \(n) on '\(road)'") }
            }
            if hits.isEmpty && !anyFit { reasons.append("unknown road '\(road)'") }
            else if !anyFit { reasons.append("road '\(road)' is not in the named county") }
        }

        // Grids named in the text (中华社区第1片区第3网格).
        if let area = c.area ?? c.gridUnit, let community = c.community {
            let name = community + (c.area ?? "") + (c.gridUnit ?? "")
            let key = PlaceKeys.key(name)
            var hits = index.gridsByKey[key] ?? []
            if hits.isEmpty, c.gridUnit != nil { hits = index.gridsByKey[PlaceKeys.key(community + area)] ?? [] }
            for i in hits { let p = places[i]; candidates.append(Candidate(place: i, score: 1, level: .grid, lon: p.lon, lat: p.lat, name: p.name)) }
        }

        // The divisions themselves.
        if let d = deepest, places[d].hasLocation, let level = places[d].level, level >= .county {
            let p = places[d]
            let matchLevel: MatchLevel = level == .community ? .community : level == .street ? .street : .county
            candidates.append(Candidate(place: d, score: adminFuzzy ? 0.85 : 1, level: matchLevel, fuzzy: adminFuzzy, lon: p.lon, lat: p.lat, name: p.name))
        }

        guard !candidates.isEmpty else {
            result.reason = reasons.isEmpty ? (c.fields.isEmpty ? "empty address" : "nothing recognised") : reasons.joined(separator: "; ")
            return result
        }
        // Most precise level first, then the best score.
        let bestLevel = candidates.map(\.level).min()!
        let atLevel = candidates.filter { $0.level == bestLevel }.sorted { $0.score > $1.score || ($0.score == $1.score && $0.place < $1.place) }
        let best = atLevel[0]
        let close = atLevel.dropFirst().filter { best.score - $0.score < 0.1 && places[$0.place].id != places[best.place].id }
        var confidence = best.score * baseConfidence(bestLevel)
        if best.interpolated { confidence *= 0.85 }
        if adminFuzzy { confidence *= 0.95 }
        if close.contains(where: { metres(best.lon, best.lat, $0.lon, $0.lat) > 300 }) {
            confidence *= 0.6
            reasons.append("ambiguous: \(close.count + 1) places named '\(best.name)'")
        }
        result.level = bestLevel
        result.confidence = (confidence * 1000).rounded() / 1000
        result.lon = best.lon; result.lat = best.lat
        result.matched = best.name
        result.placeID = places[best.place].id
        result.interpolated = best.interpolated
        result.interpolation = best.interpolation
        result.fuzzy = best.fuzzy
        result.alternatives = close.prefix(3).map { .init(name: $0.name, lon: $0.lon, lat: $0.lat, confidence: ($0.score * baseConfidence(bestLevel) * 1000).rounded() / 1000) }
        // The chain: the place's own divisions, else those the text named.
        let p = places[best.place]
        let community = p.kind == .admin && p.level == .community ? p.code : (p.community ?? admin.community)
        let street = p.kind == .admin && p.level == .street ? p.code : (p.street ?? admin.street ?? community.flatMap { index.admin(code: $0)?.street })
        let county = p.kind == .admin && p.level == .county ? p.code : (p.county ?? admin.county ?? street.flatMap { index.admin(code: $0)?.county })
        result.communityCode = community; result.communityName = community.flatMap { index.admin(code: $0)?.name }
        result.streetCode = street; result.streetName = street.flatMap { index.admin(code: $0)?.name }
        result.countyCode = county; result.countyName = county.flatMap { index.admin(code: $0)?.name }
        let wanted: MatchLevel = c.building != nil ? .building : c.number != nil ? .houseNumber : (c.compound != nil || c.bareName != nil) ? .compound
            : c.road != nil ? .road : c.community != nil ? .community : c.street != nil ? .street : .county
        if bestLevel > wanted && !reasons.isEmpty { result.reason = reasons.joined(separator: "; ") }
        else if bestLevel > wanted { result.reason = "\(wanted.rawValue) not found" }
        else if !reasons.isEmpty && confidence < 0.6 { result.reason = reasons.joined(separator: "; ") }
        return result
    }

    func baseConfidence(_ level: MatchLevel) -> Double {
        switch level {
        case .building: 1.0
        case .houseNumber: 0.95
        case .compound: 0.9
        case .grid: 0.8
        case .road: 0.7
        case .community: 0.6
        case .street: 0.45
        case .county: 0.3
        case .none: 0
        }
    }

    /// Keys that start with a division name the text left without suffix (南桥南华社区 as a compound):
    /// the key without it.
    func stripAdminPrefix(_ key: String) -> String? {
        let s = Array(key.unicodeScalars)
        for length in stride(from: min(6, s.count - 2), through: 2, by: -1) {
            if index.lexicon[makeString(s[..<length])] != nil { return makeString(s[length...]) }
        }
        return nil
    }

    func building(of compound: Place, label: String) -> Int? {
        guard let list = index.buildings[compound.key] else { return nil }
        let want = label
        return list.first { i in
            let b = index.places[i]
            return b.building == want && (b.county == nil || compound.county == nil || b.county == compound.county)
        }
    }

    struct NumberHit { var place: Int; var score: Double; var interpolation: Interpolation?; var lon: Double; var lat: Double }

    /// The house number `n` on a road, most trustworthy first: a known point; between the nearest
    /// known numbers of the same parity (the usual odd/even sides) when they are within 300 m of
    /// each other; on the line of a road whose house-number range holds `n`; between known
    /// numbers up to 1.5 km apart; beyond the known numbers (as far again as the last two are
    /// apart); between known numbers of any parity.
    func houseNumber(_ roadKey: String, _ n: Int, fit: (Place) -> Double?) -> [NumberHit] {
        let list = index.numbers[roadKey] ?? []
        let places = index.places
        // Binary search for n.
        var lo = 0, hi = list.count
        while lo < hi { let mid = (lo + hi) / 2; if list[mid].number < n { lo = mid + 1 } else { hi = mid } }
        var k = lo
        var exact: [NumberHit] = []
        while k < list.count && list[k].number == n {
            let p = places[list[k].place]
            if p.hasLocation, let s = fit(p) { exact.append(NumberHit(place: list[k].place, score: s, interpolation: nil, lon: p.lon, lat: p.lat)) }
            k += 1
        }
        if !exact.isEmpty { return exact }

        /// The nearest usable known numbers below and above n (at most 200 entries away).
        func neighbours(sameParity: Bool) -> (below: Int?, above: Int?) {
            var below: Int? = nil, above: Int? = nil
            var j = lo - 1
            while j >= 0 && lo - j < 200 {
                let e = list[j]; let p = places[e.place]
                if (!sameParity || e.number % 2 == n % 2) && p.hasLocation && fit(p) != nil { below = j; break }
                j -= 1
            }
            j = lo
            while j < list.count && j - lo < 200 {
                let e = list[j]; let p = places[e.place]
                if e.number != n && (!sameParity || e.number % 2 == n % 2) && p.hasLocation && fit(p) != nil { above = j; break }
                j += 1
            }
            return (below, above)
        }
        /// Two ends of one road: both in the same county, and close.
        func between(_ b: Int, _ a: Int, within maxMetres: Double) -> NumberHit? {
            let pb = places[list[b].place], pa = places[list[a].place]
            guard pb.county == pa.county, metres(pb.lon, pb.lat, pa.lon, pa.lat) < maxMetres else { return nil }
            let t = Double(n - list[b].number) / Double(list[a].number - list[b].number)
            return NumberHit(place: list[b].place, score: min(fit(pb) ?? 0, fit(pa) ?? 0), interpolation: .points,
                             lon: pb.lon + t * (pa.lon - pb.lon), lat: pb.lat + t * (pa.lat - pb.lat))
        }
        /// From the two nearest known numbers of n's parity on one side, at most as far again as
        /// they are apart.
        func extrapolated(from start: Int, step: Int) -> NumberHit? {
            var ends: [Int] = []
            var j = start
            while j >= 0 && j < list.count && ends.count < 2 {
                let e = list[j], p = places[e.place]
                if e.number % 2 == n % 2 && p.hasLocation && fit(p) != nil && (ends.isEmpty || list[ends[0]].number != e.number) { ends.append(j) }
                j += step
            }
            guard ends.count == 2 else { return nil }
            let (e0, e1) = (list[ends[0]], list[ends[1]])
            let gap = abs(e0.number - e1.number)
            guard abs(n - e0.number) <= 2 * gap else { return nil }
            let p0 = places[e0.place], p1 = places[e1.place]
            guard p0.county == p1.county, metres(p0.lon, p0.lat, p1.lon, p1.lat) < 1500 else { return nil }
            let t = Double(n - e0.number) / Double(e0.number - e1.number)
            return NumberHit(place: e0.place, score: min(fit(p0) ?? 0, fit(p1) ?? 0) * 0.9, interpolation: .extrapolated,
                             lon: p0.lon + t * (p0.lon - p1.lon), lat: p0.lat + t * (p0.lat - p1.lat))
        }

        let same = neighbours(sameParity: true)
        if let b = same.below, let a = same.above, let hit = between(b, a, within: 300) { return [hit] }
        // Ranges on road lines: every range that holds n (left and right of one line are one place).
        var onRanges: [NumberHit] = []
        var seen = Set<Int>()
        for range in index.ranges[roadKey] ?? [] where range.contains(n) && !seen.contains(range.place) {
            let p = places[range.place]
            guard let score = fit(p), let xy = index.point(on: range, number: n) else { continue }
            seen.insert(range.place)
            onRanges.append(NumberHit(place: range.place, score: score * 0.95, interpolation: .range, lon: xy.lon, lat: xy.lat))
        }
        if !onRanges.isEmpty { return onRanges }
        if let b = same.below, let a = same.above {
            if let hit = between(b, a, within: 1500) { return [hit] }
        } else if let start = same.below ?? same.above, let hit = extrapolated(from: start, step: same.below != nil ? -1 : 1) {
            return [hit]
        }
        let any = neighbours(sameParity: false)
        if let b = any.below, let a = any.above, let hit = between(b, a, within: 1500) { return [hit] }
        return []
    }

    /// Road candidates grouped into roads: the same name and county, and each segment within
    /// 1.5 km of another of the group (single linkage). Each group gives its best score and the
    /// segment nearest the mean of their points.
    func roadGroups(_ roads: [(place: Int, score: Double)]) -> [(place: Int, score: Double)] {
        guard roads.count > 1 else { return roads }
        let places = index.places
        var parent = Array(roads.indices)
        func root(_ i: Int) -> Int { var i = i; while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }; return i }
        for i in roads.indices {
            for j in roads.indices where j > i {
                let a = places[roads[i].place], b = places[roads[j].place]
                if a.key == b.key && a.county == b.county && metres(a.lon, a.lat, b.lon, b.lat) < 1500 {
                    parent[root(j)] = root(i)
                }
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in roads.indices { groups[root(i), default: []].append(i) }
        return groups.keys.sorted().map { r in
            let members = groups[r]!
            if members.count == 1 { return roads[members[0]] }
            let lon = members.map { places[roads[$0].place].lon }.reduce(0, +) / Double(members.count)
            let lat = members.map { places[roads[$0].place].lat }.reduce(0, +) / Double(members.count)
            let middle = members.min { a, b in
                let pa = places[roads[a].place], pb = places[roads[b].place]
                return (metres(pa.lon, pa.lat, lon, lat), roads[a].place) < (metres(pb.lon, pb.lat, lon, lat), roads[b].place)
            }!
            return (roads[middle].place, members.map { roads[$0].score }.max()!)
        }
    }
}

/// Great-circle distance in metres (spherical, good to 0.5 % at these distances).
public func metres(_ lon1: Double, _ lat1: Double, _ lon2: Double, _ lat2: Double) -> Double {
    let r = 6_371_008.8, d = Double.pi / 180
    let dLat = (lat2 - lat1) * d, dLon = (lon2 - lon1) * d
    let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * d) * cos(lat2 * d) * sin(dLon / 2) * sin(dLon / 2)
    return 2 * r * asin(min(1, sqrt(a)))
}
