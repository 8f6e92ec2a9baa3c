import Cases
import Foundation
import GRDB
import GridProjection
package import GridStore
import Grids

/// The sample gazetteer: the real divisions of 赤坎区 (GeoData/chikan/divisions.csv, with the
/// province and city above it from GeoData/chikan/divisions_above.csv) and the generated roads, house numbers, compounds, buildings
/// and POIs of GeoData/chikan/gazetteer/ (marked generated), with house-number ranges on lanes
/// and on the far ends of long roads (road_ranges.geojson).
package enum GazetteerDefaults {
    /// The GeoData folder: given, else found upwards from the working directory or the executable.
    package static func geoData(_ given: String? = nil) -> String? {
        if let given { return given }
        var starts = [FileManager.default.currentDirectoryPath]
        if let exe = Bundle.main.executablePath { starts.append((exe as NSString).deletingLastPathComponent) }
        for start in starts {
            var dir = start
            for _ in 0..<8 {
                let candidate = (dir as NSString).appendingPathComponent("GeoData/chikan/divisions.csv")
                if FileManager.default.fileExists(atPath: candidate) { return (dir as NSString).appendingPathComponent("GeoData") }
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        return nil
    }

    /// Imports the sample; each file replaces what an earlier import of it wrote. The divisions
    /// above the county come from `above` (a divisions CSV: level, code, name, parent_code), by
    /// default the sample's own `chikan/divisions_above.csv`; none are assumed here.
    package static func importAll(into store: any WritablePlanStore, geoData: String, above: String? = nil) throws -> [GazetteerImporter.Report] {
        let chikan = (geoData as NSString).appendingPathComponent("chikan")
        let abovePath = above ?? "\(chikan)/divisions_above.csv"
        var reports: [GazetteerImporter.Report] = []
        let hasGrids = try store.reading { try GridRecord.currentCount($0) } > 0
        let grids = hasGrids ? try Assigner(store: store, snapMetres: 50) : nil
        func load(_ path: String, _ kind: PlaceKind, generated: Bool, source: String? = nil) throws {
            var options = GazetteerImporter.Options(kind: kind)
            options.generated = generated
            options.source = source
            options.crs = .cgcs2000
            reports.append(try GazetteerImporter.run(file: path, into: store, options: options, grids: grids))
        }
        if above != nil || FileManager.default.fileExists(atPath: abovePath) { try load(abovePath, .admin, generated: false) }
        try load("\(chikan)/divisions.csv", .admin, generated: false)
        let g = "\(chikan)/gazetteer"
        guard FileManager.default.fileExists(atPath: "\(g)/roads.geojson") else { return reports }
        try load("\(g)/roads.geojson", .road, generated: true)
        if FileManager.default.fileExists(atPath: "\(g)/road_ranges.geojson") {
            try load("\(g)/road_ranges.geojson", .road, generated: true)
        }
        try load("\(g)/addresses.csv", .address, generated: true)
        try load("\(g)/compounds.geojson", .poi, generated: true)
        try load("\(g)/pois.csv", .poi, generated: true)
        try load("\(g)/buildings.csv", .building, generated: true)
        return reports
    }
}
