import Foundation

/// Bin completion (after Korf's bin-packing search): people are filled one at a time, each with a
/// whole set of grids. Loads are counted in whole quanta, so the sums a person's remaining grids
/// can make are a bitset: a person's room shrinks to the largest sum they can make, everyone's
/// spare room together bounds how empty each may stay, and the sets tried for a person are only
/// those whose sum lands in that window (found by walking the suffix bitsets). The person with the
/// fewest sums in their window goes first, so dead ends show early.
extension Search {
    /// At most this many dead ends are remembered in one completion (about 40 bytes each).
    static let maxDeadEnds = 4_000_000

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
        /// The grids left that p may take (largest first, or p's own first when changes count).
        func items(_ p: Int) -> [Int] {
            var items = order.filter { left[$0] && inst.allowed[$0][p] && units[$0] <= roomQ[p] }
            if countMoves { items.sort { (inst.current[$0] == p ? 0 : 1, -units[$0]) < (inst.current[$1] == p ? 0 : 1, -units[$1]) } }
            return items
        }
        /// The sums `items` can make, up to p's room: all a person not picked next needs (one set,
        /// built in place, where the suffix sets below cost one per grid).
        func sums(_ p: Int, _ items: [Int]) -> Bits {
            var sums = Bits(size: roomQ[p])
            sums.set(0)
            for g in items { sums.orShiftedInPlace(by: units[g]) }
            return sums
        }
        /// For each position of `items`, the sums the grids from there on can make (up to p's room).
        func options(_ p: Int, _ items: [Int]) -> (items: [Int], suffix: [Bits]) {
            var suffix = [Bits](repeating: Bits(size: roomQ[p]), count: items.count + 1)
            suffix[items.count].set(0)
            for i in stride(from: items.count - 1, through: 0, by: -1) {
                suffix[i] = suffix[i + 1]
                suffix[i].orShifted(suffix[i + 1], by: units[items[i]])
            }
            return (items, suffix)
        }
        // Dead ends already met: the same grids left for the same people (and, when changes count, the
        // same changes spent) fail again, however the search came there. Kept for up to 128 grids and
        // 64 people (two words and one), and up to `maxDeadEnds` of them.
        let remember = n <= 128 && m <= 64
        var deadEnds = Set<DeadEnd>()
        var leftBits: (UInt64, UInt64) = (0, 0), filledBits: UInt64 = 0
        if remember { for g in 0..<n { setBit(&leftBits, g, true) } }
        func fill(_ spent: Int) -> Bool {
            guard remember else { return fillOnce(spent) }
            let key = DeadEnd(left0: leftBits.0, left1: leftBits.1, filled: filledBits, spent: countMoves ? spent : 0)
            if deadEnds.contains(key) { return false }
            if fillOnce(spent) { return true }
            if !outOfTime && nodes < limit && deadEnds.count < Self.maxDeadEnds { deadEnds.insert(key) }
            return false
        }
        func fillOnce(_ spent: Int) -> Bool {
            nodes += 1
            if Date() >= deadline { outOfTime = true } // every node: a node costs far more than the clock
            if nodes >= limit || outOfTime { return false }
            if leftLoad == 0 { return true }
            var open: [(p: Int, items: [Int], sums: Bits, best: Int)] = []
            var spare = -leftLoad
            for p in 0..<m where !filled[p] {
                let its = items(p)
                let reach = sums(p, its)
                let best = reach.highest(atMost: roomQ[p])
                spare += best
                open.append((p, its, reach, best))
            }
            if open.isEmpty || spare < 0 { return false }
            for g in order where left[g] {
                if !candidates[g].contains(where: { !filled[$0] && units[g] <= roomQ[$0] }) { return false }
            }
            if let maxCost, spent + forcedCost() > maxCost { return false }
            // Fail first: the person with the fewest sums in their window [best - spare, best].
            var pick = 0, fewest = Int.max
            for (k, o) in open.enumerated() {
                let count = o.sums.count(from: max(0, o.best - spare), to: o.best)
                if count < fewest || (count == fewest && o.best > open[pick].best) { fewest = count; pick = k }
            }
            let (p, _, best) = (open[pick].p, open[pick].sums, open[pick].best)
            let (items, suffix) = options(p, open[pick].items)
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
                    if remember {
                        filledBits |= 1 << UInt64(p)
                        for g in chosen { setBit(&leftBits, g, false) }
                    }
                    if fill(spentHere) { return true }
                    leftLoad += sum
                    for g in chosen { left[g] = true }
                    filled[p] = false
                    if remember {
                        filledBits &= ~(1 << UInt64(p))
                        for g in chosen { setBit(&leftBits, g, true) }
                    }
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

/// A state of the bin completion known to fail: the grids left (two words of bits), the people
/// filled, and the changes spent on the way (0 when changes are not counted).
struct DeadEnd: Hashable {
    var left0: UInt64, left1: UInt64, filled: UInt64, spent: Int
}

/// Sets or clears bit `i` of a two-word set.
func setBit(_ bits: inout (UInt64, UInt64), _ i: Int, _ on: Bool) {
    let mask: UInt64 = 1 << UInt64(i & 63)
    if i < 64 {
        bits.0 = on ? bits.0 | mask : bits.0 & ~mask
    } else {
        bits.1 = on ? bits.1 | mask : bits.1 & ~mask
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

    /// self |= self << k, in place: words are rewritten from the highest down, so each reads only
    /// words not yet rewritten.
    mutating func orShiftedInPlace(by k: Int) {
        guard k <= size, k > 0 else { return }
        let ws = k >> 6, bs = UInt64(k & 63), size = size
        // The search's innermost loop: indices are in range by construction (ws ≤ i < count).
        words.withUnsafeMutableBufferPointer { w in
            var i = w.count - 1
            while i >= ws {
                var v = w[i - ws] << bs
                if bs > 0 && i - ws - 1 >= 0 { v |= w[i - ws - 1] >> (64 - bs) }
                w[i] |= v
                i -= 1
            }
            let extra = (w.count << 6) - 1 - size
            if extra > 0 { w[w.count - 1] &= UInt64.max >> UInt64(extra) }
        }
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
