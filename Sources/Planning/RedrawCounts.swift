import Foundation
import Grids

extension ParentPartition {
    /// Where a redraw's search starts: a region per block and, per region, the existing grid it
    /// continues (nil: a grid the redraw adds) and the parent grid it belongs to.
    struct RedrawStart {
        var region: [Int]
        /// Index into `children` of the grid each region continues; nil for an added grid.
        var child: [Int?]
        /// The fid of each region's parent grid: blocks move only between regions of one parent.
        var group: [Int]
    }

    /// The least and the most grids that could hold `households` and `residents` within the bounds.
    static func gridCountRange(households: Double, residents: Double, targets: Targets) -> (least: Int, most: Int) {
        var least = Swift.max(1, Int((households / Swift.max(targets.max, Objective.tolerance)).rounded(.up))) // no division by 0
        if let cap = targets.maxResidents, cap > 0 { least = Swift.max(least, Int((residents / cap).rounded(.up))) }
        let most = targets.min > 0 ? Int((households / targets.min).rounded(.down)) : Int.max
        return (least, most)
    }

    /// The existing grids as they are: region `c` is child `c`.
    func unchangedStart(_ original: [Int]) -> RedrawStart {
        RedrawStart(region: original, child: children.indices.map { $0 }, group: children.map { Int($0.parentFid ?? -1) })
    }

    /// The start of a redraw that may change how many grids a parent has: where the households of one
    /// parent's grids cannot meet the bounds in their number however blocks move, the fullest grid is
    /// split in two (grids added) or the emptiest is shared out among its neighbours (grids merged)
    /// until the number can. Locked and dedicated grids (`frozen`) are never split or merged. The
    /// search then moves blocks from there as in any redraw; each change is in the report.
    mutating func changeCounts(_ original: [Int], graph: BlockGraph, targets: Targets, frozen: Set<Int>) -> RedrawStart {
        var start = original
        var groupOf: [Int: Int] = Dictionary(uniqueKeysWithValues: children.indices.map { ($0, Int(children[$0].parentFid ?? -1)) })
        var households: [Int: Double] = [:]
        for (b, r) in start.enumerated() { households[r, default: 0] += graph.households[b] }
        var next = children.count
        var regionsOfGroup: [Int: [Int]] = [:]
        for c in children.indices where !frozen.contains(c) && households[c] != nil { regionsOfGroup[groupOf[c]!, default: []].append(c) }
        for (group, found) in regionsOfGroup.sorted(by: { $0.key < $1.key }) {
            var regions = found
            let blocksIn = start.indices.filter { regions.contains(start[$0]) }
            let hh = blocksIn.reduce(0.0) { $0 + graph.households[$1] }, res = blocksIn.reduce(0.0) { $0 + graph.residents[$1] }
            let (least, most) = Self.gridCountRange(households: hh, residents: res, targets: targets)
            let before = regions.count
            while regions.count < least {
                guard let fullest = regions.filter({ r in start.filter { $0 == r }.count > 1 }).max(by: { households[$0]! < households[$1]! }),
                    split(fullest, into: next, start: &start, graph: graph)
                else { break }
                for r in [fullest, next] {
                    households[r] = start.indices.filter { start[$0] == r }.reduce(0.0) { $0 + graph.households[$1] }
                }
                groupOf[next] = group
                regions.append(next)
                next += 1
            }
            while regions.count > Swift.max(most, least, 1) {
                guard let emptiest = regions.min(by: { households[$0]! < households[$1]! }),
                    dissolve(emptiest, among: Set(regions).subtracting([emptiest]), start: &start, graph: graph, households: &households)
                else { break }
                regions.removeAll { $0 == emptiest }
            }
            guard regions.count != before else { continue }
            let name = plan.byFid[Int64(group)].map(\.label) ?? record.label
            part.redraw.countChanges.append(.init(group: name, households: hh, residents: res, gridsBefore: before, gridsAfter: regions.count))
        }
        // Dense region numbers for the search, in the order of the grids they continue, added ones last.
        let used = Set(start).sorted()
        let dense = Dictionary(uniqueKeysWithValues: used.enumerated().map { ($1, $0) })
        return RedrawStart(
            region: start.map { dense[$0]! }, child: used.map { $0 < children.count ? $0 : nil }, group: used.map { groupOf[$0] ?? -1 })
    }

    /// Splits region `r` in two contiguous halves of about equal households, grown together from its
    /// two blocks farthest apart; the second half becomes region `added`.
    func split(_ r: Int, into added: Int, start: inout [Int], graph: BlockGraph) -> Bool {
        let blocks = start.indices.filter { start[$0] == r }
        guard blocks.count > 1 else { return false }
        func distance(_ a: Int, _ b: Int) -> Double { hypot(graph.centreX[a] - graph.centreX[b], graph.centreY[a] - graph.centreY[b]) }
        let first = blocks.max { distance($0, blocks[0]) < distance($1, blocks[0]) }!
        let second = blocks.max { distance($0, first) < distance($1, first) }!
        guard first != second else { return false }
        let inRegion = Set(blocks)
        var owner: [Int: Int] = [first: r, second: added]
        var frontier: [Int: [Int]] = [r: [first], added: [second]]
        var load: [Int: Double] = [r: graph.households[first], added: graph.households[second]]
        while owner.count < blocks.count {
            // The lighter half grows by one block next to it; when it cannot, the other does.
            let order = [r, added].sorted { load[$0]! < load[$1]! }
            var grew = false
            for side in order {
                while let b = frontier[side]!.first {
                    guard let n = graph.adjacent[b].filter({ inRegion.contains($0) && owner[$0] == nil }).min() else {
                        frontier[side]!.removeFirst(); continue
                    }
                    owner[n] = side
                    frontier[side]!.append(n)
                    load[side]! += graph.households[n]
                    grew = true
                    break
                }
                if grew { break }
            }
            if !grew { return false } // blocks of r not connected to either half: leave r whole
        }
        for (b, side) in owner { start[b] = side }
        return true
    }

    /// Shares out region `r`'s blocks among the neighbouring regions in `others`, each block to the
    /// lightest region it borders, so every region stays contiguous; false (and nothing changed) when
    /// some block of `r` borders none of them.
    func dissolve(_ r: Int, among others: Set<Int>, start: inout [Int], graph: BlockGraph, households: inout [Int: Double]) -> Bool {
        let blocks = start.indices.filter { start[$0] == r }
        var trial = start, load = households
        for b in blocks { trial[b] = -1 }
        var left = Set(blocks)
        while !left.isEmpty {
            var moved = false
            for b in left.sorted() {
                guard let to = graph.adjacent[b].map({ trial[$0] }).filter(others.contains).min(by: { (load[$0]!, $0) < (load[$1]!, $1) })
                else { continue }
                trial[b] = to
                load[to]! += graph.households[b]
                left.remove(b)
                moved = true
            }
            if !moved { return false }
        }
        load[r] = nil
        start = trial
        households = load
        return true
    }
}
