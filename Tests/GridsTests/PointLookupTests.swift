import Foundation
import GridGeometry
import GridProjection
import GridStore
import GridTestSupport
import Testing

@testable import Grids

/// ``PointLookup`` (the file's R-tree, one question) must answer exactly as the ``Assigner``
/// (the whole plan's index) does, on the real sample's outlines: shared vertices and edges included.
@Suite struct PointLookupTests {
    static let folder = TemporaryFolder()
    static let store: GeoPackage = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let store = try! GeoPackage(path: folder.path("chikan.gpkg"), schema: GridsSchema.schema)
        for (file, level) in [("streets", GridLevel.street), ("communities", .community), ("areas", .area), ("units", .unit)] {
            var options = ImportOptions(level: level, crs: .cgcs2000)
            if level != .street { options.parentField = "parent" }
            _ = try! GridImporter.run(file: "\(root)/GeoData/chikan/\(file).geojson", into: store, options: options)
        }
        _ = try! GridCodes.generate(store: store, county: nil)
        return store
    }()

    @Test func agreesWithTheAssignerEverywhere() throws {
        let store = Self.store
        let assigner = try Assigner(store: store, indexCells: 65_536)
        let worker = try assigner.worker()
        let units = try store.read { try GridRecord.current($0, level: .unit) }
        let context = GEOSContext()
        var points: [(Double, Double)] = []
        var rng = SystemRandomNumberGenerator()
        let extent = try units.map { try $0.geometry(context).envelope! }.reduce(into: Envelope?.none) { $0 = $0?.union($1) ?? $1 }!
        for _ in 0..<400 {
            points.append((Double.random(in: extent.minX...extent.maxX, using: &rng), Double.random(in: extent.minY...extent.maxY, using: &rng)))
        }
        for unit in units.prefix(20) {
            let (xs, ys) = try unit.geometry(context).coordinates()
            for i in 0..<(xs.count - 1) { points.append((xs[i], ys[i])); points.append(((xs[i] + xs[i + 1]) / 2, (ys[i] + ys[i + 1]) / 2)) }
        }
        var statuses: [AssignStatus: Int] = [:]
        for (x, y) in points {
            let expected = try worker.assign(lon: x, lat: y)
            let found = try PointLookup.locate(store: store, lon: x, lat: y)
            statuses[expected.status, default: 0] += 1
            switch expected.status {
            case .inside, .boundary:
                let chain = assigner.chains[expected.grid!]
                #expect(found?.0.status == expected.status, "(\(x), \(y))")
                #expect(
                    GridLevel.allCases.map { found?.1.link($0)?.fid } == GridLevel.allCases.map { chain.link($0)?.fid },
                    "(\(x), \(y))")
            default:
                #expect(found == nil, "(\(x), \(y)): \(expected.status)")
            }
        }
        // The three cases all occur: inside, on shared boundaries, and in no grid.
        #expect(statuses[.inside, default: 0] > 100 && statuses[.boundary, default: 0] > 40, "\(statuses)")
        #expect(statuses[.outside, default: 0] + statuses[.snapped, default: 0] > 20, "\(statuses)")
    }

    @Test func pointsThatAreNoPlaceHaveNoAnswer() throws {
        #expect(try PointLookup.locate(store: Self.store, lon: .nan, lat: 21) == nil)
        #expect(try PointLookup.locate(store: Self.store, lon: 0, lat: 0) == nil)
    }
}
