import Foundation
import GRDB
import GridProjection
import GridStore
import GridTestSupport
import Testing

@testable import Grids

/// Edits made to the grids table by plain SQL, as QGIS or `ogrinfo -sql` make them: the plan's
/// triggers keep the old rows as history under one plan version marked `outside edit`.
@Suite struct OutsideEditTests {
    let folder = TemporaryFolder()

    func rows(_ store: GeoPackage, code: String) throws -> [Row] {
        try store.read { try Row.fetchAll($0, sql: "SELECT * FROM grids WHERE code = ? ORDER BY fid", arguments: [code]) }
    }

    func commands(_ store: GeoPackage) throws -> [String] { try PlanVersion.all(store: store).map(\.command) }

    @Test func anUpdateKeepsTheOldGridAndMakesAVersion() throws {
        let store = try fourLevelPlan(folder, schema: GridsSchema.withHistoryTriggers)
        let imports = try commands(store)
        #expect(imports.count == 4 && !imports.contains(PlanVersion.outsideEdit)) // gridplan's own writes are not outside edits
        let u1 = try #require(try rows(store, code: "U1").first)
        let oldBlob: Data = u1["geom"]
        // U1 is redrawn to cover all of A1 (0–1000 m), taking U2's half.
        try store.write { try $0.execute(sql: "UPDATE grids SET geom = (SELECT geom FROM grids WHERE code = 'A1') WHERE code = 'U1'") }

        let versions = try PlanVersion.all(store: store)
        let edit = try #require(versions.last)
        #expect(versions.count == 5 && edit.command == PlanVersion.outsideEdit && edit.validFrom == Clock.today())
        #expect(edit.added == 1 && edit.ended == 1)
        let both = try rows(store, code: "U1")
        #expect(both.count == 2)
        // The edited row keeps its fid (QGIS's feature, the children's links); the old content is a new, ended row.
        let current = try #require(both.first { ($0["valid_to"] as String?) == nil })
        let history = try #require(both.first { ($0["valid_to"] as String?) != nil })
        #expect((current["fid"] as Int64) == (u1["fid"] as Int64) && (current["version_from"] as Int64) == edit.id)
        #expect((history["geom"] as Data) == oldBlob && (history["version_to"] as Int64) == edit.id)
        #expect((history["version_from"] as Int64) == (u1["version_from"] as Int64))
        #expect((history["valid_from"] as String) == "2024-01-01" && (history["valid_to"] as String) == Clock.today())

        // `plan diff` between the last import and the edit sees U1 gain 500 × 1000 m².
        let diff = try PlanDiff.run(store: store, from: .version(4), to: .version(edit.id))
        let changed = try #require(diff.changes.first { $0.grid == "U1" })
        #expect(changed.change == .reshaped && abs(changed.gainedM2 - 500_000) < 1 && changed.lostM2 < 1)
        #expect(diff.changes.count == 1) // U2 keeps its ground: U1 now overlaps it (validate reports that)
    }

    @Test func editsOfOneDayFormOneVersionAndADeleteEndsTheGrid() throws {
        let store = try fourLevelPlan(folder, schema: GridsSchema.withHistoryTriggers)
        try store.write { db in
            try db.execute(sql: "UPDATE grids SET households = 420 WHERE code = 'U1'")
            try db.execute(sql: "UPDATE grids SET households = 430, name = '一网格（改）' WHERE code = 'U1'") // same version: no 2nd copy
            try db.execute(sql: "UPDATE grids SET name = '三网格' WHERE code = 'U3'") // unchanged value: not an edit
            try db.execute(sql: "DELETE FROM grids WHERE code = 'U2'")
        }
        #expect(try commands(store).last == PlanVersion.outsideEdit)
        let versions = try PlanVersion.all(store: store)
        #expect(versions.count == 5)
        #expect(try rows(store, code: "U1").count == 2 && rows(store, code: "U3").count == 1)
        let u1 = try rows(store, code: "U1")
        #expect(u1.map { $0["households"] as Int64? } == [430, nil]) // the edited row keeps its fid, the copy is newer
        // The deleted grid is still there, ended by the outside edit.
        let u2 = try rows(store, code: "U2")
        #expect(u2.count == 1 && (u2[0]["version_to"] as Int64?) == versions[4].id && (u2[0]["valid_to"] as String?) == Clock.today())
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM rtree_grids_geom WHERE id = ?", arguments: [u2[0]["fid"]]) } == 1)
        let diff = try PlanDiff.run(store: store, from: .version(4), to: .version(5))
        #expect(diff.changes.contains { $0.grid == "U2" && $0.change == .removed })
        #expect(diff.changes.contains { $0.grid == "U1" && $0.change == .reshaped && $0.householdsAfter == 430 })
        let current = try store.read { try GridRecord.current($0, level: .unit) }
        #expect(current.compactMap(\.code).sorted() == ["U1", "U3"])
    }

    @Test func historyIsNotEditedAndLinksStay() throws {
        let store = try fourLevelPlan(folder, schema: GridsSchema.withHistoryTriggers)
        // A2, parent of U3, is deleted: U3 names the ended A2 now (foreign keys are on in gridplan's connections).
        try store.write { try $0.execute(sql: "DELETE FROM grids WHERE code = 'A2'") }
        let a2 = try #require(try rows(store, code: "A2").first)
        let parent: Int64? = try rows(store, code: "U3").first?["parent_fid"]
        let ended: Int64 = a2["fid"]
        #expect(parent == ended && (a2["valid_to"] as String?) != nil)
        try store.write { db in
            try db.execute(sql: "UPDATE grids SET name = 'x' WHERE code = 'A2'")
            #expect(db.changesCount == 0)
            try db.execute(sql: "DELETE FROM grids WHERE code = 'A2'")
            #expect(db.changesCount == 0)
        }
        #expect(try rows(store, code: "A2").map { $0["name"] as String } == ["西片区"])
    }

    /// gridplan's own writes: a redraw ends grids and relinks children, `codes` gives uncoded grids a
    /// code. None of them is taken for an outside edit.
    @Test func gridplansOwnWritesAreNotOutsideEdits() throws {
        let store = try fourLevelPlan(folder, schema: GridsSchema.withHistoryTriggers)
        var options = ImportOptions(level: .area, crs: .proj("EPSG:4546"), validFrom: "2025-01-01")
        options.parentField = "parent"
        options.replaceLevel = true
        _ = try GridImporter.run(
            file: folder.write(
                "areas.csv", "code,name,parent,wkt\nA1,东片区,C1,\"\(box(0, 0, 900, 1000))\"\nA2,西片区,C2,\"\(box(900, 0, 2000, 1000))\"\n"),
            into: store, options: options)
        #expect(try commands(store).count == 5 && !commands(store).contains(PlanVersion.outsideEdit))
        try store.write { try $0.execute(sql: "UPDATE grids SET code = NULL WHERE code = 'U3' AND valid_to IS NULL") }
        #expect(try commands(store).last == PlanVersion.outsideEdit) // clearing a code by hand is an edit
        let coded = try GridCodes.generate(store: store, county: "440802")
        #expect(coded.assigned.map(\.label) == ["三网格"])
        let all = try commands(store)
        #expect(all.last == "codes" && all.filter { $0 == PlanVersion.outsideEdit }.count == 1)
        #expect(try rows(store, code: coded.assigned[0].code).count == 1)
    }
}
