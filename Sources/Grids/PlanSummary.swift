import Foundation
import GridGeometry
import GridProjection
public import GridStore

/// Counts and totals of the current plan, per level: what the main job prints.
public struct PlanSummary: Sendable {
    public struct LevelSummary: Sendable {
        public var level: GridLevel
        public var count = 0
        public var areaM2 = 0.0
        public var households: Int64 = 0
        public var residents: Int64 = 0
        public var invalid = 0
        public var withoutParent = 0
        public var multiPart = 0
    }
    public var levels: [LevelSummary] = []
    public var metricCRS: String = ""

    /// Measures every current grid in the local metric CRS of the plan.
    public static func compute(store: any PlanStore) throws -> PlanSummary {
        let grids = try store.reading { try GridRecord.current($0) }
        var summary = PlanSummary()
        guard !grids.isEmpty else { return summary }
        let context = GEOSContext()
        let geometries = try grids.map { try $0.geometry(context) }
        let extent = geometries.compactMap(\.envelope).reduce(geometries.compactMap(\.envelope)[0]) { $0.union($1) }
        let measure = ZonedMeasure()
        summary.metricCRS = LocalMetric.crs(for: extent).description
        let levelsPresent = Set(grids.map(\.level))
        for level in GridLevel.allCases where levelsPresent.contains(level) {
            var s = LevelSummary(level: level)
            for (grid, geometry) in zip(grids, geometries) where grid.level == level {
                s.count += 1
                s.areaM2 += try measure.area(geometry)
                s.households += grid.households ?? 0
                s.residents += grid.residents ?? 0
                if try geometry.validityProblem() != nil { s.invalid += 1 }
                if geometry.partCount > 1 { s.multiPart += 1 }
                if levelsPresent.contains(where: { $0 < level }), grid.parentFid == nil { s.withoutParent += 1 }
            }
            summary.levels.append(s)
        }
        return summary
    }
}
