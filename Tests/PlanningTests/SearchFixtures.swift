@testable import Planning

/// Small hand-made block graphs for the search strategies' tests: lattices of 100 m squares, so that
/// the right answer (which blocks go together) can be worked out by hand.
enum SearchFixture {
    /// `rows` × `columns` squares of 100 m, numbered row by row; households given per block
    /// (residents three per household). Squares sharing a side are neighbours.
    static func lattice(rows: Int, columns: Int, households: [Double]) -> BlockGraph {
        precondition(households.count == rows * columns)
        let n = rows * columns
        func sides(_ b: Int) -> [(block: Int, length: Double)] {
            let (r, c) = b.quotientAndRemainder(dividingBy: columns)
            return [(r - 1, c), (r, c - 1), (r, c + 1), (r + 1, c)]
                .filter { (0..<rows).contains($0.0) && (0..<columns).contains($0.1) }
                .map { (block: $0.0 * columns + $0.1, length: 100.0) }
        }
        let x = (0..<n).map { Double($0 % columns) * 100 + 50 }, y = (0..<n).map { Double($0 / columns) * 100 + 50 }
        let corners = (0..<n).map { b in [(-50.0, -50.0), (50.0, -50.0), (50.0, 50.0), (-50.0, 50.0)].map { (x: x[b] + $0.0, y: y[b] + $0.1) } }
        return BlockGraph(
            households: households, residents: households.map { $0 * 3 }, areas: Array(repeating: 10_000, count: n),
            perimeters: Array(repeating: 400, count: n), centreX: x, centreY: y,
            shared: (0..<n).map(sides), toleranceM: 1, hulls: corners)
    }

    /// A row of `households.count` squares.
    static func row(_ households: [Double]) -> BlockGraph { lattice(rows: 1, columns: households.count, households: households) }

    /// The search state of `region` over `graph` with `targets`.
    static func state(_ graph: BlockGraph, _ targets: Targets, _ region: [Int]) -> RegionBuilder.State {
        RegionBuilder.State(RegionBuilder(graph: graph, targets: targets), region: region)
    }

    /// Whether every region of `state` is one connected piece.
    static func allConnected(_ state: RegionBuilder.State) -> Bool {
        (0..<state.weight.count).allSatisfy { state.isConnected($0) }
    }
}
