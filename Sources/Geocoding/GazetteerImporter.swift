import Cases
import Foundation
import GRDB
import GridErrors
import GridFormats
import GridGeometry
package import GridProjection
package import GridStore
package import Grids

/// The kinds of gazetteer places a file can hold.
package enum PlaceKind: String, Sendable, CaseIterable, Encodable {
    case admin, road, address, poi, building
}

/// Loads places into the gazetteer layer from CSV (lon/lat or WKT columns) or any GDAL format.
///
/// Each place gets the codes of the county, street and community it lies in: from its own
/// columns when the file has them, from its code for divisions (GB/T 2260 and its 9- and
/// 12-digit extensions), else by locating its representative point in the plan's grids. A file
/// imported again replaces its earlier rows; the whole import is one transaction.
package enum GazetteerImporter {
    package struct Options: Sendable {
        package var kind: PlaceKind
        package var crs: CRS?
        package var encoding: String?
        /// Field names by role (name, code, level, parent_code, aliases, road, number, number_to,
        /// compound, building, county_code, street_code, community_code, lon, lat; for ranges on
        /// roads also parity, side, from_left, to_left, parity_left, from_right, to_right,
        /// parity_right). `number_from` is another name for the role `number`.
        package var fields: [String: String] = [:]
        /// Marks the rows as generated (synthetic sample data).
        package var generated = false
        /// What `source` records; default: the file name.
        package var source: String?
        package init(kind: PlaceKind) { self.kind = kind }
    }

    package struct Report: Sendable, Encodable {
        package var file: String
        package var kind: PlaceKind
        package var imported = 0
        package var replaced = 0
        package var located = 0
        package var names = 0
        /// House-number ranges of roads.
        package var ranges = 0
    }

    static let defaults: [String: [String]] = [
        "name": ["name", "名称", "地名", "title"],
        "code": ["code", "编码", "代码", "adcode", "区划代码"],
        "level": ["level", "级别", "层级"],
        "parent_code": ["parent_code", "parent", "上级编码", "上级代码"],
        "aliases": ["aliases", "alias", "别名", "former_names", "曾用名"],
        "road": ["road", "addr:street", "道路", "路名", "街路巷"],
        "number": ["number", "number_from", "housenumber", "addr:housenumber", "门牌号", "门牌", "门牌起", "起始门牌", "起始门牌号", "起号"],
        "number_to": ["number_to", "门牌止", "终止门牌", "终止门牌号", "止号"],
        // House-number ranges on road lines: one range (number, number_to, parity, side) or
        // TIGER-style ranges per side of the line, left and right as seen walking from its first point.
        "parity": ["parity", "number_parity", "单双号", "单双", "奇偶"],
        "side": ["side", "number_side", "侧", "方位", "左右"],
        "from_left": ["from_left", "left_from", "lfromadd", "l_from", "左起", "左侧起号", "左起门牌", "左侧门牌起"],
        "to_left": ["to_left", "left_to", "ltoadd", "l_to", "左止", "左侧止号", "左止门牌", "左侧门牌止"],
        "parity_left": ["parity_left", "parityl", "左单双"],
        "from_right": ["from_right", "right_from", "rfromadd", "r_from", "右起", "右侧起号", "右起门牌", "右侧门牌起"],
        "to_right": ["to_right", "right_to", "rtoadd", "r_to", "右止", "右侧止号", "右止门牌", "右侧门牌止"],
        "parity_right": ["parity_right", "parityr", "右单双"],
        "compound": ["compound", "小区", "小区名称"],
        "building": ["building", "楼栋", "楼栋号", "栋"],
        "county_code": ["county_code", "区县编码"],
        "street_code": ["street_code", "街道编码"],
        "community_code": ["community_code", "社区编码"],
        "lon": ["lon", "lng", "longitude", "x", "经度"],
        "lat": ["lat", "latitude", "y", "纬度"],
    ]

    /// One house-number range of a road line: `from` at its first point, `to` at its last.
    struct NumberRange: Equatable {
        var side: String?
        var from: Int64, to: Int64
        var parity: String
    }

    /// "odd", "even" or "all" from a parity field (odd/单/单号/奇, even/双/双号/偶, all/both/全);
    /// nil for text that names none of them.
    static func parity(_ text: String) -> String? {
        switch text.lowercased() {
        case "odd", "o", "单", "单号", "单数", "奇", "奇数", "1": return "odd"
        case "even", "e", "双", "双号", "双数", "偶", "偶数", "2": return "even"
        case "all", "both", "b", "mixed", "全", "全部", "单双", "单双号", "连续", "0": return "all"
        default: return nil
        }
    }

    /// The parity a range's ends imply when none is given: both odd → odd, both even → even,
    /// else all numbers.
    static func impliedParity(_ from: Int64, _ to: Int64) -> String {
        from % 2 != to % 2 ? "all" : from % 2 == 1 ? "odd" : "even"
    }

    static func side(_ text: String) -> String? {
        switch text.lowercased() {
        case "left", "l", "左", "左侧", "左边": return "left"
        case "right", "r", "右", "右侧", "右边": return "right"
        default: return nil
        }
    }

    struct Row {
        var level: String?
        var code: String?
        var name: String
        var aliases: String?
        var parentCode: String?
        var county: String?, street: String?, community: String?
        var road: String?, numberFrom: Int64?, numberTo: Int64?, numberText: String?, compound: String?, building: String?
        var blob: Data?
        var point: (Double, Double)?
        var ranges: [NumberRange] = []
    }

    /// `grids` locates places in the plan's grids; made from the store when not given (building
    /// one takes a moment: pass one to several imports).
    /// `progress` hears the features read so far, as they are read.
    package static func run(
        file: String, into store: any WritablePlanStore, options: Options, grids: Assigner? = nil, progress: ((Int) -> Void)? = nil
    ) throws -> Report {
        let fileName = (file as NSString).lastPathComponent
        let reader: VectorReader
        reader = try VectorReader(path: file, encoding: options.encoding)
        let unit = reader.driverName == "CSV" ? "line" : "feature"
        func label(_ n: Int) -> String { "\(fileName): \(unit) \(reader.driverName == "CSV" ? n + 1 : n)" }
        let lower = reader.fieldNames.map { $0.lowercased() }
        var index: [String: Int] = [:]
        var given = options.fields
        if let v = given.removeValue(forKey: "number_from") { given["number"] = given["number"] ?? v }
        if let unknown = given.keys.first(where: { defaults[$0] == nil }) {
            throw GridplanError(
                .badArgument, "\(setting: "field") \(unknown)=…: no such role; roles: \(defaults.keys.sorted().joined(separator: ", "))")
        }
        for (role, candidates) in defaults {
            if let given = given[role] {
                guard let i = lower.firstIndex(of: given.lowercased()) else {
                    throw GridplanError(
                        .badInput, "no field '\(given)' for \(role); the fields are: \(reader.fieldNames.joined(separator: ", "))",
                        source: .file(fileName))
                }
                index[role] = i
            } else if let i = candidates.lazy.compactMap({ lower.firstIndex(of: $0.lowercased()) }).first {
                index[role] = i
            }
        }
        let hasLonLat = index["lon"] != nil && index["lat"] != nil
        let sourceCRS = options.crs ?? (hasLonLat ? nil : reader.crsDefinition.map(CRS.proj))
        let context = GEOSContext()
        var rows: [Row] = []
        var transformer: CoordinateTransformer? = nil
        var pointRows: [(Int, Int)] = []
        func text(_ f: VectorFeature, _ role: String) -> String? {
            guard let i = index[role], let t = f.values[i].trimmed, !t.isEmpty else { return nil }
            return t
        }
        try reader.forEach { f in
            progress?(f.number)
            var name = text(f, "name")
            let road = text(f, "road"), numberText = text(f, "number"), compound = text(f, "compound"), building = text(f, "building")
            if name == nil {
                switch options.kind {
                case .address: if let road, let numberText { name = "\(road)\(numberText)号" }
                case .building: if let compound, let building { name = "\(compound)\(building)栋" }
                case .road: name = road // 路名, 街路巷 …
                default: break
                }
            }
            guard let name else {
                throw GridplanError(
                    .badInput, "no name (field \(defaults["name"]!.joined(separator: "/")))", source: ErrorSource(feature: label(f.number)))
            }
            func number(_ t: String?, _ role: String) throws -> Int64? {
                guard let t else { return nil }
                let digits = t.prefix { $0.isASCII && $0.isNumber }
                guard let v = Int64(digits) else {
                    throw GridplanError(.badInput, "\(role) '\(t)' does not start with a number", source: ErrorSource(feature: label(f.number)))
                }
                return v
            }
            var row = Row(
                level: text(f, "level"), code: text(f, "code"), name: name, aliases: text(f, "aliases"),
                parentCode: text(f, "parent_code"), county: text(f, "county_code"), street: text(f, "street_code"),
                community: text(f, "community_code"), road: road.map(PlaceKeys.key),
                numberFrom: try number(numberText, "number"), numberTo: try number(text(f, "number_to"), "number_to"),
                numberText: numberText, compound: compound.map(PlaceKeys.key), building: building.map(PlaceKeys.key),
                blob: nil, point: nil)
            if options.kind == .road {
                // House-number ranges: the single form (number, number_to) or per side.
                row.numberFrom = nil; row.numberTo = nil
                row.ranges = try ranges(f, label: label(f.number), single: index["number_to"] != nil, text: text, number: number)
            }
            if options.kind == .address && row.road == nil {
                throw GridplanError(.badInput, "an address needs its road (field road)", source: ErrorSource(feature: label(f.number)))
            }
            if options.kind == .building && row.compound == nil {
                throw GridplanError(.badInput, "a building needs its compound (field compound)", source: ErrorSource(feature: label(f.number)))
            }
            var geometry: Geometry? = nil
            if hasLonLat, let xt = f.values[index["lon"]!].trimmed, let yt = f.values[index["lat"]!].trimmed, !xt.isEmpty || !yt.isEmpty {
                guard let x = Double(xt), let y = Double(yt), x.isFinite, y.isFinite else {
                    throw GridplanError(.badInput, "coordinates '\(xt)', '\(yt)' are not numbers", source: ErrorSource(feature: label(f.number)))
                }
                // Points are transformed together after reading, without GEOS.
                row.point = (x, y)
                pointRows.append((rows.count, f.number))
            } else if let wkb = f.wkb {
                geometry = try Geometry(wkb: wkb, context: context)
            }
            if let g = geometry, !g.isEmpty {
                guard let sourceCRS else {
                    throw GridplanError(
                        .badInput, "the coordinates have no CRS", source: .file(fileName),
                        hint: "give it with \(setting: "crs") (wgs84, gcj02, bd09, cgcs2000 or EPSG:NNNN)")
                }
                if transformer == nil { transformer = try CoordinateTransformer(from: sourceCRS, to: .cgcs2000) }
                let stored: Geometry
                do { stored = try transformer!.transform(g) } catch {
                    throw GridplanError(
                        .badInput, "cannot transform from \(sourceCRS) to EPSG:4490: \(error)", source: ErrorSource(feature: label(f.number)))
                }
                if let e = stored.envelope, e.minX < -180 || e.maxX > 180 || e.minY < -90 || e.maxY > 90 {
                    throw GridplanError(
                        .badInput,
                        "\(name) lies outside longitude/latitude range after transforming: wrong \(setting: "crs"), or swapped coordinates?",
                        source: ErrorSource(feature: label(f.number)))
                }
                row.blob = try GeoPackageGeometry.encode(stored, srsID: GeoPackage.storeSRSID)
                let p = stored.type == .point ? stored : try stored.pointOnSurface()
                let xy = try p.xy
                row.point = (xy.x, xy.y)
            }
            if !row.ranges.isEmpty {
                guard let g = geometry, !g.isEmpty, g.type == .lineString || g.type == .multiLineString else {
                    throw GridplanError(
                        .badInput, "\(name) has house-number ranges but no line geometry to place them on",
                        source: ErrorSource(feature: label(f.number)))
                }
            }
            rows.append(row)
        }
        if !pointRows.isEmpty {
            guard let sourceCRS else {
                throw GridplanError(
                    .badInput, "the coordinates have no CRS", source: .file(fileName),
                    hint: "give it with \(setting: "crs") (wgs84, gcj02, bd09, cgcs2000 or EPSG:NNNN)")
            }
            let t = try CoordinateTransformer(from: sourceCRS, to: .cgcs2000)
            var xs = pointRows.map { rows[$0.0].point!.0 }, ys = pointRows.map { rows[$0.0].point!.1 }
            let failed = Set(t.transform(x: &xs, y: &ys))
            for (k, (i, number)) in pointRows.enumerated() {
                let (sx, sy) = rows[i].point!
                if failed.contains(k) || !xs[k].isFinite || abs(xs[k]) > 180 || abs(ys[k]) > 90 {
                    throw GridplanError(
                        .badInput,
                        "(\(sx), \(sy)) cannot be transformed from \(sourceCRS) to CGCS2000"
                            + (abs(sy) > 90 && abs(sx) <= 90 ? ": longitude and latitude look swapped" : ""),
                        source: ErrorSource(feature: label(number)))
                }
                rows[i].point = (xs[k], ys[k])
                rows[i].blob = try GeoPackageGeometry.encodePoint(x: xs[k], y: ys[k], srsID: GeoPackage.storeSRSID)
            }
        }
        return try store.writing { db in
            try write(rows, fileName: options.source ?? fileName, options: options, db: db, store: store, grids: grids)
        }
    }

    /// The house-number ranges of one road feature: per side (from_left … to_right, TIGER style)
    /// when the file has such fields, else one range from `number` to `number_to` (only when the
    /// file has a `number_to` field). A side with neither end has no numbers; one end alone is
    /// an error. Parity: as given, else implied by the ends.
    static func ranges(
        _ f: VectorFeature, label: String, single: Bool, text: (VectorFeature, String) -> String?,
        number: (String?, String) throws -> Int64?
    ) throws -> [NumberRange] {
        var out: [NumberRange] = []
        func range(from fromRole: String, to toRole: String, parity parityRole: String, side fixedSide: String?) throws {
            let a = try number(text(f, fromRole), fromRole), b = try number(text(f, toRole), toRole)
            if a == nil && b == nil { return }
            guard let a, let b else {
                throw GridplanError(.badInput, "a house-number range needs both \(fromRole) and \(toRole)", source: ErrorSource(feature: label))
            }
            var parity = impliedParity(a, b)
            if let t = text(f, parityRole) {
                guard let p = Self.parity(t) else {
                    throw GridplanError(.badInput, "\(parityRole) '\(t)': expected odd/单, even/双 or all/全", source: ErrorSource(feature: label))
                }
                if p != "all" && (a % 2 != (p == "odd" ? 1 : 0) || b % 2 != (p == "odd" ? 1 : 0)) {
                    throw GridplanError(.badInput, "range \(a)–\(b) does not start and end on \(p) numbers", source: ErrorSource(feature: label))
                }
                parity = p
            }
            var side = fixedSide
            if fixedSide == nil, let t = text(f, "side") {
                guard let s = Self.side(t) else {
                    throw GridplanError(.badInput, "side '\(t)': expected left/左 or right/右", source: ErrorSource(feature: label))
                }
                side = s
            }
            out.append(NumberRange(side: side, from: a, to: b, parity: parity))
        }
        try range(from: "from_left", to: "to_left", parity: "parity_left", side: "left")
        try range(from: "from_right", to: "to_right", parity: "parity_right", side: "right")
        if out.isEmpty && single { try range(from: "number", to: "number_to", parity: "parity", side: nil) }
        return out
    }

    /// Derives division codes and level from a code's length: 2/6 digits ending 0000 → province,
    /// 6 ending 00 → city, 6 → county, 9 → street, 12 → community.
    static func level(ofCode code: String) -> AdminLevel? {
        guard code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        switch code.count {
        case 2: return .province
        case 6: return code.hasSuffix("0000") ? .province : code.hasSuffix("00") ? .city : .county
        case 9: return .street
        case 12: return .community
        default: return nil
        }
    }

    static func adminLevel(_ text: String?) -> AdminLevel? {
        guard let text else { return nil }
        switch text.lowercased() {
        case "province", "省": return .province
        case "city", "市", "地级市": return .city
        case "county", "district", "区县", "县", "区": return .county
        case "street", "township", "town", "街道", "乡镇", "镇", "乡": return .street
        case "community", "village", "社区", "村", "社区/村": return .community
        default: return nil
        }
    }

    /// Stores the places of one file, replacing what an earlier import of it stored. A file's
    /// search tables (FTS5) are kept up to date here; a server's plan has none (its gazetteer is
    /// searched from the entries themselves).
    static func write(
        _ input: [Row], fileName: String, options: Options, db: any PlanWriter, store: any PlanStore, grids: Assigner?
    ) throws -> Report {
        var report = Report(file: fileName, kind: options.kind)
        let file = db as? Database
        // One import of a file at a time on a server: a second waits, then replaces what this one stored.
        try db.serialize(on: "gazetteer \(fileName)")
        let old: Int = try db.value("SELECT count(*) FROM gazetteer WHERE source = ?", [fileName.databaseValue]) ?? 0
        if old > 0 {
            try db.execute("DELETE FROM gazetteer_ranges WHERE entry IN (SELECT fid FROM gazetteer WHERE source = ?)", [fileName.databaseValue])
            if file != nil {
                try db.execute(
                    "DELETE FROM internal_gazetteer_fts WHERE rowid IN (SELECT fid FROM gazetteer WHERE source = ?)", [fileName.databaseValue])
            }
            try db.execute("DELETE FROM gazetteer WHERE source = ?", [fileName.databaseValue])
            report.replaced = old
        }
        var rows = input
        // Divisions: level and chain from the code.
        if options.kind == .admin {
            for i in rows.indices {
                let level = adminLevel(rows[i].level) ?? rows[i].code.flatMap(level(ofCode:))
                guard let level else {
                    throw GridplanError(
                        .badInput, "\(rows[i].name): no level (province, city, county, street, community) and none follows from its code",
                        source: .file(fileName))
                }
                rows[i].level = level.rawValue
                if let code = rows[i].code, code.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    if code.count >= 9 { rows[i].county = rows[i].county ?? String(code.prefix(6)) }
                    if code.count >= 12 { rows[i].street = rows[i].street ?? String(code.prefix(9)) }
                    switch level {
                    case .county: rows[i].county = rows[i].county ?? code
                    case .street: rows[i].street = rows[i].street ?? code
                    case .community: rows[i].community = rows[i].community ?? code
                    default: break
                    }
                }
            }
        }
        // Other places: the divisions they lie in, from the plan's grids.
        let needsLocation = rows.indices.filter { rows[$0].point != nil && rows[$0].community == nil && options.kind != .admin }
        if !needsLocation.isEmpty, try GridRecord.currentCount(db) > 0 {
            let assigner = try grids ?? Assigner(store: store, snapMetres: 50)
            let results = try assigner.assign(lon: needsLocation.map { rows[$0].point!.0 }, lat: needsLocation.map { rows[$0].point!.1 })
            for (k, i) in needsLocation.enumerated() {
                guard let g = results[k].grid, results[k].status != .outside else { continue }
                let chain = assigner.chains[g]
                rows[i].community = rows[i].community ?? chain.community?.code
                rows[i].street = rows[i].street ?? chain.street?.code
                report.located += 1
            }
        }
        // The county from the street code, or the only county the gazetteer knows.
        let onlyCounty: [String] = try db.rows("SELECT code FROM gazetteer WHERE kind = 'admin' AND level = 'county'", []).map { $0[0] }
        for i in rows.indices where rows[i].county == nil {
            if let s = rows[i].street, s.count >= 9, s.allSatisfy({ $0.isASCII && $0.isNumber }) {
                rows[i].county = String(s.prefix(6))
            } else if onlyCounty.count == 1, rows[i].point != nil {
                rows[i].county = onlyCounty[0]
            }
        }
        let now = ISO8601DateFormatter().string(from: Date())
        guard let db = file else {
            try insertRows(rows, into: db, fileName: fileName, options: options, now: now, report: &report)
            return report
        }
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO gazetteer (geom, kind, level, code, name, aliases, parent_code, county_code, street_code, community_code,
                                       road, number_from, number_to, number_text, compound, building, generated, source, imported_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let name = try db.makeStatement(sql: "INSERT OR IGNORE INTO internal_gazetteer_names (key, entry, kind) VALUES (?, ?, ?)")
        let fts = try db.makeStatement(sql: "INSERT INTO internal_gazetteer_fts (rowid, names) VALUES (?, ?)")
        let range = try db.makeStatement(sql: "INSERT INTO gazetteer_ranges (entry, side, number_from, number_to, parity) VALUES (?, ?, ?, ?, ?)")
        for r in rows {
            try insert.execute(arguments: [
                r.blob, options.kind.rawValue, r.level, r.code, r.name, r.aliases, r.parentCode,
                r.county, r.street, r.community, r.road, r.numberFrom, r.numberTo, r.numberText,
                r.compound, r.building, options.generated, fileName, now,
            ])
            let fid = db.lastInsertedRowID
            for x in r.ranges {
                try range.execute(arguments: [fid, x.side, x.from, x.to, x.parity])
                report.ranges += 1
            }
            let keys = Self.searchKeys(name: r.name, aliases: r.aliases, kind: options.kind)
            for k in keys.names {
                try name.execute(arguments: [k, fid, options.kind.rawValue])
                report.names += 1
            }
            try fts.execute(arguments: [fid, keys.text])
            report.imported += 1
        }
        try FeatureTables.refreshExtent(db, table: "gazetteer")
        return report
    }

    /// The places into a server's plan, a batch of them and of their house-number ranges in one
    /// statement each (one statement a place took a round trip each: minutes for a county's
    /// gazetteer on a remote server). The places' fids are taken from the table's identity first,
    /// in the order of the rows as a file numbers them, for their ranges to name.
    private static func insertRows(
        _ rows: [Row], into w: any PlanWriter, fileName: String, options: Options, now: String, report: inout Report
    ) throws {
        guard !rows.isEmpty else { return }
        let fids: [Int64] = try w.rows(
            "SELECT nextval(pg_get_serial_sequence('gazetteer', 'fid')) FROM generate_series(1, \(rows.count))", []
        ).map { $0[0] }.sorted()
        let columns = [
            "fid", "geom", "kind", "level", "code", "name", "aliases", "parent_code", "county_code", "street_code", "community_code",
            "road", "number_from", "number_to", "number_text", "compound", "building", "generated", "source", "imported_at",
        ]
        for start in stride(from: 0, to: rows.count, by: 2_000) {
            var places: [[DatabaseValue]] = [], ranges: [[DatabaseValue]] = []
            for k in start..<min(start + 2_000, rows.count) {
                let r = rows[k]
                let values: [DatabaseValueConvertible?] = [
                    fids[k], r.blob, options.kind.rawValue, r.level, r.code, r.name, r.aliases, r.parentCode, r.county, r.street,
                    r.community, r.road, r.numberFrom, r.numberTo, r.numberText, r.compound, r.building, options.generated, fileName, now,
                ]
                places.append(values.map { $0?.databaseValue ?? .null })
                for x in r.ranges {
                    let range: [DatabaseValueConvertible?] = [fids[k], x.side, x.from, x.to, x.parity]
                    ranges.append(range.map { $0?.databaseValue ?? .null })
                }
                report.ranges += r.ranges.count
                report.names += Self.searchKeys(name: r.name, aliases: r.aliases, kind: options.kind).names.count
                report.imported += 1
            }
            try w.append(into: "gazetteer", columns: columns, rows: places)
            try w.append(into: "gazetteer_ranges", columns: ["entry", "side", "number_from", "number_to", "parity"], rows: ranges)
        }
    }

    /// What a place is found by: the keys of its name and aliases (and, for a division, its name
    /// without 省/市/区…) for exact lookups, and the text the full-text index reads.
    static func searchKeys(name: String, aliases: String?, kind: PlaceKind) -> (names: [String], text: String) {
        var names = [name] + (aliases?.split(whereSeparator: { $0 == "|" || $0 == ";" || $0 == "；" }).map(String.init) ?? [])
        names = names.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var keys = Set(names.map(PlaceKeys.key))
        if kind == .admin { keys.formUnion(names.map { PlaceKeys.adminCore($0) }) }
        return (keys.filter { !$0.isEmpty }.sorted(), names.map(PlaceKeys.key).joined(separator: " "))
    }

    /// Rebuilds the gazetteer's search tables (`internal_gazetteer_names`, `internal_gazetteer_fts`)
    /// from its entries: after a plan is copied in from another store, which keeps only the entries.
    package static func rebuildSearchIndex(in plan: GeoPackage) throws {
        try plan.write { db in try rebuildSearchIndex(db) }
    }

    /// The same in `db`, which has the gazetteer's table (at least `fid`, `name`, `aliases`, `kind`) and the two search tables.
    static func rebuildSearchIndex(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM internal_gazetteer_names")
        try db.execute(sql: "DELETE FROM internal_gazetteer_fts")
        let name = try db.makeStatement(sql: "INSERT OR IGNORE INTO internal_gazetteer_names (key, entry, kind) VALUES (?, ?, ?)")
        let fts = try db.makeStatement(sql: "INSERT INTO internal_gazetteer_fts (rowid, names) VALUES (?, ?)")
        let rows = try GRDB.Row.fetchCursor(db, sql: "SELECT fid, name, aliases, kind FROM gazetteer ORDER BY fid")
        while let row = try rows.next() {
            let fid: Int64 = row[0]
            let kindText: String = row[3]
            let kind = PlaceKind(rawValue: kindText) ?? .poi
            let keys = searchKeys(name: row[1] ?? "", aliases: row[2], kind: kind)
            for k in keys.names { try name.execute(arguments: [k, fid, kindText]) }
            try fts.execute(arguments: [fid, keys.text])
        }
    }
}
