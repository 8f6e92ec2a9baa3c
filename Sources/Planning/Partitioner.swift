import Foundation
import GRDB
import GridGeometry
import GridProjection
import GridStore
import Grids

/// What `gridplan partition` does and with which targets.
public struct PartitionOptions: Sendable {
    public var targets = Targets()
    public var seed: UInt64 = 1
    /// The level of the grids to generate: area or unit.
    public var outLevel: GridLevel = .unit
    /// Start from the existing children and move only the blocks needed.
    public var redraw = false
    /// Codes of existing grids to keep as they are (redraw).
    public var locked: Set<String> = []
    /// Blocks smaller than this merge into a neighbour.
    public var minBlockM2 = 1000.0
    /// Blocks sharing less boundary than this (a corner) are not neighbours.
    public var adjacencyToleranceM = 1.0
    public var validFrom: String?
    /// Compute and report, write nothing.
    public var dryRun = false
    /// Keep every block with its households and grid in the report (for `--blocks-out`).
    public var keepBlocks = false
    /// Polygons carved out as grids of their own (专属网格), exempt from the bounds.
    public var dedicated: [DedicatedSite] = []
    /// Seed points (gridders' bases): one grid grows from each.
    public var seeds: SeedPoints? = nil
    public var command = "partition"
    public init() {}
}

/// What a partition made, per parent and overall.
public struct PartitionReport: Sendable {
    public struct Grid: Sendable {
        public var code: String?
        public var name: String
        public var households: Double
        public var residents: Double
        public var buildings: Int
        public var blocks: Int
        public var areaM2: Double
        /// Polsby–Popper, 4πA/P².
        public var compactness: Double
        /// From the centroid to the farthest boundary point, metres.
        public var radiusM: Double
        /// Households within min–max and residents within the cap (dedicated grids are exempt: true).
        public var withinBounds: Bool
        public var parts: Int
        /// Redraw: whether the grid changed (and so was written as a new version).
        public var changed: Bool
        /// `comprehensive`, or the kind of a dedicated grid (school, market, …).
        public var kind: String = GridKind.comprehensive.rawValue
        /// Residents over the cap (never for dedicated grids).
        public var overMaxResidents = false
        /// Radius over `--max-radius` (never for dedicated grids).
        public var overMaxRadius = false
        /// Ids of the seed points the grid holds (with --seeds).
        public var seeds: [String] = []
        /// Holes: grids it surrounds (a dedicated grid inside one block, or one the search could not avoid enclosing).
        public var holes = 0
        public var dedicated: Bool { kind != GridKind.comprehensive.rawValue }
    }

    /// A block that alone exceeds the maximum households or the residents cap: it is a grid of its own.
    public struct OversizeBlock: Sendable {
        /// Its number among the parent's blocks (as in `--blocks-out`).
        public var block: Int
        public var households: Double
        public var residents: Double
        public var areaM2: Double
        /// A point inside it, longitude/latitude (CGCS2000).
        public var lon: Double
        public var lat: Double
        /// The code (or name) of the grid it became.
        public var grid: String = ""
    }

    public struct Parent: Sendable {
        public var code: String?
        public var name: String
        public var faces = 0
        public var blocks = 0
        public var smallBlocksMerged = 0
        public var households = 0.0
        public var buildings = 0
        public var grids: [Grid] = []
        /// Blocks that alone exceed the maximum (households or residents).
        public var oversizeBlocks: [OversizeBlock] = []
        public var cutsOnBarriers = 0
        /// Grid edges on the boundary of a dedicated grid where no barrier runs.
        public var cutsOnDedicated = 0
        /// Households in dedicated grids (not counted in the targets).
        public var dedicatedHouseholds = 0.0
        /// Dedicated sites only partly inside this parent (the part inside is its grid).
        public var dedicatedClipped: [String] = []
        /// With --seeds: seeds in this parent, and those that could not have a grid of their own, with why.
        public var seedsInside = 0
        /// Redraw: parents of grids (areas, or the parent itself) whose grids cannot all meet the bounds
        /// with their number, however blocks move; their grids are left as they are.
        public var infeasibleGroups: [(group: String, households: Double, residents: Double, grids: Int, needed: Int)] = []
        public var seedsNotOwnGrid: [(seed: String, reason: String)] = []
        /// Redraw: grid edges kept on an old grid boundary where no barrier runs.
        public var cutsOnOldBoundariesOnly = 0
        public var cutsNotOnBarriers = 0
        public var endedGrids = 0
        /// Grids of levels between the parent and the generated level left without children.
        public var childlessBetween: [String] = []
        // Redraw figures.
        public var movedBlocks = 0
        public var movedHouseholds = 0.0
        public var movedBuildings = 0
        public var movedCases: Int?
        /// Redraw: primary gridders on duty (from the roster, when the plan has one) of grids that changed.
        public var affectedGridders: [(grid: String, person: String)] = []
        public var seconds = 0.0
        /// Of which the search that groups blocks into grids (what other regionalisation tools time).
        public var searchSeconds = 0.0
        /// The targets used for this parent (with --count: its mean and spread).
        public var targets = Targets()
    }

    /// One block: its parent, households, residents, the grid it went to (index within the parent,
    /// in the order of `Parent.grids`) and its geometry as WKB (longitude/latitude).
    public struct Block: Sendable {
        public var parent: String
        public var block: Int
        public var households: Double
        public var residents: Double
        public var grid: Int
        public var gridCode: String?
        public var wkb: [UInt8]
        /// The grid's kind (comprehensive or a dedicated kind).
        public var kind: String = GridKind.comprehensive.rawValue
    }

    public var parents: [Parent] = []
    /// Dedicated sites inside no parent (not made into grids).
    public var dedicatedOutside: [String] = []
    /// Seed points inside no parent.
    public var seedsOutside: [String] = []
    /// Filled when `keepBlocks` is set.
    public var blocks: [Block] = []
    public var targets: Targets
    public var buildingsRead = 0
    public var buildingsOutside = 0
    public var versionID: Int64?
    public var relinked = 0
    public var seconds = 0.0

    public var allGrids: [Grid] { parents.flatMap(\.grids) }
    /// Grids that are not dedicated: those the bounds apply to.
    public var sizedGrids: [Grid] { allGrids.filter { !$0.dedicated } }
    /// The largest |households − target| over all grids but dedicated ones (each against its parent's target).
    public var maxDeviation: Double {
        parents.flatMap { p in p.grids.filter { !$0.dedicated }.map { abs($0.households - p.targets.target) } }.max() ?? 0
    }
    /// Share of the grids (dedicated ones left out) within the bounds.
    public var shareWithinBounds: Double {
        let g = sizedGrids
        return g.isEmpty ? 1 : Double(g.filter(\.withinBounds).count) / Double(g.count)
    }
    public var meanCompactness: Double {
        let g = sizedGrids
        return g.isEmpty ? 0 : g.map(\.compactness).reduce(0, +) / Double(g.count)
    }
    public var cutsNotOnBarriers: Int { parents.map(\.cutsNotOnBarriers).reduce(0, +) }
}

/// Generates the area or unit grids of parent grids along barrier lines, balanced in households
/// and compact, and writes them as a new plan version (or redraws the existing ones).
public enum Partitioner {
    /// Parents are the current grids with code (or name) `parent`, or every current grid of `level`.
    public static func run(store: GeoPackage, parent: String?, level: GridLevel?, barriersPath: String,
                           buildings: HouseholdPoints, barrierCRS: CRS? = nil, options: PartitionOptions) throws -> PartitionReport {
        let started = Date()
        let context = GEOSContext()
        let barriers = try BarrierReader.read(path: barriersPath, crs: barrierCRS, context: context)
        var report = try partition(store: store, parent: parent, level: level, barriers: barriers, buildings: buildings, options: options)
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    public static func partition(store: GeoPackage, parent: String?, level: GridLevel?, barriers: [Geometry],
                                 buildings: HouseholdPoints, options: PartitionOptions) throws -> PartitionReport {
        let started = Date()
        let context = barriers.first?.context ?? GEOSContext()
        let (all, hasCases) = try store.read { db in
            (try GridRecord.current(db), try db.tableExists("cases"))
        }
        let byFid = Dictionary(uniqueKeysWithValues: all.map { ($0.fid, $0) })
        let parents: [GridRecord]
        if let parent {
            parents = all.filter { $0.code == parent } .isEmpty ? all.filter { $0.name == parent } : all.filter { $0.code == parent }
            guard parents.count == 1 else {
                throw GridplanError(parents.isEmpty ? "--parent \(parent): no current grid has this code or name"
                                                    : "--parent \(parent): \(parents.count) grids have this name; give the code")
            }
        } else if let level {
            parents = all.filter { $0.level == level }
            guard !parents.isEmpty else { throw GridplanError("--level \(level): the plan has no current \(level) grids") }
        } else {
            throw GridplanError("give --parent CODE or --level LEVEL")
        }
        for p in parents where p.level >= options.outLevel {
            throw GridplanError("\(p.label) is a \(p.level) grid: it cannot be cut into \(options.outLevel) grids (pick --out-level below it)")
        }
        if options.redraw && !options.dedicated.isEmpty {
            throw GridplanError("--dedicated works on a fresh partition, not with --redraw (a redraw keeps the existing dedicated grids as they are)")
        }
        if options.redraw && options.seeds != nil {
            throw GridplanError("--seeds works on a fresh partition, not with --redraw (a redraw starts from the existing grids)")
        }
        let sites = try options.dedicated.map { try Geometry(wkb: $0.wkb, context: context) }
        var sitesPlaced = Set<Int>()
        var seedsPlaced = Set<Int>()
        func ancestors(_ g: GridRecord) -> [GridRecord] {
            var chain: [GridRecord] = [], seen = Set<Int64>()
            var current = g
            while let pf = current.parentFid, let p = byFid[pf], seen.insert(pf).inserted { chain.append(p); current = p }
            return chain
        }

        // The CRS `validate` overlays in: the zone of the centre of the whole plan.
        let extents = try all.compactMap { try GeoPackageGeometry.envelope($0.blob) }
        guard let firstExtent = extents.first else { throw GridplanError("the plan has no grids") }
        let projector = try MetricProjector(around: extents.dropFirst().reduce(firstExtent) { $0.union($1) })
        var report = PartitionReport(targets: options.targets)
        report.buildingsRead = buildings.count
        var assignedBuildings = Set<Int>()
        var newGrids: [GridReplacement.NewGrid] = []
        var endFids: [Int64] = []
        var lockedFound = Set<String>()

        for parentRecord in parents {
            let t0 = Date()
            var part = PartitionReport.Parent(code: parentRecord.code, name: parentRecord.label)
            var parentGeometry = try parentRecord.geometry(context)
            if try !parentGeometry.isValid { parentGeometry = try parentGeometry.makeValid() }
            guard let envelope = parentGeometry.envelope else { throw GridplanError("\(parentRecord.label): empty geometry") }
            let children = all.filter { $0.level == options.outLevel && ancestors($0).contains { $0.fid == parentRecord.fid } }
            let between = all.filter { $0.level > parentRecord.level && $0.level < options.outLevel
                                       && ancestors($0).contains { $0.fid == parentRecord.fid } }
            let childGeometries = try children.map { try $0.geometry(context) }
            if options.redraw && children.isEmpty {
                throw GridplanError("--redraw: \(parentRecord.label) has no \(options.outLevel) grids to start from")
            }

            // Dedicated sites in this parent (more than a touch), each clipped to it; overlaps are refused.
            var here: [Int] = []
            var hereGeometries: [Geometry] = []
            if !sites.isEmpty {
                let preparedParent = try PreparedGeometry(parentGeometry)
                let metricParent = try projector.project(parentGeometry)
                var clippedMetric: [Geometry] = []
                for (i, site) in sites.enumerated() where try preparedParent.intersects(site) {
                    let metricSite = try projector.project(site)
                    let inside = try metricSite.intersection(metricParent)
                    guard inside.area >= 1 else { continue }
                    for (j, other) in zip(here, clippedMetric) {
                        let overlap = try inside.intersection(other).area
                        if overlap >= 1 {
                            throw GridplanError("--dedicated: \(options.dedicated[j].label) and \(options.dedicated[i].label) overlap by \(Int(overlap.rounded())) m² in \(parentRecord.label); a place belongs to one grid")
                        }
                    }
                    if inside.area < metricSite.area - 1 { part.dedicatedClipped.append(options.dedicated[i].label) }
                    here.append(i)
                    clippedMetric.append(inside)
                    hereGeometries.append(try site.intersection(parentGeometry))
                }
            }

            let blocks = try BlockSet(parent: parentGeometry, barriers: barriers,
                                      extraLines: options.redraw ? childGeometries : [], dedicated: hereGeometries, projector: projector)
            part.faces = blocks.faces.count

            // Households to faces by point-in-polygon.
            var faceHouseholds = [Double](repeating: 0, count: blocks.faces.count)
            var faceResidents = faceHouseholds
            var faceBuildings = [Int](repeating: 0, count: blocks.faces.count)
            // A small cell index: a few hundred faces and thousands of points need no more.
            let locator = try PointLocator(polygonsWKB: try blocks.faces.map { try $0.wkb }, maxCells: 65_536)
            for i in 0..<buildings.count where envelope.contains(x: buildings.lon[i], y: buildings.lat[i]) {
                let face: Int
                let p = try projector.project(x: buildings.lon[i], y: buildings.lat[i])
                switch try locator.locate(x: p.x, y: p.y) {
                case .inside(let f), .boundary(let f): face = f
                case .outside: continue
                }
                guard assignedBuildings.insert(i).inserted else { continue }
                faceHouseholds[face] += buildings.households[i]
                faceResidents[face] += buildings.residents[i]
                faceBuildings[face] += 1
            }
            part.households = faceHouseholds.reduce(0, +)
            part.buildings = faceBuildings.reduce(0, +)

            // Redraw: the existing grid holding each face.
            var faceGroup = [Int](repeating: -1, count: blocks.faces.count)
            if options.redraw {
                let prepared = try childGeometries.map { try PreparedGeometry(try projector.project($0)) }
                for (f, face) in blocks.faces.enumerated() {
                    let inside = try face.pointOnSurface()
                    faceGroup[f] = try prepared.firstIndex { try $0.covers(inside) } ?? -1
                }
            }
            part.smallBlocksMerged = blocks.mergeSmallBlocks(minAreaM2: options.minBlockM2, households: faceHouseholds,
                                                             group: options.redraw ? faceGroup : nil,
                                                             unite: here.isEmpty ? nil : blocks.faceDedicated)
            part.blocks = blocks.blockCount
            let graph = blocks.graph(faceHouseholds: faceHouseholds, faceResidents: faceResidents, toleranceM: options.adjacencyToleranceM)
            var blockBuildings = [Int](repeating: 0, count: graph.count)
            for (f, n) in faceBuildings.enumerated() { blockBuildings[blocks.faceBlock[f]] += n }
            // The block of each dedicated site here (nil when no face of it survived).
            var siteBlock = [Int?](repeating: nil, count: here.count)
            for (f, d) in blocks.faceDedicated.enumerated() where d >= 0 { siteBlock[d] = blocks.faceBlock[f] }
            var dedicatedOfBlock: [Int: Int] = [:]   // block → index into `here`
            for (d, b) in siteBlock.enumerated() { if let b { dedicatedOfBlock[b] = d; sitesPlaced.insert(here[d]) } }
            part.dedicatedHouseholds = dedicatedOfBlock.keys.reduce(0.0) { $0 + graph.households[$1] }

            // Seeds to blocks; a seed in a dedicated grid or sharing a block with an earlier one grows no grid.
            var seedBlocks: [Int] = []
            var seedsOfBlock: [Int: [String]] = [:]
            if let seeds = options.seeds {
                for i in 0..<seeds.count where envelope.contains(x: seeds.lon[i], y: seeds.lat[i]) && !seedsPlaced.contains(i) {
                    let p = try projector.project(x: seeds.lon[i], y: seeds.lat[i])
                    let face: Int
                    switch try locator.locate(x: p.x, y: p.y) {
                    case .inside(let f), .boundary(let f): face = f
                    case .outside: continue
                    }
                    seedsPlaced.insert(i)
                    part.seedsInside += 1
                    let b = blocks.faceBlock[face]
                    if let d = dedicatedOfBlock[b] {
                        part.seedsNotOwnGrid.append((seeds.ids[i], "in the dedicated grid \(options.dedicated[here[d]].label)"))
                    } else if let earlier = seedsOfBlock[b]?.first {
                        part.seedsNotOwnGrid.append((seeds.ids[i], "in the same block as seed \(earlier)"))
                    } else {
                        seedBlocks.append(b)
                    }
                    seedsOfBlock[b, default: []].append(seeds.ids[i])
                }
            }

            var wanted = options.targets
            if options.seeds != nil && wanted.count == nil && !seedBlocks.isEmpty && wanted.countSpread != nil { wanted.count = seedBlocks.count }
            let targets = wanted.resolved(households: part.households - part.dedicatedHouseholds)
            part.targets = targets
            var builder = RegionBuilder(graph: graph, targets: targets)
            for (b, d) in dedicatedOfBlock { builder.fixed[b] = -1 - d }
            builder.seeds = seedBlocks

            let solution: RegionBuilder.Solution
            var initial: [Int] = []
            if options.redraw {
                // Each block starts in the existing grid holding it; blocks in no grid join a neighbour's.
                initial = blocks.blockFaces.map { faceGroup[$0[0]] }
                var changed = true
                while changed {
                    changed = false
                    for b in initial.indices where initial[b] < 0 {
                        if let r = graph.adjacent[b].map({ initial[$0] }).filter({ $0 >= 0 }).min() { initial[b] = r; changed = true }
                    }
                }
                if let lost = initial.firstIndex(of: -1) {
                    throw GridplanError("--redraw: block \(lost) of \(parentRecord.label) touches no existing grid")
                }
                // Locked grids, and dedicated grids (exempt from the bounds), stay as they are.
                for (b, r) in initial.enumerated() where (children[r].code.map(options.locked.contains) ?? false)
                    || children[r].kind != GridKind.comprehensive.rawValue { builder.fixed[b] = r }
                builder.regionGroups = children.map { Int($0.parentFid ?? -1) }
                // Grids of one parent (an area, or the parent itself) whose households (or residents) cannot meet
                // the bounds in that many grids, however blocks move: left as they are, and reported.
                var groupRegions: [Int: [Int]] = [:]
                let fixedRegions = Set(builder.fixed.values)
                for r in children.indices where !fixedRegions.contains(r) { groupRegions[builder.regionGroups![r], default: []].append(r) }
                for (group, regions) in groupRegions.sorted(by: { $0.key < $1.key }) {
                    let set = Set(regions)
                    let blocksIn = initial.indices.filter { set.contains(initial[$0]) }
                    let hh = blocksIn.reduce(0.0) { $0 + graph.households[$1] }, res = blocksIn.reduce(0.0) { $0 + graph.residents[$1] }
                    let n = regions.count
                    var need = Swift.max(1, Int((hh / Swift.max(targets.max, 1e-9)).rounded(.up)))
                    if let cap = targets.maxResidents, cap > 0 { need = Swift.max(need, Int((res / cap).rounded(.up))) }
                    let most = targets.min > 0 ? Int((hh / targets.min).rounded(.down)) : Int.max
                    guard need > n || most < n else { continue }
                    let name = byFid[Int64(group)].map(\.label) ?? parentRecord.label
                    part.infeasibleGroups.append((group: name, households: hh, residents: res, grids: n, needed: need > n ? need : Swift.max(1, most)))
                    for b in blocksIn { builder.fixed[b] = initial[b] }
                }
                lockedFound.formUnion(children.compactMap(\.code).filter(options.locked.contains))
                // Region numbers must be dense for the search: existing grids keep their index.
                let searchStarted = Date()
                solution = builder.redraw(from: initial, seed: options.seed)
                part.searchSeconds = Date().timeIntervalSince(searchStarted)
            } else {
                let searchStarted = Date()
                solution = builder.partition(seed: options.seed)
                part.searchSeconds = Date().timeIntervalSince(searchStarted)
            }
            let oversize = builder.oversizeBlocks

            let cuts = try blocks.cutCounts(region: solution.region)
            part.cutsOnBarriers = cuts.onBarriers
            part.cutsOnDedicated = cuts.onDedicated
            part.cutsOnOldBoundariesOnly = cuts.onOldBoundariesOnly
            part.cutsNotOnBarriers = cuts.elsewhere

            // Regions to grids.
            var members = [[Int]](repeating: [], count: solution.regionCount)
            for (b, r) in solution.region.enumerated() { members[r].append(b) }
            struct Made { var region: Int; var geometry: Geometry; var metric: Geometry; var grid: PartitionReport.Grid }
            var made: [Made] = []
            for (r, blockList) in members.enumerated() where !blockList.isEmpty {
                let metric = try blocks.union(ofBlocks: blockList)
                let union = try blocks.lonLat(metric)
                let area = metric.area, perimeter = metric.length
                let centre = try metric.centroid().xy
                let (xs, ys) = try metric.coordinates()
                var radius = 0.0
                for k in xs.indices { radius = max(radius, hypot(xs[k] - centre.x, ys[k] - centre.y)) }
                let hh = blockList.reduce(0.0) { $0 + graph.households[$1] }
                let residents = blockList.reduce(0.0) { $0 + graph.residents[$1] }
                let changed = options.redraw ? Set(blockList) != Set(initial.indices.filter { initial[$0] == r }) : true
                var kind = GridKind.comprehensive.rawValue
                if options.redraw {
                    if r < children.count { kind = children[r].kind }
                } else if let d = blockList.lazy.compactMap({ dedicatedOfBlock[$0] }).first {
                    kind = options.dedicated[here[d]].kind.rawValue
                }
                let exempt = kind != GridKind.comprehensive.rawValue
                var grid = PartitionReport.Grid(
                    code: nil, name: "", households: hh, residents: residents,
                    buildings: blockList.reduce(0) { $0 + blockBuildings[$1] }, blocks: blockList.count,
                    areaM2: area, compactness: perimeter > 0 ? 4 * Double.pi * area / (perimeter * perimeter) : 0,
                    radiusM: radius, withinBounds: exempt || targets.within(households: hh, residents: residents),
                    parts: union.type == .multiPolygon ? union.partCount : 1, changed: changed)
                grid.kind = kind
                grid.overMaxResidents = !exempt && residents > (targets.maxResidents ?? .infinity) + 1e-9
                grid.overMaxRadius = !exempt && radius > (targets.maxRadius ?? .infinity) + 1e-6
                grid.seeds = blockList.sorted().flatMap { seedsOfBlock[$0] ?? [] }
                grid.holes = union.type == .multiPolygon ? try union.parts.reduce(0) { $0 + $1.holeCount } : union.holeCount
                made.append(Made(region: r, geometry: union, metric: metric, grid: grid))
            }

            if options.redraw {
                for b in initial.indices where initial[b] != solution.region[b] {
                    part.movedBlocks += 1
                    part.movedHouseholds += graph.households[b]
                    part.movedBuildings += blockBuildings[b]
                }
                if hasCases {
                    part.movedCases = try movedCases(store: store, envelope: envelope, projector: projector, blocks: blocks, locator: locator,
                                                     from: initial, to: solution.region)
                }
                let changedCodes = Set(children.indices.filter { r in made.first { $0.region == r }?.grid.changed ?? true }
                                                  .compactMap { children[$0].code })
                if !changedCodes.isEmpty, try store.read({ try $0.tableExists("duties") }) {
                    part.affectedGridders = try store.read { db in
                        try Row.fetchAll(db, sql: "SELECT grid_code, person_id FROM duties WHERE role = 'primary' AND valid_to IS NULL AND level = ? ORDER BY grid_code, person_id",
                                         arguments: [options.outLevel.rawValue])
                            .map { (grid: $0["grid_code"] as String, person: $0["person_id"] as String) }
                            .filter { changedCodes.contains($0.grid) }
                    }
                }
                for (r, child) in children.enumerated() {
                    guard let i = made.firstIndex(where: { $0.region == r }) else {
                        endFids.append(child.fid); part.endedGrids += 1; continue
                    }
                    made[i].grid.code = child.code
                    made[i].grid.name = child.name ?? child.label
                    guard made[i].grid.changed else { continue }
                    endFids.append(child.fid); part.endedGrids += 1
                    newGrids.append(try newGrid(made[i].geometry, grid: made[i].grid, level: options.outLevel, parent: child.parentFid.flatMap { byFid[$0] } ?? parentRecord,
                                                code: child.code, name: child.name, kind: child.kind))
                }
            } else {
                endFids += children.map(\.fid)
                part.endedGrids = children.count
                part.childlessBetween = between.map(\.label)
                let order = try readingOrder(made.map { try $0.metric.pointOnSurface().xy }, sizes: made.map { $0.metric.area.squareRoot() })
                let prefix = codePrefix(parent: parentRecord, ancestors: ancestors(parentRecord), level: options.outLevel)
                let digits = CodeScheme.standard.parts[options.outLevel]!.digits
                let ending = Set(children.map(\.fid))
                let used = Set(all.filter { $0.level == options.outLevel && !ending.contains($0.fid) }.compactMap(\.code))
                var next = 1
                let noun = options.outLevel == .area ? "片区" : "网格"
                var sequence = 0
                for i in order {
                    var code: String? = nil
                    if let prefix {
                        var candidate = prefix + String(format: "%0\(digits)d", next)
                        while used.contains(candidate) { next += 1; candidate = prefix + String(format: "%0\(digits)d", next) }
                        if String(next).count <= digits { code = candidate }
                        next += 1
                    }
                    made[i].grid.code = code
                    let parentName = parentRecord.name ?? parentRecord.label
                    if made[i].grid.dedicated {
                        let d = members[made[i].region].lazy.compactMap { dedicatedOfBlock[$0] }.first!
                        let site = options.dedicated[here[d]]
                        made[i].grid.name = site.name ?? "\(parentName)\(Self.kindLabel(site.kind))专属\(noun)(\(site.label))"
                    } else {
                        sequence += 1
                        made[i].grid.name = "\(parentName)第\(sequence)\(noun)"
                    }
                    newGrids.append(try newGrid(made[i].geometry, grid: made[i].grid, level: options.outLevel, parent: parentRecord,
                                                code: code, name: made[i].grid.name, kind: made[i].grid.kind))
                }
                made = order.map { made[$0] }
            }
            part.grids = made.map(\.grid)
            let gridOfRegion = Dictionary(uniqueKeysWithValues: made.map { ($0.region, $0.grid.code ?? $0.grid.name) })
            part.oversizeBlocks = try oversize.map { b in
                let inside = try blocks.lonLat(try blocks.union(ofBlocks: [b]).pointOnSurface()).xy
                return PartitionReport.OversizeBlock(block: b, households: graph.households[b], residents: graph.residents[b],
                                                     areaM2: graph.areas[b], lon: inside.x, lat: inside.y,
                                                     grid: gridOfRegion[solution.region[b]] ?? "")
            }
            if options.keepBlocks {
                let position = Dictionary(uniqueKeysWithValues: made.enumerated().map { ($1.region, $0) })
                for b in 0..<graph.count {
                    let grid = position[solution.region[b]] ?? -1
                    report.blocks.append(PartitionReport.Block(
                        parent: parentRecord.code ?? parentRecord.label, block: b, households: graph.households[b],
                        residents: graph.residents[b], grid: grid, gridCode: grid >= 0 ? made[grid].grid.code : nil,
                        wkb: try blocks.lonLat(try blocks.union(ofBlocks: [b])).wkb,
                        kind: grid >= 0 ? made[grid].grid.kind : GridKind.comprehensive.rawValue))
                }
            }
            part.seconds = Date().timeIntervalSince(t0)
            report.parents.append(part)
        }
        let unknownLocks = options.locked.subtracting(lockedFound).sorted()
        if !unknownLocks.isEmpty {
            throw GridplanError("--lock \(unknownLocks.joined(separator: ",")): no current \(options.outLevel) grid under the parent\(parents.count == 1 ? "" : "s") has \(unknownLocks.count == 1 ? "this code" : "these codes")")
        }
        report.buildingsOutside = buildings.count - assignedBuildings.count
        report.dedicatedOutside = options.dedicated.indices.filter { !sitesPlaced.contains($0) }.map { options.dedicated[$0].label }
        if let seeds = options.seeds { report.seedsOutside = (0..<seeds.count).filter { !seedsPlaced.contains($0) }.map { seeds.ids[$0] } }
        if !options.dryRun {
            let t = options.targets
            var note = options.redraw
                ? "redraw; targets \(Int(t.min))–\(Int(t.max)); seed \(options.seed); locked \(options.locked.sorted().joined(separator: ","))"
                : "targets \(t.count.map { "\($0) grids" } ?? (options.seeds != nil ? "one grid per seed" : "\(Int(t.target)) (\(Int(t.min))–\(Int(t.max)))")); seed \(options.seed)"
            if let r = t.maxResidents { note += "; at most \(Int(r)) residents" }
            if let r = t.maxRadius { note += "; radius at most \(Int(r)) m" }
            if !options.dedicated.isEmpty { note += "; \(options.dedicated.count - report.dedicatedOutside.count) dedicated sites" }
            let written = try GridReplacement.write(store: store, newGrids: newGrids, endFids: endFids, command: options.command,
                                                    note: note, validFrom: options.validFrom)
            report.versionID = written.versionID
            report.relinked = written.relinked
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
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

    static func newGrid(_ geometry: Geometry, grid: PartitionReport.Grid, level: GridLevel, parent: GridRecord,
                        code: String?, name: String?, kind: String = GridKind.comprehensive.rawValue) throws -> GridReplacement.NewGrid {
        let multi = geometry.type == .multiPolygon ? geometry : try Geometry.collection(.multiPolygon, [geometry], context: geometry.context)
        let attributes = String(format: "{\"area_m2\":%.1f,\"blocks\":%d,\"buildings\":%d,\"compactness\":%.4f,\"radius_m\":%.1f}",
                                grid.areaM2, grid.blocks, grid.buildings, grid.compactness, grid.radiusM)
        return GridReplacement.NewGrid(code: code, name: name, level: level, parentFid: parent.fid, parentRef: parent.code ?? parent.name,
                                       households: Int64(grid.households.rounded()), residents: Int64(grid.residents.rounded()),
                                       attributes: attributes, blob: try GeoPackageGeometry.encode(multi, srsID: GeoPackage.storeSRSID), kind: kind)
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

    /// Cases (incidents) inside the parent whose block changes grid.
    static func movedCases(store: GeoPackage, envelope: Envelope, projector: MetricProjector, blocks: BlockSet, locator: PointLocator,
                           from: [Int], to: [Int]) throws -> Int {
        let points = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT lon, lat FROM cases WHERE lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?",
                             arguments: [envelope.minX, envelope.maxX, envelope.minY, envelope.maxY])
                .map { (x: $0["lon"] as Double, y: $0["lat"] as Double) }
        }
        var moved = 0
        for lonLat in points {
            let p = try projector.project(x: lonLat.x, y: lonLat.y)
            switch try locator.locate(x: p.x, y: p.y) {
            case .inside(let f), .boundary(let f):
                let b = blocks.faceBlock[f]
                if from[b] != to[b] { moved += 1 }
            case .outside: continue
            }
        }
        return moved
    }
}
