import Foundation

extension PartitionReport {
    /// What the partition of one parent made. The figures are grouped by what they are about; in the
    /// JSON they sit flat in the parent's object, under the keys the command has always printed.
    package struct Parent: Sendable, Codable {
        package var code: String?
        package var name: String
        package var faces = 0
        package var blocks = 0
        package var smallBlocksMerged = 0
        package var households = 0.0
        package var buildings = 0
        package var grids: [Grid] = []
        /// Blocks that alone exceed the maximum (households or residents).
        package var oversizeBlocks: [OversizeBlock] = []
        package var endedGrids = 0
        /// Grids of levels between the parent and the generated level left without children (not in the JSON).
        package var childlessBetween: [String] = []
        /// The targets used for this parent (with --count: its mean and spread).
        package var targets = Targets()
        package var cuts = Cuts()
        package var dedicated = DedicatedSites()
        package var seeds = Seeds()
        package var redraw = Redraw()
        package var seconds = 0.0
        /// Of which the search that groups blocks into grids (what other regionalisation tools time).
        package var searchSeconds = 0.0

        package init(code: String?, name: String) { self.code = code; self.name = name }

        enum CodingKeys: String, CodingKey {
            case code, name, faces, blocks, households, buildings, grids, seconds, target, min, max
            case smallBlocksMerged = "small_blocks_merged", oversizeBlocks = "oversize_blocks", endedGrids = "ended_grids"
            case searchSeconds = "search_seconds"
            // Derived from the grids: written, not read.
            case overMaxResidents = "over_max_residents", overMaxRadius = "over_max_radius"
        }

        package func encode(to encoder: any Encoder) throws {
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

        package init(from decoder: any Decoder) throws {
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
    package struct Cuts: Sendable, Codable, Equatable {
        package var onBarriers = 0
        /// On the boundary of a dedicated grid where no barrier runs.
        package var onDedicated = 0
        /// Redraw: kept on an old grid boundary where no barrier runs.
        package var onOldBoundariesOnly = 0
        package var notOnBarriers = 0
        package init() {}

        enum CodingKeys: String, CodingKey {
            case onBarriers = "cuts_on_barriers", onDedicated = "cuts_on_dedicated_boundaries"
            case onOldBoundariesOnly = "cuts_on_old_boundaries_only", notOnBarriers = "cuts_not_on_barriers"
        }
    }

    /// Dedicated grids (专属网格) of one parent.
    package struct DedicatedSites: Sendable, Codable, Equatable {
        /// Households in dedicated grids (not counted in the targets).
        package var households = 0.0
        /// Dedicated sites only partly inside this parent (the part inside is its grid).
        package var clipped: [String] = []
        package init() {}

        enum CodingKeys: String, CodingKey { case households = "dedicated_households", clipped = "dedicated_clipped" }
    }

    /// With --seeds: seeds in this parent, and those that could not have a grid of their own, with why.
    package struct Seeds: Sendable, Codable, Equatable {
        package var inside = 0
        package var notOwnGrid: [SeedRefusal] = []
        package init() {}

        enum CodingKeys: String, CodingKey { case inside = "seeds_inside", notOwnGrid = "seeds_without_own_grid" }
    }

    /// A seed that grows no grid of its own.
    package struct SeedRefusal: Sendable, Codable, Equatable {
        package var seed: String
        package var reason: String
    }

    /// What a redraw moved and whom it touches (zero, or empty, in a fresh partition).
    package struct Redraw: Sendable, Codable, Equatable {
        package var movedBlocks = 0
        package var movedHouseholds = 0.0
        package var movedBuildings = 0
        /// Cases (incidents) whose block changes grid; nil when the plan keeps no cases.
        package var movedCases: Int?
        /// Primary gridders on duty (from the roster, when the plan has one) of grids that changed.
        package var affectedGridders: [AffectedGridder] = []
        /// Parents of grids (areas, or the parent itself) whose grids cannot all meet the bounds with their
        /// number, however blocks move; their grids are left as they are.
        package var infeasibleGroups: [InfeasibleGroup] = []
        /// Parents whose number of grids the redraw changed (`--allow-count-changes`).
        package var countChanges: [CountChange] = []
        package init() {}

        enum CodingKeys: String, CodingKey {
            case movedBlocks = "moved_blocks", movedHouseholds = "moved_households", movedBuildings = "moved_buildings"
            case movedCases = "moved_cases", affectedGridders = "affected_gridders", infeasibleGroups = "infeasible_groups"
            case countChanges = "count_changes"
        }

        package func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(movedBlocks, forKey: .movedBlocks)
            try c.encode(movedHouseholds, forKey: .movedHouseholds)
            try c.encode(movedBuildings, forKey: .movedBuildings)
            try c.encode(movedCases, forKey: .movedCases) // null when unknown, as always printed
            try c.encode(affectedGridders, forKey: .affectedGridders)
            try c.encode(infeasibleGroups, forKey: .infeasibleGroups)
            try c.encode(countChanges, forKey: .countChanges)
        }
    }

    /// A parent whose grids a redraw added to or merged, because their number could not meet the bounds.
    package struct CountChange: Sendable, Codable, Equatable {
        package var group: String
        package var households: Double
        package var residents: Double
        package var gridsBefore: Int
        package var gridsAfter: Int

        enum CodingKeys: String, CodingKey {
            case group, households, residents, gridsBefore = "grids_before", gridsAfter = "grids_after"
        }
    }

    /// A primary gridder on duty in a grid a redraw changed.
    package struct AffectedGridder: Sendable, Codable, Equatable {
        package var grid: String
        package var person: String
        package init(grid: String, person: String) { self.grid = grid; self.person = person }
    }

    /// Grids of one parent that cannot meet the bounds in their number: households, residents, how many
    /// grids there are and how many would.
    package struct InfeasibleGroup: Sendable, Codable, Equatable {
        package var group: String
        package var households: Double
        package var residents: Double
        package var grids: Int
        package var needed: Int

        enum CodingKeys: String, CodingKey { case group, households, residents, grids, needed = "grids_needed" }
    }
}
