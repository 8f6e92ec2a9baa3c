import Foundation
import GridGeometry
import GridProjection
import Grids

extension ParentPartition {
    /// A grid made from a region: its geometry (longitude/latitude and metres) and its report line.
    struct Made {
        var region: Int
        /// Its blocks, in block order.
        var blocks: [Int]
        var geometry: Geometry
        var metric: Geometry
        var grid: PartitionReport.Grid
    }

    /// Regions to grids: the union of each region's blocks, measured (area, Polsby–Popper, radius,
    /// parts, holes), its kind, whether it changed, and whether it meets the bounds.
    mutating func makeGrids(search: Search, graph: BlockGraph, blocks: BlockSet) throws -> [Made] {
        let solution = search.solution, original = search.original, targets = search.builder.targets
        let cuts = try blocks.cutCounts(region: solution.region)
        part.cuts.onBarriers = cuts.onBarriers
        part.cuts.onDedicated = cuts.onDedicated
        part.cuts.onOldBoundariesOnly = cuts.onOldBoundariesOnly
        part.cuts.notOnBarriers = cuts.elsewhere
        var made: [Made] = []
        for (r, blockList) in members(solution).enumerated() where !blockList.isEmpty {
            let metric = try blocks.union(ofBlocks: blockList)
            let union = try blocks.lonLat(metric)
            let area = metric.area, perimeter = metric.length
            let centre = try metric.centroid().xy
            let (xs, ys) = try metric.coordinates()
            var radius = 0.0
            for k in xs.indices { radius = max(radius, hypot(xs[k] - centre.x, ys[k] - centre.y)) }
            let hh = blockList.reduce(0.0) { $0 + graph.households[$1] }
            let residents = blockList.reduce(0.0) { $0 + graph.residents[$1] }
            // Redraw: changed unless it holds exactly the blocks of the grid it continues (an added grid is new).
            let changed =
                options.redraw ? search.child[r].map { c in Set(blockList) != Set(original.indices.filter { original[$0] == c }) } ?? true : true
            let kind = kind(ofRegion: r, blocks: blockList, search: search)
            let exempt = kind != GridKind.comprehensive.rawValue
            var grid = PartitionReport.Grid(
                code: nil, name: "", households: hh, residents: residents,
                buildings: blockList.reduce(0) { $0 + blockBuildings[$1] }, blocks: blockList.count,
                areaM2: area, compactness: perimeter > 0 ? 4 * Double.pi * area / (perimeter * perimeter) : 0,
                radiusM: radius, withinBounds: exempt || targets.within(households: hh, residents: residents),
                parts: union.type == .multiPolygon ? union.partCount : 1, changed: changed)
            grid.kind = kind
            grid.overMaxResidents = !exempt && targets.overResidents(residents)
            grid.overMaxRadius = !exempt && radius > (targets.maxRadius ?? .infinity) + Self.radiusToleranceM
            grid.seeds = blockList.sorted().flatMap { seedsOfBlock[$0] ?? [] }
            grid.holes = union.type == .multiPolygon ? try union.parts.reduce(0) { $0 + $1.holeCount } : union.holeCount
            made.append(Made(region: r, blocks: blockList, geometry: union, metric: metric, grid: grid))
        }
        return made
    }

    /// Radii measured from geometry differ from the search's by rounding of the union: a grid is only
    /// reported over the maximum radius beyond this (a micrometre).
    static let radiusToleranceM = 1e-6

    /// The blocks of each region, in block order.
    func members(_ solution: RegionBuilder.Solution) -> [[Int]] {
        var members = [[Int]](repeating: [], count: solution.regionCount)
        for (b, r) in solution.region.enumerated() { members[r].append(b) }
        return members
    }

    /// A redrawn grid keeps its kind (one it adds is comprehensive); a fresh grid holding a dedicated
    /// block takes the site's kind.
    func kind(ofRegion r: Int, blocks blockList: [Int], search: Search) -> String {
        if options.redraw { return search.child[r].map { children[$0].kind } ?? GridKind.comprehensive.rawValue }
        if let d = blockList.lazy.compactMap({ dedicatedOfBlock[$0] }).first { return options.dedicated[sites.indices[d]].kind.rawValue }
        return GridKind.comprehensive.rawValue
    }

    /// Redraw: the blocks, households, buildings and cases that change grid, and the primary gridders
    /// of the grids that changed (asked of the case store and the roster, which Planning does not read).
    mutating func redrawFigures(
        search: Search, graph: BlockGraph, blocks: BlockSet, locator: PointLocator, made: [Made],
        cases: (any CaseLocations)?, roster: (any DutyRoster)?
    ) throws {
        // Each block's grid before and after, as indices into `children` (an added grid: past its end).
        let before = search.original, after = search.solution.region.map { search.child[$0] ?? (children.count + $0) }
        for b in before.indices where before[b] != after[b] {
            part.redraw.movedBlocks += 1
            part.redraw.movedHouseholds += graph.households[b]
            part.redraw.movedBuildings += blockBuildings[b]
        }
        if let cases, let points = try cases.casePoints(in: envelope) {
            part.redraw.movedCases = try movedCases(points, blocks: blocks, locator: locator, from: before, to: after)
        }
        let changedCodes = Set(
            children.indices.filter { c in
                guard let r = search.child.firstIndex(of: c) else { return true }
                return made.first { $0.region == r }?.grid.changed ?? true
            }
            .compactMap { children[$0].code })
        if !changedCodes.isEmpty, let roster, let gridders = try roster.primaryGridders(level: options.outLevel, grids: changedCodes) {
            part.redraw.affectedGridders = gridders
        }
    }

    /// Cases (longitude/latitude) whose block changes grid.
    func movedCases(_ points: [(lon: Double, lat: Double)], blocks: BlockSet, locator: PointLocator, from: [Int], to: [Int]) throws -> Int {
        var moved = 0
        for lonLat in points {
            let p = try blocks.projector.project(x: lonLat.lon, y: lonLat.lat)
            switch try locator.locate(x: p.x, y: p.y) {
            case .inside(let f), .boundary(let f):
                let b = blocks.faceBlock[f]
                if from[b] != to[b] { moved += 1 }
            case .outside: continue
            }
        }
        return moved
    }

    /// Redraw: grids keep their code and name; those that changed are ended and written anew, those
    /// left without blocks (merged) are ended; grids the redraw added get the next free codes under
    /// their parent, by the standard scheme, and are named after them.
    mutating func replaceChanged(
        _ made: inout [Made], search: Search, newGrids: inout [GridReplacement.NewGrid], endFids: inout [Int64]
    ) throws {
        for (c, child) in children.enumerated() {
            guard let r = search.child.firstIndex(of: c), let i = made.firstIndex(where: { $0.region == r }) else {
                endFids.append(child.fid); part.endedGrids += 1; continue
            }
            made[i].grid.code = child.code
            made[i].grid.name = child.name ?? child.label
            guard made[i].grid.changed else { continue }
            endFids.append(child.fid); part.endedGrids += 1
            let parent = child.parentFid.flatMap { plan.byFid[$0] } ?? record
            newGrids.append(
                try Partitioner.newGrid(
                    made[i].geometry, grid: made[i].grid, level: options.outLevel, parent: parent,
                    code: child.code, name: child.name, kind: child.kind))
        }
        var taken = plan.codesEverUsed.union(plan.all.filter { $0.level == options.outLevel }.compactMap(\.code))
        for i in made.indices where search.child[made[i].region] == nil {
            let group = Int64(search.builder.regionGroups?[made[i].region] ?? -1)
            let parent = plan.byFid[group] ?? record
            let code = nextCode(under: parent, taken: &taken)
            let noun = options.outLevel == .area ? "片区" : "网格"
            let number = code.map { Int($0.suffix(CodeScheme.standard.parts[options.outLevel]!.digits)) ?? 0 } ?? made.count
            made[i].grid.code = code
            made[i].grid.name = "\(parent.name ?? parent.label)第\(number)\(noun)"
            newGrids.append(
                try Partitioner.newGrid(
                    made[i].geometry, grid: made[i].grid, level: options.outLevel, parent: parent, code: code, name: made[i].grid.name))
        }
    }

    /// The first code under `parent` by the standard scheme that no grid of the level has had; nil
    /// when the parent has no code to build on or the digits run out.
    func nextCode(under parent: GridRecord, taken: inout Set<String>) -> String? {
        guard let prefix = Partitioner.codePrefix(parent: parent, ancestors: plan.ancestors(parent), level: options.outLevel) else { return nil }
        let digits = CodeScheme.standard.parts[options.outLevel]!.digits
        var n = 1
        while taken.contains(prefix + String(format: "%0\(digits)d", n)) { n += 1 }
        guard String(n).count <= digits else { return nil }
        let code = prefix + String(format: "%0\(digits)d", n)
        taken.insert(code)
        return code
    }

    /// Fresh partition: the grids in reading order (north→south, west→east), coded after the parent by
    /// the standard scheme (skipping codes still in use) and named after it; dedicated grids after their site.
    mutating func nameAndCode(_ made: inout [Made], newGrids: inout [GridReplacement.NewGrid]) throws {
        part.endedGrids = children.count
        let level = options.outLevel
        let order = try Partitioner.readingOrder(made.map { try $0.metric.pointOnSurface().xy }, sizes: made.map { $0.metric.area.squareRoot() })
        let prefix = Partitioner.codePrefix(parent: record, ancestors: plan.ancestors(record), level: level)
        let digits = CodeScheme.standard.parts[level]!.digits
        let ending = Set(children.map(\.fid))
        let used = Set(plan.all.filter { $0.level == level && !ending.contains($0.fid) }.compactMap(\.code))
        var next = 1
        let noun = level == .area ? "片区" : "网格"
        let parentName = record.name ?? record.label
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
            if made[i].grid.dedicated {
                let d = made[i].blocks.compactMap { dedicatedOfBlock[$0] }.first!
                let site = options.dedicated[sites.indices[d]]
                made[i].grid.name = site.name ?? "\(parentName)\(Partitioner.kindLabel(site.kind))专属\(noun)(\(site.label))"
            } else {
                sequence += 1
                made[i].grid.name = "\(parentName)第\(sequence)\(noun)"
            }
            newGrids.append(
                try Partitioner.newGrid(
                    made[i].geometry, grid: made[i].grid, level: level, parent: record,
                    code: code, name: made[i].grid.name, kind: made[i].grid.kind))
        }
        made = order.map { made[$0] }
    }

    /// The blocks that alone exceed the maximum (households or residents), with a point inside each and
    /// the grid each became.
    func oversizeBlocks(search: Search, graph: BlockGraph, blocks: BlockSet, made: [Made]) throws -> [PartitionReport.OversizeBlock] {
        let gridOfRegion = Dictionary(uniqueKeysWithValues: made.map { ($0.region, $0.grid.code ?? $0.grid.name) })
        return try search.builder.oversizeBlocks.map { b in
            let inside = try blocks.lonLat(try blocks.union(ofBlocks: [b]).pointOnSurface()).xy
            return PartitionReport.OversizeBlock(
                block: b, households: graph.households[b], residents: graph.residents[b],
                areaM2: graph.areas[b], lon: inside.x, lat: inside.y,
                grid: gridOfRegion[search.solution.region[b]] ?? "")
        }
    }

    /// Every block with its households and grid (for `--blocks-out`), `made` in report order.
    func blockRecords(search: Search, graph: BlockGraph, blocks: BlockSet, made: [Made]) throws -> [PartitionReport.Block] {
        let position = Dictionary(uniqueKeysWithValues: made.enumerated().map { ($1.region, $0) })
        return try (0..<graph.count).map { b in
            let grid = position[search.solution.region[b]] ?? -1
            return PartitionReport.Block(
                parent: record.code ?? record.label, block: b, households: graph.households[b],
                residents: graph.residents[b], grid: grid, gridCode: grid >= 0 ? made[grid].grid.code : nil,
                wkb: try blocks.lonLat(try blocks.union(ofBlocks: [b])).wkb,
                kind: grid >= 0 ? made[grid].grid.kind : GridKind.comprehensive.rawValue)
        }
    }
}
