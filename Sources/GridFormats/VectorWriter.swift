import CGDAL
import Foundation
import GridErrors
public import GridProjection

/// The export formats gridplan writes, each through its GDAL driver.
public enum VectorFormat: String, CaseIterable, Sendable {
    case gpkg, geojson, shp, csv

    var driver: String {
        switch self {
        case .gpkg: "GPKG"
        case .geojson: "GeoJSON"
        case .shp: "ESRI Shapefile"
        case .csv: "CSV"
        }
    }

    /// Whether GDAL writes the format front to back, so it can go to standard output.
    public var streams: Bool { self == .geojson || self == .csv }
}

/// The type of an attribute field in an exported layer.
public enum FieldKind: Sendable {
    case integer, real, text
}

/// Writes one layer of features to a new file in any ``VectorFormat``.
///
/// Text is written as UTF-8 (Shapefiles get a `.cpg` saying so). GeoJSON in a geographic
/// CRS is written per RFC 7946; GCJ-02/BD-09 coordinates carry WGS84 as their declared CRS,
/// as the map apps' own exports do, since no registry defines them.
public final class VectorWriter {
    public let path: String
    private let dataset: GDALDatasetH
    private let layer: OGRLayerH
    private let fieldCount: Int
    private var written = 0
    private var closed = false
    private var inTransaction = false
    /// The temporary file the dataset is written to, renamed over `path` on ``close()``; nil for standard output.
    private let output: OutputFile?

    public init(
        path: String, format: VectorFormat, layerName: String, crs: CRS,
        fields: [(name: String, kind: FieldKind)]
    ) throws {
        _ = GDAL.ready
        self.path = path
        guard let driver = GDALGetDriverByName(format.driver) else {
            throw GridplanError(.unsupported, "GDAL has no \(format.driver) driver")
        }
        // `-` is standard output, for the formats written front to back.
        let path = path == "-" ? "/vsistdout/" : path
        if path == "/vsistdout/" && !format.streams {
            throw GridplanError(
                .unsupported, "a \(format.rawValue) file cannot be written to standard output", hint: "write geojson or csv there, or give a file")
        }
        // A file is written beside the target and renamed over it when complete: an earlier file
        // stays whole until then, and a failed export leaves it as it was.
        let output = path == "/vsistdout/" ? nil : try OutputFile(path)
        self.output = output
        let writePath = output?.temporary ?? path
        if let output { for (side, _) in OutputFile.companions(output.temporary, output.temporary) { unlink(side) } }
        GDAL.resetError()
        guard let ds = GDALCreate(driver, writePath, 0, 0, 0, GDT_Unknown, nil) else {
            throw GridplanError(.failed, "cannot create \(format.driver) file\(GDAL.lastError().map { ": \($0)" } ?? "")", source: .file(path))
        }
        dataset = ds
        let srs = OSRNewSpatialReference(nil)
        defer { OSRDestroySpatialReference(srs) }
        let declared: String
        switch crs {
        case .gcj02, .bd09: declared = "EPSG:4326"
        case .proj(let definition): declared = definition
        }
        guard OSRSetFromUserInput(srs, declared) == OGRERR_NONE else {
            GDALClose(ds)
            throw GridplanError(.badArgument, "GDAL does not know the CRS \(declared)")
        }
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER)
        var options: [String] = []
        var geometryType = wkbUnknown
        switch format {
        case .geojson:
            if (try? crs.isGeographic) == true, crs != .gcj02, crs != .bd09 { options.append("RFC7946=YES") }
            options.append("WRITE_NAME=NO")
        case .shp:
            options.append("ENCODING=UTF-8")
            geometryType = wkbPolygon
        case .csv:
            options += ["GEOMETRY=AS_WKT", "CREATE_CSVT=YES"]
        case .gpkg:
            options.append("SPATIAL_INDEX=YES")
        }
        GDAL.resetError()
        let created = GDAL.withMutableStringList(options) { GDALDatasetCreateLayer(ds, layerName, srs, geometryType, $0) }
        guard let created else {
            GDALClose(ds)
            throw GridplanError(.failed, "cannot create layer \(layerName)\(GDAL.lastError().map { ": \($0)" } ?? "")", source: .file(path))
        }
        layer = created
        for field in fields {
            let type: OGRFieldType =
                switch field.kind {
                case .integer: OFTInteger64
                case .real: OFTReal
                case .text: OFTString
                }
            let definition = OGR_Fld_Create(field.name, type)
            defer { OGR_Fld_Destroy(definition) }
            guard OGR_L_CreateField(created, definition, 1) == OGRERR_NONE else {
                GDALClose(ds)
                throw GridplanError(.failed, "cannot create field \(field.name)\(GDAL.lastError().map { ": \($0)" } ?? "")", source: .file(path))
            }
        }
        fieldCount = fields.count
        if GDALDatasetStartTransaction(ds, 0) == OGRERR_NONE { inTransaction = true }
    }

    deinit {
        if !closed { GDALClose(dataset) }
    }

    /// Appends one feature: `values` in field order, the geometry as WKB (or nil).
    public func write(wkb: [UInt8]?, values: [FieldValue]) throws {
        precondition(values.count == fieldCount, "one value per field")
        let feature = OGR_F_Create(OGR_L_GetLayerDefn(layer))
        defer { OGR_F_Destroy(feature) }
        for (i, value) in values.enumerated() {
            let index = Int32(i)
            switch value {
            case .null: OGR_F_SetFieldNull(feature, index)
            case .integer(let v): OGR_F_SetFieldInteger64(feature, index, v)
            case .real(let v): OGR_F_SetFieldDouble(feature, index, v)
            case .text(let v): OGR_F_SetFieldString(feature, index, v)
            }
        }
        if let wkb {
            var geometry: OGRGeometryH?
            let err = wkb.withUnsafeBytes { OGR_G_CreateFromWkb($0.baseAddress, nil, &geometry, Int32($0.count)) }
            guard err == OGRERR_NONE, let geometry else { throw GridplanError(.failed, "feature \(written + 1): invalid WKB", source: .file(path)) }
            OGR_F_SetGeometryDirectly(feature, geometry)
        }
        GDAL.resetError()
        guard OGR_L_CreateFeature(layer, feature) == OGRERR_NONE else {
            throw GridplanError(.failed, "cannot write feature \(written + 1)\(GDAL.lastError().map { ": \($0)" } ?? "")", source: .file(path))
        }
        written += 1
    }

    /// Commits and closes the file; returns the number of features written.
    @discardableResult
    public func close() throws -> Int {
        guard !closed else { return written }
        closed = true
        if inTransaction, GDALDatasetCommitTransaction(dataset) != OGRERR_NONE {
            GDALClose(dataset)
            throw GridplanError(.failed, "cannot commit\(GDAL.lastError().map { ": \($0)" } ?? "")", source: .file(path))
        }
        GDAL.resetError()
        GDALClose(dataset)
        if CPLGetLastErrorType() == CE_Failure, let message = GDAL.lastError() {
            throw GridplanError(.failed, "closing failed: \(message)", source: .file(path))
        }
        try output?.commit()
        return written
    }
}
