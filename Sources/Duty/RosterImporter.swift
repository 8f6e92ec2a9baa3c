import Cases
import Foundation
import GRDB
import GridErrors
import GridFormats
package import GridProjection
package import GridStore
import Grids

/// What `gridplan people import` did.
package struct RosterImportReport: Sendable, Encodable {
    package struct Reject: Sendable, Encodable {
        package var line: Int
        package var reason: String
    }
    package var lines = 0
    package var peopleAdded = 0, peopleUpdated = 0
    package var dutiesAdded = 0, dutiesUnchanged = 0
    package var rejects: [Reject] = []
}

/// Loads a roster file: one line per person, or per duty of a person (the person's fields
/// repeated), from CSV (UTF-8 or GBK, as exported from Excel) or any GDAL format with the
/// same fields. Base locations come from longitude/latitude fields (or point geometries)
/// in the CRS given or the file's.
///
/// Every line is checked; lines that cannot be used are reported with their number and the
/// reason and the others are stored in one transaction. A duty needs a grid that exists by
/// code; a grid's primary and chief must not overlap in time (a handover is two lines whose
/// dates meet). Importing the same file again changes nothing.
package enum RosterImporter {
    static let fieldNames: [String: [String]] = [
        "id": ["id", "person_id", "工号", "编号", "人员编号"],
        "name": ["name", "姓名"],
        "phone": ["phone", "mobile", "tel", "电话", "手机", "联系电话"],
        "role": ["role", "角色", "身份", "类别"],
        "organisation": ["organisation", "organization", "org", "单位", "所属单位"],
        "capacity": ["capacity", "capacity_per_week", "周工作量"],
        "active_from": ["active_from", "start", "入职日期", "起始日期"],
        "active_to": ["active_to", "end", "离职日期"],
        "grid": ["grid", "grid_code", "网格编码", "网格"],
        "duty": ["duty", "duty_role", "职责"],
        "duty_from": ["duty_from", "任职日期", "上岗日期"],
        "duty_to": ["duty_to", "离岗日期"],
    ]

    package static func run(
        file: String, into store: any WritablePlanStore, crs: CRS? = nil, encoding: String? = nil,
        today: String = Clock.day(Clock.now())
    ) throws -> RosterImportReport {
        let reader = try CaseReader(path: file, crs: crs, encoding: encoding)
        var field: [String: Int] = [:]
        for (key, names) in fieldNames {
            if let i = names.lazy.compactMap({ reader.field($0) }).first { field[key] = i }
        }
        for key in ["id", "name", "role"] where field[key] == nil {
            throw GridplanError(
                .badInput,
                "no \(key) field (looked for \(fieldNames[key]!.joined(separator: ", "))); the fields are: \(reader.fieldNames.joined(separator: ", "))",
                source: .file(reader.fileName))
        }
        var report = RosterImportReport()
        struct Line { var number: Int; var person: Person; var duty: (code: String, level: GridLevel, role: DutyRole, from: String, to: String?)? }
        var lines: [Line] = []
        let now = Clock.now()
        // Checked and stored in one transaction: on a server, the duties the lines are checked
        // against cannot change before they are written (a second import, a handover, waits).
        return try store.writing { db in
            try db.serialize(on: "roster")
            let codes = try GridCodes(db)
            let existing = try Roster.duties(db)
            var firstLine: [String: (Int, Person)] = [:]
            try reader.forEachBatch(size: 5000) { rows in
                for row in rows {
                    let number = reader.unitName == "line" ? row.number + 1 : row.number
                    report.lines += 1
                    func text(_ key: String) -> String? { field[key].flatMap { row.values[$0].trimmed } }
                    func reject(_ reason: String) { report.rejects.append(.init(line: number, reason: reason)) }
                    guard let id = text("id") else { reject("no id"); continue }
                    guard let name = text("name") else { reject("\(id): no name"); continue }
                    guard let roleText = text("role"), let role = PersonRole(text: roleText) else {
                        reject(
                            "\(id): role '\(text("role") ?? "")' is not one of \(PersonRole.allCases.map(\.rawValue).joined(separator: ", ")) (or 网格长, 专职网格员, 兼职网格员, 流动网格员, 社区民警, 法律顾问, 部门联系人)"
                        ); continue
                    }
                    let phone = text("phone")
                    if let phone, !isPhone(phone) { reject("\(id): phone '\(phone)' is not a phone number"); continue }
                    if let problem = row.problem { reject("\(id): \(problem)"); continue }
                    var capacity: Double? = nil
                    if let c = text("capacity") {
                        // A capacity of zero would make every load infinite: empty means the role's default.
                        guard let v = Double(c), v > 0, v.isFinite else {
                            reject("\(id): capacity '\(c)' is not a positive number of load units (leave it empty for the role's default)"); continue
                        }
                        capacity = v
                    }
                    var dates: [String: String] = [:]
                    var bad: String? = nil
                    for key in ["active_from", "active_to", "duty_from", "duty_to"] {
                        guard let t = text(key) else { continue }
                        guard let d = Clock.date(t) else { bad = "\(key) '\(t)' is not a date (e.g. 2024-03-01)"; break }
                        dates[key] = d
                    }
                    if let bad { reject("\(id): \(bad)"); continue }
                    if let a = dates["active_from"], let b = dates["active_to"], b <= a {
                        reject("\(id): active_to \(b) is not after active_from \(a)"); continue
                    }
                    let person = Person(
                        id: id, name: name, phone: phone, role: role, organisation: text("organisation"), capacityPerWeek: capacity,
                        activeFrom: dates["active_from"], activeTo: dates["active_to"], lon: row.lon, lat: row.lat)
                    if let (line, earlier) = firstLine[id], !samePerson(earlier, person) {
                        reject("\(id): the person's fields differ from line \(line) (repeat them unchanged on every duty line)"); continue
                    }
                    var entry = Line(number: number, person: person, duty: nil)
                    if let code = text("grid") {
                        let dutyRole: DutyRole
                        if let d = text("duty") {
                            guard let r = DutyRole(text: d) else { reject("\(id): duty '\(d)' is not primary, backup or chief"); continue }
                            dutyRole = r
                        } else {
                            dutyRole = role == .gridChief ? .chief : role == .fullTimeGridder || role == .partTimeGridder ? .primary : .backup
                        }
                        let from = dates["duty_from"] ?? person.activeFrom ?? today
                        let to = dates["duty_to"] ?? person.activeTo
                        if let to, to <= from { reject("\(id): duty in \(code) ends on \(to), not after it starts on \(from)"); continue }
                        if let problem = codes.problem(code, from: from, to: to) { reject("\(id): \(problem)"); continue }
                        let level = codes.current[code]?.level ?? .unit
                        // Is it already stored (a re-import)? Otherwise it must not overlap another primary or chief.
                        if existing.contains(where: { $0.personID == id && $0.gridCode == code && $0.role == dutyRole && $0.validFrom == from }) {
                            report.dutiesUnchanged += 1
                        } else {
                            func overlaps(_ f: String, _ t: String?) -> Bool { f < (to ?? "9999") && from < (t ?? "9999") }
                            if dutyRole != .backup {
                                if let clash = existing.first(where: {
                                    $0.gridCode == code && $0.role == dutyRole && $0.personID != id && overlaps($0.validFrom, $0.validTo)
                                }) {
                                    reject(
                                        "\(id): grid \(code) already has a \(dutyRole.rawValue), \(clash.personID), from \(clash.validFrom)\(clash.validTo.map { " to \($0)" } ?? "") (stored)"
                                    ); continue
                                }
                                func clashes(_ line: Line) -> Bool {
                                    guard let d = line.duty else { return false }
                                    return d.code == code && d.role == dutyRole && overlaps(d.from, d.to)
                                }
                                if let clash = lines.first(where: clashes) {
                                    reject(
                                        "\(id): grid \(code) already has a \(dutyRole.rawValue), \(clash.person.id), from \(clash.duty!.from)\(clash.duty!.to.map { " to \($0)" } ?? "") (line \(clash.number))"
                                    ); continue
                                }
                            }
                            entry.duty = (code, level, dutyRole, from, to)
                        }
                    }
                    if firstLine[id] == nil { firstLine[id] = (number, person) }
                    lines.append(entry)
                }
            }
            var seen = Set<String>()
            for line in lines {
                let p = line.person
                if seen.insert(p.id).inserted {
                    let exists = try Roster.person(db, id: p.id) != nil
                    let geom = try db.point(lon: p.lon, lat: p.lat)
                    // Insert or update, not an upsert: the outer ON CONFLICT would override the R-tree
                    // triggers' INSERT OR REPLACE.
                    let values: [DatabaseValueConvertible?] = [
                        p.name, p.phone, p.role.rawValue, p.organisation, p.capacityPerWeek, p.activeFrom, p.activeTo, p.lon, p.lat, now, p.id,
                    ]
                    let arguments = geom.arguments + values.map { $0?.databaseValue ?? .null }
                    if exists {
                        try db.execute(
                            """
                            UPDATE people SET geom = \(geom.sql), name = ?, phone = ?, role = ?, organisation = ?, capacity_per_week = ?,
                              active_from = ?, active_to = ?, lon = ?, lat = ?, updated_at = ? WHERE person_id = ?
                            """, arguments)
                    } else {
                        try db.execute(
                            """
                            INSERT INTO people (geom, name, phone, role, organisation, capacity_per_week, active_from, active_to, lon, lat,
                              updated_at, person_id) VALUES (\(geom.sql), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """, arguments)
                    }
                    if exists { report.peopleUpdated += 1 } else { report.peopleAdded += 1 }
                }
                if let d = line.duty {
                    try db.execute(
                        """
                        INSERT INTO duties (person_id, grid_code, level, role, valid_from, valid_to, note, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [
                            p.id.databaseValue, d.code.databaseValue, d.level.rawValue.databaseValue, d.role.rawValue.databaseValue,
                            d.from.databaseValue, d.to.databaseValue, "\(reader.fileName) line \(line.number)".databaseValue, now.databaseValue,
                        ])
                    report.dutiesAdded += 1
                }
            }
            // A GeoPackage keeps each table's extent in gpkg_contents; PostGIS computes it when asked.
            try db.refreshExtent(of: "people")
            return report
        }
    }

    /// 7–15 digits (3 for a department's service number such as 110 or 12345), with optional +,
    /// spaces, hyphens and parentheses.
    static func isPhone(_ text: String, minDigits: Int = 7) -> Bool {
        let digits = text.filter(\.isASCII).filter(\.isNumber).count
        return (minDigits...15).contains(digits) && text.allSatisfy { $0.isASCII && ($0.isNumber || "+- ()".contains($0)) }
    }

    static func samePerson(_ a: Person, _ b: Person) -> Bool {
        a.name == b.name && a.phone == b.phone && a.role == b.role && a.organisation == b.organisation && a.capacityPerWeek == b.capacityPerWeek
            && a.activeFrom == b.activeFrom && a.activeTo == b.activeTo && a.lon == b.lon && a.lat == b.lat
    }
}
