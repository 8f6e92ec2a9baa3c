import Cases
import Foundation
import GridErrors
import GridProjection

/// How precisely an address was placed, most precise first.
package enum MatchLevel: String, Sendable, CaseIterable, Comparable {
    case building
    case houseNumber = "house_number"
    case compound
    /// A 片区 or 网格 of the plan named in the text (中华社区第1片区第3网格).
    case grid
    case road, community, street, county, none
    var rank: Int { MatchLevel.allCases.firstIndex(of: self)! }
    package static func < (a: MatchLevel, b: MatchLevel) -> Bool { a.rank < b.rank }
}

/// How a house number that is not in the gazetteer was placed.
package enum Interpolation: String, Sendable {
    /// Between the nearest known numbers on the road.
    case points
    /// On the line of a road whose house-number range holds it.
    case range
    /// Beyond the known numbers, from the two nearest.
    case extrapolated
}

/// What the geocoder answers for one address.
package struct GeocodeResult: Sendable {
    package struct Alternative: Sendable {
        package var name: String
        package var lon: Double, lat: Double
        package var confidence: Double
    }
    package var level: MatchLevel = .none
    package var confidence = 0.0
    /// CGCS2000 longitude/latitude; NaN when nothing matched.
    package var lon = Double.nan, lat = Double.nan
    /// The place matched, as the gazetteer names it.
    package var matched: String?
    package var placeID: Int64?
    /// House number placed between known numbers on its road, or on a range of the road's line.
    package var interpolated = false
    /// How, when interpolated.
    package var interpolation: Interpolation?
    /// A name matched with one character different.
    package var fuzzy = false
    /// The finest level the address makes certain: ``level`` when the place matched is written
    /// as the gazetteer has it (or a named street or community confirms a near name), else the
    /// finest division or exact name found (a near name alone is a guess: 火星路 is not 红星路).
    package var certainLevel: MatchLevel = .none
    package var countyCode: String?, countyName: String?
    package var streetCode: String?, streetName: String?
    package var communityCode: String?, communityName: String?
    /// Why the result is not more precise (or none): "unknown road", "road not in the named county", …
    package var reason: String?
    package var alternatives: [Alternative] = []
    package var components = AddressComponents()
}

/// Matches parsed addresses against a ``GazetteerIndex``.
///
/// The divisions the text names come first and constrain everything below them: a road or
/// compound in another county is never taken, one in another street or community of the same
/// county only with a penalty (the text may be wrong about small divisions, rarely about the
/// county). Then the most precise place found wins: building, house number (exact, else
/// interpolated between the nearest known numbers on the road), compound or POI, grid, road,
/// community, street, county. A name one character away from the gazetteer's is taken only
/// where other parts of the address confirm it; otherwise the answer is the finest level that
/// is certain, with the near names as alternatives. Candidates close to the best score are
/// alternatives; a tie between places far apart lowers the confidence. Every score is in
/// ``MatchScores``.
package struct Geocoder: Sendable {
    package let index: GazetteerIndex
    package let parser: AddressParser
    package let scores: MatchScores

    package init(index: GazetteerIndex, scores: MatchScores = .standard) {
        self.index = index
        self.scores = scores
        parser = AddressParser(lexicon: index.lexicon)
    }

    /// An address over ``AddressLimit/maxCharacters`` is not parsed: its result is no match,
    /// with the reason (a batch row is then located and explained, not lost).
    package func geocode(_ text: String) -> GeocodeResult {
        if let problem = AddressLimit.problem(text) {
            var r = GeocodeResult()
            r.reason = problem.rendered { $0.rawValue }
            return r
        }
        let c = parser.parse(text)
        var r = match(c)
        r.components = c
        return r
    }

    /// Matches components as the parser gives them (normalised text), in named steps.
    package func match(_ c: AddressComponents) -> GeocodeResult {
        var m = Matching(geocoder: self, components: c)
        m.resolveDivisions()
        if m.countyIsUnknown { return m.unmatched() }
        m.addCompounds()
        m.addRoadsAndNumbers()
        m.addGrids()
        m.addDivision()
        m.weighUnconfirmedNames()
        return m.answer()
    }

    /// The confidence of a level at a score, rounded as printed.
    func confidence(_ score: Double, _ level: MatchLevel) -> Double {
        (score * scores.base(level) * 1000).rounded() / 1000
    }

}
