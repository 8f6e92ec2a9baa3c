import Foundation
import GridErrors
import GridGeometry
import GridProjection
import Grids

/// The partition of one parent grid: its shape, the grids under it, and what each step found, handed
/// from step to step. Steps that only read the run's inputs are on ``PartitionRun``; these are the
/// ones about this parent's blocks and grids.
struct ParentPartition {
    /// Dedicated sites in this parent: indices into the options' sites, each clipped to the parent
    /// (longitude/latitude), and the labels of those only partly inside.
    struct Sites {
        var indices: [Int] = []
        var geometries: [Geometry] = []
        var clipped: [String] = []
    }

    let record: GridRecord
    let plan: PlanGrids
    let options: PartitionOptions
    /// The parent, longitude/latitude, made valid if it was not.
    let geometry: Geometry
    let envelope: Envelope
    /// The current grids of the generated level under the parent: replaced, or in a redraw the start.
    let children: [GridRecord]
    let childGeometries: [Geometry]
    var part: PartitionReport.Parent
    var sites = Sites()
    /// Block → index into `sites.indices`, for the blocks that are dedicated sites.
    var dedicatedOfBlock: [Int: Int] = [:]
    var seedsOfBlock: [Int: [String]] = [:]
    var blockBuildings: [Int] = []

    init(record: GridRecord, run: PartitionRun) throws {
        self.record = record
        plan = run.plan
        options = run.options
        part = PartitionReport.Parent(code: record.code, name: record.label)
        var geometry = try record.geometry(run.context)
        if try !geometry.isValid { geometry = try geometry.makeValid() }
        self.geometry = geometry
        guard let envelope = geometry.envelope else { throw GridplanError(.badInput, "empty geometry", source: ErrorSource(feature: record.label)) }
        self.envelope = envelope
        children = plan.descendants(of: record, level: options.outLevel)
        part.childlessBetween = options.redraw ? [] : plan.between(record, and: options.outLevel).map(\.label)
        childGeometries = try children.map { try $0.geometry(run.context) }
        if options.redraw && children.isEmpty {
            throw GridplanError(.notFound, "\(setting: "redraw"): \(record.label) has no \(options.outLevel) grids to start from")
        }
    }

    /// Small blocks merged into their neighbours (within one existing grid in a redraw, whole dedicated
    /// sites kept together), then the graph the search works on; buildings counted per block.
    mutating func blockGraph(_ blocks: BlockSet, load: FaceLoad, faceGroup: [Int]) -> BlockGraph {
        part.smallBlocksMerged = blocks.mergeSmallBlocks(
            minAreaM2: options.minBlockM2, households: load.households,
            group: options.redraw ? faceGroup : nil,
            unite: sites.indices.isEmpty ? nil : blocks.faceDedicated)
        part.blocks = blocks.blockCount
        let graph = blocks.graph(faceHouseholds: load.households, faceResidents: load.residents, toleranceM: options.adjacencyToleranceM)
        blockBuildings = [Int](repeating: 0, count: graph.count)
        for (f, n) in load.buildings.enumerated() { blockBuildings[blocks.faceBlock[f]] += n }
        return graph
    }

    /// The bounds for this parent: with --count (or seeds and a spread), the mean of its households
    /// outside dedicated grids and ± the spread.
    func targets(seedBlocks: [Int]) -> Targets {
        var wanted = options.targets
        if options.seeds != nil && wanted.count == nil && !seedBlocks.isEmpty && wanted.countSpread != nil { wanted.count = seedBlocks.count }
        return wanted.resolved(households: part.households - part.dedicated.households)
    }

    /// What the search found and what it started from.
    struct Search {
        var builder: RegionBuilder
        var solution: RegionBuilder.Solution
        /// Redraw: the region each block starts in (empty in a fresh partition).
        var initial: [Int]
        /// Redraw: the existing grid (index into `children`) each region continues; nil for a grid added.
        var child: [Int?] = []
        /// Redraw: the existing grid (index into `children`) of each block before the redraw.
        var original: [Int] = []
    }

    /// Groups the blocks into grids: a fresh partition from dedicated blocks and seeds, or a redraw
    /// from the existing grids with locked, dedicated and infeasible grids fixed.
    mutating func search(
        graph: BlockGraph, blocks: BlockSet, faceGroup: [Int], seedBlocks: [Int],
        lockedFound: inout Set<String>
    ) throws -> Search {
        let targets = targets(seedBlocks: seedBlocks)
        part.targets = targets
        var builder = RegionBuilder(graph: graph, targets: targets)
        for (b, d) in dedicatedOfBlock { builder.fixed[b] = -1 - d }
        builder.seeds = seedBlocks
        var initial: [Int] = [], original: [Int] = [], child: [Int?] = []
        if options.redraw {
            original = try initialRegions(blocks, graph: graph, faceGroup: faceGroup)
            let frozen = Set(children.indices.filter(isFrozen))
            let start =
                options.allowCountChanges
                ? changeCounts(original, graph: graph, targets: targets, frozen: frozen) : unchangedStart(original)
            initial = start.region
            child = start.child
            fixExisting(&builder, start: start)
            lockedFound.formUnion(children.compactMap(\.code).filter(options.locked.contains))
        }
        // Region numbers must be dense for the search: existing grids keep their index.
        let searchStarted = Date()
        let solution = options.redraw ? builder.redraw(from: initial, seed: options.seed) : builder.partition(seed: options.seed)
        part.searchSeconds = Date().timeIntervalSince(searchStarted)
        return Search(builder: builder, solution: solution, initial: initial, child: child, original: original)
    }

    /// Redraw: an existing grid that stays as it is, blocks and all: a locked one, or a dedicated one
    /// (exempt from the bounds).
    func isFrozen(_ c: Int) -> Bool {
        (children[c].code.map(options.locked.contains) ?? false) || children[c].kind != GridKind.comprehensive.rawValue
    }

    /// Redraw: each block starts in the existing grid holding it; blocks in no grid join a neighbour's.
    func initialRegions(_ blocks: BlockSet, graph: BlockGraph, faceGroup: [Int]) throws -> [Int] {
        var initial = blocks.blockFaces.map { faceGroup[$0[0]] }
        var changed = true
        while changed {
            changed = false
            for b in initial.indices where initial[b] < 0 {
                if let r = graph.adjacent[b].map({ initial[$0] }).filter({ $0 >= 0 }).min() { initial[b] = r; changed = true }
            }
        }
        if let lost = initial.firstIndex(of: -1) {
            throw GridplanError(.badArgument, "\(setting: "redraw"): block \(lost) of \(record.label) touches no existing grid")
        }
        return initial
    }

    /// Redraw: locked grids and dedicated grids (exempt from the bounds) stay as they are; blocks move
    /// only between grids of one parent; and the grids of a parent whose households (or residents)
    /// cannot meet the bounds in that many grids, however blocks move, are left as they are and reported.
    mutating func fixExisting(_ builder: inout RegionBuilder, start: RedrawStart) {
        let graph = builder.graph, targets = builder.targets, initial = start.region
        for (b, r) in initial.enumerated() where start.child[r].map(isFrozen) ?? false { builder.fixed[b] = r }
        let groups = start.group
        builder.regionGroups = groups
        var groupRegions: [Int: [Int]] = [:]
        let fixedRegions = Set(builder.fixed.values)
        for r in start.child.indices where !fixedRegions.contains(r) { groupRegions[groups[r], default: []].append(r) }
        for (group, regions) in groupRegions.sorted(by: { $0.key < $1.key }) {
            let set = Set(regions)
            let blocksIn = initial.indices.filter { set.contains(initial[$0]) }
            let hh = blocksIn.reduce(0.0) { $0 + graph.households[$1] }, res = blocksIn.reduce(0.0) { $0 + graph.residents[$1] }
            let n = regions.count
            let (need, most) = Self.gridCountRange(households: hh, residents: res, targets: targets)
            guard need > n || most < n else { continue }
            let name = plan.byFid[Int64(group)].map(\.label) ?? record.label
            part.redraw.infeasibleGroups.append(
                .init(
                    group: name, households: hh, residents: res, grids: n,
                    needed: need > n ? need : Swift.max(1, most)))
            for b in blocksIn { builder.fixed[b] = initial[b] }
        }
    }
}
