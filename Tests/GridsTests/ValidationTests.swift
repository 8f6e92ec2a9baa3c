import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
import GridStore
import GridTestSupport
import Testing

@testable import Grids

/// A rectangle in metres of EPSG:4546 (CGCS2000 Gauss–Krüger CM 111E), offset to lie near Zhanjiang.
func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> String {
    let (ox, oy) = (500_000.0, 2_350_000.0)
    let (a, b, c, d) = (ox + x0, oy + y0, ox + x1, oy + y1)
    return "POLYGON ((\(a) \(b), \(c) \(b), \(c) \(d), \(a) \(d), \(a) \(b)))"
}

/// Imports CSV rows (code, name, parent, households, wkt) in EPSG:4546 at one level.
func importCSV(
    _ folder: TemporaryFolder, _ store: GeoPackage, _ name: String, level: GridLevel, _ rows: [(String, String, String, String, String)]
) throws -> ImportReport {
    let text = "code,name,parent,households,wkt\n" + rows.map { "\($0.0),\($0.1),\($0.2),\($0.3),\"\($0.4)\"" }.joined(separator: "\n") + "\n"
    var options = ImportOptions(level: level)
    options.crs = .proj("EPSG:4546")
    return try GridImporter.run(file: folder.write(name, text), into: store, options: options)
}

@Suite struct ValidationTests {
    let folder = TemporaryFolder()

    /// One community P of 1 km² with four units: A and B overlap by 50,000 m², C leaves a gap of
    /// 100,000 m² along the top, D sticks 20,000 m² out of P. A and C share a code. Community Q
    /// has no units. Unit E lies in no community. Unit G is in two parts, H has a hole.
    func badPlan() throws -> GeoPackage {
        let store = try GeoPackage(path: folder.path("bad.gpkg"), schema: GridsSchema.schema)
        _ = try importCSV(
            folder, store, "communities.csv", level: .community,
            [
                ("P", "P社区", "", "", box(0, 0, 1000, 1000)),
                ("Q", "Q社区", "", "", box(2000, 0, 3000, 1000)),
            ])
        _ = try importCSV(
            folder, store, "units.csv", level: .unit,
            [
                ("X1", "A", "P", "400", box(0, 0, 600, 500)),
                ("B", "B", "P", "450", box(500, 0, 1000, 500)),
                ("X1C", "C", "P", "350", box(0, 500, 1000, 900)),
                ("D", "D", "P", "100", box(1000, 0, 1100, 200)),
                ("E", "E", "", "400", box(5000, 5000, 5100, 5100)),
            ])
        // A file with one code twice is refused at import, so the duplicate is made afterwards,
        // as an edit in QGIS would make it.
        try store.write { db in try db.execute(sql: "UPDATE grids SET code = 'X1' WHERE code = 'X1C'") }
        return store
    }

    func findings(_ store: GeoPackage, sliver: Double = 1) throws -> [Finding] {
        try Validation.run(store: store, validator: Validator(sliverM2: sliver), fix: false).findings
    }

    @Test func exactFindingsOnHandMadePlan() throws {
        let store = try badPlan()
        let everything = try findings(store)
        // Shared edges went EPSG:4546 → 4490 → 4546: what remains of that is noise of 1e-7 m².
        let noise = everything.filter { $0.severity == .noise }
        #expect(noise.allSatisfy { $0.measure! < 1e-5 }, "\(noise.map(\.message))")
        let all = everything.filter { $0.severity != .noise }
        func one(_ kind: Finding.Kind) throws -> Finding {
            let matches = all.filter { $0.kind == kind }
            #expect(matches.count == 1, "\(kind): \(matches.map(\.message))")
            return try #require(matches.first)
        }
        let overlap = try one(.overlap)
        #expect(Set(overlap.grids) == ["X1", "B"])
        #expect(abs(overlap.measure! - 50_000) < 0.01)
        #expect(overlap.severity == .error)
        let gap = try one(.gap)
        #expect(gap.grids == ["P"])
        #expect(abs(gap.measure! - 100_000) < 0.01)
        let outside = try one(.outsideParent)
        #expect(outside.grids == ["D", "P"])
        #expect(abs(outside.measure! - 20_000) < 0.01)
        let duplicate = try one(.duplicateCode)
        #expect(duplicate.grids == ["X1"] && duplicate.measure == 2)
        #expect(try one(.noChildren).grids == ["Q"])
        #expect(try one(.noParent).grids == ["E"])
        let small = try one(.households)
        #expect(small.grids == ["D"] && small.measure == 100)
        #expect(all.count == 7)
        // The findings layer holds the same, noise included, with locations GDAL can read.
        let stored = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM findings WHERE geom IS NOT NULL") }
        #expect(stored == everything.count)
        let layer = try #require(try ogrinfo(folder.path("bad.gpkg")).first { $0.name == "findings" })
        #expect(layer.featureCount == everything.count)
        #expect(layer.epsg == 4490)
    }

    @Test func bowTieHolesAndPartsThenFix() throws {
        let store = try GeoPackage(path: folder.path("shapes.gpkg"), schema: GridsSchema.schema)
        _ = try importCSV(
            folder, store, "units.csv", level: .unit,
            [
                ("BOW", "bow", "", "400", "POLYGON ((500000 2350000, 500100 2350100, 500100 2350000, 500000 2350100, 500000 2350000))"),
                (
                    "HOLE", "hole", "", "400",
                    "POLYGON ((500200 2350000, 500300 2350000, 500300 2350100, 500200 2350100, 500200 2350000), (500240 2350040, 500260 2350040, 500260 2350060, 500240 2350060, 500240 2350040))"
                ),
                (
                    "TWO", "two", "", "400",
                    "MULTIPOLYGON (((500400 2350000, 500500 2350000, 500500 2350100, 500400 2350000)), ((500600 2350000, 500700 2350000, 500700 2350100, 500600 2350000)))"
                ),
            ])
        let all = try findings(store)
        let invalid = try #require(all.first { $0.kind == .invalidGeometry })
        #expect(invalid.grids == ["BOW"] && invalid.message.contains("Self-intersection"))
        let location = try Geometry(wkb: try #require(invalid.locationWKB)).xy // 1e-8° ≈ 1 mm
        let expected = try CoordinateTransformer(from: .proj("EPSG:4546"), to: .cgcs2000).transform(x: 500050, y: 2350050)
        #expect(abs(location.x - expected.x) < 1e-8 && abs(location.y - expected.y) < 1e-8)
        let hole = try #require(all.first { $0.kind == .hole })
        #expect(hole.grids == ["HOLE"] && abs(hole.measure! - 400) < 0.01)
        let parts = try #require(all.first { $0.kind == .multiPart })
        #expect(parts.grids == ["TWO"] && parts.measure == 2)

        let fixed = try Validation.run(store: store, validator: Validator(), fix: true)
        #expect(fixed.repaired.count == 1)
        #expect(fixed.repaired.first?.contains("bow") == true)
        #expect(!fixed.findings.contains { $0.kind == .invalidGeometry })
        // The bow-tie became two triangles of 2,500 m² each; the invalid version stays in history.
        #expect(fixed.findings.contains { $0.kind == .multiPart && $0.grids == ["BOW"] })
        let versions = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM grids WHERE code = 'BOW'") }
        #expect(versions == 2)
    }

    @Test func sliversAreNoiseNotHidden() throws {
        let store = try GeoPackage(path: folder.path("noise.gpkg"), schema: GridsSchema.schema)
        _ = try importCSV(folder, store, "c.csv", level: .community, [("P", "P", "", "", box(0, 0, 1000, 1000))])
        // A 0.4 m strip along the top is uncovered: 400 m² … and a 0.0004 m one: 0.4 m².
        _ = try importCSV(
            folder, store, "u.csv", level: .unit,
            [
                ("A", "A", "P", "400", box(0, 0, 1000, 500)),
                ("B", "B", "P", "400", box(0, 500, 1000, 999.9996)),
            ])
        let report = try Validation.run(store: store, validator: Validator(sliverM2: 1), fix: false)
        let gap = try #require(report.findings.first { $0.kind == .gap })
        #expect(gap.severity == .noise)
        #expect(abs(gap.measure! - 0.4) < 0.01)
        #expect(!report.hasProblems)
        let strict = try Validation.run(store: store, validator: Validator(sliverM2: 0.1), fix: false)
        #expect(strict.findings.first { $0.kind == .gap }?.severity == .error)
    }

    @Test func parentsInferredByAreaShare() throws {
        let store = try GeoPackage(path: folder.path("infer.gpkg"), schema: GridsSchema.schema)
        _ = try importCSV(
            folder, store, "c.csv", level: .community,
            [
                ("P", "P", "", "", box(0, 0, 1000, 1000)), ("Q", "Q", "", "", box(1000, 0, 2000, 1000)),
            ])
        let report = try importCSV(
            folder, store, "u.csv", level: .unit,
            [
                ("A", "A", "", "400", box(0, 0, 500, 1000)), // wholly in P
                ("B", "B", "", "400", box(900, 0, 1300, 1000)), // 25 % in P, 75 % in Q
                ("C", "C", "", "400", box(9000, 0, 9100, 100)), // in nothing
            ])
        #expect(report.parentsInferred == 2)
        let weak = try #require(report.weakParents.first)
        #expect(report.weakParents.count == 1)
        #expect(weak.child == "B" && weak.parent == "Q")
        #expect(abs(weak.share - 0.75) < 1e-6)
        #expect(report.orphans == ["C"])
        let parents = try store.read { try GridRecord.current($0, level: .unit) }.map { "\($0.code!)→\($0.parentCode ?? "-")" }
        #expect(parents == ["A→P", "B→Q", "C→-"])
    }
}

@Suite struct CodeAndStatsTests {
    let folder = TemporaryFolder()

    @Test func codesFollowTheSchemeAndReadingOrder() throws {
        let store = try GeoPackage(path: folder.path("codes.gpkg"), schema: GridsSchema.schema)
        _ = try importCSV(folder, store, "s.csv", level: .street, [("440802007", "南桥街道", "", "", box(0, 0, 3000, 2000))])
        _ = try importCSV(folder, store, "c.csv", level: .community, [("440802007001", "友谊社区", "440802007", "", box(0, 0, 3000, 2000))])
        // Six units in two rows of three; the north-east one keeps its code 440802007001005.
        _ = try importCSV(
            folder, store, "u.csv", level: .unit,
            [
                ("", "sw", "440802007001", "400", box(0, 0, 1000, 1000)), ("", "s", "440802007001", "400", box(1000, 0, 2000, 1000)),
                ("", "se", "440802007001", "400", box(2000, 0, 3000, 1000)), ("", "nw", "440802007001", "400", box(0, 1000, 1000, 2000)),
                ("", "n", "440802007001", "400", box(1000, 1000, 2000, 2000)),
                ("440802007001005", "ne", "440802007001", "400", box(2000, 1000, 3000, 2000)),
            ])
        let result = try GridCodes.generate(store: store, county: nil)
        let given = Dictionary(uniqueKeysWithValues: result.assigned.map { ($0.label, $0.code) })
        #expect(
            given == [
                "nw": "440802007001006", "n": "440802007001007", "sw": "440802007001008",
                "s": "440802007001009", "se": "440802007001010",
            ])
        #expect(given.values.allSatisfy { $0.count == 15 })
        // Running again gives nothing new and renumbers nothing.
        #expect(try GridCodes.generate(store: store, county: nil).assigned.isEmpty)
        #expect(throws: GridplanError.self) { _ = try CodeScheme(parsing: "street=county+3") }
        #expect(throws: GridplanError.self) { _ = try CodeScheme(parsing: "street=unit+3,community=street+3,area=community+2,unit=community+3") }
    }

    @Test func statsMeasureKnownShapes() throws {
        let store = try GeoPackage(path: folder.path("stats.gpkg"), schema: GridsSchema.schema)
        _ = try importCSV(folder, store, "c.csv", level: .community, [("P", "P", "", "", box(0, 0, 1000, 1000))])
        _ = try importCSV(
            folder, store, "u.csv", level: .unit,
            [
                ("A", "A", "P", "400", box(0, 0, 1000, 500)), ("B", "B", "P", "600", box(0, 500, 1000, 1000)),
            ])
        let stats = try GridStats.compute(try PlanSnapshot(store: store))
        let a = try #require(stats.grids.first { $0.code == "A" })
        #expect(abs(a.areaM2 - 500_000) < 0.01)
        #expect(abs(a.perimeterM - 3000) < 0.001)
        #expect(abs(a.compactness - 4 * Double.pi * 500_000 / 9_000_000) < 1e-6)
        #expect(abs(a.radiusM - (500.0 * 500 + 250 * 250).squareRoot()) < 0.001)
        let p = try #require(stats.grids.first { $0.code == "P" })
        #expect(p.children == 2)
        let units = try #require(stats.levels.first { $0.level == .unit })
        #expect(units.shareWithinRules == 0.5)
        #expect(units.households?.median == 500)
    }
}

@Suite struct PlanDiffTests {
    let folder = TemporaryFolder()

    @Test func redrawMovesKnownAreaAndHouseholds() throws {
        let store = try GeoPackage(path: folder.path("diff.gpkg"), schema: GridsSchema.schema)
        var first = ImportOptions(level: .unit); first.crs = .proj("EPSG:4546"); first.validFrom = "2024-01-01"
        let v1 =
            "code,name,households,wkt\nA,A,400,\"\(box(0, 0, 500, 1000))\"\nB,B,400,\"\(box(500, 0, 1000, 1000))\"\nC,C,300,\"\(box(1000, 0, 1500, 1000))\"\n"
        _ = try GridImporter.run(file: folder.write("v1.csv", v1), into: store, options: first)
        // 2025: the border between A and B moves 100 m east; C is dropped; D is new.
        var second = first; second.validFrom = "2025-01-01"; second.replaceLevel = true
        let v2 =
            "code,name,households,wkt\nA,A,480,\"\(box(0, 0, 600, 1000))\"\nB,B,320,\"\(box(600, 0, 1000, 1000))\"\nD,D,300,\"\(box(1000, 0, 1500, 1000))\"\n"
        _ = try GridImporter.run(file: folder.write("v2.csv", v2), into: store, options: second)

        let result = try PlanDiff.run(store: store, from: PlanMoment("2024-06-01")!, to: PlanMoment("2025-06-01")!)
        let byGrid = Dictionary(uniqueKeysWithValues: result.changes.map { ($0.grid, $0) })
        #expect(byGrid["A"]?.change == .reshaped && abs(byGrid["A"]!.gainedM2 - 100_000) < 0.01 && byGrid["A"]!.lostM2 < 0.01)
        #expect(byGrid["B"]?.change == .reshaped && abs(byGrid["B"]!.lostM2 - 100_000) < 0.01)
        #expect(abs(byGrid["B"]!.householdsMoved! - 80) < 1e-6) // 400 households × 1/5 of B
        #expect(byGrid["C"]?.change == .removed)
        #expect(byGrid["D"]?.change == .added)
        let moved = try #require(result.pieces.first { $0.from == "B" })
        #expect(moved.to == "A" && abs(moved.areaM2 - 100_000) < 0.01)
        // C's territory went to D.
        #expect(result.pieces.contains { $0.from == "C" && $0.to == "D" && abs($0.areaM2 - 500_000) < 0.01 })
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM plan_changes") } == result.pieces.count)
        // Versions work as moments too, and a moment before any grid shows everything as added.
        #expect(try PlanDiff.run(store: store, from: .version(1), to: .version(2)).changes.count == 4)
        #expect(try PlanDiff.run(store: store, from: PlanMoment("2020-01-01")!, to: .version(1)).changes.allSatisfy { $0.change == .added })
        // … and the other way round, everything as removed, with its households.
        let back = try PlanDiff.run(store: store, from: .version(1), to: PlanMoment("2020-01-01")!)
        #expect(back.changes.count == 3 && back.changes.allSatisfy { $0.change == .removed })
        #expect(back.changes.compactMap(\.householdsMoved).reduce(0, +) == 1100)
        #expect(throws: GridplanError.self) { try PlanDiff.run(store: store, from: PlanMoment("2019-01-01")!, to: PlanMoment("2020-01-01")!) }
    }

    /// A diff shared among several workers (as a province's is, on every core) finds what one
    /// worker finds, in the same order: a 20 × 20 block of 100 m cells redrawn shifted, with cells
    /// left out, added and kept, some recounted.
    @Test func aDiffOnSeveralWorkersIsTheDiffOnOne() throws {
        let store = try GeoPackage(path: folder.path("workers.gpkg"), schema: GridsSchema.schema)
        func cells(dx: Double, dy: Double, skip: (Int, Int) -> Bool, households: (Int, Int) -> Int) -> String {
            var csv = "code,name,households,wkt\n"
            for i in 0..<20 {
                for j in 0..<20 where !skip(i, j) {
                    let (x, y) = (Double(i) * 100 + dx, Double(j) * 100 + dy)
                    csv += "U\(i)-\(j),,\(households(i, j)),\"\(box(x, y, x + 100, y + 100))\"\n"
                }
            }
            return csv
        }
        var options = ImportOptions(level: .unit); options.crs = .proj("EPSG:4546"); options.validFrom = "2024-01-01"
        let v1 = cells(dx: 0, dy: 0, skip: { i, j in (i + j) % 17 == 0 }, households: { i, j in 10 + i + j })
        _ = try GridImporter.run(file: folder.write("v1.csv", v1), into: store, options: options)
        options.validFrom = "2025-01-01"; options.replaceLevel = true
        // Rows 0–13 as they were (some recounted); from row 14 on shifted by 37 m and 23 m.
        var v2 = cells(dx: 0, dy: 0, skip: { i, j in i >= 14 || (i + j) % 17 == 0 }, households: { i, j in 10 + i + j + (j % 5 == 0 ? 1 : 0) })
        v2 += cells(dx: 37, dy: 23, skip: { i, j in i < 14 || (i * j) % 13 == 1 }, households: { i, j in 12 + i }).dropFirst(25) // no second header
        _ = try GridImporter.run(file: folder.write("v2.csv", v2), into: store, options: options)

        func described(_ r: PlanDiff.Result) -> [String] {
            r.changes.map { "\($0.change) \($0.grid) \($0.gainedM2) \($0.lostM2) \(String(describing: $0.householdsMoved))" }
                + r.pieces.map { "\($0.from ?? "-") \($0.to ?? "-") \($0.areaM2) \(String(describing: $0.households)) \($0.wkb)" }
                + ["unchanged \(r.unchanged)"]
        }
        func layer() throws -> [String] {
            try store.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT geom, change, level, grid, other_grid, area_m2, households, from_moment, to_moment FROM plan_changes ORDER BY fid"
                ).map(\.description)
            }
        }
        var told: [(Int, Int)] = []
        let grids = try [1, 2].reduce(0) { $0 + (try PlanSnapshot(store: store, at: .version(Int64($1))).grids.count) }
        let one = try PlanDiff.run(store: store, from: .version(1), to: .version(2), workers: 1)
        let oneLayer = try layer()
        #expect(one.pieces.count > 200 && one.unchanged > 100 && Set(one.changes.map(\.change)).count == 3)
        for workers in [2, 3] {
            let shared = try PlanDiff.run(store: store, from: .version(1), to: .version(2), workers: workers) { told.append(($0, $1)) }
            #expect(described(shared) == described(one), "\(workers) workers")
            #expect(try layer() == oneLayer, "\(workers) workers")
            #expect(told.last.map { [$0.0, $0.1] } == [grids, grids], "every grid of both moments compared")
        }
    }

    /// Territory no new grid covers is dropped: a grid that shrank leaves a strip, a removed grid
    /// what its successor does not take; a new grid far away changes nothing of it. Every grid of
    /// both moments is counted as compared.
    @Test func territoryNoGridCoversIsDropped() throws {
        let store = try GeoPackage(path: folder.path("dropped.gpkg"), schema: GridsSchema.schema)
        var first = ImportOptions(level: .unit); first.crs = .proj("EPSG:4546"); first.validFrom = "2024-01-01"
        let v1 =
            "code,name,households,wkt\nA,A,400,\"\(box(0, 0, 500, 1000))\"\nB,B,400,\"\(box(500, 0, 1000, 1000))\"\nC,C,300,\"\(box(1000, 0, 1500, 1000))\"\n"
            + "F,F,10,\"\(box(3000, 0, 3500, 1000))\"\n"
        _ = try GridImporter.run(file: folder.write("v1.csv", v1), into: store, options: first)
        var second = first; second.validFrom = "2025-01-01"; second.replaceLevel = true
        // B and F imported again with the same shape (B with more households), A shrunk, C gone.
        let v2 =
            "code,name,households,wkt\nA,A,320,\"\(box(0, 0, 400, 1000))\"\nB,B,410,\"\(box(500, 0, 1000, 1000))\"\n"
            + "D,D,100,\"\(box(1000, 0, 1200, 1000))\"\nE,E,50,\"\(box(5000, 0, 5500, 1000))\"\nF,F,10,\"\(box(3000, 0, 3500, 1000))\"\n"
        _ = try GridImporter.run(file: folder.write("v2.csv", v2), into: store, options: second)
        var told: [(Int, Int)] = []
        let result = try PlanDiff.run(store: store, from: .version(1), to: .version(2)) { told.append(($0, $1)) }
        let dropped = result.pieces.filter { $0.to == nil }.map { "\($0.from ?? "-") \(Int($0.areaM2.rounded()))" }.sorted()
        #expect(dropped == ["A 100000", "C 300000"])
        #expect(result.pieces.contains { $0.from == "C" && $0.to == "D" && abs($0.areaM2 - 200_000) < 0.01 })
        #expect(result.pieces.count == 3 && result.unchanged == 1) // F
        let b = try #require(result.changes.first { $0.grid == "B" })
        #expect(b.change == .reshaped && b.gainedM2 == 0 && b.lostM2 == 0 && b.householdsBefore == 400 && b.householdsAfter == 410)
        #expect(told.last.map { [$0.0, $0.1] } == [9, 9])
        #expect(
            try store.read { try String.fetchAll($0, sql: "SELECT change FROM plan_changes ORDER BY change") } == ["dropped", "dropped", "moved"])
        // The layer's R-tree is whole and holds each piece: after this diff and after the next,
        // which replaces its pieces.
        for round in 0..<2 {
            if round == 1 { _ = try PlanDiff.run(store: store, from: .version(2), to: .version(1)) }
            try store.read { db in
                #expect(try String.fetchOne(db, sql: "SELECT rtreecheck('rtree_plan_changes_geom')") == "ok")
                let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM plan_changes") ?? 0
                let indexed = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM plan_changes p JOIN rtree_plan_changes_geom r ON r.id = p.fid WHERE r.minx <= ST_MinX(p.geom)")
                let entries = try Int.fetchOne(db, sql: "SELECT count(*) FROM rtree_plan_changes_geom")
                #expect(rows >= 2 && indexed == rows && entries == rows, "round \(round): \(rows) rows")
                let extensions = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM gpkg_extensions WHERE table_name = 'plan_changes' AND extension_name = 'gpkg_rtree_index'")
                #expect(extensions == 1, "round \(round)")
            }
        }
    }
}
