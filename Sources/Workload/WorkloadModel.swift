import Cases
package import Duty
import Foundation
import GRDB
import GridErrors
import GridFormats
import GridGeometry
import GridProjection
package import GridStore
package import Grids

/// The plan as the workload measures see it on one day: grids with their loads, gridders with
/// their capacities, bases and primary duties, and distances in the plan's local metric CRS
/// (Gauss–Krüger zone through GridProjection, distances by GEOS).
package final class WorkloadModel {
    package struct Grid {
        package var index: Int
        package var code: String
        package var name: String?
        package var level: GridLevel
        package var households: Double, residents: Double
        /// Weighted cases in the window, dedicated institutions, street metres inside.
        package var cases: Double, dedicated: Int, patrolM: Double
        package var load: Double
        /// The person who is primary on the day, if any.
        package var primary: String?
    }
    package struct Gridder {
        package var person: Person
        /// Own capacity or the role's default; nil for roles that carry none.
        package var capacity: Double?
        /// Base in the metric CRS, when known.
        package var base: (x: Double, y: Double)?
        /// Codes of the grids (at the measured level) the person is primary of.
        package var grids: [String]
    }

    package let day: String
    package let level: GridLevel
    package let rules: WorkloadRules
    package let snapshot: PlanSnapshot
    package private(set) var grids: [Grid] = []
    package private(set) var gridders: [Gridder] = []
    /// Bases (metric) of everyone on duty on the day with a known base: the emergency responders.
    package private(set) var responders: [(x: Double, y: Double)] = []
    private(set) var gridByCode: [String: Int] = [:]
    private(set) var gridderByID: [String: Int] = [:]
    private var radiusCache: [Int: Double] = [:]
    private var samples: [Int: [(Double, Double)]] = [:]

    /// - Parameter roads: a line file in CGCS2000/WGS84 longitude/latitude (e.g. GeoJSON) whose
    ///   length inside each grid is its patrol length.
    package init(
        store: any PlanStore, day: String, level: GridLevel = .unit, rules: WorkloadRules = .defaults,
        roads: String? = nil
    ) throws {
        self.day = day; self.level = level; self.rules = rules
        snapshot = try PlanSnapshot(store: store, at: .date(day))
        let from = Self.shift(day, days: -rules.caseWindowDays)
        let column = ["street_code", "community_code", "area_code", "unit_code"][Int(level.rawValue) - 1]
        let (people, duties, caseRows, onDuty) = try store.reading { db in
            (
                try Roster.people(db), try Roster.duties(db).filter { $0.covers(day) },
                try db.rows(
                    """
                    SELECT \(column) AS code, category, severity, count(*) AS n FROM \(CaseFilings.casesWithCodes(db))
                    WHERE \(column) IS NOT NULL AND reported_at >= ? AND reported_at < ? GROUP BY 1, 2, 3
                    """, [from.databaseValue, day.databaseValue]),
                try Roster.onDutyWithBase(db, day: day)
            )
        }
        responders = try onDuty.map { try snapshot.projector.project(x: $0.lon!, y: $0.lat!) }
        var caseLoad: [String: Double] = [:]
        for r in caseRows {
            let code: String = r["code"], n: Int = r["n"]
            caseLoad[code, default: 0] += Double(n) * rules.caseWeight(category: r["category"], severity: r["severity"])
        }
        let patrol = try roads.map { try Self.patrolLengths(file: $0, snapshot: snapshot, level: level) } ?? [:]
        let active = people.filter { p in (p.activeFrom.map { $0 <= day } ?? true) && (p.activeTo.map { $0 > day } ?? true) }
        let activeIDs = Set(active.map(\.id))
        var primaryOf: [String: String] = [:]
        for d in duties where d.role == .primary && d.level == level && activeIDs.contains(d.personID) { primaryOf[d.gridCode] = d.personID }
        let onDutyIDs = Set(duties.map(\.personID))
        let w = rules.weights
        for i in snapshot.indices(at: level) {
            let g = snapshot.grids[i]
            guard let code = g.code else { continue }
            let dedicated = Self.countDedicated(i, in: snapshot)
            let h = Double(g.households ?? 0), r = Double(g.residents ?? 0), c = caseLoad[code] ?? 0, pm = patrol[i] ?? 0
            let load = w.households * h + w.residents * r + c + w.dedicated * Double(dedicated) + w.patrolKm * pm / 1000
            grids.append(
                Grid(
                    index: i, code: code, name: g.name, level: level, households: h, residents: r, cases: c,
                    dedicated: dedicated, patrolM: pm, load: load, primary: primaryOf[code]))
        }
        gridByCode = Dictionary(grids.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        var held: [String: [String]] = [:]
        for g in grids { if let p = g.primary { held[p, default: []].append(g.code) } }
        for p in active {
            let capacity = rules.capacity(own: p.capacityPerWeek, role: p.role.rawValue)
            // Gridders: anyone primary somewhere at this level, and gridders without any duty at all yet
            // (a backup or a chief is already on duty elsewhere, so not free to be given grids).
            let free = !onDutyIDs.contains(p.id) && [.fullTimeGridder, .partTimeGridder, .mobileGridder].contains(p.role)
            guard held[p.id] != nil || free else { continue }
            let base = try p.lon.map { try snapshot.projector.project(x: $0, y: p.lat!) }
            gridders.append(Gridder(person: p, capacity: capacity, base: base, grids: held[p.id] ?? []))
        }
        gridderByID = Dictionary(uniqueKeysWithValues: gridders.enumerated().map { ($1.person.id, $0) })
    }

    /// Dedicated grids (专属网格) among a grid and everything below it.
    static func countDedicated(_ i: Int, in snapshot: PlanSnapshot) -> Int {
        let own = snapshot.grids[i].kind == GridKind.comprehensive.rawValue ? 0 : 1
        return own + (snapshot.children[i] ?? []).reduce(0) { $0 + countDedicated($1, in: snapshot) }
    }

    package func grid(code: String) -> Grid? { gridByCode[code].map { grids[$0] } }
    package func gridder(id: String) -> Gridder? { gridderByID[id].map { gridders[$0] } }

    /// Load a person carries: the sum over the grids they are primary of.
    package func load(of gridder: Gridder) -> Double { gridder.grids.reduce(0) { $0 + (grid(code: $1)?.load ?? 0) } }

    /// Metres from a base (or, with none, the grid's own centre) to the farthest point of the grid:
    /// the discrete Hausdorff distance between the point and the polygon, whose farthest point is
    /// a vertex.
    package func radius(base: (x: Double, y: Double)?, grid: Grid) throws -> Double {
        let metric = snapshot.metric[grid.index]
        guard let base else {
            if let r = radiusCache[grid.index] { return r }
            let r = try metric.centroid().hausdorffDistance(to: metric)
            radiusCache[grid.index] = r
            return r
        }
        return try Geometry(x: base.x, y: base.y, context: snapshot.context).hausdorffDistance(to: metric)
    }

    /// Mean distance from a base to the grid's households. The store keeps no addresses, so the
    /// households are taken as spread evenly over the grid (a lattice of about 100 points in it).
    package func meanDistance(base: (x: Double, y: Double)?, grid: Grid) throws -> Double {
        let points = try samplePoints(grid)
        let origin = try base ?? snapshot.metric[grid.index].centroid().xy
        guard !points.isEmpty else { return 0 }
        return points.reduce(0) { $0 + hypot($1.0 - origin.x, $1.1 - origin.y) } / Double(points.count)
    }

    /// Lattice points inside a grid (metric), at least its point on the surface.
    func samplePoints(_ grid: Grid, target: Double = 100) throws -> [(Double, Double)] {
        if let s = samples[grid.index] { return s }
        let geometry = snapshot.metric[grid.index]
        let prepared = try PreparedGeometry(geometry)
        var points: [(Double, Double)] = []
        if let e = geometry.envelope, geometry.area > 0 {
            let step = (geometry.area / target).squareRoot()
            var y = e.minY + step / 2
            while y < e.maxY {
                var x = e.minX + step / 2
                while x < e.maxX {
                    if try prepared.covers(x: x, y: y) { points.append((x, y)) }
                    x += step
                }
                y += step
            }
        }
        if points.isEmpty { points = [try geometry.pointOnSurface().xy] }
        samples[grid.index] = points
        return points
    }

    /// Whether a metric point lies inside the plan (any current grid of the top level present).
    package func insidePlan(_ point: (x: Double, y: Double)) throws -> Bool {
        let top = snapshot.levelsPresent.min() ?? .unit
        let p = try Geometry(x: point.x, y: point.y, context: snapshot.context)
        for i in snapshot.indices(at: top) where try snapshot.metric[i].intersects(p) { return true }
        return false
    }

    /// Metres of the file's lines inside each grid of a level.
    static func patrolLengths(file: String, snapshot: PlanSnapshot, level: GridLevel) throws -> [Int: Double] {
        let reader = try VectorReader(path: file)
        var lines: [Geometry] = []
        try reader.forEach { f in
            guard let wkb = f.wkb else { return }
            let g = try Geometry(wkb: wkb, context: snapshot.context)
            guard g.type == .lineString || g.type == .multiLineString else { return }
            lines.append(try snapshot.projector.project(g))
        }
        guard !lines.isEmpty else { throw GridplanError(.badInput, "no lines (streets) to measure patrol length with", source: .file(file)) }
        let all = try Geometry.unionAll(lines, context: snapshot.context)
        var result: [Int: Double] = [:]
        for i in snapshot.indices(at: level) { result[i] = try snapshot.metric[i].intersection(all).length }
        return result
    }

    static func shift(_ day: String, days: Int) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"; f.timeZone = TimeZone(identifier: "UTC"); f.locale = Locale(identifier: "en_US_POSIX")
        guard let d = f.date(from: day) else { return day }
        return f.string(from: d.addingTimeInterval(Double(days) * 86_400))
    }
}
