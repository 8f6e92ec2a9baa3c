import Foundation
import GridGeometry

// The JSON shapes of the plan's reports (`summary`, `stats`, `plan diff` and `validate` with
// --json), as Codable types: keys in snake case, absent values written as null.

/// `gridplan summary --json`.
public struct PlanSummaryJSON: Codable, Sendable {
    public struct Level: Codable, Sendable {
        public var level: String
        public var count: Int
        public var areaM2: Double
        public var households: Int64
        public var residents: Int64
        public var invalid: Int
        public var withoutParent: Int
        public var multiPart: Int

        enum CodingKeys: String, CodingKey {
            case level, count, households, residents, invalid
            case areaM2 = "area_m2", withoutParent = "without_parent", multiPart = "multi_part"
        }
    }

    public var metricCRS: String
    public var levels: [Level]

    enum CodingKeys: String, CodingKey { case metricCRS = "metric_crs", levels }

    public init(_ s: PlanSummary) {
        metricCRS = s.metricCRS
        levels = s.levels.map {
            Level(
                level: $0.level.name, count: $0.count, areaM2: $0.areaM2, households: $0.households, residents: $0.residents,
                invalid: $0.invalid, withoutParent: $0.withoutParent, multiPart: $0.multiPart)
        }
    }
}

/// `gridplan stats --json`.
public struct GridStatsJSON: Codable, Sendable {
    public struct Spread: Codable, Sendable {
        public var min: Double, median: Double, max: Double
    }

    public struct Level: Codable, Sendable {
        public var level: String
        public var count: Int
        @Nullable public var areaM2: Spread?
        @Nullable public var perimeterM: Spread?
        @Nullable public var compactness: Spread?
        @Nullable public var households: Spread?
        @Nullable public var residents: Spread?
        @Nullable public var radiusM: Spread?
        @Nullable public var children: Spread?
        public var totalAreaM2: Double
        public var totalHouseholds: Int64
        public var totalResidents: Int64
        public var shareWithinRules: Double

        enum CodingKeys: String, CodingKey {
            case level, count, compactness, households, residents, children
            case areaM2 = "area_m2", perimeterM = "perimeter_m", radiusM = "radius_m", totalAreaM2 = "total_area_m2"
            case totalHouseholds = "total_households", totalResidents = "total_residents", shareWithinRules = "share_within_rules"
        }
    }

    public struct Grid: Codable, Sendable {
        @Nullable public var code: String?
        @Nullable public var name: String?
        public var level: String
        public var areaM2: Double
        public var perimeterM: Double
        public var compactness: Double
        @Nullable public var households: Int64?
        @Nullable public var residents: Int64?
        public var children: Int
        public var radiusM: Double
        public var withinRules: Bool

        enum CodingKeys: String, CodingKey {
            case code, name, level, compactness, households, residents, children
            case areaM2 = "area_m2", perimeterM = "perimeter_m", radiusM = "radius_m", withinRules = "within_rules"
        }
    }

    public var metricCRS: String
    public var levels: [Level]
    public var grids: [Grid]

    enum CodingKeys: String, CodingKey { case metricCRS = "metric_crs", levels, grids }

    public init(_ stats: GridStats) {
        func spread(_ s: GridStats.Spread?) -> Spread? { s.map { Spread(min: $0.min, median: $0.median, max: $0.max) } }
        metricCRS = stats.metricCRS
        levels = stats.levels.map { l in
            Level(
                level: l.level.name, count: l.count, areaM2: spread(l.area), perimeterM: spread(l.perimeter),
                compactness: spread(l.compactness), households: spread(l.households), residents: spread(l.residents),
                radiusM: spread(l.radius), children: spread(l.children), totalAreaM2: l.totalAreaM2,
                totalHouseholds: l.totalHouseholds, totalResidents: l.totalResidents, shareWithinRules: l.shareWithinRules)
        }
        grids = stats.grids.map { g in
            Grid(
                code: g.code, name: g.name, level: g.level.name, areaM2: g.areaM2, perimeterM: g.perimeterM, compactness: g.compactness,
                households: g.households, residents: g.residents, children: g.children, radiusM: g.radiusM, withinRules: g.withinRules)
        }
    }
}

/// `gridplan plan diff --json`.
public struct PlanDiffJSON: Codable, Sendable {
    public struct Change: Codable, Sendable {
        public var change: String
        public var level: String
        public var grid: String
        public var gainedM2: Double
        public var lostM2: Double
        @Nullable public var householdsBefore: Int64?
        @Nullable public var householdsAfter: Int64?
        @Nullable public var householdsMoved: Double?

        enum CodingKeys: String, CodingKey {
            case change, level, grid
            case gainedM2 = "gained_m2", lostM2 = "lost_m2", householdsBefore = "households_before"
            case householdsAfter = "households_after", householdsMoved = "households_moved"
        }
    }

    public struct Moved: Codable, Sendable {
        public var level: String
        @Nullable public var from: String?
        @Nullable public var to: String?
        public var areaM2: Double
        @Nullable public var households: Double?

        enum CodingKeys: String, CodingKey { case level, from, to, households, areaM2 = "area_m2" }
    }

    public var unchanged: Int
    public var changes: [Change]
    public var moved: [Moved]

    public init(_ r: PlanDiff.Result) {
        unchanged = r.unchanged
        changes = r.changes.map { c in
            Change(
                change: c.change.rawValue, level: c.level.name, grid: c.grid, gainedM2: c.gainedM2, lostM2: c.lostM2,
                householdsBefore: c.householdsBefore, householdsAfter: c.householdsAfter, householdsMoved: c.householdsMoved)
        }
        moved = r.pieces.map { Moved(level: $0.level.name, from: $0.from, to: $0.to, areaM2: $0.areaM2, households: $0.households) }
    }
}

/// `gridplan validate --json`: every finding with its place as WKT (7 decimals, CGCS2000).
public struct ValidationJSON: Codable, Sendable {
    public struct Finding: Codable, Sendable {
        public var kind: String
        public var severity: String
        public var level: String
        public var grids: [String]
        public var message: String
        @Nullable public var measure: Double?
        @Nullable public var unit: String?
        @Nullable public var locationWKT: String?

        enum CodingKeys: String, CodingKey { case kind, severity, level, grids, message, measure, unit, locationWKT = "location_wkt" }
    }

    public var grids: Int
    public var metricCRS: String
    public var clean: Bool
    /// Every level, 0 for a level the plan lacks.
    public var gridsPerLevel: [String: Int]
    public var repaired: [String]
    /// Findings per severity, only the severities found.
    public var counts: [String: Int]
    public var findings: [Finding]

    enum CodingKeys: String, CodingKey {
        case grids, clean, repaired, counts, findings
        case metricCRS = "metric_crs", gridsPerLevel = "grids_per_level"
    }

    public init(_ report: Validation.Report) {
        let context = GEOSContext()
        func wkt(_ f: Grids.Finding) -> String? {
            guard let wkb = f.locationWKB, let g = try? Geometry(wkb: wkb, context: context) else { return nil }
            return try? g.wkt(precision: 7)
        }
        grids = report.gridCount
        metricCRS = report.metricCRS
        clean = !report.hasProblems
        gridsPerLevel = Dictionary(uniqueKeysWithValues: GridLevel.allCases.map { ($0.name, report.gridsPerLevel[$0] ?? 0) })
        repaired = report.repaired
        counts = Dictionary(grouping: report.findings, by: \.severity.rawValue).mapValues(\.count)
        findings = report.findings.map { f in
            Finding(
                kind: f.kind.rawValue, severity: f.severity.rawValue, level: f.level.name, grids: f.grids, message: f.message,
                measure: f.measure, unit: f.unit, locationWKT: wkt(f))
        }
    }
}

/// The properties of a grid as a GeoJSON feature (`GET /api/grids`): what the web map shows.
public struct GridPropertiesJSON: Codable, Sendable {
    @Nullable public var code: String?
    @Nullable public var name: String?
    public var level: String
    public var kind: String
    @Nullable public var parentCode: String?
    @Nullable public var households: Int64?
    @Nullable public var residents: Int64?
    public var validFrom: String

    enum CodingKeys: String, CodingKey {
        case code, name, level, kind, households, residents, parentCode = "parent_code", validFrom = "valid_from"
    }

    public init(_ g: GridRecord) {
        code = g.code; name = g.name; level = g.level.name; kind = g.kind; parentCode = g.parentCode
        households = g.households; residents = g.residents; validFrom = g.validFrom
    }
}
