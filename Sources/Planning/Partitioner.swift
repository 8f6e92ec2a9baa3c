import Foundation
package import GridGeometry
package import GridProjection
package import GridStore
package import Grids

/// What `gridplan partition` does and with which targets.
package struct PartitionOptions: Sendable {
    package var targets = Targets()
    package var seed: UInt64 = 1
    /// The level of the grids to generate: area or unit.
    package var outLevel: GridLevel = .unit
    /// Start from the existing children and move only the blocks needed.
    package var redraw = false
    /// Redraw: where a parent's grids cannot meet the bounds in their number, add or merge grids.
    package var allowCountChanges = false
    /// Codes of existing grids to keep as they are (redraw).
    package var locked: Set<String> = []
    /// Blocks smaller than this merge into a neighbour.
    package var minBlockM2 = 1000.0
    /// Blocks sharing less boundary than this (a corner) are not neighbours.
    package var adjacencyToleranceM = 1.0
    package var validFrom: String?
    /// Compute and report, write nothing.
    package var dryRun = false
    /// Keep every block with its households and grid in the report (for `--blocks-out`).
    package var keepBlocks = false
    /// Polygons carved out as grids of their own (专属网格), exempt from the bounds.
    package var dedicated: [DedicatedSite] = []
    /// Seed points (gridders' bases): one grid grows from each.
    package var seeds: SeedPoints? = nil
    package var command = "partition"
    /// Told (parents cut, parents in all) after each parent.
    package var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    package init() {}
}

/// Generates the area or unit grids of parent grids along barrier lines, balanced in households
/// and compact, and writes them as a new plan version (or redraws the existing ones).
///
/// The work is a pipeline of named steps: ``PlanGrids`` reads the plan and picks the parents;
/// ``PartitionRun`` cuts each parent (dedicated sites, blocks, buildings, seeds), ``ParentPartition``
/// searches and makes the grids; the grids are then written as one new plan version.
package enum Partitioner {
    /// Parents are the current grids with code (or name) `parent`, or every current grid of `level`.
    /// `cases` and `roster` answer what a redraw reports about cases and gridders (nil: not reported).
    package static func run(
        store: any WritablePlanStore, parent: String?, level: GridLevel?, barriersPath: String,
        buildings: HouseholdPoints, barrierCRS: CRS? = nil, options: PartitionOptions,
        cases: (any CaseLocations)? = nil, roster: (any DutyRoster)? = nil
    ) throws -> PartitionReport {
        let started = Date()
        let context = GEOSContext()
        let barriers = try BarrierReader.read(path: barriersPath, crs: barrierCRS, context: context)
        var report = try partition(
            store: store, parent: parent, level: level, barriers: barriers, buildings: buildings,
            options: options, cases: cases, roster: roster)
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    package static func partition(
        store: any WritablePlanStore, parent: String?, level: GridLevel?, barriers: [Geometry],
        buildings: HouseholdPoints, options: PartitionOptions,
        cases: (any CaseLocations)? = nil, roster: (any DutyRoster)? = nil
    ) throws -> PartitionReport {
        let started = Date()
        let plan = try PlanGrids(store: store, parent: parent, level: level, options: options)
        var run = try PartitionRun(plan: plan, options: options, barriers: barriers, buildings: buildings, cases: cases, roster: roster)
        try run.cutAll()
        var report = run.report
        if !options.dryRun {
            let written = try GridReplacement.write(
                store: store, newGrids: run.newGrids, endFids: run.endFids, command: options.command,
                note: versionNote(options, dedicatedOutside: report.dedicatedOutside.count),
                validFrom: options.validFrom)
            report.versionID = written.versionID
            report.relinked = written.relinked
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The note of the written plan version: how the grids were made, so that the history says why.
    static func versionNote(_ options: PartitionOptions, dedicatedOutside: Int) -> String {
        let t = options.targets
        let sizes = t.count.map { "\($0) grids" } ?? (options.seeds != nil ? "one grid per seed" : "\(Int(t.target)) (\(Int(t.min))–\(Int(t.max)))")
        var note =
            options.redraw
            ? "redraw; targets \(Int(t.min))–\(Int(t.max)); seed \(options.seed); locked \(options.locked.sorted().joined(separator: ","))"
            : "targets \(sizes); seed \(options.seed)"
        if let r = t.maxResidents { note += "; at most \(Int(r)) residents" }
        if let r = t.maxRadius { note += "; radius at most \(Int(r)) m" }
        if !options.dedicated.isEmpty { note += "; \(options.dedicated.count - dedicatedOutside) dedicated sites" }
        return note
    }

    /// The Chinese name of a dedicated kind, for generated grid names.
    static func kindLabel(_ kind: GridKind) -> String {
        switch kind {
        case .comprehensive: "综合"
        case .industrialPark: "工业园区"
        case .school: "学校"
        case .hospital: "医院"
        case .market: "市场"
        case .enterprise: "企业"
        case .commercial: "商业"
        case .dedicated: ""
        }
    }

    static func newGrid(
        _ geometry: Geometry, grid: PartitionReport.Grid, level: GridLevel, parent: GridRecord,
        code: String?, name: String?, kind: String = GridKind.comprehensive.rawValue
    ) throws -> GridReplacement.NewGrid {
        let multi = geometry.type == .multiPolygon ? geometry : try Geometry.collection(.multiPolygon, [geometry], context: geometry.context)
        let attributes = String(
            format: "{\"area_m2\":%.1f,\"blocks\":%d,\"buildings\":%d,\"compactness\":%.4f,\"radius_m\":%.1f}",
            grid.areaM2, grid.blocks, grid.buildings, grid.compactness, grid.radiusM)
        return GridReplacement.NewGrid(
            code: code, name: name, level: level, parentFid: parent.fid, parentRef: parent.code ?? parent.name,
            households: Int64(grid.households.rounded()), residents: Int64(grid.residents.rounded()),
            attributes: attributes, blob: try GeoPackageGeometry.encode(multi, srsID: GeoPackage.storeSRSID),
            kind: kind)
    }

    /// The code prefix of new grids of `level` under `parent`, by the standard code scheme: the code
    /// of the ancestor the scheme extends, or the parent's own code when that ancestor is below it.
    static func codePrefix(parent: GridRecord, ancestors: [GridRecord], level: GridLevel) -> String? {
        guard let base = CodeScheme.standard.parts[level]!.base else { return nil }
        if parent.level <= base { return parent.code }
        return ancestors.first { $0.level == base }?.code
    }

    /// Rows north→south, then west→east, rows as tall as a typical grid (as `gridplan codes` numbers).
    static func readingOrder(_ centres: [(x: Double, y: Double)], sizes: [Double]) throws -> [Int] {
        guard !centres.isEmpty else { return [] }
        let sorted = sizes.sorted()
        let band = max(sorted[sorted.count / 2], 1)
        let top = centres.map(\.y).max()!
        return centres.indices.sorted { a, b in
            let ra = Int(((top - centres[a].y) / band).rounded()), rb = Int(((top - centres[b].y) / band).rounded())
            return ra != rb ? ra < rb : (centres[a].x, a) < (centres[b].x, b)
        }
    }
}
