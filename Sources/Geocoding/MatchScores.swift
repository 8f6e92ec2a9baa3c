/// Every number the matcher scores with, in one place, so that calibrating the confidence is
/// a change of this table and not a hunt through the matching steps.
///
/// A candidate's score starts at 1 and is multiplied (or lowered) by what weakens it; the answer's
/// confidence is the best candidate's score times the base of its level, then times what is
/// uncertain about the answer as a whole. The values were set against the labelled sets of
/// GeoData/ (the noisy test set and the calibration set): among answers of confidence 0.8 or
/// more, at least 95 % must be right (see `tools/bench-geocode`'s reliability table).
package struct MatchScores: Sendable {
    /// Subtracted when the place lies in another street than the one the text names.
    package var otherStreet = 0.25
    /// Subtracted when the place lies in another community than the one the text names.
    package var otherCommunity = 0.1
    /// A name matched with one character changed, added, removed or two swapped.
    package var oneEdit = 0.85
    /// A name found as part of a longer one (FTS5 trigrams).
    package var partOfName = 0.8
    /// A compound or POI taken from text that had no marker (金海岸3栋).
    package var bareName = 0.95
    /// The compound found, the building the text names not.
    package var buildingMissing = 0.9
    /// A division named with one character off: its own candidate, and the answer as a whole.
    package var fuzzyDivision = 0.85
    package var fuzzyDivisionAnswer = 0.95
    /// A house number placed between known ones, or on a range of the road's line.
    package var interpolated = 0.85
    package var onRange = 0.95
    /// A house number beyond the known ones.
    package var extrapolated = 0.9
    /// A name one edit away from the gazetteer's, or part of a longer one, that nothing else in
    /// the address confirms (no street or community named that holds it): never confident.
    package var unconfirmedName = 0.6
    /// Whether such a name is held back rather than answered (the default): the answer is then the
    /// finest level that is certain (a division named), with the near names as alternatives. A wrong
    /// fine match costs a gridder a walk; an honest coarse one costs a look at the candidates.
    /// Off, the near name is answered with `unconfirmedName`'s low confidence and the answer's
    /// ``GeocodeResult/certainLevel`` says how far to trust it.
    package var holdBackUnconfirmed = true
    /// Two places almost as good and far apart.
    package var ambiguous = 0.6
    /// Candidates within this of the best score are alternatives.
    package var closeScore = 0.1
    /// Alternatives farther apart than this make the answer ambiguous.
    package var ambiguousMetres = 300.0
    /// Segments of one road name in one county within this of each other are one road.
    package var roadSegmentMetres = 1_500.0
    /// Known house numbers of one parity up to this far apart are interpolated between first.
    package var sameSideMetres = 300.0
    /// Known house numbers up to this far apart are interpolated between at all.
    package var interpolationMetres = 1_500.0

    /// What a perfect match at a level is worth: the finer, the more useful and the more it says.
    package func base(_ level: MatchLevel) -> Double {
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

    package init() {}

    package static let standard = MatchScores()
}
