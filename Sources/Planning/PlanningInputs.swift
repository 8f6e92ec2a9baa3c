import Foundation
import GridErrors
import GridFormats
package import GridGeometry
package import GridProjection
package import Grids

/// Barrier lines (streets, lanes, rivers, railways) read from any GDAL line layer, in CGCS2000.
package enum BarrierReader {
    /// Every line of the file (polygons contribute their boundaries), in longitude/latitude.
    package static func read(path: String, layer: String? = nil, crs: CRS? = nil, context: GEOSContext) throws -> [Geometry] {
        let input = try InputLayer(path: path, layer: layer, crs: crs)
        var lines: [Geometry] = []
        var skipped = 0
        try input.forEach { feature in
            guard let wkb = feature.wkb else { return }
            let g: Geometry
            do { g = try Geometry(wkb: wkb, context: context) } catch {
                throw GridplanError(.badInput, "\(input.file) feature \(feature.number): unreadable geometry: \(error)")
            }
            switch g.type {
            case .lineString, .multiLineString, .linearRing: lines.append(try input.transformer.transform(g))
            case .polygon, .multiPolygon: lines.append(try input.transformer.transform(try g.boundary()))
            default: skipped += 1
            }
        }
        guard !lines.isEmpty else {
            throw GridplanError(
                .badInput, "no lines to cut along (\(skipped) features are points or other non-line geometries)", source: .file(input.file))
        }
        return lines.filter { !$0.isEmpty }
    }

}

/// A GDAL layer read as a planning input: its reader, the transform of its coordinates to
/// CGCS2000, and its fields found by the name a flag gives or by the usual names.
struct InputLayer {
    let file: String
    let reader: VectorReader
    let transformer: CoordinateTransformer

    init(path: String, layer: String?, crs: CRS?) throws {
        file = (path as NSString).lastPathComponent
        reader = try VectorReader(path: path, layer: layer)
        let source: CRS
        if let crs {
            source = crs
        } else {
            guard let definition = reader.crsDefinition else {
                throw GridplanError(
                    .badInput, "no coordinate reference system", source: .file(file),
                    hint: "give it with \(setting: "crs-of-inputs"), e.g. EPSG:4490 or gcj02")
            }
            source = .proj(definition)
        }
        transformer = try CoordinateTransformer(from: source, to: .cgcs2000)
    }

    /// The field named by `flag`'s value `given` (an error when there is none), else the first of `usual` present.
    func field(_ given: String?, usual: [String], flag: Setting) throws -> Int? {
        try FieldLookup.index(in: reader.fieldNames, named: given, setting: flag, usual: usual, file: file)
    }

    func forEach(_ body: (VectorFeature) throws -> Void) throws {
        try reader.forEach(body)
    }

    /// A feature's point in CGCS2000: a point as it is, a polygon (or, with `multiPoint`, a
    /// multi-point) by a point on its surface; anything else is refused with `refusal`.
    func point(of feature: VectorFeature, context: GEOSContext, multiPoint: Bool, refusal: String) throws -> (lon: Double, lat: Double) {
        guard let wkb = feature.wkb else { throw GridplanError(.badInput, "\(file) feature \(feature.number): has no geometry") }
        var g = try Geometry(wkb: wkb, context: context)
        if g.isEmpty { throw GridplanError(.badInput, "\(file) feature \(feature.number): the geometry is empty") }
        switch g.type {
        case .point: break
        case .polygon, .multiPolygon: g = try g.pointOnSurface()
        case .multiPoint where multiPoint: g = try g.pointOnSurface()
        default: throw GridplanError(.badInput, "\(file) feature \(feature.number): a \(g.type); \(refusal)")
        }
        let p = try transformer.transform(x: try g.xy.x, y: try g.xy.y)
        return (p.x, p.y)
    }
}

/// Where households live: address points or buildings, each with households and optionally residents.
package struct HouseholdPoints: Sendable {
    /// Longitude/latitude (CGCS2000) of each point (for polygons, a point on the surface).
    package var lon: [Double] = []
    package var lat: [Double] = []
    package var households: [Double] = []
    package var residents: [Double] = []
    /// Whether the file had a residents field.
    package var hasResidents = false
    package var count: Int { lon.count }

    package init() {}

    static let householdNames = ["households", "hh", "户数", "总户数", "住户数"]
    static let residentNames = ["residents", "population", "pop", "人口", "人数", "常住人口"]

    /// Reads points or polygons with a households field (named, or found by the usual names).
    package static func read(
        path: String, layer: String? = nil, crs: CRS? = nil, householdsField: String? = nil,
        residentsField: String? = nil
    ) throws -> HouseholdPoints {
        let input = try InputLayer(path: path, layer: layer, crs: crs)
        let file = input.file
        guard let hhIndex = try input.field(householdsField, usual: householdNames, flag: "households-field") else {
            throw GridplanError(
                .badInput,
                "no households field (looked for \(householdNames.joined(separator: ", ")))", source: .file(file),
                hint: "name it with \(setting: "households-field")")
        }
        let resIndex = try input.field(residentsField, usual: residentNames, flag: "residents-field")
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
                throw GridplanError(.badInput, "\(file) feature \(feature.number): \(what) is '\(value)', not a number ≥ 0")
            }
        }
        let names = input.reader.fieldNames
        try input.forEach { feature in
            let p = try input.point(of: feature, context: context, multiPoint: true, refusal: "buildings must be points or polygons")
            result.lon.append(p.lon); result.lat.append(p.lat)
            result.households.append(try number(feature.values[hhIndex], names[hhIndex], feature))
            result.residents.append(try resIndex.map { try number(feature.values[$0], names[$0], feature) } ?? 0)
        }
        return result
    }
}

/// Polygons that become grids of their own (专属网格: schools, markets, parks, industrial parks,
/// hospitals, enterprises), read from any GDAL polygon layer, with their kind and name.
package struct DedicatedSite: Sendable {
    /// 1-based feature number in the file, for messages.
    package var feature: Int
    package var name: String?
    package var kind: GridKind
    /// WKB of the polygon in CGCS2000 longitude/latitude.
    package var wkb: [UInt8]
    /// How the site is named in messages: its name, or the file's feature number.
    package var label: String { name.map { "\($0) (feature \(feature))" } ?? "feature \(feature)" }

    package init(feature: Int, name: String?, kind: GridKind, wkb: [UInt8]) {
        self.feature = feature; self.name = name; self.kind = kind; self.wkb = wkb
    }

    static let kindNames = ["kind", "grid_kind", "类型", "网格类型", "专属类型"]
    static let nameNames = ["name", "名称", "单位名称", "网格名称"]

    /// Reads every polygon of the file. The kind comes from `kindField` (or a field named kind, type,
    /// 类型…); a file without one makes generic dedicated grids. An unknown kind, a comprehensive one,
    /// or a geometry that is not a polygon is refused, naming the feature.
    package static func read(
        path: String, layer: String? = nil, crs: CRS? = nil, kindField: String? = nil,
        nameField: String? = nil
    ) throws -> [DedicatedSite] {
        let input = try InputLayer(path: path, layer: layer, crs: crs)
        let (file, reader) = (input.file, input.reader)
        let kindIndex = try input.field(kindField, usual: kindNames, flag: "dedicated-kind-field")
        let nameIndex = try input.field(nameField, usual: nameNames, flag: "dedicated-name-field")
        let context = GEOSContext()
        var sites: [DedicatedSite] = []
        let kinds = GridKind.allCases.filter { $0 != .comprehensive }.map(\.rawValue).joined(separator: ", ")
        try input.forEach { feature in
            let name = nameIndex.flatMap { feature.values[$0].string }.map { $0.trimmingCharacters(in: .whitespaces) }
                .flatMap { $0.isEmpty ? nil : $0 }
            let label = "\(file) feature \(feature.number)\(name.map { " (\($0))" } ?? "")"
            guard let wkb = feature.wkb else { throw GridplanError(.badInput, "has no geometry", source: ErrorSource(feature: label)) }
            var g = try Geometry(wkb: wkb, context: context)
            guard g.type == .polygon || g.type == .multiPolygon, !g.isEmpty else {
                throw GridplanError(.badInput, "a \(g.type); dedicated grids must be polygons", source: ErrorSource(feature: label))
            }
            if try !g.isValid { g = try g.makeValid() }
            var kind = GridKind.dedicated
            if let kindIndex, let text = feature.values[kindIndex].string?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard let k = GridKind(text: text) else {
                    throw GridplanError(
                        .badInput,
                        "field \(reader.fieldNames[kindIndex]) (kind) is '\(text)', not a kind of dedicated grid: "
                            + "\(kinds) (or 工业园区, 学校, 医院, 市场, 企业, 商业, 专属网格)", source: ErrorSource(feature: label))
                }
                guard k != .comprehensive else {
                    throw GridplanError(
                        .badInput, "kind '\(text)' is comprehensive; a dedicated grid must be of a dedicated kind: \(kinds)",
                        source: ErrorSource(feature: label))
                }
                kind = k
            }
            let lonLat = try input.transformer.transform(g)
            sites.append(DedicatedSite(feature: feature.number, name: name, kind: kind, wkb: try lonLat.wkb))
        }
        return sites
    }
}

/// Seed points (gridders' bases) that region growing starts from, with an id each.
package struct SeedPoints: Sendable {
    package var ids: [String] = []
    package var lon: [Double] = []
    package var lat: [Double] = []
    package var count: Int { ids.count }
    package init() {}

    static let idNames = ["id", "name", "person", "person_id", "gridder", "编号", "姓名", "名称", "网格员"]

    /// Reads points (polygons: a point on their surface); the id comes from `idField` (or a field named
    /// id, name, 编号, 姓名…), otherwise it is the feature number.
    package static func read(path: String, layer: String? = nil, crs: CRS? = nil, idField: String? = nil) throws -> SeedPoints {
        let input = try InputLayer(path: path, layer: layer, crs: crs)
        let idIndex = try input.field(idField, usual: idNames, flag: "seeds-id-field")
        let context = GEOSContext()
        var result = SeedPoints()
        try input.forEach { feature in
            let p = try input.point(of: feature, context: context, multiPoint: false, refusal: "seeds must be points")
            let id = idIndex.flatMap { feature.values[$0].string }.map { $0.trimmingCharacters(in: .whitespaces) }
            result.ids.append(id.flatMap { $0.isEmpty ? nil : $0 } ?? "#\(feature.number)")
            result.lon.append(p.lon); result.lat.append(p.lat)
        }
        guard result.count > 0 else { throw GridplanError(.badInput, "no seed points", source: .file(input.file)) }
        return result
    }
}
