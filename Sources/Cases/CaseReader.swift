import Foundation
import GridErrors
package import GridFormats
import GridGeometry
package import GridProjection
import Grids

/// Reads an incident file (CSV, GeoJSON or anything GDAL reads) in batches, each row with its
/// coordinates, from longitude/latitude fields or a point geometry, transformed to CGCS2000.
/// Streaming keeps memory flat on backlogs of millions of rows. A plain CSV (see ``PlainCSV``)
/// is read from its bytes, the same rows many times faster; any other file through GDAL.
package final class CaseReader {
    package struct Row {
        /// 1-based feature number; for a CSV the line is number + 1 (the header is line 1).
        package var number: Int
        package var values: [FieldValue]
        /// Coordinates as given, in the source CRS.
        package var sourceX: Double?, sourceY: Double?
        /// CGCS2000 longitude/latitude, when the row has usable coordinates.
        package var lon: Double?, lat: Double?
        /// Why the row's coordinates cannot be used, when they are present but bad; or why the row
        /// cannot be read at all (then ``unreadable`` says so too).
        package var problem: String?
        /// Why the row cannot be read as it stands: bytes not in the file's encoding, a NUL, lines
        /// swallowed by an unbalanced quote. Its values hold U+FFFD where bytes were lost.
        package var unreadable: String?
        /// Where the row starts, as messages and reject files give it: a CSV's line (the header is
        /// line 1), else the feature number.
        package var line = 0
        /// A CSV row's lines, when a quoted value spans more than one.
        package var lines: ClosedRange<Int>? = nil
    }

    package let path: String
    package let fileName: String
    package let fieldNames: [String]
    package let sourceCRS: CRS?
    /// "line" for CSV files, "feature" for the others: how rows are numbered in messages.
    package let unitName: String
    let source: Source
    let lonIndex: Int?, latIndex: Int?
    let transformer: CoordinateTransformer?
    let geographic: Bool

    static let lonNames = ["lon", "lng", "longitude", "x", "经度", "gps_lon", "wgs_lon"]
    static let latNames = ["lat", "latitude", "y", "纬度", "gps_lat", "wgs_lat"]

    /// Where the rows come from.
    enum Source {
        case gdal(VectorReader)
        case plain(PlainCSV)
    }

    /// `bytes`: read a plain CSV from its bytes (false: always through GDAL, for comparing the two).
    package init(
        path: String, lonField: String? = nil, latField: String? = nil, crs: CRS? = nil, encoding: String? = nil, bytes: Bool = true
    ) throws {
        let names: [String], crsDefinition: String?
        if bytes, let plain = PlainCSV.open(path: path, encoding: encoding) {
            source = .plain(plain)
            (names, crsDefinition, unitName) = (plain.fieldNames, nil, "line")
        } else {
            let reader = try VectorReader(path: path, encoding: encoding)
            source = .gdal(reader)
            (names, crsDefinition, unitName) = (reader.fieldNames, reader.crsDefinition, reader.driverName == "CSV" ? "line" : "feature")
        }
        self.path = path
        fieldNames = names
        let file = (path as NSString).lastPathComponent
        fileName = file
        lonIndex = try FieldLookup.index(in: names, named: lonField, setting: "lon-field", usual: Self.lonNames, file: file)
        latIndex = try FieldLookup.index(in: names, named: latField, setting: "lat-field", usual: Self.latNames, file: file)
        if (lonIndex == nil) != (latIndex == nil) {
            throw GridplanError(
                .badInput, "found a \(lonIndex == nil ? "latitude" : "longitude") field but no \(lonIndex == nil ? "longitude" : "latitude") field",
                source: .file(file), hint: "name both with \(setting: "lon-field") and \(setting: "lat-field")")
        }
        let sourceCRS = crs ?? (lonIndex != nil ? nil : crsDefinition.map(CRS.proj))
        if sourceCRS == nil && lonIndex != nil {
            throw GridplanError(
                .badInput, "the coordinates in \(names[lonIndex!]), \(names[latIndex!]) have no CRS", source: .file(file),
                hint: "give it with \(setting: "crs") (wgs84 for GPS, gcj02 for Amap/Tencent, bd09 for Baidu, cgcs2000, or EPSG:NNNN)")
        }
        self.sourceCRS = sourceCRS
        transformer = try sourceCRS.map { try CoordinateTransformer(from: $0, to: .cgcs2000) }
        geographic = (try? sourceCRS?.isGeographic) == true
    }

    /// The number of rows (may scan the file).
    package var rowCount: Int {
        switch source {
        case .gdal(let reader): reader.featureCount
        case .plain(let csv): csv.rowCount
        }
    }

    /// The number of rows when it is known without reading the file again (a plain CSV's, counted
    /// when it was opened), else nil.
    package var countedRows: Int? {
        if case .plain(let csv) = source { return csv.rowCount }
        return nil
    }

    /// A field's index by name (case-insensitive).
    package func field(_ name: String) -> Int? {
        fieldNames.firstIndex { $0.lowercased() == name.lowercased() }
    }

    /// Calls `body` with consecutive batches of up to `size` rows, skipping the first `skip`.
    package func forEachBatch(size: Int, skip: Int = 0, _ body: ([Row]) throws -> Void) throws {
        var batch: [Row] = []
        batch.reserveCapacity(size)
        let context = GEOSContext()
        func each(_ feature: VectorFeature) throws {
            guard feature.number > skip else { return }
            batch.append(try row(feature, context))
            if batch.count == size {
                try locate(&batch)
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        switch source {
        case .gdal(let reader): try reader.forEach(keepingUnreadable: true, each)
        case .plain(let csv): try csv.forEachFeature(skip: skip, each)
        }
        if !batch.isEmpty {
            try locate(&batch)
            try body(batch)
        }
    }

    private func row(_ feature: VectorFeature, _ context: GEOSContext) throws -> Row {
        var row = Row(
            number: feature.number, values: feature.values, line: feature.lines?.lowerBound ?? feature.number,
            lines: feature.lines.flatMap { $0.count > 1 ? $0 : nil })
        if let unreadable = feature.unreadable {
            row.unreadable = unreadable
            row.problem = unreadable
            return row
        }
        if let lonIndex, let latIndex {
            let lonText = feature.values[lonIndex].trimmed ?? ""
            let latText = feature.values[latIndex].trimmed ?? ""
            if !(lonText.isEmpty && latText.isEmpty) {
                if let x = DecimalNumber.parse(lonText), let y = DecimalNumber.parse(latText) { // decimal only: not 0x1p3, nan, inf
                    row.sourceX = x; row.sourceY = y
                } else {
                    row.problem = Self.notNumbers(lonText, latText)
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
        return row
    }

    /// Transforms a batch's coordinates to CGCS2000, recording per-row problems.
    private func locate(_ rows: inout [Row]) throws {
        let withCoordinates = rows.indices.filter { rows[$0].sourceX != nil }
        guard !withCoordinates.isEmpty else { return }
        guard let transformer, let sourceCRS else {
            throw GridplanError(
                .badInput, "the coordinates have no CRS", source: .file(fileName),
                hint: "give it with \(setting: "crs") (wgs84 for GPS, gcj02 for Amap/Tencent, bd09 for Baidu, cgcs2000, or EPSG:NNNN)")
        }
        var xs = withCoordinates.map { rows[$0].sourceX! }, ys = withCoordinates.map { rows[$0].sourceY! }
        let failed = Set(transformer.transform(x: &xs, y: &ys))
        for (k, i) in withCoordinates.enumerated() {
            let (sx, sy) = (rows[i].sourceX!, rows[i].sourceY!)
            if let problem = Self.locationProblem(x: sx, y: sy, transformed: !failed.contains(k), geographic: geographic, crs: sourceCRS) {
                rows[i].problem = problem
            } else {
                rows[i].lon = xs[k]; rows[i].lat = ys[k]
            }
        }
    }

    /// Why a row's coordinate texts are not a location (both readers of `assign` say it alike).
    static func notNumbers(_ lon: String, _ lat: String) -> String {
        "coordinates '\(lon)', '\(lat)' are not numbers"
    }

    /// Why coordinates (`x`, `y`) in `crs` are not a location, nil when they are: out of range in a
    /// geographic CRS (perhaps swapped), or not `transformed` to CGCS2000.
    static func locationProblem(x sx: Double, y sy: Double, transformed: Bool, geographic: Bool, crs: CRS) -> String? {
        if geographic && (abs(sx) > 180 || abs(sy) > 90) {
            return abs(sx) <= 90 && abs(sy) <= 180
                ? "latitude \(sy) is out of range: longitude and latitude look swapped"
                : "(\(sx), \(sy)) is not a longitude/latitude in \(crs)"
        }
        return transformed ? nil : "(\(sx), \(sy)) cannot be transformed from \(crs) to CGCS2000"
    }
}
