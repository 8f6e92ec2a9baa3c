import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
public import GridStore

/// The validate workflow: run the ``Validator``, store the findings layer, optionally repair.
public enum Validation {
    public struct Report: Sendable {
        public var findings: [Finding]
        /// Grids repaired by `--fix`, with what changed.
        public var repaired: [String] = []
        public var gridCount: Int
        public var metricCRS: String
        /// Current grids per level; a level with none is missing from the plan (allowed, and said).
        public var gridsPerLevel: [GridLevel: Int] = [:]
        public var hasProblems: Bool { findings.contains { $0.severity != .noise } }
    }

    /// Validates the current plan and replaces the `findings` layer with the result.
    /// With `fix`, invalid geometries are first repaired by GEOS make-valid, each repaired grid
    /// becoming a new version of itself (the invalid one stays in history).
    /// `more`: the checks of modules above this one (the roster's) on the same snapshot of the
    /// plan, whose findings join the layer and the report (reading the plan again would cost as
    /// much as the grid checks on a large plan).
    public static func run(
        store: any WritablePlanStore, validator: Validator, fix: Bool, more: (PlanSnapshot) throws -> [Finding] = { _ in [] }
    ) throws -> Report {
        var repaired: [String] = []
        if fix { repaired = try repairInvalid(store: store) }
        let plan = try PlanSnapshot(store: store)
        let findings = try validator.run(plan) + more(plan)
        try FindingsLayer.write(findings, to: store, replacing: true)
        return Report(
            findings: findings, repaired: repaired, gridCount: plan.grids.count, metricCRS: plan.projector.metricCRS.description,
            gridsPerLevel: Dictionary(grouping: plan.grids, by: \.level).mapValues(\.count))
    }

    static func repairInvalid(store: any WritablePlanStore) throws -> [String] {
        let context = GEOSContext()
        let grids = try store.reading { try GridRecord.current($0) }
        var fixes: [(GridRecord, [UInt8], String)] = []
        for grid in grids {
            let g = try grid.geometry(context)
            guard let problem = try g.validityProblem() else { continue }
            let valid = try g.makeValid()
            let polygonal = try Geometry.collection(
                .multiPolygon,
                try valid.parts.flatMap { p -> [Geometry] in
                    p.type == .polygon ? [p] : p.type == .multiPolygon ? try p.parts : []
                }, context: context)
            guard let envelope = g.envelope else { continue }
            let metric = try MetricProjector(around: envelope)
            let before = try metric.area(g), after = try metric.area(polygonal)
            fixes.append(
                (
                    grid, try polygonal.wkb,
                    "\(grid.label): \(problem.reason) repaired; now \(polygonal.partCount) part(s), area \(format(before)) → \(format(after)) m²"
                ))
        }
        guard !fixes.isEmpty else { return [] }
        let today = Clock.today()
        try store.writing { w in
            let version = try PlanVersion.begin(w, validFrom: today, command: "validate --fix")
            for (grid, wkb, _) in fixes {
                try w.execute(
                    "UPDATE grids SET valid_to = ?, version_to = ? WHERE fid = ?",
                    [today.databaseValue, version.databaseValue, grid.fid.databaseValue])
                let geometry = try w.geometry(wkb: wkb, context: context)
                guard
                    let newFid: Int64 = try w.value(
                        """
                        INSERT INTO grids (geom, code, name, level, kind, parent_fid, parent_ref, households, residents, attributes,
                                           valid_from, version_from, source)
                        SELECT \(geometry.sql), code, name, level, kind, parent_fid, parent_ref, households, residents, attributes, ?, ?, source
                        FROM grids WHERE fid = ? RETURNING fid
                        """, geometry.arguments + [today.databaseValue, version.databaseValue, grid.fid.databaseValue])
                else { throw GridplanError(.failed, "grid \(grid.label) vanished while it was repaired") }
                try w.execute(
                    "UPDATE grids SET parent_fid = ? WHERE parent_fid = ? AND valid_to IS NULL", [newFid.databaseValue, grid.fid.databaseValue])
            }
            try w.refreshExtent(of: "grids")
        }
        return fixes.map(\.2)
    }
}
