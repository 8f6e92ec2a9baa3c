import Foundation
import GridErrors
import GridGeometry
import Testing

@testable import GridProjection

@Suite struct CRSTests {
    @Test func namesUsersType() throws {
        #expect(try CRS(parsing: "wgs84") == .wgs84)
        #expect(try CRS(parsing: "CGCS2000") == .cgcs2000)
        #expect(try CRS(parsing: "gcj02") == .gcj02)
        #expect(try CRS(parsing: "GCJ-02") == .gcj02)
        #expect(try CRS(parsing: "bd09") == .bd09)
        #expect(try CRS(parsing: "EPSG:4547") == .proj("EPSG:4547"))
        #expect(try CRS(parsing: "EPSG:4547").epsgCode == 4547)
        // An EPSG code in any case is the same CRS, equal to the named one.
        #expect(try CRS(parsing: "epsg:4490") == .cgcs2000)
        #expect(try CRS(parsing: " Epsg:4326 ") == .wgs84)
        #expect(try CRS(parsing: "epsg:4547") == CRS(parsing: "EPSG:4547"))
        #expect(#expect(throws: GridplanError.self) { _ = try CRS(parsing: "EPSG:999999") }?.kind == .badArgument)
        #expect(#expect(throws: GridplanError.self) { _ = try CRS(parsing: "not a crs") }?.kind == .badArgument)
        // No name search: PROJ alone would take `foo` for the Dutch Amersfoort datum.
        let foo = #expect(throws: GridplanError.self) { _ = try CRS(parsing: "foo") }
        #expect(foo?.kind == .badArgument && foo?.description.contains("Amersfoort") == true && foo?.hint != nil)
        // Exact names, other authorities, URNs and PROJ strings without +type=crs are fine.
        #expect(try CRS(parsing: "WGS 84").isGeographic)
        #expect(try !CRS(parsing: "ESRI:102100").isGeographic)
        #expect(try CRS(parsing: "urn:ogc:def:crs:EPSG::4326").isGeographic)
        #expect(try CRS(parsing: "+proj=longlat +datum=WGS84").isGeographic)
        #expect(try CRS.cgcs2000.isGeographic)
        #expect(try !CRS.proj("EPSG:4547").isGeographic)
    }

    @Test func localMetricZones() {
        // Zhanjiang (110.36E) lies in the CGCS2000 3-degree zone of CM 111E, EPSG:4546.
        #expect(LocalMetric.crs(lon: 110.36, lat: 21.27) == .proj("EPSG:4546"))
        #expect(LocalMetric.crs(lon: 114.06, lat: 22.54) == .proj("EPSG:4547"))
        #expect(LocalMetric.crs(lon: 75.2, lat: 39.0) == .proj("EPSG:4534"))
        #expect(LocalMetric.crs(lon: 134.9, lat: 48.0) == .proj("EPSG:4554"))
        // Helsinki: UTM 35N.
        #expect(LocalMetric.crs(lon: 24.94, lat: 60.17) == .proj("EPSG:32635"))
        #expect(LocalMetric.crs(lon: -58.4, lat: -34.6) == .proj("EPSG:32721"))
    }
}

@Suite struct TransformTests {
    @Test func projectsAndReturns() throws {
        let forward = try CoordinateTransformer(from: .cgcs2000, to: .proj("EPSG:4546"))
        let p = try forward.transform(x: 111.0, y: 21.0)
        // On the central meridian the easting is the false easting.
        #expect(abs(p.x - 500_000) < 1e-6)
        #expect(p.y > 2_300_000 && p.y < 2_400_000)
        let back = try CoordinateTransformer(from: .proj("EPSG:4546"), to: .cgcs2000).transform(x: p.x, y: p.y)
        #expect(abs(back.x - 111) < 1e-9 && abs(back.y - 21) < 1e-9)
    }

    @Test func reportsPointsThatCannotBeTransformed() throws {
        let t = try CoordinateTransformer(from: .wgs84, to: .proj("EPSG:3857"))
        var x = [10.0, 0.0], y = [20.0, 91.0]
        let failed = t.transform(x: &x, y: &y)
        #expect(failed == [1])
        #expect(x[1].isNaN)
    }

    @Test func transformsGeometries() throws {
        let square = try Geometry(wkt: "POLYGON ((110.35 21.25, 110.36 21.25, 110.36 21.26, 110.35 21.26, 110.35 21.25))")
        let metric = try MetricProjector(around: square.envelope!)
        let area = try metric.area(square)
        let geodesic = try Geodesic.area(square)
        #expect(abs(area - geodesic) / geodesic < 0.001)
        #expect(abs(geodesic - 1_151_000) < 10_000) // ~1.04 km × 1.11 km
        let back = try metric.unproject(try metric.project(square))
        #expect(try back.equalsExact(square, tolerance: 1e-9))
    }
}

@Suite struct ChinaOffsetTests {
    @Test func gcj02InverseIsExact() {
        var worst = 0.0
        for i in 0..<2000 {
            let lon = 73.0 + Double(i % 50) * 1.2, lat = 18.0 + Double(i / 50) * 0.9
            let g = ChinaOffsets.wgs84ToGCJ02(lon: lon, lat: lat)
            let w = ChinaOffsets.gcj02ToWGS84(lon: g.lon, lat: g.lat)
            worst = max(worst, abs(w.lon - lon), abs(w.lat - lat))
        }
        #expect(worst < 1e-9, "worst inverse error \(worst)°")
    }

    @Test func bd09InverseIsExact() {
        var worst = 0.0
        for i in 0..<2000 {
            let lon = 73.0 + Double(i % 50) * 1.2, lat = 18.0 + Double(i / 50) * 0.9
            let b = ChinaOffsets.wgs84ToBD09(lon: lon, lat: lat)
            let w = ChinaOffsets.bd09ToWGS84(lon: b.lon, lat: b.lat)
            worst = max(worst, abs(w.lon - lon), abs(w.lat - lat))
            let g = ChinaOffsets.wgs84ToGCJ02(lon: lon, lat: lat)
            let g2 = ChinaOffsets.bd09ToGCJ02(lon: b.lon, lat: b.lat)
            worst = max(worst, abs(g2.lon - g.lon), abs(g2.lat - g.lat))
        }
        #expect(worst < 1e-9, "worst inverse error \(worst)°")
    }

    @Test func offsetIsHundredsOfMetresInChinaAndNoneOutside() throws {
        let g = ChinaOffsets.wgs84ToGCJ02(lon: 110.3594, lat: 21.2707)
        let metres = Geodesic.distance(lon1: 110.3594, lat1: 21.2707, lon2: g.lon, lat2: g.lat)
        #expect(metres > 300 && metres < 800)
        let helsinki = ChinaOffsets.wgs84ToGCJ02(lon: 24.94, lat: 60.17)
        #expect(helsinki.lon == 24.94 && helsinki.lat == 60.17)
        let t = try CoordinateTransformer(from: .gcj02, to: .bd09)
        let viaWGS = try CoordinateTransformer(from: .wgs84, to: .bd09).transform(x: 110.3594, y: 21.2707)
        let direct = try t.transform(x: g.lon, y: g.lat)
        #expect(abs(viaWGS.x - direct.x) < 1e-12 && abs(viaWGS.y - direct.y) < 1e-12)
    }

    @Test func gcj02ToProjectedGoesThroughWGS84() throws {
        let g = ChinaOffsets.wgs84ToGCJ02(lon: 111.0, lat: 21.0)
        let p = try CoordinateTransformer(from: .gcj02, to: .proj("EPSG:4546")).transform(x: g.lon, y: g.lat)
        #expect(abs(p.x - 500_000) < 1e-3)
    }
}
