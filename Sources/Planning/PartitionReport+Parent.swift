import Foundation

extension PartitionReport {
    /// What the partition of one parent made. The figures are grouped by what they are about; in the
    /// JSON they sit flat in the parent's object, under the keys the command has always printed.
    public struct Parent: Sendable, Codable {
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
        public var endedGrids = 0
        /// Grids of levels between the parent and the generated level left without children (not in the JSON).
        public var childlessBetween: [String] = []
        /// The targets used for this parent (with --count: its mean and spread).
        public var targets = Targets()
        public var cuts = Cuts()
        public var dedicated = DedicatedSites()
        public var seeds = Seeds()
        public var redraw = Redraw()
        public var seconds = 0.0
        /// Of which the search that groups blocks into grids (what other regionalisation tools time).
        public var searchSeconds = 0.0

        public init(code: String?, name: String) { self.code = code; self.name = name }

        enum CodingKeys: String, CodingKey {
            case code, name, faces, blocks, households, buildings, grids, seconds, target, min, max
            case smallBlocksMerged = "small_blocks_merged", oversizeBlocks = "oversize_blocks", endedGrids = "ended_grids"
            case searchSeconds = "search_seconds"
            // Derived from the grids: written, not read.
            case overMaxResidents = "over_max_residents", overMaxRadius = "over_max_radius"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(code, forKey: .code)
            try c.encode(name, forKey: .name)
            try c.encode(faces, forKey: .faces)
            try c.encode(blocks, forKey: .blocks)
            try c.encode(smallBlocksMerged, forKey: .smallBlocksMerged)
            try c.encode(households, forKey: .households)
            try c.encode(buildings, forKey: .buildings)
            try c.encode(endedGrids, forKey: .endedGrids)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(searchSeconds, forKey: .searchSeconds)
            try c.encode(targets.target, forKey: .target)
            try c.encode(targets.min, forKey: .min)
            try c.encode(targets.max, forKey: .max)
            try c.encode(oversizeBlocks, forKey: .oversizeBlocks)
            try c.encode(grids.filter(\.overMaxResidents).map { $0.code ?? $0.name }, forKey: .overMaxResidents)
            try c.encode(grids.filter(\.overMaxRadius).map { $0.code ?? $0.name }, forKey: .overMaxRadius)
            try c.encode(grids, forKey: .grids)
            try cuts.encode(to: encoder)
            try dedicated.encode(to: encoder)
            try seeds.encode(to: encoder)
            try redraw.encode(to: encoder)
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            code = try c.decodeIfPresent(String.self, forKey: .code)
            name = try c.decode(String.self, forKey: .name)
            faces = try c.decode(Int.self, forKey: .faces)
            blocks = try c.decode(Int.self, forKey: .blocks)
            smallBlocksMerged = try c.decode(Int.self, forKey: .smallBlocksMerged)
            households = try c.decode(Double.self, forKey: .households)
            buildings = try c.decode(Int.self, forKey: .buildings)
            endedGrids = try c.decode(Int.self, forKey: .endedGrids)
            seconds = try c.decode(Double.self, forKey: .seconds)
            searchSeconds = try c.decode(Double.self, forKey: .searchSeconds)
            targets = Targets(
                target: try c.decode(Double.self, forKey: .target), min: try c.decode(Double.self, forKey: .min),
                max: try c.decode(Double.self, forKey: .max))
            oversizeBlocks = try c.decode([OversizeBlock].self, forKey: .oversizeBlocks)
            grids = try c.decode([Grid].self, forKey: .grids)
            cuts = try Cuts(from: decoder)
            dedicated = try DedicatedSites(from: decoder)
            seeds = try Seeds(from: decoder)
            redraw = try Redraw(from: decoder)
        }
    }

    /// Grid edge segments by what they lie on: only barriers and the parent's boundary are wanted.
    public struct Cuts: Sendable, Codable, Equatable {
        public var onBarriers = 0
        /// On the boundary of a dedicated grid where no barrier runs.
        public var onDedicated = 0
        /// Redraw: kept on an old grid boundary where no barrier runs.
        public var onOldBoundariesOnly = 0
        public var notOnBarriers = 0
        public init() {}

        enum CodingKeys: String, CodingKey {
            case onBarriers = "cuts_on_barriers", onDedicated = "cuts_on_dedicated_boundaries"
            case onOldBoundariesOnly = "cuts_on_old_boundaries_only", notOnBarriers = "cuts_not_on_barriers"
        }
    }

    /// Dedicated grids (专属网格) of one parent.
    public struct DedicatedSites: Sendable, Codable, Equatable {
        /// Households in dedicated grids (not counted in the targets).
        public var households = 0.0
        /// Dedicated sites only partly inside this parent (the part inside is its grid).
        public var clipped: [String] = []
        public init() {}

        enum CodingKeys: String, CodingKey { case households = "dedicated_households", clipped = "dedicated_clipped" }
    }

    /// With --seeds: seeds in this parent, and those that could not have a grid of their own, with why.
    public struct Seeds: Sendable, Codable, Equatable {
        public var inside = 0
        public var notOwnGrid: [SeedRefusal] = []
        public init() {}

        enum CodingKeys: String, CodingKey { case inside = "seeds_inside", notOwnGrid = "seeds_without_own_grid" }
    }

    /// A seed that grows no grid of its own.
    public struct SeedRefusal: Sendable, Codable, Equatable {
        public var seed: String
        public var reason: String
    }

    /// What a redraw moved and whom it touches (zero, or empty, in a fresh partition).
    public struct Redraw: Sendable, Codable, Equatable {
        public var movedBlocks = 0
        public var movedHouseholds = 0.0
        public var movedBuildings = 0
        /// Cases (incidents) whose block changes grid; nil when the plan keeps no cases.
        public var movedCases: Int?
        /// Primary gridders on duty (from the roster, when the plan has one) of grids that changed.
        public var affectedGridders: [AffectedGridder] = []
        /// Parents of grids (areas, or the parent itself) whose grids cannot all meet the bounds with their
        /// number, however blocks move; their grids are left as they are.
        public var infeasibleGroups: [InfeasibleGroup] = []
        public init() {}

        enum CodingKeys: String, CodingKey {
            case movedBlocks = "moved_blocks", movedHouseholds = "moved_households", movedBuildings = "moved_buildings"
            case movedCases = "moved_cases", affectedGridders = "affected_gridders", infeasibleGroups = "infeasible_groups"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(movedBlocks, forKey: .movedBlocks)
            try c.encode(movedHouseholds, forKey: .movedHouseholds)
            try c.encode(movedBuildings, forKey: .movedBuildings)
            try c.encode(movedCases, forKey: .movedCases) // null when unknown, as always printed
            try c.encode(affectedGridders, forKey: .affectedGridders)
            try c.encode(infeasibleGroups, forKey: .infeasibleGroups)
        }
    }

    /// A primary gridder on duty in a grid a redraw changed.
    public struct AffectedGridder: Sendable, Codable, Equatable {
        public var grid: String
        public var person: String
        public init(grid: String, person: String) { self.grid = grid; self.person = person }
    }

    /// Grids of one parent that cannot meet the bounds in their number: households, residents, how many
    /// grids there are and how many would.
    public struct InfeasibleGroup: Sendable, Codable, Equatable {
        public var group: String
        public var households: Double
        public var residents: Double
        public var grids: Int
        public var needed: Int

        enum CodingKeys: String, CodingKey { case group, households, residents, grids, needed = "grids_needed" }
    }
}
