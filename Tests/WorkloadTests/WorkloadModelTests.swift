import Duty
import Foundation
import GRDB
import GridProjection
import GridStore
import GridTestSupport
import Grids
import Testing
import Workload

/// The shared four-level plan with households (U1 300, U2 500, U3 400) and a roster: G1 primary of
/// U1 and U2, G2 of U3, N1 a full-time gridder without any duty based in U2; all capacity 1000.
func rosteredPlan(_ folder: TemporaryFolder, extra: [String] = []) throws -> GeoPackage {
    let store = try fourLevelPlan(folder, schema: DutySchema.schema)
    try store.write { db in
        for (code, h) in [("U1", 300), ("U2", 500), ("U3", 400)] {
            try db.execute(sql: "UPDATE grids SET households = ? WHERE code = ?", arguments: [h, code])
        }
    }
    func at(_ x: Double, _ y: Double) -> String { let p = point(x, y); return "\(p.lon),\(p.lat)" }
    let lines =
        [
            "id,name,role,capacity,lon,lat,grid,duty,duty_from",
            "G1,张三,专职网格员,1000,\(at(100, 100)),U1,primary,2024-01-01",
            "G1,张三,专职网格员,1000,\(at(100, 100)),U2,primary,2024-01-01",
            "G2,李四,专职网格员,1000,\(at(1500, 500)),U3,primary,2024-01-01",
            "N1,王五,专职网格员,1000,\(at(750, 500)),,,",
        ] + extra
    let report = try RosterImporter.run(
        file: folder.write("roster.csv", lines.joined(separator: "\n") + "\n"), into: store,
        crs: .cgcs2000, today: "2024-01-01")
    #expect(report.rejects.isEmpty, "\(report.rejects.map(\.reason))")
    return store
}

@Test func loadsRadiiAndCapacity() throws {
    let folder = TemporaryFolder()
    let model = try WorkloadModel(store: try rosteredPlan(folder), day: "2024-06-01", rules: .defaults)
    let report = try LoadReport(model: model)
    let g1 = try #require(report.people.first { $0.id == "G1" })
    #expect(g1.load == 800 && g1.capacity == 1000 && abs(g1.ratio! - 0.8) < 1e-12)
    // From (100, 100) to U2's far corner (1000, 1000), in the zone's metres.
    #expect(abs(g1.radiusM - (900.0 * 900 * 2).squareRoot()) < 0.01)
    #expect(g1.grids.sorted() == ["U1", "U2"])
    let n1 = try #require(report.people.first { $0.id == "N1" })
    #expect(n1.load == 0 && n1.grids.isEmpty)
    #expect(report.grids.map(\.load) == [300, 500, 400])
    #expect(report.levels.first { $0.0 == .street }?.1.max == 1200)
}

@Test func balanceMovesOneGridToTheFreeGridderAndApplies() throws {
    let folder = TemporaryFolder()
    let store = try rosteredPlan(folder)
    let model = try WorkloadModel(store: store, day: "2024-06-01", rules: .defaults)
    let proposal = try BalanceProposal(model: model, options: .init(withinLevel: .street, withinCode: "S"))
    #expect(proposal.solution.ratioOptimal && abs(proposal.solution.maxRatio - 0.5) < 1e-12)
    #expect(proposal.moves.count == 1 && proposal.moves[0].from == "G1" && proposal.moves[0].to == "N1")
    let version = try #require(try proposal.apply(store: store, day: "2024-06-01", command: "balance --within street S"))
    let (after, before) = try store.read { db in
        (
            try Roster.onDuty(db, codes: [proposal.moves[0].grid], day: "2024-06-01").map { $0.1.id },
            try Roster.onDuty(db, codes: [proposal.moves[0].grid], day: "2024-05-31").map { $0.1.id }
        )
    }
    #expect(after == ["N1"] && before == ["G1"] && version > 0)
    // Balanced now: nothing more to move.
    let again = try BalanceProposal(model: try WorkloadModel(store: store, day: "2024-06-01"), options: .init(withinLevel: .street, withinCode: "S"))
    #expect(again.moves.isEmpty)
}

@Test func badInputIsNamed() throws {
    let folder = TemporaryFolder()
    let store = try rosteredPlan(folder)
    let model = try WorkloadModel(store: store, day: "2024-06-01")
    #expect {
        try BalanceProposal(model: model, options: .init(withinLevel: .street, withinCode: "S", maxRadius: 100))
    } throws: { "\($0)".contains("no gridder can serve it within 100 m") }
    #expect {
        try BalanceProposal(model: model, options: .init(withinLevel: .area, withinCode: "A9"))
    } throws: { "\($0)".contains("no area grid with code A9") }
    // A base far outside the plan.
    let far = TemporaryFolder()
    let outside = try rosteredPlan(far, extra: ["G3,远,专职网格员,1000,111.9,23.9,U3,backup,2024-01-01"])
    try outside.write { db in try db.execute(sql: "UPDATE duties SET role = 'primary' WHERE person_id = 'G3'") }
    try outside.write { db in try db.execute(sql: "UPDATE duties SET valid_to = '2024-01-02' WHERE person_id = 'G2'") }
    #expect {
        try BalanceProposal(model: try WorkloadModel(store: outside, day: "2024-06-01"), options: .init(withinLevel: .street, withinCode: "S"))
    } throws: { "\($0)".contains("G3") && "\($0)".contains("outside the plan") }
}

@Test func zeroCapacityIsRefusedAtImport() throws {
    let folder = TemporaryFolder()
    let store = try fourLevelPlan(folder, schema: DutySchema.schema)
    let report = try RosterImporter.run(
        file: folder.write("r.csv", "id,name,role,capacity\nZ1,零,专职网格员,0\nZ2,一,专职网格员,\n"),
        into: store, today: "2024-01-01")
    #expect(report.rejects.count == 1 && report.rejects[0].line == 2 && report.rejects[0].reason.contains("capacity '0'"))
    #expect(report.peopleAdded == 1)
}

@Test func multicoverIsLeast() {
    // Rows need 1 or 2 of their candidates; exhaustive search over all subsets of 6 candidates.
    var rng = SplitMix(seed: 3)
    for _ in 0..<40 {
        let rows = (0..<rng.int(2...7)).map { _ in (0..<6).filter { _ in rng.int(0...1) == 1 } }.filter { $0.count >= 2 }
        let needs = rows.map { _ in rng.int(1...2) }
        let (chosen, optimal) = MultiCover.solve(needs: needs, rows: rows, timeLimit: 5)
        var least = Int.max
        for mask in 0..<64 {
            let set = (0..<6).filter { mask >> $0 & 1 == 1 }
            if zip(needs, rows).allSatisfy({ need, row in row.filter(set.contains).count >= need }) { least = min(least, set.count) }
        }
        #expect(optimal && chosen.count == (rows.isEmpty ? 0 : least))
        #expect(zip(needs, rows).allSatisfy { need, row in row.filter(chosen.contains).count >= need })
    }
}
