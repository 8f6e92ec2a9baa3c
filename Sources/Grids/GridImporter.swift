import Foundation
import GRDB
import GridErrors
import GridFormats
import GridGeometry
public import GridProjection
public import GridStore

/// What `gridplan import` reads and how.
public struct ImportOptions: Sendable {
    public var level: GridLevel
    public var layer: String?
    /// Overrides the file's CRS (as ogr2ogr's `-s_srs` does); required when the file has none.
    public var crs: CRS?
    public var codeField: String?
    public var nameField: String?
    public var parentField: String?
    public var householdsField: String?
    public var residentsField: String?
    public var kindField: String?
    /// Text encoding of a Shapefile's `.dbf` or a CSV, e.g. "CP936"; detected when nil.
    public var encoding: String?
    /// The day the imported grids take effect (ISO date); today when nil.
    public var validFrom: String?
    /// Make the file the whole level: current grids of the level it leaves out end too (those it
    /// holds unchanged keep their rows, as without this).
    public var replaceLevel: Bool

    public init(
        level: GridLevel, layer: String? = nil, crs: CRS? = nil, codeField: String? = nil,
        nameField: String? = nil, parentField: String? = nil, householdsField: String? = nil,
        residentsField: String? = nil, kindField: String? = nil, encoding: String? = nil,
        validFrom: String? = nil, replaceLevel: Bool = false
    ) {
        self.level = level; self.layer = layer; self.crs = crs; self.codeField = codeField
        self.nameField = nameField; self.parentField = parentField; self.householdsField = householdsField
        self.residentsField = residentsField; self.kindField = kindField; self.encoding = encoding
        self.validFrom = validFrom; self.replaceLevel = replaceLevel
    }
}

/// What an import did.
public struct ImportReport: Sendable, Encodable {
    public var file: String
    public var level: GridLevel
    public var sourceCRS: String
    /// The file's grids, now current (``unchanged`` ones included).
    public var imported = 0
    /// Grids of the same level and code (or, without a code, name) that the import replaced (kept in history).
    public var superseded = 0
    /// Imported grids that were already current to the byte (shape, code, name, kind, parent
    /// reference, counts, attributes): their rows are kept as they are, not replaced by a copy.
    public var unchanged = 0
    /// Levels above this one that hold no current grid: nothing to link parents to yet.
    public var emptyLevelsAbove: [GridLevel] = []
    public var parentsLinked = 0
    /// Parents found by area share for grids that name none; those under 99 % listed.
    public var parentsInferred = 0
    public var weakParents: [HierarchyBuilder.WeakParent] = []
    public var orphans: [String] = []
    /// Parent references that matched no grid one level up, with the grids that carry them.
    public var unmatchedParents: [String: [String]] = [:]
    /// Features whose geometry GEOS finds invalid (stored as given; `validate` reports them).
    public var invalidGeometries: [String] = []
    public var warnings: [String] = []
    public var versionID: Int64 = 0
}

/// Reads grid polygons from any GDAL vector format into the store, in CGCS2000.
///
/// All features are read, checked and transformed before anything is written; the write is
/// one transaction, so a failed import leaves the store exactly as it was.
public enum GridImporter {
    static let codeNames = ["code", "grid_code", "gridcode", "编码", "网格编码", "代码", "区划代码"]
    static let nameNames = ["name", "grid_name", "名称", "网格名称", "名字"]
    static let parentNames = ["parent", "parent_code", "parent_name", "上级", "上级编码", "上级网格"]
    static let householdNames = ["households", "hh", "户数", "总户数"]
    static let residentNames = ["residents", "population", "pop", "人口", "人数", "常住人口"]
    static let kindNames = ["kind", "grid_kind", "类型", "网格类型"]

    struct Row {
        var label: String
        var code: String?
        var name: String?
        var parentRef: String?
        var kind: String
        var households: Int64?
        var residents: Int64?
        var attributes: String?
        /// The grid in EPSG:4490, as WKB (stored as each database stores geometry).
        var wkb: [UInt8]
        var source: String
    }

    /// `progress` hears the features read so far and their total, as they are read.
    public static func run(
        file: String, into store: any WritablePlanStore, options: ImportOptions, progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> ImportReport {
        let reader: VectorReader
        reader = try VectorReader(path: file, layer: options.layer, encoding: options.encoding)
        let fileName = (file as NSString).lastPathComponent

        let sourceCRS = try resolveCRS(reader: reader, given: options.crs, file: fileName)
        var report = ImportReport(file: file, level: options.level, sourceCRS: sourceCRS.crs.description)
        report.warnings += sourceCRS.warnings

        let fields = try FieldMap(reader: reader, options: options, file: fileName)
        let transformer = try CoordinateTransformer(from: sourceCRS.crs, to: .cgcs2000)
        let geographic = (try? sourceCRS.crs.isGeographic) ?? false
        let context = GEOSContext()
        var rows: [Row] = []

        let total = reader.featureCount
        guard total != 0 else {
            throw GridplanError(.badInput, "the layer '\(reader.layerName)' has no features", source: .file(fileName))
        }
        try reader.forEach { feature in
            progress?(feature.number, total)
            let code = fields.code.flatMap { feature.values[$0].string }.flatMap(nonEmpty)
            let name = fields.name.flatMap { feature.values[$0].string }.flatMap(nonEmpty)
            let label = "\(fileName): feature \(feature.number)" + ((name ?? code).map { " ('\($0)')" } ?? "")
            let geometry = try readGeometry(feature, label: label, context: context)
            if geographic { try checkLonLat(geometry, label: label, crs: sourceCRS.crs) }
            let stored: Geometry
            do { stored = try asMultiPolygon(try transformer.transform(geometry)) } catch {
                throw GridplanError(
                    .badInput, "cannot transform from \(sourceCRS.crs) to EPSG:4490: \(error)", source: ErrorSource(feature: label))
            }
            if let problem = try stored.validityProblem() {
                report.invalidGeometries.append("\(label): \(problem)")
            }
            rows.append(
                Row(
                    label: label, code: code, name: name,
                    parentRef: fields.parent.flatMap { feature.values[$0].string }.flatMap(nonEmpty),
                    kind: try fields.kind(feature, label).rawValue,
                    households: try fields.count(feature, fields.households, "households", label),
                    residents: try fields.count(feature, fields.residents, "residents", label),
                    attributes: fields.attributesJSON(feature),
                    wkb: try stored.wkb,
                    source: "\(fileName)#\(feature.fid)"))
        }
        try checkDuplicateCodes(rows, file: fileName)

        if let given = options.validFrom, Clock.calendarDay(given) == nil {
            throw GridplanError(.badArgument, "\(setting: "valid-from") \(given): write a calendar day as YYYY-MM-DD")
        }
        let validFrom = options.validFrom ?? Clock.today()
        let command = "import \(fileName) --level \(options.level.name)"
        try store.writing { db in
            // One import of grids at a time on a server: a second waits for this one, then sees its grids.
            try db.serialize(on: "grids")
            // History only moves forward: the grids this import may end must not end before they began.
            if let latest: String = try db.value(
                "SELECT max(valid_from) FROM grids WHERE level = ? AND valid_to IS NULL", [options.level.rawValue.databaseValue]),
                validFrom < latest
            {
                throw GridplanError(
                    .conflict,
                    "\(setting: "valid-from") \(validFrom) is before \(latest), when current \(options.level.name) grids took effect: a new plan cannot start before the one it replaces"
                )
            }
            let version = try PlanVersion.begin(db, validFrom: validFrom, command: command)
            report.versionID = version
            let level = options.level.rawValue
            let kept = try UnchangedGrids.find(db, level: level, rows: rows)
            report.unchanged = kept.count
            let keptFids = Set(kept.values), fileCodes = Set(rows.compactMap(\.code))
            if options.replaceLevel {
                // Every current grid of the level but the kept ones ends, a list of ids at a time.
                var ending: [Int64] = []
                try db.each("SELECT fid FROM grids WHERE level = ? AND valid_to IS NULL", [level.databaseValue]) { r in
                    let fid: Int64 = r[0]
                    if !keptFids.contains(fid) { ending.append(fid) }
                }
                for list in UnchangedGrids.lists(of: ending) {
                    try db.execute(
                        "UPDATE grids SET valid_to = ?, version_to = ? WHERE fid IN (\(list))", [validFrom.databaseValue, version.databaseValue])
                }
                report.superseded = ending.count
            }
            for (i, row) in rows.enumerated() {
                if kept[i] != nil {
                    report.imported += 1
                    continue
                }
                var code = row.code
                // The statements run once a feature are kept prepared (``PlanWriter/executeKept(_:_:)``).
                if let rowCode = row.code, !options.replaceLevel {
                    try db.eachKept(
                        "UPDATE grids SET valid_to = ?, version_to = ? WHERE level = ? AND code = ? AND valid_to IS NULL RETURNING fid",
                        [validFrom.databaseValue, version.databaseValue, level.databaseValue, rowCode.databaseValue]
                    ) { _ in report.superseded += 1 }
                } else if let name = row.name, !options.replaceLevel {
                    // A grid without a code is known by its name within the level: importing it again
                    // redraws it (and it keeps the code it may have been given since, unless a feature
                    // of the file claims that code) instead of adding a twin.
                    var old: (fid: Int64, code: String?)?
                    try db.eachKept(
                        "SELECT fid, code FROM grids WHERE level = ? AND name = ? AND valid_to IS NULL AND version_from <> ? ORDER BY fid",
                        [level.databaseValue, name.databaseValue, version.databaseValue]
                    ) { r in
                        if old == nil && !keptFids.contains(r["fid"]) { old = (r["fid"], r["code"]) }
                    }
                    if let old {
                        code = old.code.flatMap { fileCodes.contains($0) ? nil : $0 }
                        try db.executeKept(
                            "UPDATE grids SET valid_to = ?, version_to = ? WHERE fid = ?",
                            [validFrom.databaseValue, version.databaseValue, old.fid.databaseValue])
                        report.superseded += 1
                    }
                }
                let geometry = try db.geometry(wkb: row.wkb, context: context)
                let values: [DatabaseValueConvertible?] = [
                    code, row.name, level, row.kind, row.parentRef, row.households, row.residents, row.attributes, validFrom, version, row.source,
                ]
                try db.executeKept(
                    """
                    INSERT INTO grids (geom, code, name, level, kind, parent_ref, households, residents, attributes,
                                       valid_from, version_from, source)
                    VALUES (\(geometry.sql), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, geometry.arguments + values.map { $0?.databaseValue ?? .null })
                report.imported += 1
            }
            // Grids of this level and every level below may now have (other) parents.
            let affected = GridLevel.allCases.filter { $0 >= options.level }
            let links = try HierarchyLinks.relink(db, levels: affected)
            report.parentsLinked = links.linked
            report.unmatchedParents = links.unmatched
            let inferred = try HierarchyBuilder.inferParents(db, levels: affected)
            report.parentsInferred = inferred.linked
            report.weakParents = inferred.weak
            report.orphans = inferred.orphans
            try db.refreshExtent(of: "grids")
            report.emptyLevelsAbove = try GridLevel.allCases.filter { $0 < options.level }.filter {
                try db.value("SELECT count(*) FROM grids WHERE level = ? AND valid_to IS NULL", [$0.rawValue.databaseValue]) == 0
            }
        }
        return report
    }

    static func nonEmpty(_ s: String) -> String? {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    static func resolveCRS(reader: VectorReader, given: CRS?, file: String) throws -> (crs: CRS, warnings: [String]) {
        if let given {
            // GeoJSON and KML always declare WGS84; CGCS2000, GCJ-02 or BD-09 given for them refine
            // that declaration rather than contradict it.
            let refinesWGS84 = [CRS.cgcs2000, .gcj02, .bd09].contains(given)
            if let fileCRS = reader.crsDefinition, CRS.proj(fileCRS) != given, !(refinesWGS84 && fileCRS == "EPSG:4326") {
                return (given, ["\(file) declares \(fileCRS.prefix(40)); using --crs \(given) as asked"])
            }
            return (given, [])
        }
        guard let definition = reader.crsDefinition else {
            throw GridplanError(
                .badInput, "no coordinate reference system (no .prj, no CRS in the file)", source: .file(file),
                hint: "give it with \(setting: "crs"), e.g. \(setting: "crs") EPSG:4490, \(setting: "crs") wgs84, \(setting: "crs") gcj02")
        }
        return (.proj(definition), [])
    }

    static func readGeometry(_ feature: VectorFeature, label: String, context: GEOSContext) throws -> Geometry {
        guard let wkb = feature.wkb else { throw GridplanError(.badInput, "has no geometry", source: ErrorSource(feature: label)) }
        let geometry: Geometry
        do { geometry = try Geometry(wkb: wkb, context: context) } catch {
            throw GridplanError(.badInput, "unreadable geometry: \(error)", source: ErrorSource(feature: label))
        }
        guard !geometry.isEmpty else { throw GridplanError(.badInput, "the geometry is empty", source: ErrorSource(feature: label)) }
        guard geometry.type.isPolygonal else {
            throw GridplanError(.badInput, "the geometry is a \(geometry.type); grids must be polygons", source: ErrorSource(feature: label))
        }
        return geometry
    }

    /// Rejects longitude/latitude outside their ranges, naming the likely cause.
    static func checkLonLat(_ geometry: Geometry, label: String, crs: CRS) throws {
        guard let e = geometry.envelope else { return }
        let lonOK = e.minX >= -180 && e.maxX <= 180, latOK = e.minY >= -90 && e.maxY <= 90
        if lonOK && latOK { return }
        if !latOK && e.minX >= -90 && e.maxX <= 90 && e.minY >= -180 && e.maxY <= 180 {
            throw GridplanError(
                .badInput,
                "latitude \(latOK ? e.maxX : (abs(e.maxY) > 90 ? e.maxY : e.minY)) is out of range: longitude and latitude look swapped (x is in -90…90, y beyond ±90)",
                source: ErrorSource(feature: label), hint: "swap the columns or fix the file")
        }
        throw GridplanError(
            .badInput,
            "coordinates (\(e.minX) \(e.minY)) are not longitude/latitude although the CRS \(crs) is geographic; are they projected metres? give the right \(setting: "crs")",
            source: ErrorSource(feature: label))
    }

    static func asMultiPolygon(_ g: Geometry) throws -> Geometry {
        g.type == .multiPolygon ? g : try Geometry.collection(.multiPolygon, [g], context: g.context)
    }

    static func checkDuplicateCodes(_ rows: [Row], file: String) throws {
        var seen: [String: String] = [:]
        for row in rows {
            guard let code = row.code else { continue }
            if let first = seen[code] {
                throw GridplanError(
                    .conflict, "code \(code) is used twice in \(file) (first by \(first)); codes must be unique within a level",
                    source: ErrorSource(feature: row.label))
            }
            seen[code] = row.label
        }
    }
}

/// Resolves the attribute fields named by options or found by common names.
struct FieldMap {
    var code: Int?, name: Int?, parent: Int?, households: Int?, residents: Int?, kind: Int?
    let names: [String]

    init(reader: VectorReader, options: ImportOptions, file: String) throws {
        names = reader.fieldNames
        func find(_ given: String?, _ setting: Setting, _ usual: [String]) throws -> Int? {
            try FieldLookup.index(in: reader.fieldNames, named: given, setting: setting, usual: usual, file: file)
        }
        code = try find(options.codeField, "code-field", GridImporter.codeNames)
        name = try find(options.nameField, "name-field", GridImporter.nameNames)
        parent = try find(options.parentField, "parent-field", GridImporter.parentNames)
        households = try find(options.householdsField, "households-field", GridImporter.householdNames)
        residents = try find(options.residentsField, "residents-field", GridImporter.residentNames)
        kind = try find(options.kindField, "kind-field", GridImporter.kindNames)
    }

    func count(_ feature: VectorFeature, _ index: Int?, _ what: String, _ label: String) throws -> Int64? {
        guard let index else { return nil }
        let value = feature.values[index]
        if case .null = value { return nil }
        if case .text(let t) = value, t.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
        guard let n = value.integer, n >= 0 else {
            throw GridplanError(
                .badInput, "field \(names[index]) (\(what)) is '\(value)', not a whole number ≥ 0", source: ErrorSource(feature: label))
        }
        return n
    }

    /// The grid's kind (comprehensive when the field is missing or blank); an unknown kind is an error.
    func kind(_ feature: VectorFeature, _ label: String) throws -> GridKind {
        guard let index = kind, let text = feature.values[index].string.flatMap(GridImporter.nonEmpty) else { return .comprehensive }
        guard let k = GridKind(text: text) else {
            throw GridplanError(
                .badInput,
                "field \(names[index]) (kind) is '\(text)', not a grid kind: \(GridKind.allCases.map(\.rawValue).joined(separator: ", ")) (or 综合网格, 工业园区, 学校, 医院, 市场, 企业, 商业, 专属网格)",
                source: ErrorSource(feature: label))
        }
        return k
    }

    /// The fields not mapped to a column, as a JSON object (nil when there are none).
    func attributesJSON(_ feature: VectorFeature) -> String? {
        let used = Set([code, name, parent, households, residents, kind].compactMap { $0 })
        var object: [String: Any] = [:]
        for (i, n) in names.enumerated() where !used.contains(i) {
            switch feature.values[i] {
            case .null: continue
            case .integer(let v): object[n] = v
            case .real(let v): object[n] = v.isFinite ? v : nil
            case .text(let v): object[n] = v
            }
        }
        guard !object.isEmpty, let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
