import Foundation

/// Household targets for the grids.
package struct Targets: Sendable, Equatable, Codable {
    package var target: Double
    package var min: Double
    package var max: Double
    /// A fixed number of grids instead of a number derived from the target.
    package var count: Int?
    /// With a count: bounds at ± this share of each parent's mean instead of min/max (nil: use min/max).
    package var countSpread: Double?
    /// Most residents in a grid (nil: no cap): a bound like the household maximum.
    package var maxResidents: Double?
    /// Longest distance in metres from a grid's centre (centroid) to its farthest point (nil: none). The
    /// search avoids exceeding it, second to the household and resident bounds.
    package var maxRadius: Double?

    package init(
        target: Double = 400, min: Double = 300, max: Double = 500, count: Int? = nil, countSpread: Double? = nil,
        maxResidents: Double? = nil, maxRadius: Double? = nil
    ) {
        self.target = target; self.min = min; self.max = max; self.count = count; self.countSpread = countSpread
        self.maxResidents = maxResidents; self.maxRadius = maxRadius
    }

    /// The targets for one parent of `households`: with a count and a spread, the mean and ± spread.
    package func resolved(households: Double) -> Targets {
        guard let count, let countSpread else { return self }
        let mean = households / Double(Swift.max(count, 1))
        return Targets(
            target: mean, min: mean * (1 - countSpread), max: mean * (1 + countSpread), count: count,
            maxResidents: maxResidents, maxRadius: maxRadius)
    }

    /// Whether a grid of `households` and `residents` meets the bounds (households and the residents cap).
    package func within(households: Double, residents: Double) -> Bool {
        let tolerance = Objective.tolerance
        return households >= min - tolerance && households <= max + tolerance
            && residents <= (maxResidents ?? .infinity) + tolerance
    }

    /// Whether `residents` exceed the cap (never without one).
    package func overResidents(_ residents: Double) -> Bool {
        residents > (maxResidents ?? .infinity) + Objective.tolerance
    }

    /// How many grids hold `households` (and `residents`) best: within bounds if any number can, nearest the target.
    func gridCount(for households: Double, residents: Double = 0) -> Int {
        guard households > 0 else { return 1 }
        var residentsLo = 1
        if let maxResidents, maxResidents > 0 { residentsLo = Int((residents / maxResidents).rounded(.up)) }
        let lo = Swift.max(Int((households / max).rounded(.up)), residentsLo), hi = Int((households / min).rounded(.down))
        let ideal = Swift.max(1, Int((households / target).rounded()))
        return lo <= hi ? Swift.min(Swift.max(ideal, lo), hi) : Swift.max(ideal, residentsLo)
    }
}
