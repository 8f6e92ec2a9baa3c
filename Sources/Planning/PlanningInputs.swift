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

/// Polygons that become grids of their own (专属网格: schools, markets, parks, industrial parks,
/// hospitals, enterprises), read from any GDAL polygon layer, with their kind and name.
public struct DedicatedSite: Sendable {
    /// 1-based feature number in the file, for messages.
    public var feature: Int
    public var name: String?
    public var kind: GridKind
    /// WKB of the polygon in CGCS2000 longitude/latitude.
    public var wkb: [UInt8]
    /// How the site is named in messages: its name, or the file's feature number.
    public var label: String { name.map { "\($0) (feature \(feature))" } ?? "feature \(feature)" }

    public init(feature: Int, name: String?, kind: GridKind, wkb: [UInt8]) {
        self.feature = feature; self.name = name; self.kind = kind; self.wkb = wkb
    }

    static let kindNames = ["kind", "grid_kind", "类型", "网格类型", "专属类型"]
    static let nameNames = ["name", "名称", "单位名称", "网格名称"]

    /// Reads every polygon of the file. The kind comes from `kindField` (or a field named kind, type,
    /// 类型…); a file without one makes generic dedicated grids. An unknown kind, a comprehensive one,
    /// or a geometry that is not a polygon is refused, naming the feature.
    public static func read(path: String, layer: String? = nil, crs: CRS? = nil, kindField: String? = nil,
                            nameField: String? = nil) throws -> [DedicatedSite] {
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
        let kindIndex = try find(kindField, kindNames, "--dedicated-kind-field")
        let nameIndex = try find(nameField, nameNames, "--dedicated-name-field")
        let context = GEOSContext()
        var sites: [DedicatedSite] = []
        let kinds = GridKind.allCases.filter { $0 != .comprehensive }.map(\.rawValue).joined(separator: ", ")
        do {
            try reader.forEach { feature in
                let name = nameIndex.flatMap { feature.values[$0].string }.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
                let label = "\(file) feature \(feature.number)\(name.map { " (\($0))" } ?? "")"
                guard let wkb = feature.wkb else { throw GridplanError("\(label): has no geometry") }
                var g = try Geometry(wkb: wkb, context: context)
                guard g.type == .polygon || g.type == .multiPolygon, !g.isEmpty else {
                    throw GridplanError("\(label): a \(g.type); dedicated grids must be polygons")
                }
                if !g.isValid { g = try g.makeValid() }
                var kind = GridKind.dedicated
                if let kindIndex, let text = feature.values[kindIndex].string?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                    guard let k = GridKind(text: text) else {
                        throw GridplanError("\(label): field \(reader.fieldNames[kindIndex]) (kind) is '\(text)', not a kind of dedicated grid: \(kinds) (or 工业园区, 学校, 医院, 市场, 企业, 商业, 专属网格)")
                    }
                    guard k != .comprehensive else {
                        throw GridplanError("\(label): kind '\(text)' is comprehensive; a dedicated grid must be of a dedicated kind: \(kinds)")
                    }
                    kind = k
                }
                let lonLat = try transformer.transform(g)
                sites.append(DedicatedSite(feature: feature.number, name: name, kind: kind, wkb: try lonLat.wkb))
            }
        } catch let e as FormatError { throw GridplanError(e.message) }
        return sites
    }
}

/// Seed points (gridders' bases) that region growing starts from, with an id each.
public struct SeedPoints: Sendable {
    public var ids: [String] = []
    public var lon: [Double] = []
    public var lat: [Double] = []
    public var count: Int { ids.count }
    public init() {}

    static let idNames = ["id", "name", "person", "person_id", "gridder", "编号", "姓名", "名称", "网格员"]

    /// Reads points (polygons: a point on their surface); the id comes from `idField` (or a field named
    /// id, name, 编号, 姓名…), otherwise it is the feature number.
    public static func read(path: String, layer: String? = nil, crs: CRS? = nil, idField: String? = nil) throws -> SeedPoints {
        let file = (path as NSString).lastPathComponent
        let reader: VectorReader
        do { reader = try VectorReader(path: path, layer: layer) } catch let e as FormatError { throw GridplanError(e.message) }
        let source = try BarrierReader.sourceCRS(reader: reader, given: crs, file: file)
        let transformer = try CoordinateTransformer(from: source, to: .cgcs2000)
        let lower = reader.fieldNames.map { $0.lowercased() }
        var idIndex: Int? = nil
        if let idField {
            guard let i = lower.firstIndex(of: idField.lowercased()) else {
                throw GridplanError("\(file): --seeds-id-field \(idField): no such field; the fields are: \(reader.fieldNames.joined(separator: ", "))")
            }
            idIndex = i
        } else {
            idIndex = idNames.lazy.compactMap { lower.firstIndex(of: $0.lowercased()) }.first
        }
        let context = GEOSContext()
        var result = SeedPoints()
        do {
            try reader.forEach { feature in
                guard let wkb = feature.wkb else { throw GridplanError("\(file) feature \(feature.number): has no geometry") }
                var g = try Geometry(wkb: wkb, context: context)
                if g.isEmpty { throw GridplanError("\(file) feature \(feature.number): the geometry is empty") }
                switch g.type {
                case .point: break
                case .polygon, .multiPolygon: g = try g.pointOnSurface()
                default: throw GridplanError("\(file) feature \(feature.number): a \(g.type); seeds must be points")
                }
                let p = try transformer.transform(x: try g.xy.x, y: try g.xy.y)
                let id = idIndex.flatMap { feature.values[$0].string }.map { $0.trimmingCharacters(in: .whitespaces) }
                result.ids.append(id.flatMap { $0.isEmpty ? nil : $0 } ?? "#\(feature.number)")
                result.lon.append(p.x); result.lat.append(p.y)
            }
        } catch let e as FormatError { throw GridplanError(e.message) }
        guard result.count > 0 else { throw GridplanError("\(file): no seed points") }
        return result
    }
}
