import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
public import GridStore
import Synchronization

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
    /// 200,000 to compare), on the calling thread.
    ///
    /// A large plan is compared on every core: each worker takes its share of the earlier grids
    /// (and the later grids of the same key, and the added ones), with geometries and projections
    /// of its own, since GEOS and PROJ objects serve one thread. The result is the same as one
    /// worker's, in the same order. `workers` overrides the choice (nil: every core, up to 8, when
    /// the two moments hold 10,000 grids or more; else one).
    public static func run(
        store: any WritablePlanStore, from: PlanMoment, to: PlanMoment, toleranceM2: Double = 1.0, workers: Int? = nil,
        progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> Result {
        let (afterGrids, beforeGrids) = try store.reading { db in (try to.grids(db), try from.grids(db)) }
        if afterGrids.isEmpty && beforeGrids.isEmpty { throw GridplanError(.notFound, "the plan has no grids at \(from) nor at \(to)") }
        let total = afterGrids.count + beforeGrids.count
        // Each worker decodes and projects every later grid again: worth it only for many grids.
        let workers = max(1, workers ?? (total < 10_000 ? 1 : min(ProcessInfo.processInfo.activeProcessorCount, 8)))
        let comparison = Comparison(after: afterGrids, before: beforeGrids, workers: workers, toleranceM2: toleranceM2)
        let parts = Mutex<[Int: Swift.Result<Part, any Error>]>([:])
        let finished = DispatchSemaphore(value: 0)
        // Threads of their own, not a shared pool that a caller's own tasks may hold.
        for w in 0..<workers {
            let thread = Thread {
                let part = Swift.Result { try comparison.compare(share: w) }
                parts.withLock { $0[w] = part }
                finished.signal()
            }
            thread.name = "plan-diff-\(w)"
            thread.start()
        }
        var (waited, told) = (0, 0)
        while waited < workers {
            if finished.wait(timeout: .now() + 0.2) == .success { waited += 1 }
            let done = min(comparison.compared.load(ordering: .relaxed), total)
            if done > told { progress?(done, total) }
            told = done
        }
        let done = try parts.withLock { all in try (0..<workers).map { try all[$0]!.get() } }
        var changes = done.flatMap(\.changes)
        let pieces = done.flatMap(\.pieces).sorted {
            ($0.piece.level.rawValue, $0.order, $0.sequence) < ($1.piece.level.rawValue, $1.order, $1.sequence)
        }.map(\.piece)
        let context = GEOSContext()
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
                        let blob = try GeoPackageGeometry.encode(try Geometry(wkb: p.wkb, context: context), srsID: GeoPackage.storeSRSID)
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
        return Result(changes: changes, pieces: pieces, unchanged: done.reduce(0) { $0 + $1.unchanged })
    }

    /// What one worker found: its grids' changes, its pieces (each with the position of the
    /// earlier grid it comes from, and its place among that grid's pieces: with the level, the
    /// one-worker order).
    struct Part: Sendable {
        var changes: [GridChange] = []
        var pieces: [(order: Int, sequence: Int, piece: Piece)] = []
        var unchanged = 0
    }

    /// The two moments' grids, matched by key, and the work shared out among `workers`.
    final class Comparison: Sendable {
        let after: [GridRecord], before: [GridRecord]
        let workers: Int
        let toleranceM2: Double
        /// Keys (level and code, else name, else row) to positions in `after` and `before`.
        let newIndex: [String: Int], oldIndex: [String: Int]
        /// The same, in the order of their keys (each worker goes through them in that order).
        let newInOrder: [(key: String, value: Int)], oldInOrder: [(key: String, value: Int)]
        /// Grids compared so far by all workers.
        let compared = Atomic<Int>(0)

        init(after: [GridRecord], before: [GridRecord], workers: Int, toleranceM2: Double) {
            self.after = after; self.before = before; self.workers = workers; self.toleranceM2 = toleranceM2
            oldIndex = Dictionary(before.enumerated().map { (Self.key($1), $0) }, uniquingKeysWith: { a, _ in a })
            newIndex = Dictionary(after.enumerated().map { (Self.key($1), $0) }, uniquingKeysWith: { a, _ in a })
            newInOrder = newIndex.sorted { $0.key < $1.key }
            oldInOrder = oldIndex.sorted { $0.key < $1.key }
        }

        static func key(_ g: GridRecord) -> String { "\(g.level.rawValue)|\(g.code ?? g.name ?? "#\(g.fid)")" }
        static func label(_ g: GridRecord) -> String { g.code ?? g.name ?? "#\(g.fid)" }

        /// Whose work a grid of `after` is: the owner of the earlier grid of its key, if any.
        private func owner(ofNew ni: Int) -> Int { (oldIndex[Self.key(after[ni])] ?? ni) % workers }

        /// Compares worker `w`'s share: the earlier grids at positions `w`, `w + workers`, … and
        /// the later grids they own.
        func compare(share w: Int) throws -> Part {
            // Either moment may have no grids (before the first import, after everything ended): then
            // everything was added, or removed. Both are measured in the zone of the one that has grids.
            let projector = try PlanSnapshot.metricProjector(around: after.isEmpty ? before : after)
            let after = try PlanSnapshot(grids: self.after, projector: projector)
            let mine = Array(stride(from: w, to: before.count, by: workers))
            let before = try PlanSnapshot(grids: mine.map { self.before[$0] }, projector: projector)
            func local(_ oi: Int) -> Int { (oi - w) / workers }
            func counted() { compared.add(1, ordering: .relaxed) }
            var part = Part()
            /// A grid found at both moments: reshaped, recounted, or unchanged.
            func judge(_ old: GridRecord, _ g: GridRecord, lost: Double, gained: Double, oldArea: () throws -> Double) throws {
                if lost < toleranceM2 && gained < toleranceM2 {
                    if old.households != g.households {
                        part.changes.append(
                            GridChange(
                                change: .reshaped, level: g.level, grid: Self.label(g), gainedM2: 0, lostM2: 0,
                                householdsBefore: old.households, householdsAfter: g.households, householdsMoved: nil))
                    } else {
                        part.unchanged += 1
                    }
                    return
                }
                let movedHouseholds = try old.households.map { Double($0) * lost / max(try oldArea(), 1) }
                part.changes.append(
                    GridChange(
                        change: .reshaped, level: g.level, grid: Self.label(g), gainedM2: gained, lostM2: lost,
                        householdsBefore: old.households, householdsAfter: g.households, householdsMoved: movedHouseholds))
            }

            for (k, ni) in newInOrder where owner(ofNew: ni) == w {
                defer { counted() }
                let g = after.grids[ni]
                guard !self.before.isEmpty, let oi = oldIndex[k].map(local) else {
                    part.changes.append(
                        GridChange(
                            change: .added, level: g.level, grid: Self.label(g), gainedM2: try after.areaM2(ofGrid: ni), lostM2: 0,
                            householdsBefore: nil, householdsAfter: g.households, householdsMoved: nil))
                    continue
                }
                // The same shape at both moments (the same row, or a kept grid imported again): nothing
                // moved, and no overlay needs to say so (100,000 kept grids took 8.3 s of overlays).
                // Another shape is measured below, where the territory it lost is cut anyway.
                if PlanDiff.sameShape(before.grids[oi], g) { try judge(before.grids[oi], g, lost: 0, gained: 0) { 0 } }
            }
            guard !self.before.isEmpty else { return part }
            for (k, oi) in oldInOrder where newIndex[k] == nil && oi % workers == w {
                let g = before.grids[local(oi)]
                part.changes.append(
                    GridChange(
                        change: .removed, level: g.level, grid: Self.label(g), gainedM2: 0, lostM2: try before.areaM2(ofGrid: local(oi)),
                        householdsBefore: g.households, householdsAfter: nil, householdsMoved: g.households.map(Double.init)))
            }
            // Where did each grid's lost territory go? Intersect it with the new grids of its level.
            for level in GridLevel.allCases {
                let newMembers = after.indices(at: level)
                guard !newMembers.isEmpty else {
                    compared.add(before.indices(at: level).count, ordering: .relaxed) // all removed, counted above
                    continue
                }
                let newGeometries = try newMembers.map { try after.metric[$0].makeValidIfNeeded() }
                let tree = try STRtree(newGeometries, context: after.context)
                for oi in before.indices(at: level) {
                    defer { counted() }
                    let old = before.grids[oi], order = mine[oi]
                    var sequence = 0
                    func add(_ piece: Piece) {
                        part.pieces.append((order, sequence, piece))
                        sequence += 1
                    }
                    let stay = newIndex[Self.key(old)]
                    if let stay, PlanDiff.sameShape(old, after.grids[stay]) { continue } // kept whole: nothing to place
                    let oldGeometry = try before.metric[oi].makeValidIfNeeded()
                    let oldArea = try before.areaM2(ofGrid: oi)
                    let newGeometry = try stay.map { try after.metric[$0].makeValidIfNeeded() }
                    let remainder = try newGeometry.map { try oldGeometry.difference($0) } ?? oldGeometry
                    let remainderArea = try after.areaM2(ofMetric: remainder)
                    // The grid of the same key at both moments (the first, if the key repeats), reshaped:
                    // what it lost is the remainder.
                    if let stay, let newGeometry, oldIndex[Self.key(old)] == order {
                        let gained = try after.areaM2(ofMetric: try newGeometry.difference(oldGeometry))
                        try judge(old, after.grids[stay], lost: remainderArea, gained: gained) { oldArea }
                    }
                    guard remainderArea >= toleranceM2 else { continue }
                    var accounted = 0.0
                    let candidates = tree.query(remainder)
                    for c in candidates where newMembers[c] != stay {
                        let piece = try remainder.intersection(newGeometries[c])
                        // Measured as `areaM2(ofMetric:)` measures, from the one unprojection it is
                        // written as (none for the many empty ones, unless a tolerance of 0 keeps them).
                        let flat = piece.isEmpty || piece.area == 0
                        guard !flat || toleranceM2 <= 0 else { continue }
                        let lonLat = try after.toLonLat(piece)
                        let area = flat ? 0 : try after.measure.area(lonLat)
                        guard area >= toleranceM2 else { continue }
                        accounted += area
                        add(
                            Piece(
                                level: level, from: Self.label(old), to: Self.label(after.grids[newMembers[c]]), areaM2: area,
                                households: old.households.map { Double($0) * area / max(oldArea, 1) },
                                wkb: try lonLat.wkb))
                    }
                    if remainderArea - accounted >= toleranceM2 {
                        // Only the new grids whose boxes meet the remainder can cover part of it: the
                        // union of the whole level, made here for every such grid, took a province's
                        // diff past 15 minutes.
                        let near = candidates.map { newGeometries[$0] }
                        let uncovered = try near.isEmpty ? remainder : remainder.difference(try Geometry.unionAll(near, context: after.context))
                        let area = try after.areaM2(ofMetric: uncovered)
                        if area >= toleranceM2 {
                            add(
                                Piece(
                                    level: level, from: Self.label(old), to: nil, areaM2: area,
                                    households: old.households.map { Double($0) * area / max(oldArea, 1) },
                                    wkb: try after.toLonLat(uncovered).wkb))
                        }
                    }
                }
            }
            return part
        }
    }

    /// Whether two records hold the same geometry: the same row, or the same bytes.
    static func sameShape(_ a: GridRecord, _ b: GridRecord) -> Bool { a.fid == b.fid || a.blob == b.blob }
}
