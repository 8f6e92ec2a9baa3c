import Foundation
import GridFormats
import GridGeometry
import GridProjection
import Grids

/// Reads the rows of an incident file (CSV, GeoJSON or anything GDAL reads) with their
/// coordinates, from longitude/latitude fields or a point geometry, transformed to CGCS2000.
public struct CaseFile {
    public struct Row {
        /// 1-based feature number; for a CSV, the line is number + 1 (the header is line 1).
        public var number: Int
        public var values: [FieldValue]
        /// Coordinates as given, in the source CRS.
        public var sourceX: Double?, sourceY: Double?
        /// CGCS2000 longitude/latitude, when the row has usable coordinates.
        public var lon: Double?, lat: Double?
        /// Why the row's coordinates cannot be used, when they are present but bad.
        public var problem: String?
    }

    public let path: String
    public let fieldNames: [String]
    public let rows: [Row]
    public let sourceCRS: CRS?
    /// "line" for CSV files, "feature" for the others: how rejects are numbered.
    public let unitName: String

    static let lonNames = ["lon", "lng", "longitude", "x", "经度", "gps_lon", "wgs_lon"]
    static let latNames = ["lat", "latitude", "y", "纬度", "gps_lat", "wgs_lat"]

    /// Reads the whole file. `progress` is called with the number of rows read so far.
    public init(path: String, lonField: String? = nil, latField: String? = nil, crs: CRS? = nil, encoding: String? = nil,
                progress: ((Int) -> Void)? = nil) throws {
        let reader: VectorReader
        do { reader = try VectorReader(path: path, encoding: encoding) } catch let e as FormatError { throw GridplanError(e.message) }
        self.path = path
        let fieldNames = reader.fieldNames
        self.fieldNames = fieldNames
        let file = (path as NSString).lastPathComponent
        unitName = reader.driverName == "CSV" ? "line" : "feature"
        let lower = fieldNames.map { $0.lowercased() }
        func find(_ given: String?, _ flag: String, _ names: [String]) throws -> Int? {
            if let given {
                guard let i = lower.firstIndex(of: given.lowercased()) else {
                    throw GridplanError("\(file): \(flag) \(given): no such field; the fields are: \(fieldNames.joined(separator: ", "))")
                }
                return i
            }
            return names.lazy.compactMap { lower.firstIndex(of: $0) }.first
        }
        let lonIndex = try find(lonField, "--lon-field", Self.lonNames)
        let latIndex = try find(latField, "--lat-field", Self.latNames)
        if (lonIndex == nil) != (latIndex == nil) {
            throw GridplanError("\(file): found a \(lonIndex == nil ? "latitude" : "longitude") field but no \(lonIndex == nil ? "longitude" : "latitude") field; name both with --lon-field and --lat-field")
        }
        let fromFields = lonIndex != nil
        let sourceCRS = crs ?? (fromFields ? nil : reader.crsDefinition.map(CRS.proj))
        self.sourceCRS = sourceCRS

        var rows: [Row] = []
        let context = GEOSContext()
        try reader.forEach { feature in
            var row = Row(number: feature.number, values: feature.values)
            if let lonIndex, let latIndex {
                let lonText = feature.values[lonIndex].string?.trimmingCharacters(in: .whitespaces) ?? ""
                let latText = feature.values[latIndex].string?.trimmingCharacters(in: .whitespaces) ?? ""
                if !(lonText.isEmpty && latText.isEmpty) {
                    if let x = Double(lonText), let y = Double(latText), x.isFinite, y.isFinite {
                        row.sourceX = x; row.sourceY = y
                    } else {
                        row.problem = "coordinates '\(lonText)', '\(latText)' are not numbers"
                    }
                }
            } else if let wkb = feature.wkb {
                let g = try Geometry(wkb: wkb, context: context)
                if g.type == .point, !g.isEmpty {
                    let p = try g.xy
                    row.sourceX = p.x; row.sourceY = p.y
                } else if !g.isEmpty {
                    row.problem = "the geometry is a \(g.type), not a point"
                }
            }
            rows.append(row)
            if rows.count % 50_000 == 0 { progress?(rows.count) }
        }
        progress?(rows.count)

        if rows.contains(where: { $0.sourceX != nil }) {
            guard let sourceCRS else {
                throw GridplanError("\(file): the coordinates have no CRS: give it with --crs (wgs84 for GPS, gcj02 for Amap/Tencent, bd09 for Baidu, cgcs2000, or EPSG:NNNN)")
            }
            let geographic = (try? sourceCRS.isGeographic) ?? false
            let transformer = try CoordinateTransformer(from: sourceCRS, to: .cgcs2000)
            let located = rows.indices.filter { rows[$0].sourceX != nil }
            var xs = located.map { rows[$0].sourceX! }, ys = located.map { rows[$0].sourceY! }
            let failed = Set(transformer.transform(x: &xs, y: &ys))
            for (k, i) in located.enumerated() {
                let (sx, sy) = (rows[i].sourceX!, rows[i].sourceY!)
                if geographic && (abs(sx) > 180 || abs(sy) > 90) {
                    rows[i].problem = abs(sx) <= 90 && abs(sy) <= 180
                        ? "latitude \(sy) is out of range: longitude and latitude look swapped"
                        : "(\(sx), \(sy)) is not a longitude/latitude in \(sourceCRS)"
                } else if failed.contains(k) {
                    rows[i].problem = "(\(sx), \(sy)) cannot be transformed from \(sourceCRS) to CGCS2000"
                } else {
                    rows[i].lon = xs[k]; rows[i].lat = ys[k]
                }
            }
        }
        self.rows = rows
    }

    /// A field's index by name (case-insensitive).
    public func field(_ name: String) -> Int? {
        fieldNames.firstIndex { $0.lowercased() == name.lowercased() }
    }
}
