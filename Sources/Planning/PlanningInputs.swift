import Foundation
import GridFormats
import GridGeometry
import GridProjection
import Grids

/// Barrier lines (streets, lanes, rivers, railways) read from any GDAL line layer, in CGCS2000.
public enum BarrierReader {
    /// Every line of the file (polygons contribute their boundaries), in longitude/latitude.
    public static func read(path: String, layer: String? = nil, crs: CRS? = nil, context: GEOSContext) throws -> [Geometry] {
        let file = (path as NSString).lastPathComponent
        let reader: VectorReader
        do { reader = try VectorReader(path: path, layer: layer) } catch let e as FormatError { throw GridplanError(e.message) }
        let source = try sourceCRS(reader: reader, given: crs, file: file)
        let transformer = try CoordinateTransformer(from: source, to: .cgcs2000)
        var lines: [Geometry] = []
        var skipped = 0
        do {
            try reader.forEach { feature in
                guard let wkb = feature.wkb else { return }
                let g: Geometry
                do { g = try Geometry(wkb: wkb, context: context) }
                catch { throw GridplanError("\(file) feature \(feature.number): unreadable geometry: \(error)") }
                switch g.type {
                case .lineString, .multiLineString, .linearRing: lines.append(try transformer.transform(g))
                case .polygon, .multiPolygon: lines.append(try transformer.transform(try g.boundary()))
                default: skipped += 1
                }
            }
        } catch let e as FormatError { throw GridplanError(e.message) }
        guard !lines.isEmpty else {
            throw GridplanError("\(file): no lines to cut along (\(skipped) features are points or other non-line geometries)")
        }
        return lines.filter { !$0.isEmpty }
    }

    static func sourceCRS(reader: VectorReader, given: CRS?, file: String) throws -> CRS {
        if let given { return given }
        guard let definition = reader.crsDefinition else {
            throw GridplanError("\(file) has no coordinate reference system: give it with --crs-of-inputs, e.g. EPSG:4490 or gcj02")
        }
        return .proj(definition)
    }
}

/// Where households live: address points or buildings, each with households and optionally residents.
public struct HouseholdPoints: Sendable {
    /// Longitude/latitude (CGCS2000) of each point (for polygons, a point on the surface).
    public var lon: [Double] = []
    public var lat: [Double] = []
    public var households: [Double] = []
    public var residents: [Double] = []
    /// Whether the file had a residents field.
    public var hasResidents = false
    public var count: Int { lon.count }

    public init() {}

    static let householdNames = ["households", "hh", "户数", "总户数", "住户数"]
    static let residentNames = ["residents", "population", "pop", "人口", "人数", "常住人口"]

    /// Reads points or polygons with a households field (named, or found by the usual names).
    public static func read(path: String, layer: String? = nil, crs: CRS? = nil, householdsField: String? = nil,
                            residentsField: String? = nil) throws -> HouseholdPoints {
        let file = (path as NSString).lastPathComponent
        let reader: VectorReader
        do { reader = try VectorReader(path: path, layer: layer) } catch let e as FormatError { throw GridplanError(e.message) }
        let source = try BarrierReader.sourceCRS(reader: reader, given: crs, file: file)
        let transformer = try CoordinateTransformer(from: source, to: .cgcs2000)
        let lower = reader.fieldNames.map { $0.lowercased() }
        func find(_ given: String?, _ names: [String], _ flag: String) throws -> Int? {
            if let given {
                guard let i = lower.firstIndex(of: given.lowercased()) else {
                    throw GridplanError("\(file): \(flag) \(given): no such field; the fields are: \(reader.fieldNames.joined(separator: ", "))")
                }
                return i
            }
            return names.lazy.compactMap { lower.firstIndex(of: $0.lowercased()) }.first
        }
        guard let hhIndex = try find(householdsField, householdNames, "--households-field") else {
            throw GridplanError("\(file): no households field (looked for \(householdNames.joined(separator: ", "))); name it with --households-field")
        }
        let resIndex = try find(residentsField, residentNames, "--residents-field")
        var result = HouseholdPoints()
        result.hasResidents = resIndex != nil
        let context = GEOSContext()
        func number(_ value: FieldValue, _ what: String, _ feature: VectorFeature) throws -> Double {
            switch value {
            case .null: return 0
            case .integer(let v) where v >= 0: return Double(v)
            case .real(let v) where v >= 0 && v.isFinite: return v
            case .text(let t):
                let s = t.trimmingCharacters(in: .whitespaces)
                if s.isEmpty { return 0 }
                if let v = Double(s), v >= 0, v.isFinite { return v }
                fallthrough
            default:
                throw GridplanError("\(file) feature \(feature.number): \(what) is '\(value)', not a number ≥ 0")
            }
        }
        do {
            try reader.forEach { feature in
                guard let wkb = feature.wkb else { throw GridplanError("\(file) feature \(feature.number): has no geometry") }
                var g = try Geometry(wkb: wkb, context: context)
                if g.isEmpty { throw GridplanError("\(file) feature \(feature.number): the geometry is empty") }
                switch g.type {
                case .point: break
                case .polygon, .multiPolygon, .multiPoint: g = try g.pointOnSurface()
                default: throw GridplanError("\(file) feature \(feature.number): a \(g.type); buildings must be points or polygons")
                }
                let p = try transformer.transform(x: try g.xy.x, y: try g.xy.y)
                result.lon.append(p.x); result.lat.append(p.y)
                result.households.append(try number(feature.values[hhIndex], reader.fieldNames[hhIndex], feature))
                result.residents.append(try resIndex.map { try number(feature.values[$0], reader.fieldNames[$0], feature) } ?? 0)
            }
        } catch let e as FormatError { throw GridplanError(e.message) }
        return result
    }
}
