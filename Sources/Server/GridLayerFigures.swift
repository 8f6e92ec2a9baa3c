import Cases
import Desk
import Foundation
import GRDB
import GridStore
import Grids
import Workload

/// What the map and OGC clients see of each grid beyond its plan record: its measures (area,
/// service radius), its cases (all, and still open), and today's workload with its primary
/// gridder, keyed by fid.
///
/// Case counts and loads move with every intake, so the figures are read again when the plan or
/// the cases change, and at least once a minute (a roster changed by another process shows then).
struct GridLayerFigures {
    struct Figures {
        var areaM2: Double?
        var radiusM: Double?
        var cases: Int?
        var openCases: Int?
        var load: Double?
        var primary: String?
    }

    let stamp: String
    let readAt: Date
    let byFid: [Int64: Figures]

    static let keptFor: TimeInterval = 60

    /// The figures of the current grids of `level` on `day`.
    init(store: any PlanStore, level: GridLevel, day: String, stamp: String) throws {
        self.stamp = stamp
        readAt = Date()
        let hasCases = try store.reading { try $0.hasTable("cases") }
        var byCode: [String: Figures] = [:]
        let snapshot: PlanSnapshot
        if hasCases {
            let model = try WorkloadModel(store: store, day: day, level: level)
            snapshot = model.snapshot
            for g in model.grids { byCode[g.code, default: Figures()].load = g.load; byCode[g.code, default: Figures()].primary = g.primary }
            for row in try CaseStats.totals(store: store, level: level, open: true).grids {
                byCode[row.code, default: Figures()].cases = row.total
                byCode[row.code, default: Figures()].openCases = row.open
            }
        } else {
            snapshot = try PlanSnapshot(store: store)
        }
        for g in try GridStats.compute(snapshot, level: level).grids {
            guard let code = g.code else { continue }
            byCode[code, default: Figures()].areaM2 = g.areaM2
            byCode[code, default: Figures()].radiusM = g.radiusM
        }
        var byFid: [Int64: Figures] = [:]
        for i in snapshot.indices(at: level) {
            let g = snapshot.grids[i]
            var f = g.code.flatMap { byCode[$0] } ?? Figures()
            if hasCases, g.code != nil { f.cases = f.cases ?? 0; f.openCases = f.openCases ?? 0 }
            byFid[g.fid] = f
        }
        self.byFid = byFid
    }

    /// Changes when grids, cases or case transitions are added, and with the day.
    static func stamp(_ store: any PlanStore, day: String) throws -> String {
        let cases = try store.reading { db -> String in
            guard try db.hasTable("cases") else { return "-" }
            return try db.value(
                """
                SELECT (SELECT coalesce(max(fid), 0) FROM cases) || '/'
                    || (SELECT coalesce(max(id), 0) FROM case_transitions) || '/'
                    || (SELECT coalesce(max(id), 0) FROM case_dispatches)
                """) ?? ""
        }
        return "\(try PlanStamp.read(store))|\(cases)|\(day)"
    }
}

/// A grid's properties as the grid layers serve them: the plan record's (as `export` writes
/// them) and its ``GridLayerFigures``.
struct GridLayerPropertiesJSON: Encodable {
    var record: GridPropertiesJSON
    var figures: GridLayerFigures.Figures

    enum CodingKeys: String, CodingKey {
        case areaM2 = "area_m2", radiusM = "radius_m", cases, openCases = "open_cases", load, primary
    }

    func encode(to encoder: Encoder) throws {
        try record.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        func put<T: Encodable>(_ value: T?, _ key: CodingKeys) throws {
            if let value { try c.encode(value, forKey: key) } else { try c.encodeNil(forKey: key) }
        }
        try put(figures.areaM2.map { ($0 * 10).rounded() / 10 }, .areaM2)
        try put(figures.radiusM.map { ($0 * 10).rounded() / 10 }, .radiusM)
        try put(figures.cases, .cases)
        try put(figures.openCases, .openCases)
        try put(figures.load.map { ($0 * 100).rounded() / 100 }, .load)
        try put(figures.primary, .primary)
    }
}
