import Foundation
import GridGeometry
import GridProjection

/// Measures of each grid, in the plan's metric CRS, and their roll-up per level.
public struct GridStats: Sendable {
    public struct Grid: Sendable {
        public var code: String?
        public var name: String?
        public var level: GridLevel
        public var areaM2: Double
        public var perimeterM: Double
        /// Polsby–Popper: 4πA/P², 1 for a circle, small for long thin shapes.
        public var compactness: Double
        public var households: Int64?
        public var residents: Int64?
        public var children: Int
        /// From the grid's centroid to its farthest boundary point, in metres: how far a gridder walks.
        public var radiusM: Double
        public var withinRules: Bool
    }

    /// Minimum, median and maximum of one measure over a level.
    public struct Spread: Sendable {
        public var min: Double, median: Double, max: Double
        init?(_ values: [Double]) {
            guard !values.isEmpty else { return nil }
            let s = values.sorted()
            min = s[0]; max = s[s.count - 1]
            median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
    }

    public struct Level: Sendable {
        public var level: GridLevel
        public var count: Int
        public var area: Spread?
        public var perimeter: Spread?
        public var compactness: Spread?
        public var households: Spread?
        public var residents: Spread?
        public var radius: Spread?
        public var children: Spread?
        public var totalAreaM2: Double
        public var totalHouseholds: Int64
        public var totalResidents: Int64
        /// Share of grids meeting the sizing rules that apply to them (1 when none apply).
        public var shareWithinRules: Double
    }

    public var grids: [Grid]
    public var levels: [Level]
    public var metricCRS: String

    public static func compute(_ plan: PlanSnapshot, rules: SizingRules = .defaults, level only: GridLevel? = nil) throws -> GridStats {
        var grids: [Grid] = []
        for (i, record) in plan.grids.enumerated() where only == nil || record.level == only {
            // Each grid in the Gauss–Krüger zone of its own centre: accurate whatever the plan's extent.
            let m = try plan.measure.projector(for: plan.lonLat[i]).project(plan.lonLat[i])
            let area = m.area, perimeter = m.length
            let centre = try m.centroid().xy
            let (xs, ys) = try m.coordinates()
            var radius = 0.0
            for k in xs.indices {
                radius = max(radius, ((xs[k] - centre.x) * (xs[k] - centre.x) + (ys[k] - centre.y) * (ys[k] - centre.y)).squareRoot())
            }
            grids.append(
                Grid(
                    code: record.code, name: record.name, level: record.level, areaM2: area, perimeterM: perimeter,
                    compactness: perimeter > 0 ? 4 * Double.pi * area / (perimeter * perimeter) : 0,
                    households: record.households, residents: record.residents,
                    children: plan.children[i]?.count ?? 0, radiusM: radius, withinRules: rules.within(record)))
        }
        let levels = GridLevel.allCases.compactMap { level -> Level? in
            let members = grids.filter { $0.level == level }
            guard !members.isEmpty else { return nil }
            return Level(
                level: level, count: members.count,
                area: Spread(members.map(\.areaM2)), perimeter: Spread(members.map(\.perimeterM)),
                compactness: Spread(members.map(\.compactness)),
                households: Spread(members.compactMap(\.households).map(Double.init)),
                residents: Spread(members.compactMap(\.residents).map(Double.init)),
                radius: Spread(members.map(\.radiusM)), children: Spread(members.map { Double($0.children) }),
                totalAreaM2: members.map(\.areaM2).reduce(0, +),
                totalHouseholds: members.compactMap(\.households).reduce(0, +),
                totalResidents: members.compactMap(\.residents).reduce(0, +),
                shareWithinRules: Double(members.filter(\.withinRules).count) / Double(members.count))
        }
        return GridStats(grids: grids, levels: levels, metricCRS: plan.projector.metricCRS.description)
    }
}
