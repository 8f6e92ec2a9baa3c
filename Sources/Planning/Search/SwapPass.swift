import Foundation

extension RegionBuilder.State {
    /// Swaps of two boundary blocks between neighbouring regions, for the local optima single moves
    /// cannot leave (two halves the wrong way round, each move alone breaking a bound). Keeps a swap
    /// when it improves the plan and both regions stay connected. Returns whether one did.
    mutating func swapPass(_ rng: inout SeededGenerator) -> Bool {
        var improved = false
        var order = Array(0..<graph.count)
        order.shuffle(using: &rng)
        for b in order {
            guard movable(b) else { continue }
            let a = region[b]
            let before = solution
            var done = false
            let neighbours = Set(graph.adjacent[b].map { region[$0] }).sorted()
            for t in neighbours where t != a && !locked.contains(t) && members[t].count > 1 && compatible(a, t) {
                let partners = members[t].filter { c in
                    !anchored.contains(c) && graph.adjacent[c].contains { region[$0] == a } && c != b
                }.sorted()
                for c in partners {
                    move(b, to: t); move(c, to: a)
                    if Objective.better(solution, than: before), isConnected(a), isConnected(t) {
                        improved = true; done = true
                        break
                    }
                    move(c, to: t); move(b, to: a)
                }
                if done { break }
            }
        }
        return improved
    }
}
