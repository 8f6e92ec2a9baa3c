import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
import GridStore
import GridTestSupport
import Grids
import Testing

@testable import Planning

/// Dedicated grids, seeds, the residents cap and redraws that cannot meet the bounds, on the hand-made
/// community of ``PartitionTests`` (a 400 m square cut into four quarters by a cross of streets).
extension PartitionTests {
    /// Dedicated grids: a school drawn against the north–south street in the north-west quarter becomes a grid
    /// of its own (kind school, its 100 households in it, exempt from the bounds); the rest is cut as usual,
    /// no grid surrounding the school; together they tile the parent. A redraw keeps it, with its kind.
    @Test func dedicatedGridIsCarvedOutOfTheParent() throws {
        let (store, barriers, base) = try handMade()
        var points = base
        let toLonLat = try CoordinateTransformer(from: .proj("EPSG:4546"), to: .cgcs2000)
        let school = try toLonLat.transform(try Geometry(wkt: square(120, 250, 200, 350), context: GEOSContext()))
        let inSchool = try toLonLat.transform(x: origin.x + 160, y: origin.y + 300)
        points.lon.append(inSchool.x); points.lat.append(inSchool.y); points.households.append(100); points.residents.append(300)
        var options = PartitionOptions()
        options.dedicated = [DedicatedSite(feature: 1, name: "育才小学", kind: .school, wkb: try school.wkb)]
        options.seed = 5
        let report = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
        let part = report.parents[0]
        let dedicated = part.grids.filter(\.dedicated)
        #expect(dedicated.count == 1)
        #expect(dedicated.first?.kind == "school")
        #expect(dedicated.first?.households == 100)
        #expect(dedicated.first?.name == "育才小学")
        #expect(part.dedicated.households == 100)
        let others = part.grids.filter { !$0.dedicated }
        #expect(others.count == 2)
        // 400 + 400 (the north half, the south half) would surround the school, which touches the street only
        // on its east side: a hole. The search takes 450 + 350 instead (west half, east half), both within bounds.
        #expect(others.map(\.households).sorted() == [350, 450])
        #expect(part.grids.allSatisfy { $0.holes == 0 && $0.parts == 1 })
        #expect(others.allSatisfy { $0.withinBounds })
        #expect(part.cuts.notOnBarriers == 0)
        #expect(part.cuts.onDedicated > 0)
        #expect(report.shareWithinBounds == 1)
        let units = try store.read { try GridRecord.current($0, level: .unit) }
        #expect(units.count == 3)
        let stored = try #require(units.first { $0.kind == "school" })
        #expect(stored.households == 100)
        #expect(units.filter { $0.kind == "comprehensive" }.count == 2)
        // The school grid is the school polygon (in metres, to float noise), and the grids tile the parent.
        let context = GEOSContext()
        let metric = try MetricProjector(around: try stored.geometry(context).envelope!)
        let schoolMetric = try Geometry(wkt: square(120, 250, 200, 350), context: context)
        #expect(try metric.project(try stored.geometry(context)).symmetricDifference(schoolMetric).area < 0.01)
        let findings = try coverageFindings(store)
        #expect(findings.isEmpty, "\(findings.map(\.message))")

        // A redraw keeps the dedicated grid as it is, with its kind.
        var redraw = PartitionOptions()
        redraw.redraw = true
        let again = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: redraw)
        #expect(again.parents[0].grids.filter { $0.dedicated && !$0.changed }.count == 1)
        #expect(try store.read { try GridRecord.current($0, level: .unit) }.filter { $0.kind == "school" }.count == 1)
    }

    @Test func unknownDedicatedKindIsRefusedNamingTheFeature() throws {
        let bad = folder.write("dedicated.csv", "name,类型,wkt\n育才小学,学校,\"\(square(120, 250, 200, 350))\"\n游乐园,游乐场,\"\(square(20, 20, 60, 60))\"\n")
        do {
            _ = try DedicatedSite.read(path: bad, crs: .proj("EPSG:4546"))
            Issue.record("an unknown kind was accepted")
        } catch let e as GridplanError {
            let place = e.source?.feature ?? ""
            #expect(e.kind == .badInput && place.contains("feature 2") && place.contains("游乐园") && e.description.contains("游乐场"), "\(e)")
        }
        let comprehensive = folder.write("comprehensive.csv", "name,kind,wkt\n某小区,comprehensive,\"\(square(20, 20, 60, 60))\"\n")
        #expect(throws: GridplanError.self) { try DedicatedSite.read(path: comprehensive, crs: .proj("EPSG:4546")) }
        let lineFile = folder.write("line.csv", "name,kind,wkt\n路,school,\"\(line([(0, 0), (10, 10)]))\"\n")
        #expect(throws: GridplanError.self) { try DedicatedSite.read(path: lineFile, crs: .proj("EPSG:4546")) }
        let good = try DedicatedSite.read(
            path: folder.write("ok.csv", "name,类型,wkt\n育才小学,学校网格,\"\(square(120, 250, 200, 350))\"\n,,\"\(square(20, 20, 60, 60))\"\n"),
            crs: .proj("EPSG:4546"))
        #expect(good.map(\.kind) == [.school, .dedicated])
        #expect(good.map(\.name) == ["育才小学", nil])
    }

    /// Seeds: one grid grows from each seed's block and keeps it; a second seed in a block already seeded is
    /// reported and grows nothing.
    @Test func seedsGiveEachGridOneSeed() throws {
        let (store, barriers, points) = try handMade()
        let toLonLat = try CoordinateTransformer(from: .proj("EPSG:4546"), to: .cgcs2000)
        var seeds = SeedPoints()
        func add(_ id: String, _ x: Double, _ y: Double) throws {
            let p = try toLonLat.transform(x: origin.x + x, y: origin.y + y)
            seeds.ids.append(id); seeds.lon.append(p.x); seeds.lat.append(p.y)
        }
        try add("G1", 50, 50); try add("G2", 350, 350); try add("G3", 60, 60)
        var options = PartitionOptions()
        options.seeds = seeds
        options.targets.countSpread = 0.25
        options.dryRun = true
        let report = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
        let part = report.parents[0]
        #expect(part.grids.count == 2)
        #expect(part.seeds.inside == 3)
        #expect(part.grids.allSatisfy { $0.seeds.filter { $0 != "G3" }.count == 1 })
        #expect(Set(part.grids.flatMap(\.seeds)) == ["G1", "G2", "G3"])
        #expect(part.seeds.notOwnGrid.map(\.seed) == ["G3"])
        #expect(part.grids.allSatisfy { $0.withinBounds })
        // One seed more per remaining quarter: four grids, each with its seed.
        try add("G4", 50, 350); try add("G5", 350, 50)
        options.seeds = seeds
        let four = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
        #expect(four.parents[0].grids.count == 4)
        #expect(four.parents[0].grids.allSatisfy { $0.seeds.filter { $0 != "G3" }.count == 1 })
    }

    /// The residents cap: three quarters of 600–750 residents cannot meet a cap of 500; each is a block
    /// over it, a grid of its own, and listed.
    @Test func gridsOverTheResidentsCapAreReported() throws {
        let (store, barriers, points) = try handMade()
        var options = PartitionOptions()
        options.targets.maxResidents = 500
        options.dryRun = true
        let report = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
        let part = report.parents[0]
        let over = part.grids.filter(\.overMaxResidents)
        #expect(over.count == 3)
        #expect(over.allSatisfy { $0.residents > 500 && !$0.withinBounds && $0.blocks == 1 })
        #expect(part.oversizeBlocks.count == 3)
        #expect(report.shareWithinBounds < 1)
    }

    /// A redraw where the grids of the parent cannot meet the bounds however blocks move (1,100 households
    /// in two grids of at most 500): nothing moves, and the report says how many grids would do.
    @Test func redrawLeavesInfeasibleGroupsAsTheyAre() throws {
        let (store, barriers, base) = try handMade()
        _ = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: base, options: PartitionOptions())
        var points = base
        points.lon.append(points.lon[0]); points.lat.append(points.lat[0]); points.households.append(300); points.residents.append(0)
        var options = PartitionOptions()
        options.redraw = true
        let report = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
        let part = report.parents[0]
        #expect(part.redraw.infeasibleGroups.count == 1)
        #expect(part.redraw.infeasibleGroups.first?.households == 1100)
        #expect(part.redraw.infeasibleGroups.first?.needed == 3)
        #expect(part.redraw.movedBlocks == 0)
        #expect(part.grids.allSatisfy { !$0.changed })
    }

    /// `partition --redraw --allow-count-changes` of the hand-made community.
    private func redrawAllowingCountChanges(_ store: GeoPackage, _ barriers: [Geometry], _ points: HouseholdPoints) throws -> PartitionReport {
        var options = PartitionOptions()
        options.redraw = true
        options.allowCountChanges = true
        return try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
    }

    /// The same redraw allowed to change the number of grids: the fuller half is split, so three grids
    /// hold the 1,100 households, none over the maximum; the added grid takes the next free code under
    /// the parent and is written as a new grid, the split one is ended and written anew.
    @Test func redrawWithCountChangesAddsAGrid() throws {
        let (store, barriers, base) = try handMade()
        _ = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: base, options: PartitionOptions())
        let before = try store.read { try GridRecord.current($0, level: .unit) }
        var points = base
        points.lon.append(points.lon[0]); points.lat.append(points.lat[0]); points.households.append(300); points.residents.append(0)
        let report = try redrawAllowingCountChanges(store, barriers, points)
        let part = report.parents[0]
        #expect(part.redraw.infeasibleGroups.isEmpty)
        #expect(part.redraw.countChanges.map { [$0.gridsBefore, $0.gridsAfter] } == [[2, 3]])
        #expect(part.redraw.countChanges.first?.households == 1100)
        #expect(part.grids.count == 3)
        #expect(part.grids.reduce(0.0) { $0 + $1.households } == 1100)
        #expect(part.grids.allSatisfy { $0.households <= 500 })
        let after = try store.read { try GridRecord.current($0, level: .unit) }
        #expect(after.count == 3)
        let added = Set(after.compactMap(\.code)).subtracting(before.compactMap(\.code))
        #expect(added == ["440802001001003"])
        #expect(after.first { $0.code == "440802001001003" }?.name == "测试社区第3网格")
        // History: the grid that was split is ended, not overwritten.
        let ended = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grids WHERE level = 4 AND valid_to IS NOT NULL") }
        #expect((ended ?? 0) >= 1)
    }

    /// Households fall to what one grid holds: the emptier grid is shared out to its neighbour, and ended.
    @Test func redrawWithCountChangesMergesGrids() throws {
        let (store, barriers, base) = try handMade()
        _ = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: base, options: PartitionOptions())
        #expect(try store.read { try GridRecord.current($0, level: .unit) }.count == 2)
        var points = base
        points.households = points.households.map { $0 / 2 }
        let report = try redrawAllowingCountChanges(store, barriers, points)
        let part = report.parents[0]
        #expect(part.redraw.countChanges.map { [$0.gridsBefore, $0.gridsAfter] } == [[2, 1]])
        #expect(part.grids.count == 1 && part.grids[0].withinBounds && part.grids[0].households == 400)
        #expect(part.endedGrids == 2)
        let current = try store.read { try GridRecord.current($0, level: .unit) }
        #expect(current.count == 1)
    }
}
