import Foundation
import GridErrors
import GridGeometry
import GridProjection
import GridStore
import Grids

/// The first step of a partition: the plan's current grids, read once, the parents to cut picked
/// from them and checked against the options, and the metric CRS the whole run works in.
struct PlanGrids {
    let all: [GridRecord]
    let byFid: [Int64: GridRecord]
    let parents: [GridRecord]
    /// Every code a grid of the generated level has had, ended ones included (none is given again).
    let codesEverUsed: Set<String>

    /// Reads the current grids and picks the parents: the grid with code (or name) `parent`, or every
    /// current grid of `level`. Refuses parents at or below the generated level, and options a redraw
    /// cannot take.
    init(store: any PlanStore, parent: String?, level: GridLevel?, options: PartitionOptions) throws {
        all = try GridRecord.current(in: store)
        byFid = Dictionary(uniqueKeysWithValues: all.map { ($0.fid, $0) })
        parents = try Self.pick(all, parent: parent, level: level)
        codesEverUsed = try GridRecord.codesEverUsed(in: store, level: options.outLevel)
        for p in parents where p.level >= options.outLevel {
            throw GridplanError(
                .badArgument,
                "\(p.label) is a \(p.level) grid: it cannot be cut into \(options.outLevel) grids (pick \(setting: "out-level") below it)")
        }
        if options.redraw && !options.dedicated.isEmpty {
            throw GridplanError(
                .badArgument,
                "\(setting: "dedicated") works on a fresh partition, not with \(setting: "redraw") (a redraw keeps the existing dedicated grids as they are)"
            )
        }
        if options.redraw && options.seeds != nil {
            throw GridplanError(
                .badArgument,
                "\(setting: "seeds") works on a fresh partition, not with \(setting: "redraw") (a redraw starts from the existing grids)")
        }
    }

    private static func pick(_ all: [GridRecord], parent: String?, level: GridLevel?) throws -> [GridRecord] {
        if let parent {
            let byCode = all.filter { $0.code == parent }
            let parents = byCode.isEmpty ? all.filter { $0.name == parent } : byCode
            guard parents.count == 1 else {
                throw parents.isEmpty
                    ? GridplanError(.notFound, "\(setting: "parent") \(parent): no current grid has this code or name")
                    : GridplanError(.badArgument, "\(setting: "parent") \(parent): \(parents.count) grids have this name; give the code")
            }
            return parents
        }
        if let level {
            let parents = all.filter { $0.level == level }
            guard !parents.isEmpty else { throw GridplanError(.notFound, "\(setting: "level") \(level): the plan has no current \(level) grids") }
            return parents
        }
        throw GridplanError(.badArgument, "give \(setting: "parent") CODE or \(setting: "level") LEVEL")
    }

    /// The CRS `validate` overlays in: the zone of the centre of the whole plan. Blocks are cut in it so
    /// that grid corners on the parent's edge lie on it as `validate` sees it.
    func metricProjector() throws -> MetricProjector {
        let extents = try all.compactMap { try GeoPackageGeometry.envelope($0.blob) }
        guard let firstExtent = extents.first else { throw GridplanError(.notFound, "the plan has no grids") }
        return try MetricProjector(around: extents.dropFirst().reduce(firstExtent) { $0.union($1) })
    }

    /// The grid's parent, its parent's parent, and so on up.
    func ancestors(_ g: GridRecord) -> [GridRecord] {
        var chain: [GridRecord] = [], seen = Set<Int64>()
        var current = g
        while let pf = current.parentFid, let p = byFid[pf], seen.insert(pf).inserted { chain.append(p); current = p }
        return chain
    }

    /// Current grids of `level` under `parent` (at any depth).
    func descendants(of parent: GridRecord, level: GridLevel) -> [GridRecord] {
        all.filter { $0.level == level && ancestors($0).contains { $0.fid == parent.fid } }
    }

    /// Current grids under `parent` at levels strictly between its own and `level`.
    func between(_ parent: GridRecord, and level: GridLevel) -> [GridRecord] {
        all.filter { $0.level > parent.level && $0.level < level && ancestors($0).contains { $0.fid == parent.fid } }
    }
}
