import Foundation

extension RegionBuilder {
    /// Region growing, the start of a fresh plan: regions per connected component in proportion to its
    /// households, seeds spread by farthest-point sampling refined by weighted k-means (or the given seed
    /// blocks), then the lightest region takes the free neighbouring block nearest its centre until no
    /// block is free. Nil when `countOffset` gives a component a number of grids that cannot meet the bounds.
    func grow(_ rng: inout SeededGenerator, countOffset: Int = 0) -> [Int]? {
        let n = graph.count
        var region = [Int](repeating: -1, count: n)
        var next = 0
        // Locked and oversize blocks first: their regions are set, not grown.
        var lockedRegions: [Int: Int] = [:]
        for (b, r) in fixed.sorted(by: { $0.key < $1.key }) {
            if lockedRegions[r] == nil { lockedRegions[r] = next; next += 1 }
            region[b] = lockedRegions[r]!
        }
        for b in oversizeBlocks where region[b] < 0 { region[b] = next; next += 1 }
        // Ties between equally near blocks are broken at random, so that restarts differ.
        let tie = (0..<n).map { _ in rng.next() }
        let taken = Set((0..<n).filter { region[$0] >= 0 })
        let components = graph.components(excluding: taken)
        guard let (counts, given) = componentCounts(components, countOffset: countOffset) else { return nil }
        for (i, (component, k)) in zip(components, counts).enumerated() {
            let seeds = given[i].isEmpty ? chooseSeeds(component, k: k, &rng) : given[i]
            growRegions(from: seeds, first: next, region: &region, tie: tie)
            next += seeds.count
        }
        // Blocks no seed reached (cut off by locked or oversize blocks): join a neighbouring
        // region, or form a region of their own.
        let lockedValues = Set(lockedRegions.values)
        var changed = true
        while changed {
            changed = false
            for b in 0..<n where region[b] < 0 {
                if let r = graph.adjacent[b].map({ region[$0] }).filter({ $0 >= 0 && !lockedValues.contains($0) }).min() {
                    region[b] = r; changed = true
                }
            }
        }
        for b in 0..<n where region[b] < 0 {
            for x in graph.reachable(from: b, within: { region[$0] < 0 }) { region[x] = next }
            next += 1
        }
        return region
    }

    /// The number of regions of each component and the seed blocks given in it (empty: choose seeds);
    /// nil when `countOffset` makes a number that cannot meet the bounds.
    private func componentCounts(_ components: [[Int]], countOffset: Int) -> (counts: [Int], given: [[Int]])? {
        var given: [[Int]] = components.map { _ in [] }
        if !seeds.isEmpty {
            var componentOf = [Int](repeating: -1, count: graph.count)
            for (i, c) in components.enumerated() { for b in c { componentOf[b] = i } }
            var used = Set<Int>()
            for b in seeds where componentOf[b] >= 0 && used.insert(b).inserted { given[componentOf[b]].append(b) }
        }
        var counts = regionCounts(components)
        for i in components.indices where !given[i].isEmpty { counts[i] = given[i].count }
        if countOffset != 0 {
            for (i, component) in components.enumerated() {
                let w = component.reduce(0.0) { $0 + graph.households[$1] }
                let k = counts[i] + countOffset
                guard k >= 1, k <= component.count, w / Double(k) >= targets.min * 0.9, w / Double(k) <= targets.max * 1.1 else { return nil }
                counts[i] = k
            }
        }
        return (counts, given)
    }

    /// Grows one region from each seed (numbered from `first`): the lightest region that can still grow
    /// takes the free neighbouring block nearest its seed, ties broken by `tie`.
    private func growRegions(from seeds: [Int], first: Int, region: inout [Int], tie: [UInt64]) {
        var weight = [Double](repeating: 0, count: seeds.count)
        var frontier = [Set<Int>](repeating: [], count: seeds.count)
        for (i, s) in seeds.enumerated() {
            region[s] = first + i
            weight[i] = graph.households[s]
        }
        for (i, s) in seeds.enumerated() { frontier[i] = Set(graph.adjacent[s].filter { region[$0] < 0 }) }
        let cx = seeds.map { graph.centreX[$0] }, cy = seeds.map { graph.centreY[$0] }
        while true {
            // The lightest region that can still grow.
            var pick = -1
            for i in seeds.indices where !frontier[i].isEmpty {
                frontier[i] = frontier[i].filter { region[$0] < 0 }
                if frontier[i].isEmpty { continue }
                if pick < 0 || weight[i] < weight[pick] { pick = i }
            }
            guard pick >= 0 else { break }
            let b = frontier[pick].min { a, c in
                let da = graph.centreDistance(a, toX: cx[pick], y: cy[pick]), dc = graph.centreDistance(c, toX: cx[pick], y: cy[pick])
                return da != dc ? da < dc : tie[a] < tie[c]
            }!
            region[b] = first + pick
            weight[pick] += graph.households[b]
            frontier[pick].remove(b)
            for nb in graph.adjacent[b] where region[nb] < 0 { frontier[pick].insert(nb) }
        }
    }

    /// Regions per component: from the targets, or the fixed count shared out by households
    /// (largest remainder, at least one each). Fixed (dedicated) blocks are not counted.
    func regionCounts(_ components: [[Int]]) -> [Int] {
        let weights = components.map { $0.reduce(0.0) { $0 + graph.households[$1] } }
        guard let total = targets.count else {
            return components.map { c in
                targets.gridCount(for: c.reduce(0.0) { $0 + graph.households[$1] }, residents: c.reduce(0.0) { $0 + graph.residents[$1] })
            }
        }
        let remaining = Swift.max(components.count, total - oversizeBlocks.count)
        let sum = weights.reduce(0, +)
        if sum <= 0 { return components.map { _ in 1 } }
        let exact = weights.map { $0 / sum * Double(remaining) }
        var counts = exact.map { Swift.max(1, Int($0.rounded(.down))) }
        var left = remaining - counts.reduce(0, +)
        let order = exact.indices.sorted { (exact[$0] - exact[$0].rounded(.down), -$0) > (exact[$1] - exact[$1].rounded(.down), -$1) }
        var i = 0
        while left > 0 { counts[order[i % order.count]] += 1; left -= 1; i += 1 }
        // Never more regions than blocks.
        return zip(counts, components).map { Swift.min($0, $1.count) }
    }

    /// `k` seed blocks spread over the component: a random first block, farthest-point sampling,
    /// then a few rounds of household-weighted k-means snapped to the nearest free block.
    func chooseSeeds(_ component: [Int], k: Int, _ rng: inout SeededGenerator) -> [Int] {
        if k >= component.count { return component }
        var seeds = [component[Int(rng.next() % UInt64(component.count))]]
        var nearest = component.map { graph.centreDistance($0, seeds[0]) }
        while seeds.count < k {
            let i = nearest.indices.max { nearest[$0] != nearest[$1] ? nearest[$0] < nearest[$1] : $0 > $1 }!
            let s = component[i]
            seeds.append(s)
            for (j, b) in component.enumerated() { nearest[j] = Swift.min(nearest[j], graph.centreDistance(b, s)) }
        }
        var cx = seeds.map { graph.centreX[$0] }, cy = seeds.map { graph.centreY[$0] }
        for _ in 0..<5 {
            var sx = [Double](repeating: 0, count: k), sy = sx, sw = sx
            for b in component {
                let c = (0..<k).min { graph.centreDistance(b, toX: cx[$0], y: cy[$0]) < graph.centreDistance(b, toX: cx[$1], y: cy[$1]) }!
                let w = graph.households[b] + 1e-3 * graph.areas[b] / Swift.max(graph.areas.reduce(0, +), 1)
                sx[c] += w * graph.centreX[b]; sy[c] += w * graph.centreY[b]; sw[c] += w
            }
            for c in 0..<k where sw[c] > 0 { cx[c] = sx[c] / sw[c]; cy[c] = sy[c] / sw[c] }
        }
        var used = Set<Int>()
        var result: [Int] = []
        for c in 0..<k {
            let b = component.filter { !used.contains($0) }.min { a, d in
                let da = graph.centreDistance(a, toX: cx[c], y: cy[c]), dd = graph.centreDistance(d, toX: cx[c], y: cy[c])
                return da != dd ? da < dd : a < d
            }!
            used.insert(b)
            result.append(b)
        }
        return result
    }
}
