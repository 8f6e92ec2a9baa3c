import Foundation

/// The searches behind ``Balancer``: greedy start, local search, a depth-first feasibility test
/// for a target ratio, and the fewest-changes search. Grids are taken largest first; people who
/// are interchangeable (same capacity, fixed load and reach) are tried once per room left.
final class Search {
    enum Outcome { case found([Int]), infeasible, unknown }

    let inst: BalanceInstance
    let n: Int, m: Int
    /// Grid indices, largest load first.
    let order: [Int]
    /// Load still to place from position i of `order` on, and the smallest of them.
    let suffixLoad: [Double], suffixMin: [Double]
    /// People each grid may have, as lists.
    let candidates: [[Int]]
    /// Interchangeable people share a class.
    let personClass: [Int]
    var deadline: Date
    /// Loads are whole multiples of `quantum`; `reach[p][s]` is then the largest sum of at most s
    /// quanta that grids person p may serve can make (empty when loads fit no such lattice).
    let quantum: Double
    let reach: [[Int32]]
    var nodes = 0
    var lastOutcome: Outcome = .infeasible

    init(_ inst: BalanceInstance, deadline: Date) {
        self.inst = inst
        let n = inst.gridCount, m = inst.personCount
        self.n = n; self.m = m
        order = (0..<n).sorted { inst.loads[$0] != inst.loads[$1] ? inst.loads[$0] > inst.loads[$1] : $0 < $1 }
        var s = Array(repeating: 0.0, count: n + 1), mn = Array(repeating: Double.infinity, count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            s[i] = s[i + 1] + inst.loads[order[i]]
            mn[i] = min(mn[i + 1], inst.loads[order[i]])
        }
        suffixLoad = s; suffixMin = mn
        candidates = (0..<n).map { g in (0..<m).filter { inst.allowed[g][$0] } }
        var classes: [String: Int] = [:]
        personClass = (0..<m).map { p in
            let key = "\(inst.capacities[p])|\(inst.fixedLoads[p])|" + (0..<n).map { inst.allowed[$0][p] ? "1" : "0" }.joined()
            if let c = classes[key] { return c }
            classes[key] = classes.count
            return classes.count - 1
        }
        self.deadline = deadline
        (quantum, reach) = Self.subsetSums(inst, candidates: candidates)
    }

    /// Subset sums per person: a person's load can only be a sum of some of the grids they may
    /// serve, so their room under a target shrinks to the largest such sum. This makes the bound
    /// on the whole load tight enough to prove most optima at the root.
    static func subsetSums(_ inst: BalanceInstance, candidates: [[Int]]) -> (Double, [[Int32]]) {
        let n = inst.gridCount, m = inst.personCount
        guard
            let q = [1, 0.5, 0.25, 0.2, 0.1, 0.05, 0.02, 0.01].first(where: { q in
                inst.loads.allSatisfy { abs($0 / q - ($0 / q).rounded()) < 1e-6 }
            })
        else { return (0, []) }
        let units = inst.loads.map { Int(($0 / q).rounded()) }
        let total = units.reduce(0, +)
        guard total > 0, m * (total + 1) <= 8_000_000 else { return (0, []) }
        let words = total / 64 + 1
        var reach: [[Int32]] = []
        for p in 0..<m {
            var bits = [UInt64](repeating: 0, count: words)
            bits[0] = 1
            for g in 0..<n where candidates[g].contains(p) && units[g] > 0 {
                let ws = units[g] / 64, bs = UInt64(units[g] % 64)
                var i = words - 1
                while i >= ws {
                    var v = bits[i - ws] << bs
                    if bs > 0 && i - ws - 1 >= 0 { v |= bits[i - ws - 1] >> (64 - bs) }
                    bits[i] |= v
                    i -= 1
                }
            }
            var best = [Int32](repeating: 0, count: total + 1)
            var last: Int32 = 0
            for s in 0...total {
                if bits[s / 64] >> UInt64(s % 64) & 1 == 1 { last = Int32(s) }
                best[s] = last
            }
            reach.append(best)
        }
        return (q, reach)
    }

    /// A person's room shrunk to the largest load their grids can make within it.
    func tightened(_ room: Double, person p: Int) -> Double {
        guard !reach.isEmpty, room >= 0 else { return room }
        let s = min(Int((room / quantum + 1e-7).rounded(.down)), reach[p].count - 1)
        return Double(reach[p][s]) * quantum + 1e-9 * max(1, room)
    }

    /// Largest grid first, to the person whose ratio it raises least.
    func greedy() -> [Int] {
        var load = inst.fixedLoads
        var a = Array(repeating: 0, count: n)
        for g in order {
            let p = candidates[g].min { (load[$0] + inst.loads[g]) / inst.capacities[$0] < (load[$1] + inst.loads[g]) / inst.capacities[$1] }!
            a[g] = p; load[p] += inst.loads[g]
        }
        return a
    }

    /// Everyone keeps the grids they may keep; the others go greedily.
    func keepCurrent() -> [Int] {
        var load = inst.fixedLoads
        var a = Array(repeating: -1, count: n)
        for g in 0..<n { if let p = inst.current[g], inst.allowed[g][p] { a[g] = p; load[p] += inst.loads[g] } }
        for g in order where a[g] < 0 {
            let p = candidates[g].min { (load[$0] + inst.loads[g]) / inst.capacities[$0] < (load[$1] + inst.loads[g]) / inst.capacities[$1] }!
            a[g] = p; load[p] += inst.loads[g]
        }
        return a
    }

    /// Moves and swaps that lower the larger ratio of the two people involved, starting from the
    /// most loaded person, until none is left; then hands grids back to their current person
    /// wherever that keeps the largest ratio.
    func improve(_ start: [Int]) -> [Int] {
        var a = start
        var load = inst.fixedLoads
        for (g, p) in a.enumerated() { load[p] += inst.loads[g] }
        let c = inst.capacities, w = inst.loads
        var held = Array(repeating: [Int](), count: m)
        for (g, p) in a.enumerated() { held[p].append(g) }
        var changed = true
        var rounds = 0
        while changed && rounds < 10_000 && (rounds & 15 != 0 || Date() < deadline) {
            changed = false; rounds += 1
            for p in (0..<m).sorted(by: { load[$0] / c[$0] > load[$1] / c[$1] }) {
                let rp = load[p] / c[p]
                var bestGain = 1e-12, bestMove: (Int, Int, Int?)? = nil
                for g in held[p] {
                    for q in candidates[g] where q != p {
                        let before = max(rp, load[q] / c[q])
                        let moved = max((load[p] - w[g]) / c[p], (load[q] + w[g]) / c[q])
                        if before - moved > bestGain { bestGain = before - moved; bestMove = (g, q, nil) }
                        for h in held[q] where w[h] < w[g] && inst.allowed[h][p] {
                            let swapped = max((load[p] - w[g] + w[h]) / c[p], (load[q] + w[g] - w[h]) / c[q])
                            if before - swapped > bestGain { bestGain = before - swapped; bestMove = (g, q, h) }
                        }
                    }
                }
                guard let (g, q, h) = bestMove else { continue }
                a[g] = q; load[p] -= w[g]; load[q] += w[g]
                held[p].removeAll { $0 == g }; held[q].append(g)
                if let h {
                    a[h] = p; load[q] -= w[h]; load[p] += w[h]
                    held[q].removeAll { $0 == h }; held[p].append(h)
                }
                changed = true
                break
            }
        }
        return handBack(a)
    }

    /// Returns grids to their current person where the largest ratio does not grow.
    func handBack(_ start: [Int]) -> [Int] {
        var a = start
        var load = inst.fixedLoads
        for (g, p) in a.enumerated() { load[p] += inst.loads[g] }
        let limit = (0..<m).map { load[$0] / inst.capacities[$0] }.max() ?? 0
        for g in order {
            guard let home = inst.current[g], home != a[g], inst.allowed[g][home] else { continue }
            if (load[home] + inst.loads[g]) / inst.capacities[home] <= limit * (1 + 1e-12) {
                load[a[g]] -= inst.loads[g]; load[home] += inst.loads[g]; a[g] = home
            }
        }
        return a
    }

    /// Local search for fewer changes within `target`: a grid goes home when its person there has
    /// room, or when one grid there can make room by going to the grid's present person (a swap)
    /// or to a third person with room (a chain); each step must lower the number of changes.
    func fewerMoves(_ start: [Int], target: Double) -> [Int] {
        var a = start
        var room = rooms(target: target)
        for (g, p) in a.enumerated() { room[p] -= inst.loads[g] }
        let w = inst.loads
        func away(_ g: Int, _ p: Int) -> Int { inst.current[g].map { $0 == p ? 0 : 1 } ?? 0 }
        var improved = true
        var rounds = 0
        while improved && rounds < 50 {
            improved = false; rounds += 1
            for g in order {
                guard let h = inst.current[g], a[g] != h, inst.allowed[g][h] else { continue }
                let p = a[g]
                if room[h] >= w[g] {
                    a[g] = h; room[h] -= w[g]; room[p] += w[g]; improved = true; continue
                }
                // Make room at h by sending one of its grids k to p (swap) or to a third person q.
                var done = false
                for k in 0..<n where a[k] == h && k != g && room[h] + w[k] >= w[g] {
                    let before = away(g, p) + away(k, h)
                    if inst.allowed[k][p] && room[p] + w[g] - w[k] >= 0 && away(k, p) < before {
                        a[g] = h; a[k] = p
                        room[h] += w[k] - w[g]; room[p] += w[g] - w[k]
                        done = true; break
                    }
                    for q in candidates[k] where q != h && q != p && room[q] >= w[k] && away(k, q) < before {
                        a[g] = h; a[k] = q
                        room[h] += w[k] - w[g]; room[p] += w[g]; room[q] -= w[k]
                        done = true; break
                    }
                    if done { break }
                }
                if done { improved = true }
            }
        }
        return a
    }

    /// From the current assignment: people over the target shed grids (one that covers the excess
    /// if there is one, else their largest), and the shed grids go, largest first, to whoever has
    /// the least room that still fits them. Nil when some grid finds no room.
    func repair(target: Double) -> [Int]? {
        var room = rooms(target: target)
        var a = Array(repeating: -1, count: n)
        for g in 0..<n { if let p = inst.current[g], inst.allowed[g][p] { a[g] = p; room[p] -= inst.loads[g] } }
        for p in 0..<m where room[p] < 0 {
            var mine = order.filter { a[$0] == p }
            while room[p] < 0, !mine.isEmpty {
                let excess = -room[p]
                let k = mine.lastIndex { inst.loads[$0] >= excess } ?? 0
                let g = mine.remove(at: k)
                a[g] = -1; room[p] += inst.loads[g]
            }
        }
        for g in order where a[g] < 0 {
            let w = inst.loads[g]
            guard let p = candidates[g].filter({ room[$0] >= w }).min(by: { room[$0] < room[$1] }) else { return nil }
            a[g] = p; room[p] -= w
        }
        return a
    }

    /// Room each person has under a target ratio, with a hair of slack for rounding.
    func rooms(target: Double) -> [Double] {
        (0..<m).map { p in
            tightened(target * inst.capacities[p] - inst.fixedLoads[p] + 1e-10 * max(1, target * inst.capacities[p]), person: p)
        }
    }

    /// Whether every grid can be placed with no ratio above `target`, changing at most
    /// `moveBudget` grids that have a person who may keep them (nil: any number).
    func feasible(target: Double, nodeBudget: Int, moveBudget: Int? = nil) -> Outcome {
        var room = rooms(target: target)
        if room.contains(where: { $0 < 0 }) { lastOutcome = .infeasible; return .infeasible }
        var a = Array(repeating: -1, count: n)
        let limit = nodeBudget == Int.max ? Int.max : nodes + nodeBudget
        var outOfTime = false
        // Load of grids not yet placed, per person who holds them now (for the moves bound).
        var pending = Array(repeating: 0.0, count: m)
        for g in 0..<n { if let p = inst.current[g] { pending[p] += inst.loads[g] } }
        func forced(_ i: Int) -> Int {
            // Each person must give up at least enough of their pending grids (largest first) to fit.
            var excess = (0..<m).map { pending[$0] - room[$0] }
            if !excess.contains(where: { $0 > 1e-12 }) { return 0 }
            var need = 0
            for j in i..<n {
                let g = order[j]
                guard let p = inst.current[g], excess[p] > 1e-12 else { continue }
                excess[p] -= inst.loads[g]; need += 1
            }
            return need
        }
        func place(_ i: Int, _ budget: Int) -> Bool {
            if i == n { return true }
            nodes += 1
            if nodes & 1023 == 0 && Date() >= deadline { outOfTime = true }
            if nodes >= limit || outOfTime { return false }
            // Room smaller than the smallest grid still to place is lost.
            var usable = 0.0
            for r in room where r >= suffixMin[i] { usable += r }
            if usable < suffixLoad[i] { return false }
            if moveBudget != nil && forced(i) > budget { return false }
            let g = order[i], w = inst.loads[g]
            let home = inst.current[g]
            if let home { pending[home] -= w }
            defer { if let home { pending[home] += w } }
            var options = candidates[g].filter { room[$0] >= w }
            if let home, let k = options.firstIndex(of: home) { options.swapAt(0, k) }
            if options.count > 2 { options[1...].sort { room[$0] > room[$1] } }
            var tried: [(Int, Double)] = []
            for p in options {
                let cost = home == nil || p == home ? 0 : 1
                if cost > budget { continue }
                // Interchangeable people with equal room lead to the same subtrees, unless changes
                // are counted (then who holds which later grid now tells them apart).
                if moveBudget == nil {
                    if tried.contains(where: { $0.0 == personClass[p] && abs($0.1 - room[p]) <= 1e-9 }) { continue }
                    tried.append((personClass[p], room[p]))
                }
                room[p] -= w; a[g] = p
                if place(i + 1, budget - cost) { return true }
                room[p] += w
                if outOfTime || nodes >= limit { return false }
            }
            return false
        }
        let ok = place(0, moveBudget ?? Int.max / 2)
        lastOutcome = ok ? .found(a) : (outOfTime || nodes >= limit ? .unknown : .infeasible)
        return lastOutcome
    }

    /// The assignment within `target` that changes the fewest grids, by iterative deepening on the
    /// number of changes; `start` (within target) is the fallback. Returns it and whether the
    /// count is proven least.
    func fewestMoves(target: Double, start given: [Int]) -> ([Int], Bool) {
        let base = (0..<n).filter { inst.current[$0] == nil }.count
        var start = fewerMoves(handBack(given), target: target)
        if let r = repair(target: target).map({ fewerMoves($0, target: target) }), inst.moves(r) < inst.moves(start) { start = r }
        // A first answer that keeps grids with their people where it can, then each answer found
        // must change fewer grids than the best so far, until none can.
        var best = start
        if case .found(let a) = complete(target: target, nodeBudget: 20_000, maxCost: n) {
            let b = fewerMoves(a, target: target)
            if inst.moves(b) < inst.moves(best) { best = b }
        }
        while inst.moves(best) > base {
            switch complete(target: target, nodeBudget: Int.max, maxCost: inst.moves(best) - base - 1) {
            case .found(let a): best = fewerMoves(a, target: target)
            case .unknown: return (best, false)
            case .infeasible: return (best, true)
            }
        }
        return (best, true)
    }
}
