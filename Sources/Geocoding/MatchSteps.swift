import Foundation

/// One match in progress: the steps of ``Geocoder/match(_:)`` share what the divisions
/// established, the candidates found so far and the reasons for what was not found.
struct Matching {
    struct Constraint {
        var county: String?, street: String?, community: String?
    }

    struct Candidate {
        var place: Int
        var score: Double
        var level: MatchLevel
        var interpolated = false
        /// The name was one edit away, or part of a longer name.
        var fuzzy = false
        /// A fuzzy name that a division named in the text holds (or that is not fuzzy at all).
        var confirmed = true
        var lon: Double, lat: Double
        var name: String
        var interpolation: Interpolation? = nil
    }

    let g: Geocoder
    let c: AddressComponents
    let places: [Place]
    let scores: MatchScores
    var reasons: [String] = []
    var admin = Constraint()
    var adminFuzzy = false
    var deepest: Int? = nil
    var resolvedCode: [AdminLevel: String] = [:]
    var candidates: [Candidate] = []
    /// Fuzzy candidates nothing confirms: listed with a coarser answer, not given as it.
    var heldBack: [Candidate] = []
    /// The finest level a confirmed candidate reaches.
    var certainLevel = MatchLevel.none
    var unconfirmedNote: String?

    init(geocoder: Geocoder, components: AddressComponents) {
        g = geocoder
        c = components
        places = geocoder.index.places
        scores = geocoder.scores
    }

    // MARK: Divisions

    /// The divisions named, from the top: each must agree with those above it (by code prefix
    /// for province, city and county; by the codes stored with streets and communities). What the
    /// parser filled in from the national list is not asked of the gazetteer, which may hold no
    /// province or city at all.
    mutating func resolveDivisions() {
        if !c.inferred.contains(.province) { resolve(.province, c.province) }
        if !c.inferred.contains(.city) { resolve(.city, c.city) }
        if !c.inferred.contains(.county) { resolve(.county, c.county) }
        resolve(.street, c.street)
        resolve(.community, c.community)
    }

    /// A county outside the gazetteer: nothing below it can be trusted.
    var countyIsUnknown: Bool { c.county != nil && !c.inferred.contains(.county) && admin.county == nil && !reasons.isEmpty }

    func agrees(_ p: Place, as level: AdminLevel) -> Bool {
        if let county = admin.county, let pc = p.county, level > .county, pc != county { return false }
        if let street = admin.street, let ps = p.street, level > .street, ps != street { return false }
        if let own = p.code {
            if level == .city, let prov = resolvedCode[.province], !own.hasPrefix(String(prov.prefix(2))) { return false }
            if level == .county, let city = resolvedCode[.city], !own.hasPrefix(String(city.prefix(4))) { return false }
            if level == .county, let prov = resolvedCode[.province], !own.hasPrefix(String(prov.prefix(2))) { return false }
        }
        return true
    }

    mutating func resolve(_ level: AdminLevel, _ name: String?) {
        guard let name else { return }
        let places = self.places
        let (exact, hits) = g.index.admins(level, core: PlaceKeys.adminCore(normalized: name), fuzzy: true)
        let agreeing = hits.filter { agrees(places[$0], as: level) }
        // The same core may name a 社区 and a 村 (海萍社区, 海萍村): prefer the name as written,
        // then the same kind of suffix (村委会 → 村, 居委会 → 社区).
        let village = level == .community && (name.hasSuffix("村") || name.hasSuffix("村委会") || name.hasSuffix("村民委员会"))
        func rank(_ i: Int) -> Int {
            if places[i].key == name { return 0 }
            if level == .community && places[i].key.hasSuffix("村") == village { return 1 }
            return 2
        }
        guard let best = agreeing.min(by: { (rank($0), $0) < (rank($1), $1) }) else {
            reasons.append(hits.isEmpty ? "unknown \(level.rawValue) '\(name)'" : "\(level.rawValue) '\(name)' is not in the named divisions")
            return
        }
        if !exact { adminFuzzy = true }
        let p = places[best]
        if let code = p.code { resolvedCode[level] = code }
        switch level {
        case .county: admin.county = p.code ?? admin.county
        case .street: admin.street = p.code ?? p.street; admin.county = admin.county ?? p.county
        case .community:
            admin.community = p.code ?? p.community; admin.street = admin.street ?? p.street; admin.county = admin.county ?? p.county
        default: break
        }
        deepest = best
    }

    /// Score of a candidate against the divisions named: nil when in another county.
    func fit(_ p: Place) -> Double? {
        if let county = admin.county, let pc = p.county, pc != county { return nil }
        var s = 1.0
        if let street = admin.street, let ps = p.street, ps != street { s -= scores.otherStreet }
        if let community = admin.community, let pc = p.community, pc != community { s -= scores.otherCommunity }
        return s
    }

    /// A fuzzy name is confirmed when a street or community named in the text holds the place.
    func confirms(_ p: Place) -> Bool {
        if let community = admin.community, p.community == community { return true }
        if let street = admin.street, p.street == street { return true }
        return false
    }

    /// A name one character off that sounds the same as the place's name or an alias of it (洪星路
    /// for 红星路): the place misheard, confirmed by its sound. See ``Homophones``.
    func soundsLike(_ written: String, _ p: Place) -> Bool {
        ([p.key] + p.aliasKeys).contains { Homophones.differByOneSound(written, $0) }
    }

    // MARK: Compounds and POIs

    /// Compounds and POIs (and a bare name, which may be one), with their buildings.
    mutating func addCompounds() {
        var found = false
        for (text, isBare) in [(c.compound, false), (c.bareName, true)] {
            guard let text, !found else { continue }
            var (exact, hits) = g.index.named(.poi, key: text)
            var written = text
            if hits.isEmpty, let stripped = g.stripAdminPrefix(text) { (exact, hits) = g.index.named(.poi, key: stripped); written = stripped }
            var partial = false, inLongerName = false
            if hits.isEmpty {
                // Written without its suffix (金海岸3栋), or run into other text: by the name's
                // core, else any name containing the text (FTS5 trigrams).
                hits = g.index.poiCores[text] ?? PlaceKeys.compoundCore(text).flatMap { g.index.poiCores[$0] } ?? []
                if hits.isEmpty { hits = g.index.containing(text, kind: .poi); inLongerName = !hits.isEmpty }
                partial = !hits.isEmpty
                exact = true
            }
            for i in hits {
                let p = places[i]
                guard p.hasLocation, var score = fit(p) else { continue }
                if !exact { score *= scores.oneEdit }
                if partial { score *= scores.partOfName }
                if isBare { score *= scores.bareName }
                found = true
                let confirmed = exact && !inLongerName || confirms(p) || (!exact && soundsLike(written, p))
                if let b = c.building, let building = g.building(of: p, label: b) {
                    let bp = places[building]
                    candidates.append(
                        Candidate(
                            place: building, score: score, level: .building, fuzzy: !exact, confirmed: confirmed,
                            lon: bp.lon, lat: bp.lat, name: bp.name))
                } else {
                    candidates.append(
                        Candidate(
                            place: i, score: score * (c.building != nil ? scores.buildingMissing : 1), level: .compound,
                            fuzzy: !exact, confirmed: confirmed, lon: p.lon, lat: p.lat, name: p.name))
                }
            }
            if !hits.isEmpty && !found {
                reasons.append("compound '\(text)' is not in the named divisions")
            } else if hits.isEmpty && !isBare {
                reasons.append("unknown compound '\(text)'")
            }
        }
    }

    // MARK: Roads and house numbers

    mutating func addRoadsAndNumbers() {
        guard let road = c.road else { return }
        var (exact, hits) = g.index.named(.road, key: road)
        var numberKeys = [road], written = road
        if hits.isEmpty, let stripped = g.stripAdminPrefix(road) {
            (exact, hits) = g.index.named(.road, key: stripped); numberKeys = [stripped]; written = stripped
        }
        var partial = false
        if hits.isEmpty {
            // Part of a longer name (two or more characters missing): the FTS5 trigram index.
            hits = g.index.containing(road, kind: .road)
            partial = !hits.isEmpty
            if partial { exact = true } // scored as part of a name, not as a typo
        }
        if !exact || partial { numberKeys = hits.map { places[$0].key } }
        let fuzzy = !exact || partial
        var anyFit = false
        var roads: [(place: Int, score: Double)] = []
        for i in hits {
            let p = places[i]
            guard var score = fit(p) else { continue }
            anyFit = true
            if !exact { score *= scores.oneEdit }
            if partial { score *= scores.partOfName }
            if p.hasLocation { roads.append((i, score)) }
        }
        // Segments of one road (the same name in the same county, each within 1.5 km of
        // another) are one candidate: the segment nearest their middle.
        for group in g.roadGroups(roads) {
            let p = places[group.place]
            candidates.append(
                Candidate(
                    place: group.place, score: group.score, level: .road, fuzzy: fuzzy,
                    confirmed: !fuzzy || confirms(p) || (!exact && soundsLike(written, p)), lon: p.lon, lat: p.lat, name: p.name))
        }
        if let n = c.numberValue {
            let fit = self.fit
            for roadKey in Set(numberKeys) {
                for var h in g.houseNumber(roadKey, n, fit: fit) {
                    if !exact { h.score *= scores.oneEdit }
                    if partial { h.score *= scores.partOfName }
                    let name = h.interpolation != nil ? "\(places[hits.first ?? h.place].name)\(n)号" : places[h.place].name
                    candidates.append(
                        Candidate(
                            place: h.place, score: h.score, level: .houseNumber, interpolated: h.interpolation != nil,
                            fuzzy: fuzzy,
                            confirmed: !fuzzy || confirms(places[h.place]) || (!exact && Homophones.differByOneSound(written, roadKey)),
                            lon: h.lon, lat: h.lat,
                            name: name, interpolation: h.interpolation))
                    anyFit = true
                }
            }
            if !candidates.contains(where: { $0.level == .houseNumber }) && anyFit { reasons.append("no house numbers known near \(n) on '\(road)'") }
        }
        if hits.isEmpty && !anyFit {
            reasons.append("unknown road '\(road)'")
        } else if !anyFit {
            reasons.append("road '\(road)' is not in the named county")
        }
    }

    // MARK: Grids and divisions

    /// Grids named in the text (中华社区第1片区第3网格).
    mutating func addGrids() {
        guard let area = c.area ?? c.gridUnit, let community = c.community else { return }
        let name = community + (c.area ?? "") + (c.gridUnit ?? "")
        var hits = g.index.gridsByKey[PlaceKeys.key(name)] ?? []
        if hits.isEmpty, c.gridUnit != nil { hits = g.index.gridsByKey[PlaceKeys.key(community + area)] ?? [] }
        for i in hits {
            let p = places[i]
            candidates.append(Candidate(place: i, score: 1, level: .grid, lon: p.lon, lat: p.lat, name: p.name))
        }
    }

    /// The finest division named, as a candidate of its own.
    mutating func addDivision() {
        guard let d = deepest, places[d].hasLocation, let level = places[d].level, level >= .county else { return }
        let p = places[d]
        let matchLevel: MatchLevel = level == .community ? .community : level == .street ? .street : .county
        candidates.append(
            Candidate(
                place: d, score: adminFuzzy ? scores.fuzzyDivision : 1, level: matchLevel, fuzzy: adminFuzzy,
                lon: p.lon, lat: p.lat, name: p.name))
    }

    // MARK: Deciding

    /// A name one edit from the gazetteer's (火星路 for 红星路) or part of a longer one that no
    /// named division confirms is scored down (never confident). With
    /// ``MatchScores/holdBackUnconfirmed`` it is not an answer at all, only listed with the finest
    /// certain answer (a house number known on the near name does not confirm it: 1号 is on most roads).
    mutating func weighUnconfirmedNames() {
        certainLevel = candidates.filter(\.confirmed).map(\.level).min() ?? .none
        var kept: [Candidate] = []
        for var k in candidates {
            if k.confirmed { kept.append(k); continue }
            k.score *= scores.unconfirmedName
            if scores.holdBackUnconfirmed { heldBack.append(k) } else { kept.append(k) }
        }
        let unconfirmed = Set((heldBack + kept.filter { !$0.confirmed }).map(\.name)).sorted()
        if !unconfirmed.isEmpty {
            unconfirmedNote =
                "not in the gazetteer as written, nothing else in the address confirms "
                + unconfirmed.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
        }
        candidates = kept
    }

    func unmatched() -> GeocodeResult {
        var result = GeocodeResult()
        result.reason = reasons.joined(separator: "; ")
        return result
    }

    /// The most precise level first, then the best score; its alternatives, the confidence, and
    /// the chain of divisions.
    mutating func answer() -> GeocodeResult {
        var result = GeocodeResult()
        guard !candidates.isEmpty else {
            if let note = unconfirmedNote { reasons.append(note) }
            result.reason = reasons.isEmpty ? (c.fields.isEmpty ? "empty address" : "nothing recognised") : reasons.joined(separator: "; ")
            result.alternatives = alternatives(heldBack, level: nil)
            return result
        }
        let bestLevel = candidates.map(\.level).min()!
        let atLevel = candidates.filter { $0.level == bestLevel }.sorted { $0.score > $1.score || ($0.score == $1.score && $0.place < $1.place) }
        let best = atLevel[0]
        if let note = unconfirmedNote, !best.confirmed || !heldBack.isEmpty { reasons.append(note) }
        let close = atLevel.dropFirst().filter { best.score - $0.score < scores.closeScore && places[$0.place].id != places[best.place].id }
        var confidence = best.score * scores.base(bestLevel)
        if best.interpolated { confidence *= scores.interpolated }
        if adminFuzzy { confidence *= scores.fuzzyDivisionAnswer }
        if close.contains(where: { metres(best.lon, best.lat, $0.lon, $0.lat) > scores.ambiguousMetres }) {
            confidence *= scores.ambiguous
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
        result.certainLevel = best.confirmed ? bestLevel : certainLevel
        result.alternatives = alternatives(Array(close), level: bestLevel) + alternatives(heldBack, level: nil)
        setChain(&result, place: places[best.place])
        let wanted: MatchLevel =
            c.building != nil
            ? .building
            : c.number != nil
                ? .houseNumber
                : (c.compound != nil || c.bareName != nil)
                    ? .compound
                    : c.road != nil
                        ? .road
                        : c.community != nil ? .community : c.street != nil ? .street : .county
        if bestLevel > wanted && !reasons.isEmpty {
            result.reason = reasons.joined(separator: "; ")
        } else if bestLevel > wanted {
            result.reason = "\(wanted.rawValue) not found"
        } else if !reasons.isEmpty && (confidence < 0.6 || !best.confirmed) {
            result.reason = reasons.joined(separator: "; ")
        }
        return result
    }

    /// Alternatives as printed: at the answer's level, or each at its own (held-back names).
    func alternatives(_ list: [Candidate], level: MatchLevel?) -> [GeocodeResult.Alternative] {
        var seen = Set<Int64>()
        var out: [GeocodeResult.Alternative] = []
        for k in list.sorted(by: { $0.score > $1.score || ($0.score == $1.score && $0.place < $1.place) }) {
            guard seen.insert(places[k.place].id).inserted, out.count < 3 else { continue }
            out.append(.init(name: k.name, lon: k.lon, lat: k.lat, confidence: g.confidence(k.score, level ?? k.level)))
        }
        return out
    }

    /// The chain: the place's own divisions, else those the text named.
    func setChain(_ result: inout GeocodeResult, place p: Place) {
        let index = g.index
        let community = p.kind == .admin && p.level == .community ? p.code : (p.community ?? admin.community)
        let street =
            p.kind == .admin && p.level == .street
            ? p.code
            : (p.street ?? admin.street ?? community.flatMap { index.admin(code: $0)?.street })
        let county =
            p.kind == .admin && p.level == .county
            ? p.code
            : (p.county ?? admin.county ?? street.flatMap { index.admin(code: $0)?.county })
        result.communityCode = community; result.communityName = community.flatMap { index.admin(code: $0)?.name }
        result.streetCode = street; result.streetName = street.flatMap { index.admin(code: $0)?.name }
        result.countyCode = county; result.countyName = county.flatMap { index.admin(code: $0)?.name }
    }
}
