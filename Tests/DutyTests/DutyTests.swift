import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
import GridStore
import GridTestSupport
import Testing

@testable import Cases
@testable import Duty
@testable import Grids

/// The shared four-level plan (see GridTestSupport's ``fourLevelPlan``).
func plan(_ folder: TemporaryFolder) throws -> GeoPackage { try fourLevelPlan(folder, schema: DutySchema.schema) }

/// The roster: a handover of U1 from G1 to G2 on 2024-06-01; G2 also primary of U3 (500 m from U1);
/// U2 with only a backup (a gap); chiefs of C1 and of the street, none for C2; and bad lines.
func roster(_ folder: TemporaryFolder) -> String {
    func at(_ x: Double, _ y: Double) -> String { let p = point(x, y); return "\(p.lon),\(p.lat)" }
    let lines = [
        "id,name,phone,role,organisation,lon,lat,grid,duty,duty_from,duty_to",
        "G1,张三,13800000001,专职网格员,东社区,\(at(100, 100)),U1,primary,2024-01-01,2024-06-01", // 2
        "G2,李四,13800000002,full_time_gridder,东社区,\(at(400, 800)),U1,primary,2024-06-01,", // 3
        "G2,李四,13800000002,full_time_gridder,东社区,\(at(400, 800)),U3,primary,2024-06-01,", // 4
        "G3,王五,13800000003,兼职网格员,东社区,\(at(750, 500)),U2,backup,2024-01-01,", // 5
        "K1,赵六,0759-3181234,网格长,东社区,\(at(900, 900)),C1,chief,2024-01-01,", // 6
        "S1,钱七,13800000005,grid_chief,中华街道,\(at(1500, 900)),S,,2024-01-01,", // 7
        "P1,孙八,13800000006,社区民警,派出所,\(at(260, 520)),U1,backup,2024-01-01,", // 8
        ",无名,13800000007,专职网格员,,,,U2,primary,2024-01-01,", // 9: no id
        "X1,周九,13800000008,volunteer,,,,,,,", // 10: role
        "X2,吴十,12ab,专职网格员,,,,,,,", // 11: phone
        "X3,郑一,13800000009,专职网格员,,,,U9,primary,2024-01-01,", // 12: no grid
        "X4,冯二,13800000010,专职网格员,,,,U1,primary,2024-03-01,", // 13: overlaps G1
        "G1,张三丰,13800000001,专职网格员,东社区,\(at(100, 100)),U2,backup,2024-01-01,", // 14: differs from line 2
        "X5,陈三,13800000011,专职网格员,,200,21,,,,", // 15: bad coordinates
        "X6,褚四,13800000012,专职网格员,,,,U2,primary,soon,", // 16: bad date
    ]
    return folder.write("roster.csv", lines.joined(separator: "\n") + "\n")
}

/// Cases at every severity, in U1, U2, U3 and outside.
func cases(_ store: GeoPackage, _ folder: TemporaryFolder) throws {
    func row(_ id: String, _ x: Double, _ y: Double, _ severity: String, _ category: String) -> String {
        let p = point(x, y); return "\(id),\(p.lon),\(p.lat),2024-07-01 08:00:00,\(category),\(severity)"
    }
    let file = folder.write(
        "cases.csv",
        ([
            "id,lon,lat,reported_at,category,severity",
            row("O1", 250, 500, "ordinary", "0101"), row("O2", 750, 500, "一般", "0101"), row("I1", 250, 500, "important", "0301"),
            row("M1", 300, 300, "重大", "0301"), row("I2", 1500, 500, "important", "0102"), row("X1", 5000, 500, "ordinary", "0101"),
        ])
        .joined(separator: "\n") + "\n")
    var options = CaseImportOptions(); options.crs = .cgcs2000; options.rejectsPath = folder.path("case-rejects.csv")
    _ = try CaseImporter.run(file: file, into: store, options: options)
}

@Suite struct RosterTests {
    let folder = TemporaryFolder()

    @Test func importRejectsByLineAndReimportChangesNothing() throws {
        let store = try plan(folder)
        let report = try RosterImporter.run(file: roster(folder), into: store, crs: .cgcs2000, today: "2024-07-01")
        let rejects = Dictionary(uniqueKeysWithValues: report.rejects.map { ($0.line, $0.reason) })
        #expect(report.peopleAdded == 6 && report.dutiesAdded == 7)
        #expect(Set(rejects.keys) == [9, 10, 11, 12, 13, 14, 15, 16])
        #expect(rejects[9]!.contains("no id"))
        #expect(rejects[10]!.contains("'volunteer'"))
        #expect(rejects[11]!.contains("'12ab'"))
        #expect(rejects[12]!.contains("no grid has code U9"))
        #expect(rejects[13]!.contains("already has a primary, G1") && rejects[13]!.contains("line 2"))
        #expect(rejects[14]!.contains("differ from line 2"))
        #expect(rejects[15]!.contains("200"))
        #expect(rejects[16]!.contains("'soon'"))
        let again = try RosterImporter.run(file: roster(folder), into: store, crs: .cgcs2000, today: "2024-07-01")
        #expect(again.peopleAdded == 0 && again.peopleUpdated == 6 && again.dutiesAdded == 0 && again.dutiesUnchanged == 7)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM duties") } == 7)
        // The base locations are in the people layer's R-tree.
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM rtree_people_geom") } == 6)
        // The street chief's duty role defaults to chief.
        #expect(try store.read { try String.fetchOne($0, sql: "SELECT role FROM duties WHERE person_id = 'S1'") } == "chief")
    }

    @Test func gbkRosterFromExcel() throws {
        let store = try plan(folder)
        let utf8 = folder.write("gbk-source.csv", "工号,姓名,电话,角色,网格编码,职责,任职日期\nG9,欧阳娜娜,13900000000,专职网格员,U2,主责,2024-02-01\n")
        let gbkPath = folder.path("gbk.csv")
        let raw = try run("sh", ["-c", "iconv -f UTF-8 -t GBK '\(utf8)' > '\(gbkPath)'"])
        #expect(raw.status == 0)
        #expect(String(data: try Data(contentsOf: URL(fileURLWithPath: gbkPath)), encoding: .utf8) == nil)
        let report = try RosterImporter.run(file: gbkPath, into: store)
        #expect(report.rejects.isEmpty && report.peopleAdded == 1 && report.dutiesAdded == 1)
        let name = try store.read { try String.fetchOne($0, sql: "SELECT name FROM people") }
        #expect(name == "欧阳娜娜")
    }

    @Test func dutySetHandsOverAndEndCloses() throws {
        let store = try plan(folder)
        _ = try RosterImporter.run(file: roster(folder), into: store, crs: .cgcs2000, today: "2024-07-01")
        // G3 takes over U1 from G2 on 2024-08-01.
        let result = try DutyChange.set(store: store, person: "G3", grid: "U1", role: .primary, from: "2024-08-01")
        #expect(result.ended.count == 1 && result.ended[0].hasPrefix("G2"))
        #expect(throws: GridplanError.self) { try DutyChange.set(store: store, person: "G1", grid: "U1", role: .primary, from: "2024-07-15") }
        #expect(throws: GridplanError.self) { try DutyChange.set(store: store, person: "nobody", grid: "U1", role: .backup, from: "2024-07-15") }
        let ended = try DutyChange.end(store: store, person: "G3", grid: "U2", on: "2024-09-01")
        #expect(ended == 1)
        let onDuty = try store.read { try Roster.onDuty($0, codes: ["U1", "U2"], day: "2024-08-15") }
        #expect(onDuty.map { "\($0.0.gridCode):\($0.0.role.rawValue):\($0.1.id)" } == ["U1:primary:G3", "U2:backup:G3", "U1:backup:P1"])
        #expect(try store.read { try Roster.onDuty($0, codes: ["U2"], day: "2024-09-01") }.isEmpty)
    }

    @Test func validationFindsGapsStaleDutiesAndFarApartPrimaries() throws {
        let store = try plan(folder)
        // Without a roster, no roster findings.
        #expect(try RosterChecks.run(store: store, plan: PlanSnapshot(store: store), day: "2024-07-01").isEmpty)
        _ = try RosterImporter.run(file: roster(folder), into: store, crs: .cgcs2000, today: "2024-07-01")
        var findings = try RosterChecks.run(store: store, plan: PlanSnapshot(store: store), day: "2024-07-01", maxPrimarySpreadM: 300)
        #expect(findings.filter { $0.kind == .noPrimary }.map(\.grids) == [["U2"]])
        #expect(findings.filter { $0.kind == .noChief }.map(\.grids) == [["C2"]])
        let far = try #require(findings.first { $0.kind == .primaryFarApart })
        #expect(far.grids == ["U1", "U3"] && abs(far.measure! - 500) < 0.01 && far.message.contains("李四"))
        #expect(findings.allSatisfy { $0.kind != .staleDuty })
        // Before the handover day, U3 had no primary.
        findings = try RosterChecks.run(store: store, plan: PlanSnapshot(store: store), day: "2024-03-01", maxPrimarySpreadM: 300)
        #expect(Set(findings.filter { $0.kind == .noPrimary }.flatMap(\.grids)) == ["U2", "U3"])

        // A redraw on 2024-09-01 splits U3: G2's duty there is now stale, and a new open duty in U3 is refused.
        try redrawSplittingU3(store, in: folder)
        findings = try RosterChecks.run(store: store, plan: PlanSnapshot(store: store), day: "2024-10-01", maxPrimarySpreadM: 300)
        let stale = findings.filter { $0.kind == .staleDuty }
        #expect(stale.count == 1 && stale[0].grids == ["U3"] && stale[0].message.contains("G2") && stale[0].locationWKB != nil)
        #expect(Set(findings.filter { $0.kind == .noPrimary }.flatMap(\.grids)) == ["U2", "U3a", "U3b"])
        let late = folder.write(
            "late.csv", "id,name,role,grid,duty,duty_from,duty_to\nG7,新人,专职网格员,U3,primary,2024-10-01,\nG8,旧人,专职网格员,U3,backup,2024-02-01,2024-08-01\n")
        let report = try RosterImporter.run(file: late, into: store)
        #expect(report.rejects.map(\.line) == [2] && report.rejects[0].reason.contains("ended on 2024-09-01"))
        #expect(report.dutiesAdded == 1) // the past duty is history, accepted
        // The findings reach the layer and the report next to the grid checks, from the same snapshot.
        let validated = try Validation.run(store: store, validator: Validator(), fix: false) { plan in
            try RosterChecks.run(store: store, plan: plan, day: "2024-10-01", maxPrimarySpreadM: 300)
        }
        #expect(validated.findings.contains { $0.kind == .staleDuty })
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM findings WHERE kind = 'stale_duty'") } == 1)
    }
}

/// The redraw of 2024-09-01 that splits unit U3 into U3a and U3b.
private func redrawSplittingU3(_ store: GeoPackage, in folder: TemporaryFolder) throws {
    var options = ImportOptions(level: .unit, crs: .proj("EPSG:4546"), validFrom: "2024-09-01", replaceLevel: true)
    options.parentField = "parent"
    _ = try GridImporter.run(
        file: folder.write(
            "redraw.csv",
            """
            code,name,parent,wkt
            U1,一网格,A1,"\(box(0, 0, 500, 1000))"
            U2,二网格,A1,"\(box(500, 0, 1000, 1000))"
            U3a,三甲网格,A2,"\(box(1000, 0, 1500, 1000))"
            U3b,三乙网格,A2,"\(box(1500, 0, 2000, 1000))"

            """), into: store, options: options)
}

@Suite struct WhoCoversTests {
    let folder = TemporaryFolder()

    func loaded() throws -> GeoPackage {
        let store = try plan(folder)
        _ = try RosterImporter.run(file: roster(folder), into: store, crs: .cgcs2000, today: "2024-07-01")
        return store
    }

    /// Each test runs with both ways of locating: the plan's index (a server) and the file's R-tree (one question).
    static let locatings: [WhoCovers.Locating] = [.planIndex, .fileIndex]

    @Test(arguments: locatings) func insideAtTwoDatesAroundTheHandover(_ locating: WhoCovers.Locating) throws {
        let who = try WhoCovers(store: loaded(), locating: locating)
        let p = point(250, 500)
        let before = try who.answer(lon: p.lon, lat: p.lat, day: "2024-05-31", k: 3)
        let after = try who.answer(lon: p.lon, lat: p.lat, day: "2024-06-01", k: 3)
        #expect(before.status == .inside && before.chain.map { $0.code ?? "" } == ["U1", "A1", "C1", "S"])
        #expect(before.unitGridder?.id == "G1" && after.unitGridder?.id == "G2")
        // Distances to the gridder's base: G1 at (100, 100), G2 at (400, 800), in the zone's metres.
        #expect(abs(before.gridderBaseDistanceM! - (150.0 * 150 + 400 * 400).squareRoot()) < 0.01)
        #expect(abs(after.gridderBaseDistanceM! - (150.0 * 150 + 300 * 300).squareRoot()) < 0.01)
        #expect(before.chain[0].people.map { "\($0.role.rawValue):\($0.person.id)" } == ["primary:G1", "backup:P1"])
        #expect(before.chain[2].people.map(\.person.id) == ["K1"] && before.chain[3].people.map(\.person.id) == ["S1"])
        #expect(
            before.chain[2].people.map(\.person.role) == [.gridChief]
                && before.chain[0].people.map(\.person.role) == [.fullTimeGridder, .communityPolice])
        #expect(before.chain[2].people.map(\.role) == [.chief])
        #expect(before.chain[1].people.isEmpty)
        // Minimal emergency unit: P1 at (260, 520), then G1 (427 m) before / G2 (335 m) after.
        #expect(before.emergencyUnit.map(\.person.id) == ["P1", "G1", "G3"])
        #expect(after.emergencyUnit.map(\.person.id) == ["P1", "G2", "G3"])
        #expect(abs(before.emergencyUnit[0].distanceM - (100.0 + 400).squareRoot()) < 0.01)
    }

    @Test(arguments: locatings) func onASharedBoundaryAndOutside(_ locating: WhoCovers.Locating) throws {
        let store = try loaded()
        let who = try WhoCovers(store: store, locating: locating)
        // A vertex shared by U1 and U2, read back from the store: given to U1, the lower code.
        let u1 = try #require(try store.read { try GridRecord.current($0, level: .unit) }.first { $0.code == "U1" })
        let (xs, ys) = try u1.geometry(GEOSContext()).coordinates()
        let east = zip(xs, ys).max { $0.0 < $1.0 }!
        let onEdge = try who.answer(lon: east.0, lat: east.1, day: "2024-07-01")
        #expect(onEdge.status == .boundary && onEdge.chain.first?.code == "U1" && onEdge.unitGridder?.id == "G2")
        // 100 m east of U3: outside, nearest U3 at 100 m; 20 m: snapped to it.
        let far = point(2100, 500), near = point(2020, 500)
        let outside = try who.answer(lon: far.lon, lat: far.lat, day: "2024-07-01")
        #expect(outside.status == .outside && !outside.covered && outside.chain.first?.code == "U3" && abs(outside.gridDistanceM! - 100) < 0.01)
        let snapped = try who.answer(lon: near.lon, lat: near.lat, day: "2024-07-01")
        #expect(snapped.status == .snapped && snapped.covered && abs(snapped.gridDistanceM! - 20) < 0.01)
    }

    @Test(arguments: locatings) func pastDaysUseThePlanInForceThen(_ locating: WhoCovers.Locating) throws {
        let store = try loaded()
        try redrawSplittingU3(store, in: folder)
        let p = point(1200, 500)
        let before = try WhoCovers(store: store, planDay: "2024-08-01", locating: locating).answer(lon: p.lon, lat: p.lat, day: "2024-08-01")
        #expect(before.chain.first?.code == "U3" && before.unitGridder?.id == "G2")
        let after = try WhoCovers(store: store, planDay: "2024-10-01", locating: locating).answer(lon: p.lon, lat: p.lat, day: "2024-10-01")
        #expect(after.chain.first?.code == "U3a" && after.unitGridder == nil && after.chain.map { $0.code ?? "" } == ["U3a", "A2", "C2", "S"])
        #expect(try WhoCovers(store: store, locating: locating).answer(lon: p.lon, lat: p.lat, day: "2024-10-01").chain.first?.code == "U3a")
        // Before the plan began (2024-01-01), the current plan answers, and says so.
        let early = try WhoCovers(store: store, planDay: "2023-06-01", locating: locating).answer(lon: p.lon, lat: p.lat, day: "2023-06-01")
        #expect(early.chain.first?.code == "U3a" && early.planNote?.contains("2024-01-01") == true && early.unitGridder == nil)
    }
}

@Suite struct DispatchTests {
    let folder = TemporaryFolder()

    func loaded() throws -> GeoPackage {
        let store = try plan(folder)
        _ = try RosterImporter.run(file: roster(folder), into: store, crs: .cgcs2000, today: "2024-07-01")
        let departments = try DepartmentImporter.run(
            file: folder.write("departments.csv", "id,name,phone,categories\npolice,派出所,110,03\ncity,城管,12319,01 02\nbad,坏,12,01\n"), into: store)
        #expect(departments.peopleAdded == 2 && departments.rejects.map(\.line) == [4])
        try cases(store, folder)
        return store
    }

    @Test func everySeverityGoesToItsLevel() throws {
        let store = try loaded()
        let outcomes = try Dispatcher.run(store: store, caseID: nil, now: "2024-07-01T09:00:00")
        let by = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.caseID, $0) })
        #expect(outcomes.count == 6)
        #expect(by["O1"]!.level == .unit && by["O1"]!.person?.id == "G2" && by["O1"]!.departments.isEmpty)
        #expect(by["O2"]!.level == .unit && by["O2"]!.person?.id == "G3" && by["O2"]!.reason.contains("backup"))
        #expect(by["I1"]!.level == .community && by["I1"]!.person?.id == "K1" && by["I1"]!.departments == ["police"])
        #expect(by["M1"]!.level == .street && by["M1"]!.person?.id == "S1")
        #expect(by["I2"]!.level == .street && by["I2"]!.person?.id == "S1" && by["I2"]!.reason.contains("no one on duty in community C2"))
        #expect(by["I2"]!.departments == ["city"])
        #expect(!by["X1"]!.dispatched && by["X1"]!.reason.contains("outside every grid"))
        let stored = try store.read {
            try Row.fetchAll($0, sql: "SELECT external_id, status, handler, handling_level FROM cases ORDER BY external_id")
        }
        #expect(stored.filter { $0["status"] == "dispatched" }.count == 5)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM case_dispatches") } == 5)
        #expect(try store.read { try Roster.openCases($0) } == ["G2": 1, "G3": 1, "K1": 1, "S1": 2])
        // Dispatched cases are not waiting any more; a second run finds only the undispatchable one.
        let again = try Dispatcher.run(store: store, caseID: nil, now: "2024-07-01T10:00:00")
        #expect(again.map(\.caseID) == ["X1"])
        // A category rule can send a case elsewhere.
        var rules = DispatchRules.defaults
        rules.categories = [.init(prefix: "01", level: "community", departments: nil)]
        #expect(rules.level(severity: "ordinary", category: "0101").0 == .community)
    }

    @Test func rulesFromAFileOverrideOnlyWhatTheyName() throws {
        let path = folder.write(
            "rules.json",
            """
            { "severity_levels": { "ordinary": "area" },
              "categories": [ { "prefix": "03", "departments": ["police"] }, { "prefix": "0301", "level": "street" } ],
              "category_time_limits_hours": [ { "prefix": "05", "ordinary": 24 } ] }
            """)
        let rules = try DispatchRules.load(path: path)
        #expect(rules.level(severity: "ordinary", category: "0101").0 == .area)
        #expect(rules.level(severity: "important", category: "0101").0 == .community) // default kept
        #expect(rules.level(severity: "ordinary", category: "030101").0 == .street) // longest prefix wins
        #expect(rules.departments(severity: "ordinary", category: "0302", all: []) == ["police"])
        #expect(rules.limitHours(severity: "ordinary", category: "0501") == 24 && rules.limitHours(severity: "major", category: "0501") == 24)
        #expect(rules.limitHours(severity: "ordinary", category: "0101") == 168)
        let bad = folder.write("bad.json", #"{ "severity_levels": { "major": "county" } }"#)
        #expect { try DispatchRules.load(path: bad) } throws: { "\($0)".contains("'county' is not street, community, area or unit") }
        // Dispatched with the file's rules, an ordinary case in U1 goes to area A1, where no one is on duty: up to C1's chief.
        let store = try loaded()
        let o1 = try #require(try Dispatcher.run(store: store, rules: rules, caseID: "O1", now: "2024-07-01T09:00:00").first)
        #expect(
            o1.level == .community && o1.person?.id == "K1" && o1.reason.contains("ordinary → area")
                && o1.reason.contains("no one on duty in area A1"))
    }

    @Test func lifeCycleRefusesForbiddenTransitionsAndKeepsHistory() throws {
        let store = try loaded()
        _ = try Dispatcher.run(store: store, caseID: "O1", now: "2024-07-01T09:00:00")
        #expect {
            try Lifecycle.advance(store: store, caseID: "O1", to: "closed", at: "2024-07-01T10:00:00", actor: "G2")
        } throws: { error in
            "\(error)".contains("cannot go to closed") && "\(error)".contains("handled or returned")
        }
        #expect(throws: GridplanError.self) { try Lifecycle.advance(store: store, caseID: "O2", to: "dispatched", actor: "centre") }
        #expect(throws: GridplanError.self) { try Lifecycle.advance(store: store, caseID: "O1", to: "handled", actor: "G2", satisfaction: 5) }
        for (state, actor) in [("handled", "G2"), ("checked", "K1"), ("closed", "centre")] {
            try Lifecycle.advance(store: store, caseID: "O1", to: state, at: "2024-07-01T12:00:00", actor: actor)
        }
        #expect(throws: GridplanError.self) { try Lifecycle.advance(store: store, caseID: "O1", to: "feedback", actor: "resident", satisfaction: 9) }
        try Lifecycle.advance(store: store, caseID: "O1", to: "feedback", at: "2024-07-01T12:00:00", actor: "resident", satisfaction: 4)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT satisfaction FROM cases WHERE external_id = 'O1'") } == 4)
        let history = try Lifecycle.history(store: store, caseID: "O1")
        #expect(
            history.map { "\($0.from)>\($0.to)" } == [
                "reported>dispatched", "dispatched>handled", "handled>checked", "checked>closed", "closed>feedback",
            ])
        #expect(history.map(\.actor) == ["dispatch", "G2", "K1", "centre", "resident"])
        #expect(try store.read { try String.fetchOne($0, sql: "SELECT closed_at FROM cases WHERE external_id = 'O1'") } == "2024-07-01T12:00:00")
        try Lifecycle.advance(store: store, caseID: "O1", to: "reopened", at: "2024-07-02T08:00:00", actor: "centre", note: "resident unhappy")
        #expect(try store.read { try String.fetchOne($0, sql: "SELECT closed_at FROM cases WHERE external_id = 'O1'") } == nil)
        // Returned by its handler, a case is dispatched again to someone else: U1's backup.
        try Lifecycle.advance(store: store, caseID: "O1", to: "dispatched", at: "2024-07-02T09:00:00", actor: "centre")
        try Lifecycle.advance(store: store, caseID: "O1", to: "returned", at: "2024-07-02T10:00:00", actor: "G2", note: "not in my grid")
        let again = try #require(try Dispatcher.run(store: store, caseID: "O1", now: "2024-07-02T11:00:00").first)
        #expect(again.dispatched && again.person?.id == "P1" && again.reason.contains("G2 returned it"))
    }

    @Test func overdueCasesAreEscalatedOneLevel() throws {
        let store = try loaded()
        _ = try Dispatcher.run(store: store, caseID: nil, now: "2024-07-01T09:00:00")
        for state in ["handled", "checked", "closed"] { try Lifecycle.advance(store: store, caseID: "O1", to: state, actor: "G2") }
        // 3 days and 2 hours after the report: the important cases (72 h) are overdue, ordinary ones (168 h) not.
        let listed = try Lifecycle.overdue(store: store, now: "2024-07-04T10:00:00")
        #expect(Set(listed.map(\.caseID)) == ["I1", "I2", "M1"])
        #expect(abs(listed.first { $0.caseID == "I1" }!.overHours - 2) < 1e-9)
        // 8 days after: escalate.
        let escalated = try Lifecycle.overdue(store: store, now: "2024-07-09T10:00:00", escalate: true)
        let by = Dictionary(uniqueKeysWithValues: escalated.map { ($0.caseID, $0.escalation!) })
        #expect(by["O1"] == nil) // closed
        #expect(
            by["O2"]!.dispatched && by["O2"]!.level == .community && by["O2"]!.person?.id == "K1"
                && by["O2"]!.reason.contains("no one on duty in area A1"))
        #expect(by["I1"]!.dispatched && by["I1"]!.level == .street && by["I1"]!.person?.id == "S1")
        #expect(!by["M1"]!.dispatched && by["M1"]!.reason.contains("already at the street level"))
        #expect(!by["X1"]!.dispatched && by["X1"]!.reason.contains("outside"))
        let o2Dispatches = try Lifecycle.dispatches(store: store, caseID: "O2")
        #expect(o2Dispatches.map(\.escalation) == [false, true] && o2Dispatches.map(\.person) == ["G3", "K1"])
        let o2 = try store.read {
            try Row.fetchOne($0, sql: "SELECT handling_level, handler, escalations, clock_from FROM cases WHERE external_id = 'O2'")!
        }
        let (level, handler, escalations, clock): (Int, String, Int, String) = (
            o2["handling_level"], o2["handler"], o2["escalations"], o2["clock_from"]
        )
        #expect(level == 2 && handler == "K1" && escalations == 1 && clock == "2024-07-09T10:00:00")
        // The clock restarted: an hour later O2 is not overdue again.
        #expect(!(try Lifecycle.overdue(store: store, now: "2024-07-09T11:00:00")).contains { $0.caseID == "O2" })
        // A limit table can shorten a category's limits.
        var rules = DispatchRules.defaults
        rules.categoryTimeLimitsHours = [.init(prefix: "03", ordinary: nil, important: 1, major: nil)]
        #expect(rules.limitHours(severity: "important", category: "0301") == 1 && rules.limitHours(severity: "major", category: "0301") == 24)
    }
}
