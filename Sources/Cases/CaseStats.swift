import Foundation
import GRDB
import GridErrors
package import GridStore
package import Grids

/// Per-grid case counts and closure figures at one level, and the grids whose rate of cases
/// per 1,000 households stands out from the rest of their level.
package struct CaseStats: Sendable {
    package struct GridRow: Sendable {
        package var code: String
        package var name: String?
        package var total: Int
        package var byStatus: [String: Int]
        /// Counts per top category: the first two digits of a numeric category code (the 2/4/6-digit
        /// hierarchical codes of the urban-management standards), else the category as given.
        package var byCategory: [String: Int]
        /// Cases closed (status closed or feedback) over all cases.
        package var closureRate: Double
        /// Cases closed within 24 hours, and within 7 days, of being reported, over all cases (cumulative).
        package var closedWithin24h: Double
        package var closedWithin7d: Double
        package var households: Int64?
        package var perThousandHouseholds: Double?
        /// "high" or "low" when the rate lies outside the level's Tukey fences (1.5 IQR beyond the quartiles).
        package var outlier: String?
    }

    package var level: GridLevel
    package var grids: [GridRow]
    package var total: Int
    /// Cases with no grid at this level (outside, or not located yet).
    package var unassigned: Int

    static func column(_ level: GridLevel) -> String {
        switch level {
        case .street: "street_code"
        case .community: "community_code"
        case .area: "area_code"
        case .unit: "unit_code"
        }
    }

    /// `chunk`: about how many cases each step counts (a test sets it small); `progress` is told the
    /// cases counted and their total after each step.
    package static func compute(
        store: any PlanStore, level: GridLevel = .unit, from: String? = nil, to: String? = nil, chunk: Int = 100_000,
        progress: ((_ done: Int, _ total: Int) throws -> Void)? = nil
    ) throws -> CaseStats {
        let c = column(level)
        let window = try TimeWindow(from: from, to: to)
        return try store.reading { db in
            // Days between two stored moments (YYYY-MM-DDTHH:MM:SS, one time zone), and "starts with two digits".
            let (days, twoDigits) =
                switch db.dialect {
                case .sqlite: ("julianday(closed_at) - julianday(reported_at)", "category GLOB '[0-9][0-9]*'")
                case .postgresql:
                    ("extract(epoch FROM closed_at::timestamp - reported_at::timestamp) / 86400", "category ~ '^[0-9][0-9]'")
                }
            let closed = "status IN ('closed', 'feedback')"
            // A row per grid, status and top category (the cases without a grid at this level as one
            // code, NULL), summed below into each grid's totals and its counts by status and by
            // category: one pass over the cases instead of a GROUP BY for each (1 M cases, 2.3–2.7 s
            // against 1.7–2.0 s), made in parts so that millions show their progress (and no index
            // leads it through the rows out of their order: 1.7 s → 1.4 s).
            // A GeoPackage counts by filing (``CaseFilings``), each filing then added to its grid's code.
            let filed = db.dialect == .sqlite ? try CaseFilings.codes(db, column: c) : nil
            func groups(where condition: String) -> String {
                """
                SELECT \(filed == nil ? c : "filing") AS code, status,
                  CASE WHEN \(twoDigits) THEN substr(category, 1, 2) ELSE coalesce(category, '(none)') END AS top,
                  count(*) AS n,
                  sum(CASE WHEN \(closed) THEN 1 ELSE 0 END) AS closed,
                  sum(CASE WHEN \(closed) AND closed_at IS NOT NULL AND reported_at IS NOT NULL AND \(days) <= 1.0 THEN 1 ELSE 0 END) AS closed24,
                  sum(CASE WHEN \(closed) AND closed_at IS NOT NULL AND reported_at IS NOT NULL AND \(days) <= 7.0 THEN 1 ELSE 0 END) AS closed7
                FROM cases WHERE \(condition) GROUP BY 1, 2, 3
                """
            }
            var byStatus: [String: [String: Int]] = [:], byCategory: [String: [String: Int]] = [:]
            var counts: [String: (total: Int, closed: Int, closed24: Int, closed7: Int)] = [:]
            var unassigned = 0, done = 0
            let total = try window.count(db)
            try window.eachPart(db, chunk: chunk, count: total) { condition, arguments in
                try db.each(groups(where: condition), arguments) { r in
                    let n: Int = r["n"]
                    done += n
                    let code: String? = if let filed { (r["code"] as Int64?).flatMap { filed[$0] } } else { r["code"] }
                    guard let code else { unassigned += n; return }
                    byStatus[code, default: [:]][r["status"], default: 0] += n
                    byCategory[code, default: [:]][r["top"], default: 0] += n
                    let sum = counts[code] ?? (0, 0, 0, 0)
                    counts[code] = (sum.total + n, sum.closed + r["closed"], sum.closed24 + r["closed24"], sum.closed7 + r["closed7"])
                }
                try progress?(done, total)
            }
            var grids: [String: (name: String?, households: Int64?)] = [:]
            for g in try GridRecord.current(db, level: level) { grids[g.code ?? g.name ?? "#\(g.fid)"] = (g.name, g.households) }

            var rows: [GridRow] = counts.map { code, sum in
                let households = grids[code]?.households
                return GridRow(
                    code: code, name: grids[code]?.name, total: sum.total, byStatus: byStatus[code] ?? [:],
                    byCategory: byCategory[code] ?? [:], closureRate: Double(sum.closed) / Double(sum.total),
                    closedWithin24h: Double(sum.closed24) / Double(sum.total),
                    closedWithin7d: Double(sum.closed7) / Double(sum.total), households: households,
                    perThousandHouseholds: households.flatMap { $0 > 0 ? Double(sum.total) * 1000 / Double($0) : nil })
            }
            // Grids of the level without any case have a rate of 0: they belong in the comparison.
            for (code, g) in grids where counts[code] == nil {
                rows.append(
                    GridRow(
                        code: code, name: g.name, total: 0, byStatus: [:], byCategory: [:], closureRate: 0,
                        closedWithin24h: 0, closedWithin7d: 0, households: g.households,
                        perThousandHouseholds: g.households.flatMap { $0 > 0 ? 0 : nil }))
            }
            let rates = rows.compactMap(\.perThousandHouseholds).sorted()
            if rates.count >= 4 {
                func quantile(_ q: Double) -> Double {
                    let pos = q * Double(rates.count - 1), lo = Int(pos), hi = min(lo + 1, rates.count - 1)
                    return rates[lo] + (rates[hi] - rates[lo]) * (pos - Double(lo))
                }
                let q1 = quantile(0.25), q3 = quantile(0.75), iqr = q3 - q1
                for i in rows.indices {
                    guard let r = rows[i].perThousandHouseholds else { continue }
                    if r > q3 + 1.5 * iqr { rows[i].outlier = "high" } else if r < q1 - 1.5 * iqr { rows[i].outlier = "low" }
                }
            }
            rows.sort { $0.code < $1.code }
            return CaseStats(level: level, grids: rows, total: rows.map(\.total).reduce(0, +), unassigned: unassigned)
        }
    }
}

extension CaseStats {
    /// One grid's cases, all time, for the map's choropleth and grid layers.
    package struct Total: Sendable {
        package var code: String
        package var total: Int
        /// Those not finished (neither closed nor given feedback), when asked for.
        package var open: Int?
        package var households: Int64?
    }

    /// Cases per grid of `level` (every current grid, those without cases at 0) and those with no
    /// grid at the level, all time: ``compute(store:level:from:to:chunk:progress:)``'s totals from
    /// the index by filing alone (a server's: by the level's code). The map asks it at every load
    /// (1 M cases, before step v17 by the code index: 0.05 s against 1.4 s).
    /// With `open`, each grid's unfinished cases too, in the same pass: each case's row is then
    /// read for its status (1 M: about 0.45 s).
    package static func totals(
        store: any PlanStore, level: GridLevel, open countOpen: Bool = false
    ) throws -> (
        grids: [Total], unassigned: Int
    ) {
        let c = column(level)
        let open = countOpen ? ", sum(CASE WHEN status IN \(CaseStatus.finishedSQL) THEN 0 ELSE 1 END)" : ""
        return try store.reading { db in
            var counts: [String: (total: Int, open: Int?)] = [:], unassigned = 0
            // A GeoPackage counts by filing (``CaseFilings``), each filing then added to its grid's code.
            let filed = db.dialect == .sqlite ? try CaseFilings.codes(db, column: c) : nil
            try db.each("SELECT \(filed == nil ? c : "filing"), count(*)\(open) FROM cases GROUP BY 1", []) { r in
                let n: Int = r[1], m: Int? = countOpen ? r[2] : nil
                let code: String? = if let filed { (r[0] as Int64?).flatMap { filed[$0] } } else { r[0] }
                guard let code else { unassigned += n; return }
                let sum = counts[code] ?? (0, countOpen ? 0 : nil)
                counts[code] = (sum.total + n, m.map { $0 + (sum.open ?? 0) })
            }
            var grids: [Total] = []
            for g in try GridRecord.current(db, level: level) {
                let code = g.code ?? g.name ?? "#\(g.fid)"
                let n = counts.removeValue(forKey: code) ?? (0, countOpen ? 0 : nil)
                grids.append(Total(code: code, total: n.total, open: n.open, households: g.households))
            }
            // Codes of cases filed under grids since redrawn.
            grids += counts.map { Total(code: $0.key, total: $0.value.total, open: $0.value.open, households: nil) }
            return (grids, unassigned)
        }
    }
}

/// The cases `cases stats` counts (all, or those reported in a window), walked in parts of about
/// `chunk` cases: as ranges of fids (the table read in its own order), or, for a window that holds
/// at most a twentieth of the cases, as ranges of report times, each found through the time index.
/// The index reads the rows out of their order, about 5 µs a case against a whole pass's 0.2–0.4 µs
/// (1 M cases, by hand: a week's 2 % 0.06 s against 0.21 s, three months' 25 % 0.90 s against 0.41 s).
private struct TimeWindow {
    /// Stored moments (`Clock.time`), which order as text.
    var from: String?, to: String?

    init(from: String?, to: String?) throws {
        self.from = try from.map { try Clock.requireTime($0, option: "from") }
        self.to = try to.map { try Clock.requireTime($0, option: "to") }
    }

    var isWhole: Bool { from == nil && to == nil }

    /// The window's conditions, from `lower` on (nil: from the window's start) and before `upper`.
    private func condition(from lower: String?, before upper: String? = nil) -> (String, [DatabaseValue]) {
        var parts: [String] = [], arguments: [DatabaseValue] = []
        if let lower = lower ?? from { parts.append("reported_at >= ?"); arguments.append(lower.databaseValue) }
        for end in [upper, to].compactMap({ $0 }) { parts.append("reported_at < ?"); arguments.append(end.databaseValue) }
        return (parts.joined(separator: " AND "), arguments)
    }

    func count(_ db: any PlanReader) throws -> Int {
        if isWhole { return try db.value("SELECT count(*) FROM cases") ?? 0 }
        let (sql, arguments) = condition(from: nil)
        return try db.value("SELECT count(*) FROM cases WHERE \(sql)", arguments) ?? 0
    }

    /// `count`: the cases in the window (``count(_:)``).
    func eachPart(
        _ db: any PlanReader, chunk: Int, count: Int, _ body: (_ condition: String, _ arguments: [DatabaseValue]) throws -> Void
    ) throws {
        if try isWhole || count * 20 > (db.value("SELECT count(*) FROM cases") ?? 0) {
            guard let first: Int64 = try db.value("SELECT min(fid) FROM cases"), let last: Int64 = try db.value("SELECT max(fid) FROM cases")
            else { return }
            let (window, arguments) = condition(from: nil)
            for after in stride(from: first - 1, to: last, by: chunk) {
                try body(
                    "fid > ? AND fid <= ?" + (window.isEmpty ? "" : " AND " + window),
                    [after.databaseValue, (after + Int64(chunk)).databaseValue] + arguments)
            }
            return
        }
        var lower: String? = nil
        while true {
            // The part ends before the time `chunk` cases on; where more than `chunk` cases share the
            // part's first time, at the next later time instead.
            let (rest, arguments) = condition(from: lower)
            var upper: String? = try db.value(
                "SELECT reported_at FROM cases WHERE \(rest) ORDER BY reported_at LIMIT 1 OFFSET \(chunk)", arguments)
            if let u = upper, u == lower ?? from {
                upper = try db.value("SELECT min(reported_at) FROM cases WHERE \(rest) AND reported_at > ?", arguments + [u.databaseValue])
            }
            guard let upper else { return try body(rest, arguments) }
            let (part, partArguments) = condition(from: lower, before: upper)
            try body(part, partArguments)
            lower = upper
        }
    }
}
