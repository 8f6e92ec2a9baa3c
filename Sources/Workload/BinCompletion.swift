import Foundation

/// Bin completion (after Korf's bin-packing search): people are filled one at a time, each with a
/// whole set of grids. Loads are counted in whole quanta, so the sums a person's remaining grids
/// can make are a bitset: a person's room shrinks to the largest sum they can make, everyone's
/// spare room together bounds how empty each may stay, and the sets tried for a person are only
/// those whose sum lands in that window (found by walking the suffix bitsets). The person with the
/// fewest sums in their window goes first, so dead ends show early.
extension Search {
    /// Whether all grids fit under `target` with at most `maxCost` changes of grids that have a
    /// person who may keep them (nil: any number).
    func complete(target: Double, nodeBudget: Int, maxCost: Int?) -> Outcome {
        guard !reach.isEmpty else { return feasible(target: target, nodeBudget: nodeBudget, moveBudget: maxCost) }
        let roomQ = rooms(target: target).map { Int(($0 / quantum + 1e-7).rounded(.down)) }
        if roomQ.contains(where: { $0 < 0 }) { lastOutcome = .infeasible; return .infeasible }
        let units = inst.loads.map { Int(($0 / quantum).rounded()) }
        let limit = nodeBudget == Int.max ? Int.max : nodes + nodeBudget
        var outOfTime = false
        var left = Array(repeating: true, count: n)
        var filled = Array(repeating: false, count: m)
        var a = Array(repeating: -1, count: n)
        var leftLoad = units.reduce(0, +)
        let countMoves = maxCost != nil
        var classOf: [String: Int] = [:]
        let itemClass = (0..<n).map { g -> Int in
            let key = "\(units[g])|\(candidates[g])|\(countMoves ? inst.current[g].map(String.init) ?? "-" : "")"
            if let c = classOf[key] { return c }
            classOf[key] = classOf.count
            return classOf.count - 1
        }
        func cost(_ g: Int, _ p: Int) -> Int {
            guard countMoves, let home = inst.current[g] else { return 0 }
            return home == p ? 0 : 1
        }
        func forcedCost() -> Int {
            guard countMoves else { return 0 }
            var excess = (0..<m).map { filled[$0] ? 0 : -roomQ[$0] }
            var need = 0
            for g in order where left[g] {
                guard let p = inst.current[g] else { continue }
                if filled[p] || !inst.allowed[g][p] { need += 1; continue }
                excess[p] += units[g]
            }
            for g in order where left[g] {
                guard let p = inst.current[g], !filled[p], inst.allowed[g][p], excess[p] > 0 else { continue }
                excess[p] -= units[g]; need += 1
            }
            return need
        }
        /// The grids left that p may take (largest first, or p's own first when changes count)
        /// and, for each position, the sums the grids from there on can make (up to p's room).
        func options(_ p: Int) -> (items: [Int], suffix: [Bits]) {
            var items = order.filter { left[$0] && inst.allowed[$0][p] && units[$0] <= roomQ[p] }
            if countMoves { items.sort { (inst.current[$0] == p ? 0 : 1, -units[$0]) < (inst.current[$1] == p ? 0 : 1, -units[$1]) } }
            var suffix = [Bits](repeating: Bits(size: roomQ[p]), count: items.count + 1)
            suffix[items.count].set(0)
            for i in stride(from: items.count - 1, through: 0, by: -1) {
                suffix[i] = suffix[i + 1]
                suffix[i].orShifted(suffix[i + 1], by: units[items[i]])
            }
            return (items, suffix)
        }
        func fill(_ spent: Int) -> Bool {
            nodes += 1
            if Date() >= deadline { outOfTime = true } // every node: a node costs far more than the clock
            if nodes >= limit || outOfTime { return false }
            if leftLoad == 0 { return true }
            var open: [(p: Int, items: [Int], suffix: [Bits], best: Int)] = []
            var spare = -leftLoad
            for p in 0..<m where !filled[p] {
                let o = options(p)
                let best = o.suffix[0].highest(atMost: roomQ[p])
                spare += best
                open.append((p, o.items, o.suffix, best))
            }
            if open.isEmpty || spare < 0 { return false }
            for g in order where left[g] {
                if !candidates[g].contains(where: { !filled[$0] && units[g] <= roomQ[$0] }) { return false }
            }
            if let maxCost, spent + forcedCost() > maxCost { return false }
            // Fail first: the person with the fewest sums in their window [best - spare, best].
            var pick = 0, fewest = Int.max
            for (k, o) in open.enumerated() {
                let count = o.suffix[0].count(from: max(0, o.best - spare), to: o.best)
                if count < fewest || (count == fewest && o.best > open[pick].best) { fewest = count; pick = k }
            }
            let (p, items, suffix, best) = open[pick]
            let low = max(0, best - spare)
            var sum = 0
            var chosen: [Int] = []
            func subset(_ i: Int, _ spentHere: Int) -> Bool {
                if let maxCost, spentHere > maxCost { return false }
                // Can the grids from i on bring the sum into the window?
                if !suffix[i].any(from: low - sum, to: best - sum) { return false }
                if i == items.count {
                    filled[p] = true
                    for g in chosen { left[g] = false; a[g] = p }
                    leftLoad -= sum
                    if fill(spentHere) { return true }
                    leftLoad += sum
                    for g in chosen { left[g] = true }
                    filled[p] = false
                    return false
                }
                let g = items[i], w = units[g]
                if sum + w <= best {
                    sum += w; chosen.append(g)
                    let ok = subset(i + 1, spentHere + cost(g, p))
                    sum -= w; chosen.removeLast()
                    if ok { return true }
                    if outOfTime || nodes >= limit { return false }
                }
                // Leaving this grid out: leave out its identical twins that follow too.
                var j = i + 1
                while j < items.count && itemClass[items[j]] == itemClass[g] { j += 1 }
                return subset(j, spentHere)
            }
            return subset(0, spent)
        }
        let ok = fill(0)
        lastOutcome = ok ? .found(a) : (outOfTime || nodes >= limit ? .unknown : .infeasible)
        return lastOutcome
    }
}

/// A fixed-size set of small whole numbers 0...size.
struct Bits {
    var words: [UInt64]
    let size: Int

    init(size: Int) {
        self.size = max(0, size)
        words = [UInt64](repeating: 0, count: self.size / 64 + 1)
    }

    mutating func set(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }

    /// self |= other << k (bits past `size` dropped).
    mutating func orShifted(_ other: Bits, by k: Int) {
        guard k <= size else { return }
        let ws = k >> 6, bs = UInt64(k & 63)
        var i = words.count - 1
        while i >= ws {
            var v = other.words[i - ws] << bs
            if bs > 0 && i - ws - 1 >= 0 { v |= other.words[i - ws - 1] >> (64 - bs) }
            words[i] |= v
            i -= 1
        }
        let extra = (words.count << 6) - 1 - size
        if extra > 0 { words[words.count - 1] &= UInt64.max >> UInt64(extra) }
    }

    /// The largest member not above x (-1 when none).
    func highest(atMost x: Int) -> Int {
        var i = min(x, size)
        while i >= 0 {
            let w = words[i >> 6] & (UInt64.max >> UInt64(63 - (i & 63)))
            if w != 0 { return (i & ~63) + 63 - w.leadingZeroBitCount }
            i = (i & ~63) - 1
        }
        return -1
    }

    /// Whether any member lies in lo...hi.
    func any(from lo: Int, to hi: Int) -> Bool { count(from: lo, to: hi, stopAtOne: true) > 0 }

    func count(from lo: Int, to hi: Int, stopAtOne: Bool = false) -> Int {
        let lo = max(0, lo), hi = min(hi, size)
        guard lo <= hi else { return 0 }
        var total = 0
        for wi in (lo >> 6)...(hi >> 6) {
            var w = words[wi]
            if wi == lo >> 6 { w &= UInt64.max << UInt64(lo & 63) }
            if wi == hi >> 6 { w &= UInt64.max >> UInt64(63 - (hi & 63)) }
            total += w.nonzeroBitCount
            if stopAtOne && total > 0 { return total }
        }
        return total
    }
}
