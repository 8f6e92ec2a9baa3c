import Foundation
import GridErrors
import GridGeometry
import GridProjection
import GridStore
import Grids

/// One partition run over all its parents: what the parents share (the plan, the inputs, the metric
/// CRS) and what they add up (buildings and sites already placed, the grids to write and to end).
/// A building, dedicated site or seed goes to the first parent that holds it.
struct PartitionRun {
    let plan: PlanGrids
    let options: PartitionOptions
    let barriers: [Geometry]
    let buildings: HouseholdPoints
    let context: GEOSContext
    let projector: MetricProjector
    /// Dedicated sites, longitude/latitude, in the order of `options.dedicated`.
    let sites: [Geometry]
    let cases: (any CaseLocations)?
    let roster: (any DutyRoster)?

    var report: PartitionReport
    var assignedBuildings = Set<Int>()
    var sitesPlaced = Set<Int>()
    var seedsPlaced = Set<Int>()
    var lockedFound = Set<String>()
    var newGrids: [GridReplacement.NewGrid] = []
    var endFids: [Int64] = []

    init(
        plan: PlanGrids, options: PartitionOptions, barriers: [Geometry], buildings: HouseholdPoints,
        cases: (any CaseLocations)?, roster: (any DutyRoster)?
    ) throws {
        self.plan = plan
        self.options = options
        self.barriers = barriers
        self.buildings = buildings
        self.cases = cases
        self.roster = roster
        let context = barriers.first?.context ?? GEOSContext()
        self.context = context
        sites = try options.dedicated.map { try Geometry(wkb: $0.wkb, context: context) }
        projector = try plan.metricProjector()
        report = PartitionReport(targets: options.targets)
        report.buildingsRead = buildings.count
    }

    /// Cuts every parent in turn, then checks the locks and lists what no parent held.
    mutating func cutAll() throws {
        for parent in plan.parents {
            let t0 = Date()
            var part = try cut(parent)
            part.seconds = Date().timeIntervalSince(t0)
            report.parents.append(part)
            options.progress?(report.parents.count, plan.parents.count)
        }
        let unknownLocks = options.locked.subtracting(lockedFound).sorted()
        if !unknownLocks.isEmpty {
            let codes = unknownLocks.count == 1 ? "this code" : "these codes"
            throw GridplanError(
                .notFound,
                "\(setting: "lock") \(unknownLocks.joined(separator: ",")): no current \(options.outLevel) grid under the "
                    + "parent\(plan.parents.count == 1 ? "" : "s") has \(codes)")
        }
        report.buildingsOutside = buildings.count - assignedBuildings.count
        report.dedicatedOutside = options.dedicated.indices.filter { !sitesPlaced.contains($0) }.map { options.dedicated[$0].label }
        if let seeds = options.seeds { report.seedsOutside = (0..<seeds.count).filter { !seedsPlaced.contains($0) }.map { seeds.ids[$0] } }
    }

    /// One parent, step by step: its blocks and what they hold, the search, then the grids.
    mutating func cut(_ record: GridRecord) throws -> PartitionReport.Parent {
        var parent = try ParentPartition(record: record, run: self)
        parent.sites = try clipDedicatedSites(parent)
        parent.part.dedicated.clipped = parent.sites.clipped
        let blocks = try BlockSet(
            parent: parent.geometry, barriers: barriers,
            extraLines: options.redraw ? parent.childGeometries : [], dedicated: parent.sites.geometries,
            projector: projector)
        parent.part.faces = blocks.faces.count
        // A small cell index: a few hundred faces and thousands of points need no more.
        let locator = try PointLocator(polygonsWKB: try blocks.faces.map { try $0.wkb }, maxCells: 65_536)
        let load = try countBuildings(in: blocks, envelope: parent.envelope, locator: locator)
        parent.part.households = load.households.reduce(0, +)
        parent.part.buildings = load.buildings.reduce(0, +)
        let faceGroup = options.redraw ? try existingGridOfFaces(blocks, children: parent.childGeometries) : []
        let graph = parent.blockGraph(blocks, load: load, faceGroup: faceGroup)
        parent.dedicatedOfBlock = placeDedicatedBlocks(blocks, sites: parent.sites.indices)
        parent.part.dedicated.households = parent.dedicatedOfBlock.keys.reduce(0.0) { $0 + graph.households[$1] }
        let seeds = try placeSeeds(blocks, envelope: parent.envelope, locator: locator, parent: parent)
        parent.part.seeds = seeds.figures
        parent.seedsOfBlock = seeds.ofBlock
        let search = try parent.search(
            graph: graph, blocks: blocks, faceGroup: faceGroup, seedBlocks: seeds.blocks,
            lockedFound: &lockedFound)
        var made = try parent.makeGrids(search: search, graph: graph, blocks: blocks)
        if options.redraw {
            try parent.redrawFigures(
                search: search, graph: graph, blocks: blocks, locator: locator, made: made,
                cases: cases, roster: roster)
            try parent.replaceChanged(&made, search: search, newGrids: &newGrids, endFids: &endFids)
        } else {
            endFids += parent.children.map(\.fid)
            try parent.nameAndCode(&made, newGrids: &newGrids)
        }
        parent.part.grids = made.map(\.grid)
        parent.part.oversizeBlocks = try parent.oversizeBlocks(search: search, graph: graph, blocks: blocks, made: made)
        if options.keepBlocks { report.blocks += try parent.blockRecords(search: search, graph: graph, blocks: blocks, made: made) }
        return parent.part
    }

    /// Dedicated sites in the parent (more than a touch), each clipped to it; overlaps are refused.
    func clipDedicatedSites(_ parent: ParentPartition) throws -> ParentPartition.Sites {
        var here = ParentPartition.Sites()
        guard !sites.isEmpty else { return here }
        let preparedParent = try PreparedGeometry(parent.geometry)
        let metricParent = try projector.project(parent.geometry)
        var clippedMetric: [Geometry] = []
        for (i, site) in sites.enumerated() where try preparedParent.intersects(site) {
            let metricSite = try projector.project(site)
            let inside = try metricSite.intersection(metricParent)
            guard inside.area >= 1 else { continue }
            for (j, other) in zip(here.indices, clippedMetric) {
                let overlap = try inside.intersection(other).area
                if overlap >= 1 {
                    throw GridplanError(
                        .badArgument,
                        "\(setting: "dedicated"): \(options.dedicated[j].label) and \(options.dedicated[i].label) overlap by "
                            + "\(Int(overlap.rounded())) m² in \(parent.record.label); a place belongs to one grid")
                }
            }
            if inside.area < metricSite.area - 1 { here.clipped.append(options.dedicated[i].label) }
            here.indices.append(i)
            clippedMetric.append(inside)
            here.geometries.append(try site.intersection(parent.geometry))
        }
        return here
    }

    /// Households, residents and buildings of each face, by point-in-polygon; a building counts once,
    /// in the first parent that holds it.
    mutating func countBuildings(in blocks: BlockSet, envelope: Envelope, locator: PointLocator) throws -> FaceLoad {
        var load = FaceLoad(count: blocks.faces.count)
        for i in 0..<buildings.count where envelope.contains(x: buildings.lon[i], y: buildings.lat[i]) {
            guard let face = try face(lon: buildings.lon[i], lat: buildings.lat[i], locator: locator) else { continue }
            guard assignedBuildings.insert(i).inserted else { continue }
            load.households[face] += buildings.households[i]
            load.residents[face] += buildings.residents[i]
            load.buildings[face] += 1
        }
        return load
    }

    /// The face holding a point given in longitude/latitude (inside or on its boundary), nil outside all.
    func face(lon: Double, lat: Double, locator: PointLocator) throws -> Int? {
        let p = try projector.project(x: lon, y: lat)
        switch try locator.locate(x: p.x, y: p.y) {
        case .inside(let f), .boundary(let f): return f
        case .outside: return nil
        }
    }

    /// Redraw: the existing grid (index into the children) holding each face, -1 for none.
    func existingGridOfFaces(_ blocks: BlockSet, children: [Geometry]) throws -> [Int] {
        let prepared = try children.map { try PreparedGeometry(try projector.project($0)) }
        return try blocks.faces.map { face in
            let inside = try face.pointOnSurface()
            return try prepared.firstIndex { try $0.covers(inside) } ?? -1
        }
    }

    /// The block of each dedicated site here (sites none of whose faces survived have none), as
    /// block → index into `sites`; the sites placed are marked.
    mutating func placeDedicatedBlocks(_ blocks: BlockSet, sites: [Int]) -> [Int: Int] {
        var siteBlock = [Int?](repeating: nil, count: sites.count)
        for (f, d) in blocks.faceDedicated.enumerated() where d >= 0 { siteBlock[d] = blocks.faceBlock[f] }
        var dedicatedOfBlock: [Int: Int] = [:]
        for (d, b) in siteBlock.enumerated() { if let b { dedicatedOfBlock[b] = d; sitesPlaced.insert(sites[d]) } }
        return dedicatedOfBlock
    }

    /// Seeds to blocks; a seed in a dedicated grid or sharing a block with an earlier one grows no grid.
    mutating func placeSeeds(
        _ blocks: BlockSet, envelope: Envelope, locator: PointLocator,
        parent: ParentPartition
    ) throws -> SeedPlacement {
        var placement = SeedPlacement()
        guard let seeds = options.seeds else { return placement }
        for i in 0..<seeds.count where envelope.contains(x: seeds.lon[i], y: seeds.lat[i]) && !seedsPlaced.contains(i) {
            guard let face = try face(lon: seeds.lon[i], lat: seeds.lat[i], locator: locator) else { continue }
            seedsPlaced.insert(i)
            placement.figures.inside += 1
            let b = blocks.faceBlock[face]
            if let d = parent.dedicatedOfBlock[b] {
                let site = options.dedicated[parent.sites.indices[d]].label
                placement.figures.notOwnGrid.append(.init(seed: seeds.ids[i], reason: "in the dedicated grid \(site)"))
            } else if let earlier = placement.ofBlock[b]?.first {
                placement.figures.notOwnGrid.append(.init(seed: seeds.ids[i], reason: "in the same block as seed \(earlier)"))
            } else {
                placement.blocks.append(b)
            }
            placement.ofBlock[b, default: []].append(seeds.ids[i])
        }
        return placement
    }
}

/// Households, residents and buildings per face.
struct FaceLoad {
    var households: [Double]
    var residents: [Double]
    var buildings: [Int]
    init(count: Int) {
        households = Array(repeating: 0, count: count)
        residents = households
        buildings = Array(repeating: 0, count: count)
    }
}

/// Where the seeds of one parent went: the blocks grids grow from, the seed ids in each block, and the figures reported.
struct SeedPlacement {
    var blocks: [Int] = []
    var ofBlock: [Int: [String]] = [:]
    var figures = PartitionReport.Seeds()
}
