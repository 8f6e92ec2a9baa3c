import Foundation

extension Geocoder {
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
            return NumberHit(
                place: list[b].place, score: min(fit(pb) ?? 0, fit(pa) ?? 0), interpolation: .points,
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
            guard p0.county == p1.county, metres(p0.lon, p0.lat, p1.lon, p1.lat) < scores.interpolationMetres else { return nil }
            let t = Double(n - e0.number) / Double(e0.number - e1.number)
            return NumberHit(
                place: e0.place, score: min(fit(p0) ?? 0, fit(p1) ?? 0) * scores.extrapolated, interpolation: .extrapolated,
                lon: p0.lon + t * (p0.lon - p1.lon), lat: p0.lat + t * (p0.lat - p1.lat))
        }

        let same = neighbours(sameParity: true)
        if let b = same.below, let a = same.above, let hit = between(b, a, within: scores.sameSideMetres) { return [hit] }
        // Ranges on road lines: every range that holds n (left and right of one line are one place).
        var onRanges: [NumberHit] = []
        var seen = Set<Int>()
        for range in index.ranges[roadKey] ?? [] where range.contains(n) && !seen.contains(range.place) {
            let p = places[range.place]
            guard let score = fit(p), let xy = index.point(on: range, number: n) else { continue }
            seen.insert(range.place)
            onRanges.append(NumberHit(place: range.place, score: score * scores.onRange, interpolation: .range, lon: xy.lon, lat: xy.lat))
        }
        if !onRanges.isEmpty { return onRanges }
        if let b = same.below, let a = same.above {
            if let hit = between(b, a, within: scores.interpolationMetres) { return [hit] }
        } else if let start = same.below ?? same.above, let hit = extrapolated(from: start, step: same.below != nil ? -1 : 1) {
            return [hit]
        }
        let any = neighbours(sameParity: false)
        if let b = any.below, let a = any.above, let hit = between(b, a, within: scores.interpolationMetres) { return [hit] }
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
                if a.key == b.key && a.county == b.county && metres(a.lon, a.lat, b.lon, b.lat) < scores.roadSegmentMetres {
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
package func metres(_ lon1: Double, _ lat1: Double, _ lon2: Double, _ lat2: Double) -> Double {
    let r = 6_371_008.8, d = Double.pi / 180
    let dLat = (lat2 - lat1) * d, dLon = (lon2 - lon1) * d
    let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * d) * cos(lat2 * d) * sin(dLon / 2) * sin(dLon / 2)
    return 2 * r * asin(min(1, sqrt(a)))
}
