import Foundation
import Grids

/// What a partition made, per parent and overall. Codable: `gridplan partition --json` prints it as
/// encoded here (flat snake_case keys per parent, as the command has always printed them), and the
/// figures derived from the grids (share within bounds, max deviation, …) are written alongside.
/// Decoding reads back what the JSON holds; what it leaves out (the blocks, the relinked count, the
/// parents' residents and radius caps) comes back empty.
package struct PartitionReport: Sendable, Codable {
    package var parents: [Parent] = []
    /// Dedicated sites inside no parent (not made into grids).
    package var dedicatedOutside: [String] = []
    /// Seed points inside no parent.
    package var seedsOutside: [String] = []
    /// Filled when `keepBlocks` is set (not part of the JSON: `--blocks-out` writes them).
    package var blocks: [Block] = []
    package var targets: Targets
    package var buildingsRead = 0
    package var buildingsOutside = 0
    package var versionID: Int64?
    package var relinked = 0
    package var seconds = 0.0

    package init(targets: Targets) { self.targets = targets }

    package var allGrids: [Grid] { parents.flatMap(\.grids) }
    /// Grids that are not dedicated: those the bounds apply to.
    package var sizedGrids: [Grid] { allGrids.filter { !$0.dedicated } }
    /// The largest |households − target| over all grids but dedicated ones (each against its parent's target).
    package var maxDeviation: Double {
        parents.flatMap { p in p.grids.filter { !$0.dedicated }.map { abs($0.households - p.targets.target) } }.max() ?? 0
    }
    /// Share of the grids (dedicated ones left out) within the bounds.
    package var shareWithinBounds: Double {
        let g = sizedGrids
        return g.isEmpty ? 1 : Double(g.filter(\.withinBounds).count) / Double(g.count)
    }
    package var meanCompactness: Double {
        let g = sizedGrids
        return g.isEmpty ? 0 : g.map(\.compactness).reduce(0, +) / Double(g.count)
    }
    package var cutsNotOnBarriers: Int { parents.map(\.cuts.notOnBarriers).reduce(0, +) }

    enum CodingKeys: String, CodingKey {
        case parents, seconds, target
        case versionID = "version", dedicatedOutside = "dedicated_outside", seedsOutside = "seeds_outside"
        case buildingsRead = "buildings_read", buildingsOutside = "buildings_outside"
        case maxResidents = "max_residents", maxRadius = "max_radius_m"
        // Derived from the grids: written, not read.
        case grids, shareWithinBounds = "share_within_bounds", maxDeviation = "max_deviation"
        case meanCompactness = "mean_compactness", cutsNotOnBarriers = "cuts_not_on_barriers"
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(versionID, forKey: .versionID)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(allGrids.count, forKey: .grids)
        try c.encode(shareWithinBounds, forKey: .shareWithinBounds)
        try c.encode(maxDeviation, forKey: .maxDeviation)
        try c.encode(targets.target, forKey: .target)
        try c.encode(meanCompactness, forKey: .meanCompactness)
        try c.encode(cutsNotOnBarriers, forKey: .cutsNotOnBarriers)
        try c.encode(buildingsRead, forKey: .buildingsRead)
        try c.encode(buildingsOutside, forKey: .buildingsOutside)
        try c.encode(dedicatedOutside, forKey: .dedicatedOutside)
        try c.encode(seedsOutside, forKey: .seedsOutside)
        try c.encode(targets.maxResidents, forKey: .maxResidents)
        try c.encode(targets.maxRadius, forKey: .maxRadius)
        try c.encode(parents, forKey: .parents)
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        targets = Targets(
            maxResidents: try c.decodeIfPresent(Double.self, forKey: .maxResidents),
            maxRadius: try c.decodeIfPresent(Double.self, forKey: .maxRadius))
        targets.target = try c.decode(Double.self, forKey: .target)
        parents = try c.decode([Parent].self, forKey: .parents)
        versionID = try c.decodeIfPresent(Int64.self, forKey: .versionID)
        seconds = try c.decode(Double.self, forKey: .seconds)
        buildingsRead = try c.decode(Int.self, forKey: .buildingsRead)
        buildingsOutside = try c.decode(Int.self, forKey: .buildingsOutside)
        dedicatedOutside = try c.decode([String].self, forKey: .dedicatedOutside)
        seedsOutside = try c.decode([String].self, forKey: .seedsOutside)
    }
}

extension PartitionReport {
    /// One generated (or redrawn) grid.
    package struct Grid: Sendable, Codable {
        package var code: String?
        package var name: String
        package var households: Double
        package var residents: Double
        package var buildings: Int
        package var blocks: Int
        package var areaM2: Double
        /// Polsby–Popper, 4πA/P².
        package var compactness: Double
        /// From the centroid to the farthest boundary point, metres.
        package var radiusM: Double
        /// Households within min–max and residents within the cap (dedicated grids are exempt: true).
        package var withinBounds: Bool
        package var parts: Int
        /// Redraw: whether the grid changed (and so was written as a new version).
        package var changed: Bool
        /// `comprehensive`, or the kind of a dedicated grid (school, market, …).
        package var kind: String = GridKind.comprehensive.rawValue
        /// Residents over the cap (never for dedicated grids).
        package var overMaxResidents = false
        /// Radius over `--max-radius` (never for dedicated grids).
        package var overMaxRadius = false
        /// Ids of the seed points the grid holds (with --seeds).
        package var seeds: [String] = []
        /// Holes: grids it surrounds (a dedicated grid inside one block, or one the search could not avoid enclosing).
        package var holes = 0
        package var dedicated: Bool { kind != GridKind.comprehensive.rawValue }

        enum CodingKeys: String, CodingKey {
            case code, name, households, residents, buildings, blocks, compactness, parts, changed, kind, seeds, holes
            case areaM2 = "area_m2", radiusM = "radius_m", withinBounds = "within_bounds"
            case overMaxResidents = "over_max_residents", overMaxRadius = "over_max_radius"
        }

        package func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(code, forKey: .code)
            try c.encode(name, forKey: .name)
            try c.encode(households, forKey: .households)
            try c.encode(residents, forKey: .residents)
            try c.encode(buildings, forKey: .buildings)
            try c.encode(blocks, forKey: .blocks)
            try c.encode(areaM2, forKey: .areaM2)
            try c.encode(compactness, forKey: .compactness)
            try c.encode(radiusM, forKey: .radiusM)
            try c.encode(withinBounds, forKey: .withinBounds)
            try c.encode(parts, forKey: .parts)
            try c.encode(changed, forKey: .changed)
            try c.encode(kind, forKey: .kind)
            try c.encode(overMaxResidents, forKey: .overMaxResidents)
            try c.encode(overMaxRadius, forKey: .overMaxRadius)
            try c.encode(seeds, forKey: .seeds)
            try c.encode(holes, forKey: .holes)
            var derived = encoder.container(keyedBy: DerivedKeys.self)
            try derived.encode(dedicated, forKey: .dedicated)
        }

        enum DerivedKeys: String, CodingKey { case dedicated }
    }

    /// A block that alone exceeds the maximum households or the residents cap: it is a grid of its own.
    package struct OversizeBlock: Sendable, Codable {
        /// Its number among the parent's blocks (as in `--blocks-out`).
        package var block: Int
        package var households: Double
        package var residents: Double
        package var areaM2: Double
        /// A point inside it, longitude/latitude (CGCS2000).
        package var lon: Double
        package var lat: Double
        /// The code (or name) of the grid it became.
        package var grid: String = ""

        enum CodingKeys: String, CodingKey { case block, households, residents, lon, lat, grid, areaM2 = "area_m2" }
    }

    /// One block: its parent, households, residents, the grid it went to (index within the parent,
    /// in the order of `Parent.grids`) and its geometry as WKB (longitude/latitude).
    package struct Block: Sendable, Codable {
        package var parent: String
        package var block: Int
        package var households: Double
        package var residents: Double
        package var grid: Int
        package var gridCode: String?
        package var wkb: [UInt8]
        /// The grid's kind (comprehensive or a dedicated kind).
        package var kind: String = GridKind.comprehensive.rawValue
    }
}
