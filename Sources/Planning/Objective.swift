import Foundation

/// What the search minimises, in this order: the violation (households outside the bounds, residents
/// over the cap, metres over the radius, grids surrounding a dedicated grid), then the cost (balance
/// against compactness). The weights are named here so that they can be tuned and measured in one
/// place (tools/bench-partition), and every comparison of the search uses the one ``tolerance``.
package struct Objective: Sendable, Equatable {
    /// Households, violations and costs closer than this are equal: sums of the same households in a
    /// different order differ by rounding, and a move that gains nothing but rounding must not count.
    package static let tolerance = 1e-9

    /// Weight of the balance term against compactness in the cost (per region: λ·((h−mean)/(max−min))² + (1−PP)).
    /// 1 keeps every grid well inside the bounds while letting compactness count (measured with
    /// tools/bench-partition: 4 gave max deviations ~20 % lower but Polsby–Popper 0.05–0.09 lower).
    package var balanceWeight = 1.0
    /// Households of violation per metre over the maximum radius: the radius gives way to the household
    /// and resident bounds (100 m over weighs as one household over), but is avoided when they allow it.
    package var radiusWeight = 0.01
    /// Households of violation for a region that surrounds a fixed (dedicated) block on every side: the grid
    /// would have a hole. Below the bounds (a grid 10 households over weighs as much), above compactness.
    package var enclosureWeight = 10.0
    /// Balance against households leaving their grid when a redraw makes room: a redraw must fix
    /// bounds with few moves, so balance weighs more here than in a fresh plan's cost.
    package static let makeRoomBalanceWeight = 4.0
    /// Weight, in the same score, of each household (as a share of the mean) leaving its original grid.
    package static let makeRoomStayWeight = 0.5

    package init() {}

    /// Whether a move changing the violation by `dv` and the cost by `dc` is an improvement: less
    /// violation, or as much and a lower cost.
    static func improves(dv: Double, dc: Double) -> Bool {
        dv < -tolerance || (abs(dv) <= tolerance && dc < -tolerance)
    }

    /// Whether plan `after` is better than plan `before` by the same rule.
    static func better(_ after: RegionBuilder.Solution, than before: RegionBuilder.Solution) -> Bool {
        after.violation < before.violation - tolerance
            || (abs(after.violation - before.violation) <= tolerance && after.cost < before.cost - tolerance)
    }
}

/// The objective for one parent: its targets and the mean households of the grids the search may change.
struct RegionScore {
    let objective: Objective
    let targets: Targets
    /// Mean households of the regions that are not locked: the balance term's centre.
    let mean: Double
    /// Households of violation per resident over the cap (max households / max residents), 0 without a cap.
    let residentsScale: Double
    let radiusOn: Bool
    /// The width of the bounds (at least 1): deviations from the mean are measured in it.
    let spread: Double

    init(objective: Objective, targets: Targets, mean: Double) {
        self.objective = objective
        self.targets = targets
        self.mean = mean
        residentsScale = targets.maxResidents.map { targets.max / Swift.max($0, 1) } ?? 0
        radiusOn = targets.maxRadius != nil
        spread = Swift.max(targets.max - targets.min, 1)
    }

    /// Violation of a region of `w` households, `res` residents and radius `rad`, surrounding `enclaves` fixed blocks.
    func violation(_ w: Double, _ res: Double, _ rad: Double, _ enclaves: Int = 0) -> Double {
        let t = targets
        var v = Swift.max(0, t.min - w) + Swift.max(0, w - t.max)
        if let cap = t.maxResidents { v += residentsScale * Swift.max(0, res - cap) }
        if radiusOn, let m = t.maxRadius { v += objective.radiusWeight * Swift.max(0, rad - m) }
        return v + objective.enclosureWeight * Double(enclaves)
    }

    /// Cost of a region: balance (squared deviation from the mean, in widths of the bounds) plus 1 − Polsby–Popper.
    func cost(weight w: Double, area a: Double, perimeter p: Double) -> Double {
        let d = (w - mean) / spread
        let pp = p > 0 ? 4 * Double.pi * a / (p * p) : 0
        return objective.balanceWeight * d * d + (1 - pp)
    }

    /// The squared deviation of `w` households from the mean, in widths of the bounds (balance alone).
    func balance(_ w: Double) -> Double {
        let d = (w - mean) / spread
        return d * d
    }
}
