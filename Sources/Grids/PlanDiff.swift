import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
public import GridStore

/// What changed between two moments of a plan, grid by grid, and which pieces of territory
/// moved from one grid to another. Grids are matched by level and code (or name when uncoded).
public enum PlanDiff {
    public enum Change: String, Sendable {
        case added, removed, reshaped
    }

    public struct GridChange: Sendable {
        public var change: Change
        public var level: GridLevel
        public var grid: String
        /// m² this grid gained and lost (its whole area for added and removed grids).
        public var gainedM2: Double
        public var lostM2: Double
        public var householdsBefore: Int64?
        public var householdsAfter: Int64?
        /// Households on the lost territory, estimated by area share of the grid's old count.
        public var householdsMoved: Double?
    }

    /// A piece of territory that belonged to `from` and belongs to `to` afterwards.
    public struct Piece: Sendable {
        public var level: GridLevel
        public var from: String?
        public var to: String?
        public var areaM2: Double
        public var households: Double?
        /// Kept as WKB until written: a GeoPackage blob (with its envelope) held 70 MB more for a
        /// province's 450,000 pieces, and encoding from it costs no measurable time.
        public var wkb: [UInt8]
    }

    public struct Result: Sendable {
        public var changes: [GridChange]
        public var pieces: [Piece]
        public var unchanged: Int
    }

    /// Compares the plan at `from` with the plan at `to`; differences under `toleranceM2` are
    /// ignored. Replaces the `plan_changes` layer with the moved pieces. `progress` is told the
    /// grids compared so far and how many there are (each moment's grids: a province redrawn has
    /// 200,000 to compare).
    public static func run(
        store: any WritablePlanStore, from: PlanMoment, to: PlanMoment, toleranceM2: Double = 1.0,
        progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> Result {
        // Either moment may have no grids (before the first import, after everything ended): then
        // everything was added, or removed. Both are measured in the zone of the one that has grids.
        let (afterGrids, beforeGrids) = try store.reading { db in (try to.grids(db), try from.grids(db)) }
        if afterGrids.isEmpty && beforeGrids.isEmpty { throw GridplanError(.notFound, "the plan has no grids at \(from) nor at \(to)") }
        let anchor = try PlanSnapshot(grids: afterGrids.isEmpty ? beforeGrids : afterGrids)
        let after = afterGrids.isEmpty ? try PlanSnapshot(grids: [], projector: anchor.projector) : anchor
        let before = beforeGrids.isEmpty ? nil : try PlanSnapshot(grids: beforeGrids, projector: anchor.projector)
        func key(_ g: GridRecord) -> String { "\(g.level.rawValue)|\(g.code ?? g.name ?? "#\(g.fid)")" }
        func label(_ g: GridRecord) -> String { g.code ?? g.name ?? "#\(g.fid)" }
        let oldIndex = Dictionary(before?.grids.enumerated().map { (key($1), $0) } ?? [], uniquingKeysWith: { a, _ in a })
        let newIndex = Dictionary(after.grids.enumerated().map { (key($1), $0) }, uniquingKeysWith: { a, _ in a })

        var changes: [GridChange] = []
        var pieces: [Piece] = []
        var unchanged = 0
        let total = after.grids.count + (before?.grids.count ?? 0)
        var done = 0
        func compared() {
            done += 1
            if done % 1_000 == 0 || done == total { progress?(done, total) }
        }
        for (k, ni) in newIndex.sorted(by: { $0.key < $1.key }) {
            defer { compared() }
            let g = after.grids[ni]
            guard let before, let oi = oldIndex[k] else {
                changes.append(
                    GridChange(
                        change: .added, level: g.level, grid: label(g), gainedM2: try after.areaM2(ofGrid: ni), lostM2: 0,
                        householdsBefore: nil, householdsAfter: g.households, householdsMoved: nil))
                continue
            }
            let old = before.grids[oi]
            // The same shape at both moments (the same row, or a kept grid imported again): nothing
            // moved, and no overlay needs to say so (100,000 kept grids took 8.3 s of overlays).
            var (lost, gained) = (0.0, 0.0)
            if !Self.sameShape(old, g) {
                let oldGeometry = try before.metric[oi].makeValidIfNeeded(), newGeometry = try after.metric[ni].makeValidIfNeeded()
                lost = try after.areaM2(ofMetric: try oldGeometry.difference(newGeometry))
                gained = try after.areaM2(ofMetric: try newGeometry.difference(oldGeometry))
            }
            if lost < toleranceM2 && gained < toleranceM2 {
                if old.households != g.households {
                    changes.append(
                        GridChange(
                            change: .reshaped, level: g.level, grid: label(g), gainedM2: 0, lostM2: 0,
                            householdsBefore: old.households, householdsAfter: g.households, householdsMoved: nil))
                } else {
                    unchanged += 1
                }
                continue
            }
            let oldArea = try before.areaM2(ofGrid: oi)
            let movedHouseholds = old.households.map { Double($0) * lost / max(oldArea, 1) }
            changes.append(
                GridChange(
                    change: .reshaped, level: g.level, grid: label(g), gainedM2: gained, lostM2: lost,
                    householdsBefore: old.households, householdsAfter: g.households, householdsMoved: movedHouseholds))
        }
        if let before {
            for (k, oi) in oldIndex.sorted(by: { $0.key < $1.key }) where newIndex[k] == nil {
                let g = before.grids[oi]
                changes.append(
                    GridChange(
                        change: .removed, level: g.level, grid: label(g), gainedM2: 0, lostM2: try before.areaM2(ofGrid: oi),
                        householdsBefore: g.households, householdsAfter: nil, householdsMoved: g.households.map(Double.init)))
            }
            // Where did each grid's lost territory go? Intersect it with the new grids of its level.
            for level in GridLevel.allCases {
                let newMembers = after.indices(at: level)
                guard !newMembers.isEmpty else { continue }
                let newGeometries = try newMembers.map { try after.metric[$0].makeValidIfNeeded() }
                let tree = try STRtree(newGeometries, context: after.context)
                for oi in before.indices(at: level) {
                    defer { compared() }
                    let old = before.grids[oi]
                    let stay = newIndex[key(old)]
                    if let stay, Self.sameShape(old, after.grids[stay]) { continue } // kept whole: nothing to place
                    let oldGeometry = try before.metric[oi].makeValidIfNeeded()
                    let oldArea = try before.areaM2(ofGrid: oi)
                    let remainder = try stay.map { try oldGeometry.difference(try after.metric[$0].makeValidIfNeeded()) } ?? oldGeometry
                    let remainderArea = try after.areaM2(ofMetric: remainder)
                    guard remainderArea >= toleranceM2 else { continue }
                    var accounted = 0.0
                    let candidates = tree.query(remainder)
                    for c in candidates where newMembers[c] != stay {
                        let piece = try remainder.intersection(newGeometries[c])
                        let area = try after.areaM2(ofMetric: piece)
                        guard area >= toleranceM2 else { continue }
                        accounted += area
                        pieces.append(
                            Piece(
                                level: level, from: label(old), to: label(after.grids[newMembers[c]]), areaM2: area,
                                households: old.households.map { Double($0) * area / max(oldArea, 1) },
                                wkb: try after.toLonLat(piece).wkb))
                    }
                    if remainderArea - accounted >= toleranceM2 {
                        // Only the new grids whose boxes meet the remainder can cover part of it: the
                        // union of the whole level, made here for every such grid, took a province's
                        // diff past 15 minutes.
                        let near = candidates.map { newGeometries[$0] }
                        let uncovered = try near.isEmpty ? remainder : remainder.difference(try Geometry.unionAll(near, context: after.context))
                        let area = try after.areaM2(ofMetric: uncovered)
                        if area >= toleranceM2 {
                            pieces.append(
                                Piece(
                                    level: level, from: label(old), to: nil, areaM2: area,
                                    households: old.households.map { Double($0) * area / max(oldArea, 1) },
                                    wkb: try after.toLonLat(uncovered).wkb))
                        }
                    }
                }
            }
        }
        try store.writing { w in
            // Two diffs at once on a server: the second waits, then replaces the first's pieces.
            try w.serialize(on: "plan_changes")
            // In batches through one prepared INSERT (a province redrawn moves 450,000 pieces: an
            // INSERT parsed for each took 28 s); on a file the layer's R-tree is built from the new
            // pieces at once.
            let columns = ["geom", "change", "level", "grid", "other_grid", "area_m2", "households", "from_moment", "to_moment"]
            try w.replacingAllRows(of: "plan_changes") {
                for start in stride(from: 0, to: pieces.count, by: 5_000) {
                    let rows = try pieces[start..<min(start + 5_000, pieces.count)].map { p -> [DatabaseValue] in
                        let blob = try GeoPackageGeometry.encode(try Geometry(wkb: p.wkb, context: after.context), srsID: GeoPackage.storeSRSID)
                        let values: [DatabaseValueConvertible?] = [
                            blob, p.to == nil ? "dropped" : "moved", p.level.rawValue, p.from ?? "", p.to, p.areaM2, p.households,
                            from.description, to.description,
                        ]
                        return values.map { $0?.databaseValue ?? .null }
                    }
                    try w.append(into: "plan_changes", columns: columns, rows: rows)
                }
            }
            try w.refreshExtent(of: "plan_changes")
        }
        changes.sort { ($0.level.rawValue, $0.change.rawValue, $0.grid) < ($1.level.rawValue, $1.change.rawValue, $1.grid) }
        return Result(changes: changes, pieces: pieces, unchanged: unchanged)
    }

    /// Whether two records hold the same geometry: the same row, or the same bytes.
    static func sameShape(_ a: GridRecord, _ b: GridRecord) -> Bool { a.fid == b.fid || a.blob == b.blob }
}
