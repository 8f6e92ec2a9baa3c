import Cases
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

/// WKT of a polygon or line in metres of EPSG:4546 (CGCS2000 GK CM 111E), offset to lie near Zhanjiang.
let origin = (x: 500_000.0, y: 2_350_000.0)
func square(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> String {
    let (a, b, c, d) = (origin.x + x0, origin.y + y0, origin.x + x1, origin.y + y1)
    return "POLYGON ((\(a) \(b), \(c) \(b), \(c) \(d), \(a) \(d), \(a) \(b)))"
}
func line(_ points: [(Double, Double)]) -> String {
    "LINESTRING (" + points.map { "\(origin.x + $0.0) \(origin.y + $0.1)" }.joined(separator: ", ") + ")"
}
func point(_ x: Double, _ y: Double) -> String { "POINT (\(origin.x + x) \(origin.y + y))" }

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
func sample(_ path: String) -> String { repository.appendingPathComponent(path).path }

@Suite(.serialized) struct PartitionTests {
    let folder = TemporaryFolder()

    /// A 400 m square community cut by a cross of streets into four quarters; a street that ends
    /// inside (a dangle) cuts nothing, and a short lane cutting off a 200 m² corner makes a block
    /// too small to stand alone.
    func handMade() throws -> (GeoPackage, [Geometry], HouseholdPoints) {
        let store = try GeoPackage(path: folder.path("hand.gpkg"), schema: CasesSchema.schema)
        var options = ImportOptions(level: .community)
        options.crs = .proj("EPSG:4546")
        _ = try GridImporter.run(
            file: folder.write("community.csv", "code,name,wkt\n440802001001,测试社区,\"\(square(0, 0, 400, 400))\"\n"),
            into: store, options: options)
        let streets = [
            line([(200, -50), (200, 450)]), line([(-50, 200), (450, 200)]), line([(300, -20), (300, 100)]),
            line([(0, 20), (20, 0)]),
        ]
        let barriersPath = folder.write(
            "streets.csv", "id,wkt\n" + streets.enumerated().map { "\($0.offset),\"\($0.element)\"" }.joined(separator: "\n") + "\n")
        let barriers = try BarrierReader.read(path: barriersPath, crs: .proj("EPSG:4546"), context: GEOSContext())
        let buildingsPath = folder.write(
            "buildings.csv",
            """
            households,residents,wkt
            200,600,"\(point(100, 100))"
            150,450,"\(point(300, 120))"
            50,150,"\(point(350, 50))"
            250,750,"\(point(100, 300))"
            150,450,"\(point(300, 300))"
            10,30,"\(point(900, 900))"

            """)
        let points = try HouseholdPoints.read(path: buildingsPath, crs: .proj("EPSG:4546"))
        return (store, barriers, points)
    }

    @Test func handMadeCommunityHasTheExpectedBlocks() throws {
        let (store, barriers, _) = try handMade()
        let parent = try store.read { try GridRecord.current($0, level: .community) }[0]
        let context = barriers[0].context
        let parentGeometry = try parent.geometry(context)
        let projector = try MetricProjector(around: parentGeometry.envelope!)
        #expect(projector.metricCRS == .proj("EPSG:4546"))
        let blocks = try BlockSet(parent: parentGeometry, barriers: barriers, projector: projector)
        #expect(blocks.faces.count == 5)
        let merged = blocks.mergeSmallBlocks(minAreaM2: 1000, households: blocks.faces.map { _ in 0 })
        #expect(merged == 1)
        #expect(blocks.blockCount == 4)
        let quarters = [square(0, 0, 200, 200), square(200, 0, 400, 200), square(0, 200, 200, 400), square(200, 200, 400, 400)]
        var matched = Set<Int>()
        for b in 0..<blocks.blockCount {
            let metric = try blocks.union(ofBlocks: [b])
            // Blocks are cut in metres: the quarters to 5 mm (the streets, straight in EPSG:4546, were read as
            // longitude/latitude, where straight is 2 mm off over 500 m).
            let hit = try quarters.indices.first { q in try metric.hausdorffDistance(to: try Geometry(wkt: quarters[q], context: context)) < 5e-3 }
            #expect(hit != nil, "block \(b) is not a quarter: \(metric)")
            if let hit { matched.insert(hit) }
        }
        #expect(matched.count == 4)
        // Shared boundaries: each quarter touches two others along 200 m and the diagonal one at a corner only.
        let graph = blocks.graph(faceHouseholds: blocks.faces.map { _ in 1 }, faceResidents: blocks.faces.map { _ in 0 }, toleranceM: 1)
        for b in 0..<4 {
            #expect(graph.adjacent[b].count == 2)
            for (_, length) in graph.shared[b] { #expect(abs(length - 200) < 0.05) }
        }
    }

    @Test func handMadeCommunityPartitionsIntoHalves() throws {
        let (store, barriers, points) = try handMade()
        var options = PartitionOptions()
        options.seed = 3
        let report = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
        #expect(report.buildingsOutside == 1)
        let part = report.parents[0]
        #expect(part.grids.count == 2)
        #expect(part.grids.map(\.households).sorted() == [400, 400])
        #expect(part.grids.allSatisfy { $0.parts == 1 && $0.withinBounds })
        #expect(part.cuts.notOnBarriers == 0)
        #expect(part.grids.map { $0.code ?? "" } == ["440802001001001", "440802001001002"])
        // The north half is numbered first.
        let units = try store.read { try GridRecord.current($0, level: .unit) }
        #expect(units.count == 2)
        #expect(units.allSatisfy { $0.parentCode == "440802001001" })
        let north = units.first { $0.code == "440802001001001" }!
        #expect(north.households == 400)
        #expect(
            try north.geometry(GEOSContext()).envelope!.minY > (units.first { $0.code == "440802001001002" }!.geometry(GEOSContext()).envelope!.minY))
    }

    /// One real-named community of the generated 赤坎区 sample, with generated roads and household points.
    func chikanCommunity(_ code: String = "440802001001") throws -> (GeoPackage, [Geometry], HouseholdPoints) {
        let data = try Data(contentsOf: URL(fileURLWithPath: sample("GeoData/chikan/communities.geojson")))
        var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        json["features"] = (json["features"] as! [[String: Any]]).filter { (($0["properties"] as! [String: Any])["code"] as? String) == code }
        let path = folder.path("community-\(code).geojson")
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        let store = try GeoPackage(path: folder.path("chikan-\(code).gpkg"), schema: CasesSchema.schema)
        _ = try GridImporter.run(file: path, into: store, options: ImportOptions(level: .community, crs: .cgcs2000))
        let barriers = try BarrierReader.read(path: sample("GeoData/chikan/roads.geojson"), crs: .cgcs2000, context: GEOSContext())
        let points = try HouseholdPoints.read(path: sample("GeoData/chikan/buildings.geojson"), crs: .cgcs2000)
        return (store, barriers, points)
    }

    func coverageFindings(_ store: GeoPackage) throws -> [Finding] {
        let report = try Validation.run(store: store, validator: Validator(), fix: false)
        return report.findings.filter {
            $0.severity != .noise && [.gap, .overlap, .outsideParent, .noParent, .noChildren, .multiPart, .hole, .invalidGeometry].contains($0.kind)
        }
    }

    @Test func sampleCommunityTilesItsParentWithinBounds() throws {
        let (store, barriers, points) = try chikanCommunity()
        var options = PartitionOptions()
        options.seed = 11
        let report = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
        let part = report.parents[0]
        #expect(part.households == 5059)
        #expect(part.oversizeBlocks.isEmpty)
        #expect(part.grids.count >= 11 && part.grids.count <= 16)
        #expect(part.grids.allSatisfy { $0.withinBounds && $0.parts == 1 })
        #expect(part.cuts.notOnBarriers == 0)
        #expect(part.cuts.onBarriers > 0)
        #expect(report.shareWithinBounds == 1)
        // The union of the grids is the parent, in metres as `validate` sees them (to float noise).
        let context = GEOSContext()
        let (parent, units) = try store.read { db in
            (try GridRecord.current(db, level: .community)[0], try GridRecord.current(db, level: .unit))
        }
        let metric = try MetricProjector(around: try parent.geometry(context).envelope!)
        let union = try Geometry.unionAll(try units.map { try metric.project(try $0.geometry(context)) }, context: context)
        let parentGeometry = try metric.project(try parent.geometry(context))
        #expect(try union.symmetricDifference(parentGeometry).area < 1e-4)
        #expect(units.allSatisfy { $0.households.map { $0 >= 300 && $0 <= 500 } ?? false })
        #expect(units.map { $0.households ?? 0 }.reduce(0, +) == 5059)
        let findings = try coverageFindings(store)
        #expect(findings.isEmpty, "\(findings.map(\.message))")
    }

    @Test func sameSeedSamePlan() throws {
        let (store, barriers, points) = try chikanCommunity("440802001002")
        var options = PartitionOptions()
        options.seed = 7
        options.dryRun = true
        let a = try Partitioner.partition(store: store, parent: "440802001002", level: nil, barriers: barriers, buildings: points, options: options)
        let b = try Partitioner.partition(store: store, parent: "440802001002", level: nil, barriers: barriers, buildings: points, options: options)
        #expect(a.allGrids.map(\.households) == b.allGrids.map(\.households))
        #expect(a.allGrids.map(\.areaM2) == b.allGrids.map(\.areaM2))
        #expect(a.versionID == nil)
        #expect(try store.read { try GridRecord.current($0, level: .unit) }.isEmpty)
    }

    @Test func oversizeBlockIsReported() throws {
        let (store, barriers, base) = try handMade()
        var points = base
        // 700 more households in the north-west quarter: a block alone above the maximum.
        points.lon.append(points.lon[3]); points.lat.append(points.lat[3]); points.households.append(700); points.residents.append(0)
        let report = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: PartitionOptions())
        let part = report.parents[0]
        #expect(part.oversizeBlocks.count == 1)
        #expect(part.oversizeBlocks.first?.households == 950)
        #expect(part.grids.contains { $0.households == 950 && $0.blocks == 1 && !$0.withinBounds })
        // The report names the block: its number, a point inside it (the north-west quarter), the grid it became.
        let o = try #require(part.oversizeBlocks.first)
        let metric = try MetricProjector(around: Envelope(minX: o.lon, minY: o.lat, maxX: o.lon, maxY: o.lat))
        let inside = try metric.project(x: o.lon, y: o.lat)
        #expect(inside.x - origin.x > 0 && inside.x - origin.x < 200 && inside.y - origin.y > 200 && inside.y - origin.y < 400)
        #expect(o.grid == part.grids.first { $0.households == 950 }?.code)
        #expect(o.block >= 0 && o.block < part.blocks)
    }

    @Test func redrawMovesFewHouseholdsAndKeepsLockedGrids() throws {
        let (store, barriers, base) = try chikanCommunity()
        var options = PartitionOptions()
        options.seed = 11
        let first = try Partitioner.partition(store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: base, options: options)
        let firstUnits = try store.read { try GridRecord.current($0, level: .unit) }
        // 100 more households in the heaviest grid push it over the maximum.
        let context = GEOSContext()
        let heavy = first.parents[0].grids.max { $0.households < $1.households }!
        let record = firstUnits.first { $0.code == heavy.code }!
        let inside = try record.geometry(context).pointOnSurface().xy
        var points = base
        points.lon.append(inside.x); points.lat.append(inside.y); points.households.append(100); points.residents.append(250)
        options.redraw = true
        let redraw = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
        let part = redraw.parents[0]
        #expect(part.grids.count == firstUnits.count)
        #expect(
            part.grids.allSatisfy { $0.withinBounds },
            "\(first.parents[0].grids.map { Int($0.households) }) → \(part.grids.map { "\(Int($0.households))/\($0.blocks)" })")
        #expect(part.redraw.movedBlocks >= 1)
        #expect(part.redraw.movedHouseholds > 0 && part.redraw.movedHouseholds < 0.15 * part.households)
        let changed = part.grids.filter(\.changed)
        #expect(changed.count >= 2 && changed.count <= firstUnits.count / 2)
        #expect(part.cuts.notOnBarriers == 0)
        // Changed grids are new versions with the same code; the others are untouched.
        let (current, ended) = try store.read { db in
            (
                try GridRecord.current(db, level: .unit),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM grids WHERE level = 4 AND valid_to IS NOT NULL")!
            )
        }
        #expect(ended == changed.count)
        #expect(Set(current.compactMap(\.code)) == Set(firstUnits.compactMap(\.code)))
        for unit in current where !changed.contains(where: { $0.code == unit.code }) {
            #expect(firstUnits.contains { $0.fid == unit.fid })
        }
        #expect(try coverageFindings(store).isEmpty)

        // Locking the heavy grid: it may not change, so it stays over the maximum.
        options.locked = [heavy.code!]
        points.households[points.count - 1] = 400
        let locked = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
        let kept = locked.parents[0].grids.first { $0.code == heavy.code }!
        #expect(!kept.changed)
        // A lock on a grid that is not there is an error, not ignored.
        options.locked = ["440802001001999"]
        #expect(throws: GridplanError.self) {
            try Partitioner.partition(store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
        }
    }

    /// A redraw of units under a community whose units sit in areas: blocks move only between units
    /// of one area, so the areas stay covered; the hand-drawn units there do not follow the roads.
    @Test func redrawKeepsUnitsInTheirAreas() throws {
        let (store, barriers, points) = try chikanCommunity("440802006003")
        func filtered(_ file: String, keep: ([String: Any]) -> Bool) throws -> String {
            let data = try Data(contentsOf: URL(fileURLWithPath: sample("GeoData/chikan/\(file)")))
            var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            json["features"] = (json["features"] as! [[String: Any]]).filter { keep($0["properties"] as! [String: Any]) }
            let path = folder.path("part-\(file)")
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
            return path
        }
        var areaNames = Set<String>()
        let areas = try filtered("areas.geojson") { p in
            guard p["parent"] as? String == "440802006003" else { return false }
            areaNames.insert(p["name"] as! String); return true
        }
        let units = try filtered("units.geojson") { areaNames.contains($0["parent"] as! String) }
        for (file, level) in [(areas, GridLevel.area), (units, .unit)] {
            var o = ImportOptions(level: level, crs: .cgcs2000)
            o.parentField = "parent"
            _ = try GridImporter.run(file: file, into: store, options: o)
        }
        let before = try store.read { try GridRecord.current($0, level: .unit) }
        var options = PartitionOptions()
        options.redraw = true
        let report = try Partitioner.partition(
            store: store, parent: "440802006003", level: nil, barriers: barriers, buildings: points, options: options)
        let part = report.parents[0]
        #expect(part.grids.count == before.count)
        // Three of its units are outside 300–500 as drawn: blocks must move.
        #expect(before.filter { !(300...500).contains($0.households ?? 0) }.count == 3)
        #expect(part.redraw.movedBlocks > 0)
        #expect(part.grids.filter { !$0.withinBounds }.count < 3)
        #expect(part.redraw.movedHouseholds < 0.2 * part.households)
        let after = try store.read { try GridRecord.current($0, level: .unit) }
        for unit in after {
            let old = before.first { $0.name == unit.name }!
            #expect(unit.parentFid == old.parentFid, "\(unit.label) changed area")
        }
        let findings = try coverageFindings(store)
        #expect(findings.isEmpty, "\(findings.map(\.message))")
    }

    @Test func replacingEndsTheEarlierGrids() throws {
        let (store, barriers, points) = try handMade()
        _ = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: PartitionOptions())
        var options = PartitionOptions()
        options.targets = Targets(count: 4)
        options.targets.min = 100; options.targets.max = 300; options.targets.target = 200
        let report = try Partitioner.partition(
            store: store, parent: "440802001001", level: nil, barriers: barriers, buildings: points, options: options)
        #expect(report.parents[0].endedGrids == 2)
        #expect(report.parents[0].grids.count == 4)
        let counts = try store.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM grids WHERE level = 4 AND valid_to IS NULL")!,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM grids WHERE level = 4 AND valid_to IS NOT NULL")!,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM plan_versions")!
            )
        }
        #expect(counts.0 == 4 && counts.1 == 2 && counts.2 == 3)
    }
}
