import CGDAL
import Foundation
import GridErrors

/// One feature read from a vector file: its number, attributes and geometry as ISO WKB.
public struct VectorFeature: Sendable {
    /// 1-based position in the layer, for messages ("feature 12").
    public let number: Int
    /// The feature id the source gives (OGR FID).
    public let fid: Int64
    /// Attribute values in the layer's field order.
    public let values: [FieldValue]
    /// The geometry as ISO WKB, nil when the feature has none.
    public let wkb: [UInt8]?
    /// For a CSV, the lines the row came from (more than one when a quoted value spans lines).
    public let lines: ClosedRange<Int>?
    /// Why the row cannot be read as it stands (bytes not in the file's encoding, a NUL, lines
    /// swallowed by an unbalanced quote; a GeoJSON text with a `\u0000` escape); its values then
    /// hold U+FFFD where bytes were lost, or the text cut at the NUL.
    public let unreadable: String?
    let fieldIndex: [String: Int]

    /// Each field's position by its lower-cased name (the first of equal names), for the subscript.
    static func fieldIndex(_ names: [String]) -> [String: Int] {
        Dictionary(names.enumerated().map { ($1.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The value of a field by name (case-insensitive), nil if there is no such field.
    public subscript(field: String) -> FieldValue? {
        guard let i = fieldIndex[field.lowercased()] else { return nil }
        return values[i]
    }
}

/// Reads one layer of any vector format GDAL/OGR reads: Shapefile (with `.cpg` or GBK `.dbf`),
/// GeoJSON, KML/KMZ, GeoPackage, CSV with WKT or longitude/latitude columns, OSM, and more.
///
/// Not `Sendable`: it owns a GDAL dataset handle, used by one thread at a time.
public final class VectorReader {
    public let path: String
    public let layerName: String
    /// All layer names in the file.
    public let layerNames: [String]
    /// Attribute field names in order.
    public let fieldNames: [String]
    /// The layer's CRS as a definition PROJ accepts (`EPSG:NNNN` or WKT2), nil when the file has none.
    public let crsDefinition: String?
    /// True when the file stores latitude before longitude (authority axis order), so readers must swap.
    public let dataIsLatLon: Bool
    /// The OGR driver's short name, e.g. "ESRI Shapefile", "GeoJSON".
    public let driverName: String

    private let dataset: GDALDatasetH
    private let layer: OGRLayerH
    private let decodeAsGBKWhenNotUTF8: Bool
    /// GeoJSON features whose text GDAL would cut at a NUL character, with the field (refused).
    private var nulFields: [Int: String] = [:]
    /// A CSV's text as GDAL reads it, with its lines and the lines it could not read.
    private let csvText: CSVText?
    /// The encoding a CSV was read in (UTF-8, the one given, or GB18030 when detected).
    public var textEncoding: String? { csvText?.encoding }

    /// Opens `path`. `layer` picks a layer by name (default: the first). `encoding` forces the
    /// text encoding of a Shapefile's `.dbf` or a CSV (e.g. "CP936" for GBK).
    public init(path: String, layer requested: String? = nil, encoding: String? = nil) throws {
        _ = GDAL.ready
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw GridplanError(.notFound, "no such file", source: .file(path)) }
        let lower = path.lowercased()
        var openOptions: [String] = []
        var csvPath = path
        var rawShapefileText = false
        var csvText: CSVText? = nil
        if lower.hasSuffix(".csv") {
            openOptions += Self.csvOpenOptions
            csvText = try CSVText(path: path, encoding: encoding)
            csvPath = csvText!.readPath
        } else if lower.hasSuffix(".shp") || lower.hasSuffix(".dbf") {
            if let encoding {
                _ = try CSVText.checkEncoding(encoding)
                openOptions.append("ENCODING=\(encoding)")
            } else if !VectorReader.shapefileDeclaresEncoding(path) {
                // No .cpg and no code page byte: read raw bytes and decide per value below.
                openOptions.append("ENCODING=")
                rawShapefileText = true
            }
        }
        decodeAsGBKWhenNotUTF8 = rawShapefileText
        self.csvText = csvText
        GDAL.resetError()
        let opened = GDAL.withStringList(openOptions) { options in
            GDALOpenEx(csvPath, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), nil, options, nil)
        }
        guard let opened else {
            if let utf16 = VectorReader.utf16Name(path) {
                throw GridplanError(
                    .badInput, "GDAL cannot read this \(utf16) file as vector data", source: .file(path),
                    hint: "save it as UTF-8 (or give \(setting: "encoding") for a CSV)")
            }
            throw GridplanError(
                .badInput, "GDAL cannot read this file as vector data\(GDAL.lastError().map { ": \($0)" } ?? "")", source: .file(path))
        }
        dataset = opened
        driverName = GDALGetDriverShortName(GDALGetDatasetDriver(opened)).map { String(cString: $0) } ?? "?"
        if driverName == "GeoJSON" { nulFields = GeoJSONText.nulFields(path: path) }
        let count = GDALDatasetGetLayerCount(opened)
        var names: [String] = []
        for i in 0..<count {
            if let l = GDALDatasetGetLayer(opened, i), let n = OGR_L_GetName(l) { names.append(String(cString: n)) }
        }
        layerNames = names
        let chosen: OGRLayerH?
        if let requested {
            chosen = GDALDatasetGetLayerByName(opened, requested)
            guard chosen != nil else {
                GDALClose(opened)
                throw GridplanError(.notFound, "no layer '\(requested)'; layers are: \(names.joined(separator: ", "))", source: .file(path))
            }
        } else {
            chosen = count > 0 ? GDALDatasetGetLayer(opened, 0) : nil
        }
        guard let chosen else {
            GDALClose(opened)
            throw GridplanError(.notFound, "the file has no layers", source: .file(path))
        }
        layer = chosen
        layerName = String(cString: OGR_L_GetName(chosen))
        let definition = OGR_L_GetLayerDefn(chosen)
        let fields = (0..<OGR_FD_GetFieldCount(definition)).map { i in
            String(cString: OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, i)))
        }
        // A one-column CSV was read with a comma after its header: the empty column it made goes.
        fieldNames = csvText?.paddedHeader == true && fields.count > 1 ? Array(fields.dropLast()) : fields
        (crsDefinition, dataIsLatLon) = VectorReader.describeCRS(OGR_L_GetSpatialRef(chosen))
    }

    deinit { GDALClose(dataset) }

    /// How a CSV is opened: values stay text (so ids like "00123" keep their zeros; gridplan parses
    /// numbers itself), and longitude/latitude columns stay attributes too, so bad values can be
    /// reported by line.
    static let csvOpenOptions = [
        "GEOM_POSSIBLE_NAMES=wkt,WKT,geometry,geom,the_geom,shape",
        "KEEP_GEOM_COLUMNS=NO", "AUTODETECT_TYPE=NO",
    ]

    /// Number of features (may scan the file for formats without a count).
    public var featureCount: Int { Int(OGR_L_GetFeatureCount(layer, 1)) }

    /// Calls `body` for each feature in order. Stops at the first error `body` throws. A CSV row
    /// or GeoJSON feature that cannot be read as it stands (see ``VectorFeature/unreadable``) stops
    /// the reading with its line or feature and reason, unless `keepingUnreadable`: then the caller
    /// sets it aside.
    public func forEach(keepingUnreadable: Bool = false, _ body: (VectorFeature) throws -> Void) throws {
        OGR_L_ResetReading(layer)
        let index = VectorFeature.fieldIndex(fieldNames)
        var number = 0
        while true {
            GDAL.resetError()
            guard let feature = OGR_L_GetNextFeature(layer) else {
                if let message = GDAL.lastError(), CPLGetLastErrorType() == CE_Failure {
                    throw GridplanError(.badInput, "reading feature \(number + 1) failed: \(message)", source: .file(path))
                }
                break
            }
            defer { OGR_F_Destroy(feature) }
            number += 1
            // GDAL would cut the text at the NUL: the feature cannot be read as it stands.
            let cutShort: String? =
                nulFields[number] == nil ? nil : "the text holds a NUL character (\\u0000), which would cut it short: remove it"
            if let field = nulFields[number], let cutShort, !keepingUnreadable {
                throw GridplanError(.badInput, Wording(cutShort), source: ErrorSource(file: path, feature: "\(number)", field: field))
            }
            let values = (0..<Int32(fieldNames.count)).map { value(feature, $0) }
            var wkb: [UInt8]? = nil
            if let geometry = OGR_F_GetGeometryRef(feature) {
                if dataIsLatLon { OGR_G_SwapXY(geometry) }
                let size = OGR_G_WkbSize(geometry)
                var bytes = [UInt8](repeating: 0, count: Int(size))
                let err = bytes.withUnsafeMutableBufferPointer {
                    OGR_G_ExportToIsoWkb(geometry, wkbNDR, $0.baseAddress)
                }
                guard err == OGRERR_NONE else {
                    throw GridplanError(.badInput, "feature \(number): cannot export its geometry", source: .file(path))
                }
                wkb = bytes
            }
            let lines = csvText?.lines(ofRecord: number), unreadable = csvText?.problem(ofRecord: number) ?? cutShort
            if let unreadable, !keepingUnreadable {
                throw GridplanError(.badInput, Wording(unreadable), source: ErrorSource(file: path, line: lines?.lowerBound))
            }
            try body(
                VectorFeature(
                    number: number, fid: OGR_F_GetFID(feature), values: values, wkb: wkb, lines: lines, unreadable: unreadable, fieldIndex: index))
        }
    }

    private func value(_ feature: OGRFeatureH, _ i: Int32) -> FieldValue {
        guard OGR_F_IsFieldSetAndNotNull(feature, i) != 0 else { return .null }
        let type = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(feature, i))
        switch type {
        case OFTInteger, OFTInteger64: return .integer(OGR_F_GetFieldAsInteger64(feature, i))
        case OFTReal: return .real(OGR_F_GetFieldAsDouble(feature, i))
        default:
            guard let raw = OGR_F_GetFieldAsString(feature, i) else { return .null }
            return .text(decode(raw))
        }
    }

    /// Text as UTF-8; for a Shapefile that declares no encoding, non-UTF-8 bytes are taken as
    /// GBK (GB18030), the usual encoding of Chinese `.dbf` files without a `.cpg`.
    private func decode(_ raw: UnsafePointer<CChar>) -> String {
        if decodeAsGBKWhenNotUTF8, let s = String(validatingCString: raw) { return s }
        if decodeAsGBKWhenNotUTF8 {
            let recoded: UnsafeMutablePointer<CChar> = CPLRecode(raw, "GB18030", CPL_ENC_UTF8)
            defer { VSIFree(recoded) }
            return String(cString: recoded)
        }
        return String(cString: raw)
    }

    /// Whether a Shapefile has a `.cpg` or a non-zero code page byte in its `.dbf` header.
    static func shapefileDeclaresEncoding(_ path: String) -> Bool {
        let base = (path as NSString).deletingPathExtension
        for ext in ["cpg", "CPG"] where FileManager.default.fileExists(atPath: "\(base).\(ext)") { return true }
        for ext in ["dbf", "DBF"] {
            if let handle = FileHandle(forReadingAtPath: "\(base).\(ext)") {
                defer { try? handle.close() }
                let header = handle.readData(ofLength: 32)
                return header.count >= 30 && header[29] != 0
            }
        }
        return false
    }

    /// "UTF-16 (little-endian)" when the file starts with a UTF-16 byte order mark.
    static func utf16Name(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 2)) ?? Data())
        return head == [0xFF, 0xFE] ? "UTF-16 (little-endian)" : head == [0xFE, 0xFF] ? "UTF-16 (big-endian)" : nil
    }

    /// The layer SRS as a PROJ definition, and whether the data are in latitude/longitude order.
    static func describeCRS(_ srs: OGRSpatialReferenceH?) -> (String?, Bool) {
        guard let srs else { return (nil, false) }
        var latLon = false
        var count: Int32 = 0
        if let mapping = OSRGetDataAxisToSRSAxisMapping(srs, &count), count >= 2,
            mapping[0] == 1, OSREPSGTreatsAsLatLong(srs) != 0
        {
            latLon = true
        }
        if let auth = OSRGetAuthorityName(srs, nil), String(cString: auth) == "EPSG",
            let code = OSRGetAuthorityCode(srs, nil)
        {
            return ("EPSG:\(String(cString: code))", latLon)
        }
        let clone = OSRClone(srs)
        defer { OSRDestroySpatialReference(clone) }
        if OSRAutoIdentifyEPSG(clone) == OGRERR_NONE, let code = OSRGetAuthorityCode(clone, nil) {
            return ("EPSG:\(String(cString: code))", latLon)
        }
        var wkt: UnsafeMutablePointer<CChar>?
        let ok = GDAL.withStringList(["FORMAT=WKT2_2019"]) { OSRExportToWktEx(srs, &wkt, $0) }
        defer { VSIFree(wkt) }
        guard ok == OGRERR_NONE, let wkt else { return (nil, latLon) }
        return (String(cString: wkt), latLon)
    }
}
