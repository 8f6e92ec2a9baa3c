import Foundation

extension RegionBuilder {
    /// The bookkeeping every search strategy works on: a region per block and, per region, its members,
    /// households, residents, area, perimeter, centroid sums, radius and the fixed blocks it surrounds,
    /// kept up to date by ``move(_:to:)`` so that a move is scored without looking at the whole plan.
    /// The strategies (hill climbing, swap pass, tabu search, ejection chains) live in their own files.
    struct State {
        let builder: RegionBuilder
        let graph: BlockGraph
        let targets: Targets
        let score: RegionScore
        let regionGroups: [Int]?
        var region: [Int]
        var members: [Set<Int>]
        var weight: [Double]
        var residents: [Double]
        var area: [Double]
        var perimeter: [Double]
        /// Area-weighted sums of block centres: the region's centroid is (sx, sy) / area.
        var sx: [Double]
        var sy: [Double]
        /// Centroid to farthest point, metres (kept only with a maximum radius).
        var radius: [Double]
        let locked: Set<Int>
        /// `locked` as a flag per region (fast to test).
        let isLocked: [Bool]
        /// Seed blocks: they never move.
        let anchored: Set<Int>
        let isAnchored: [Bool]
        /// Fixed single-block regions away from the parent's edge: for each, its neighbours (any shared
        /// boundary). A region holding all of them surrounds it.
        let enclaveNeighbours: [Int: [Int]]
        /// For each block, the fixed blocks it borders (keys of `enclaveNeighbours`).
        let bordersEnclave: [Int: [Int]]
        /// How many fixed blocks each region surrounds.
        var enclosed: [Int]

        var mean: Double { score.mean }
        var radiusOn: Bool { score.radiusOn }

        init(_ builder: RegionBuilder, region: [Int]) {
            self.builder = builder
            self.region = region
            let graph = builder.graph
            self.graph = graph
            targets = builder.targets
            regionGroups = builder.regionGroups
            let k = (region.max() ?? -1) + 1
            members = Array(repeating: [], count: k)
            weight = Array(repeating: 0, count: k); residents = weight; area = weight; perimeter = weight; sx = weight; sy = weight
            radius = weight
            for (b, r) in region.enumerated() {
                members[r].insert(b)
                weight[r] += graph.households[b]
                residents[r] += graph.residents[b]
                area[r] += graph.areas[b]
                sx[r] += graph.areas[b] * graph.centreX[b]
                sy[r] += graph.areas[b] * graph.centreY[b]
                perimeter[r] += graph.perimeters[b]
                for (nb, length) in graph.shared[b] where region[nb] == r { perimeter[r] -= length }
            }
            var locked = Set(builder.fixed.keys.map { region[$0] })
            for b in builder.oversizeBlocks where members[region[b]].count == 1 { locked.insert(region[b]) }
            self.locked = locked
            isLocked = (0..<k).map { locked.contains($0) }
            anchored = Set(builder.seeds)
            var flags = [Bool](repeating: false, count: region.count)
            for b in builder.seeds where b < flags.count { flags[b] = true }
            isAnchored = flags
            let free = (0..<k).filter { !locked.contains($0) }
            let weights = weight
            let mean = free.isEmpty ? builder.targets.target : free.reduce(0.0) { $0 + weights[$1] } / Double(free.count)
            score = RegionScore(objective: builder.objective, targets: builder.targets, mean: mean)
            (enclaveNeighbours, bordersEnclave) = Self.enclaves(builder)
            enclosed = Array(repeating: 0, count: k)
            for (_, list) in enclaveNeighbours {
                let r = region[list[0]]
                if list.allSatisfy({ region[$0] == r }) { enclosed[r] += 1 }
            }
            if score.radiusOn { for r in 0..<k { radius[r] = radiusOf(r) } }
        }

        /// Fixed single-block regions with (almost) no boundary on the parent's edge, with their
        /// neighbours, and for each neighbour the fixed blocks it borders.
        static func enclaves(_ builder: RegionBuilder) -> (neighbours: [Int: [Int]], borders: [Int: [Int]]) {
            let graph = builder.graph
            var neighbours: [Int: [Int]] = [:], borders: [Int: [Int]] = [:]
            var perRegion: [Int: Int] = [:]
            for (_, r) in builder.fixed { perRegion[r, default: 0] += 1 }
            for (d, r) in builder.fixed.sorted(by: { $0.key < $1.key }) where perRegion[r] == 1 {
                let shared = graph.shared[d].filter { $0.length > 0 }
                let outside = graph.perimeters[d] - shared.reduce(0.0) { $0 + $1.length }
                guard outside <= 1, !shared.isEmpty else { continue }
                neighbours[d] = shared.map(\.block)
                for n in shared.map(\.block) { borders[n, default: []].append(d) }
            }
            return (neighbours, borders)
        }

        /// The fixed blocks region `r` would surround after block `b` joins it (`adding`) or leaves it.
        func enclosedCount(_ r: Int, changing b: Int, adding: Bool) -> Int {
            guard let ds = bordersEnclave[b] else { return enclosed[r] }
            var n = enclosed[r]
            for d in ds {
                let list = enclaveNeighbours[d]!
                let before = list.allSatisfy { region[$0] == r }
                let after = list.allSatisfy { $0 == b ? adding : region[$0] == r }
                if before && !after { n -= 1 } else if !before && after { n += 1 }
            }
            return n
        }

        /// The radius of region `r`, with block `adding` added or `removing` taken away; only its excess
        /// over the maximum matters, so a radius within it may come back as any value not above it (blocks
        /// whose bound is within the maximum are not measured exactly).
        func radiusOf(_ r: Int, adding: Int? = nil, removing: Int? = nil) -> Double {
            var a = area[r], x = sx[r], y = sy[r]
            if let b = adding { a += graph.areas[b]; x += graph.areas[b] * graph.centreX[b]; y += graph.areas[b] * graph.centreY[b] }
            if let b = removing { a -= graph.areas[b]; x -= graph.areas[b] * graph.centreX[b]; y -= graph.areas[b] * graph.centreY[b] }
            guard a > 0 else { return 0 }
            let cx = x / a, cy = y / a
            var d = 0.0
            let floor = targets.maxRadius ?? 0
            func visit(_ b: Int) {
                let bound = graph.centreDistance(b, toX: cx, y: cy) + graph.reach[b]
                if bound <= Swift.max(d, floor) { return }
                d = Swift.max(d, graph.farthest(b, fromX: cx, y: cy))
            }
            for b in members[r] where b != removing { visit(b) }
            if let b = adding { visit(b) }
            return d
        }

        /// Violation of a region of `w` households, `res` residents and radius `rad`.
        func violation(_ w: Double, _ res: Double, _ rad: Double, _ enclaves: Int = 0) -> Double {
            score.violation(w, res, rad, enclaves)
        }

        /// Violation of region `r` as it is (zero for locked regions: they are exempt).
        func violation(of r: Int) -> Double {
            isLocked[r] ? 0 : violation(weight[r], residents[r], radius[r], enclosed[r])
        }

        func cost(weight w: Double, area a: Double, perimeter p: Double) -> Double {
            score.cost(weight: w, area: a, perimeter: p)
        }

        var totalViolation: Double {
            var v = 0.0
            for r in 0..<weight.count { v += violation(of: r) }
            return v
        }

        var solution: Solution {
            var c = 0.0
            for r in 0..<weight.count { c += cost(weight: weight[r], area: area[r], perimeter: perimeter[r]) }
            return Solution(region: region, regionCount: weight.count, violation: totalViolation, cost: c)
        }

        /// Whether region `r` stays connected without block `b` (false when `b` is its only block).
        func connectedWithout(_ b: Int, in r: Int) -> Bool {
            let rest = members[r].count - 1
            guard rest > 0, let start = graph.adjacent[b].first(where: { region[$0] == r }) else { return false }
            return graph.reachable(from: start) { $0 != b && region[$0] == r }.count == rest
        }

        /// Whether region `r` is one connected set of blocks.
        func isConnected(_ r: Int) -> Bool {
            guard let start = members[r].first else { return true }
            return graph.reachable(from: start) { region[$0] == r }.count == members[r].count
        }

        /// Whether block `b` may leave its region at all (not locked, not a seed, not the last block).
        func movable(_ b: Int) -> Bool {
            let from = region[b]
            return !isLocked[from] && !isAnchored[b] && members[from].count > 1
        }

        /// Whether blocks may move between regions `a` and `b`.
        func compatible(_ a: Int, _ b: Int) -> Bool {
            guard let groups = regionGroups, a < groups.count, b < groups.count else { return true }
            return groups[a] == groups[b]
        }

        /// The boundary block `b` shares with its own region and with each other region.
        func sharedBoundary(_ b: Int) -> (own: Double, others: [Int: Double]) {
            let from = region[b]
            var own = 0.0
            var others: [Int: Double] = [:]
            for (nb, length) in graph.shared[b] {
                if region[nb] == from { own += length } else { others[region[nb], default: 0] += length }
            }
            return (own, others)
        }

        mutating func move(_ b: Int, to target: Int) {
            let from = region[b]
            var toFrom = 0.0, toTarget = 0.0
            for (nb, length) in graph.shared[b] where nb != b {
                if region[nb] == from { toFrom += length } else if region[nb] == target { toTarget += length }
            }
            perimeter[from] += -graph.perimeters[b] + 2 * toFrom
            perimeter[target] += graph.perimeters[b] - 2 * toTarget
            weight[from] -= graph.households[b]; weight[target] += graph.households[b]
            residents[from] -= graph.residents[b]; residents[target] += graph.residents[b]
            area[from] -= graph.areas[b]; area[target] += graph.areas[b]
            let ax = graph.areas[b] * graph.centreX[b], ay = graph.areas[b] * graph.centreY[b]
            sx[from] -= ax; sy[from] -= ay; sx[target] += ax; sy[target] += ay
            if bordersEnclave[b] != nil {
                enclosed[from] = enclosedCount(from, changing: b, adding: false)
                enclosed[target] = enclosedCount(target, changing: b, adding: true)
            }
            members[from].remove(b); members[target].insert(b)
            region[b] = target
            if radiusOn { radius[from] = radiusOf(from); radius[target] = radiusOf(target) }
        }

        /// The change in violation and in cost if block `b` moved to region `t`; `balance` is the change
        /// in the squared deviations from the mean alone.
        func delta(_ b: Int, to t: Int) -> (dv: Double, dc: Double, balance: Double) {
            let from = region[b]
            var toFrom = 0.0, toT = 0.0
            for (nb, length) in graph.shared[b] {
                if region[nb] == from { toFrom += length } else if region[nb] == t { toT += length }
            }
            return delta(b, to: t, toFrom: toFrom, toT: toT)
        }

        /// As ``delta(_:to:)``, given the boundary `b` shares with its region and with `t`.
        func delta(_ b: Int, to t: Int, toFrom: Double, toT: Double) -> (dv: Double, dc: Double, balance: Double) {
            let from = region[b]
            let h = graph.households[b], p = graph.residents[b]
            let wFrom = weight[from] - h, aFrom = area[from] - graph.areas[b]
            let pFrom = perimeter[from] - graph.perimeters[b] + 2 * toFrom
            let wT = weight[t] + h, aT = area[t] + graph.areas[b], pT = perimeter[t] + graph.perimeters[b] - 2 * toT
            let rFrom = radiusOn ? radiusOf(from, removing: b) : 0, rT = radiusOn ? radiusOf(t, adding: b) : 0
            let eFrom = bordersEnclave[b] == nil ? enclosed[from] : enclosedCount(from, changing: b, adding: false)
            let eT = bordersEnclave[b] == nil ? enclosed[t] : enclosedCount(t, changing: b, adding: true)
            let dv =
                violation(wFrom, residents[from] - p, rFrom, eFrom) + violation(wT, residents[t] + p, rT, eT)
                - violation(of: from) - violation(of: t)
            let dc =
                cost(weight: wFrom, area: aFrom, perimeter: pFrom) + cost(weight: wT, area: aT, perimeter: pT)
                - cost(weight: weight[from], area: area[from], perimeter: perimeter[from])
                - cost(weight: weight[t], area: area[t], perimeter: perimeter[t])
            let balance = score.balance(wFrom) + score.balance(wT) - score.balance(weight[from]) - score.balance(weight[t])
            return (dv, dc, balance)
        }

        /// Regions out of bounds, and those within `rings` steps of them.
        func around(_ rings: Int) -> Set<Int> {
            var near = Set((0..<weight.count).filter { violation(of: $0) > 0 })
            var ring = near
            for _ in 0..<rings {
                var next = Set<Int>()
                for r in ring { for b in members[r] { for nb in graph.adjacent[b] where !near.contains(region[nb]) { next.insert(region[nb]) } } }
                near.formUnion(next)
                ring = next
            }
            return near
        }
    }
}
