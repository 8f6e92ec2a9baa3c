import Cases
import Foundation
import GRDB
import GridErrors
package import GridStore
package import Grids

/// One person on the roster.
package struct Person: Sendable {
    package var id: String
    package var name: String
    package var phone: String?
    package var role: PersonRole
    package var organisation: String?
    package var capacityPerWeek: Double?
    package var activeFrom: String?, activeTo: String?
    /// Base location, CGCS2000 longitude/latitude.
    package var lon: Double?, lat: Double?

    static let columns = "person_id, name, phone, role, organisation, capacity_per_week, active_from, active_to, lon, lat"
    /// ``columns`` of the table named `p` in a join.
    static let columnsOfP = columns.split(separator: ",").map { "p." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    package init(
        id: String, name: String, phone: String?, role: PersonRole, organisation: String?, capacityPerWeek: Double?,
        activeFrom: String?, activeTo: String?, lon: Double?, lat: Double?
    ) {
        self.id = id; self.name = name; self.phone = phone; self.role = role; self.organisation = organisation
        self.capacityPerWeek = capacityPerWeek; self.activeFrom = activeFrom; self.activeTo = activeTo; self.lon = lon; self.lat = lat
    }

    init(_ row: PlanRow) {
        id = row["person_id"]; name = row["name"]; phone = row["phone"]
        role = PersonRole(rawValue: row["role"]) ?? .fullTimeGridder
        organisation = row["organisation"]; capacityPerWeek = row["capacity_per_week"]
        activeFrom = row["active_from"]; activeTo = row["active_to"]; lon = row["lon"]; lat = row["lat"]
    }
}

/// One duty: a person responsible for a grid, in a role, over days [validFrom, validTo).
package struct Duty: Sendable {
    package var id: Int64
    package var personID: String
    package var gridCode: String
    package var level: GridLevel
    package var role: DutyRole
    package var validFrom: String
    package var validTo: String?

    /// `roleColumn` names the duty's role where a join also has the person's `role`.
    init(_ row: PlanRow, roleColumn: String = "role") throws {
        id = row["id"]; personID = row["person_id"]; gridCode = row["grid_code"]
        level = try GridLevel(stored: row["level"])
        let storedRole: String = row[roleColumn]
        guard let role = DutyRole(rawValue: storedRole) else {
            throw GridplanError(.notFound, "duty \(id) has the role '\(storedRole)', which is not primary, backup or chief")
        }
        self.role = role
        validFrom = row["valid_from"]; validTo = row["valid_to"]
    }

    /// Whether the duty is in force on `day` (the end day is exclusive, as for grids).
    package func covers(_ day: String) -> Bool { validFrom <= day && (validTo.map { $0 > day } ?? true) }
}

/// Reading the roster: who is on duty where on a day.
package enum Roster {
    /// SQL condition: a person active on day `?` (one argument).
    static let personActive = "(p.active_from IS NULL OR p.active_from <= ?) AND (p.active_to IS NULL OR p.active_to > ?)"

    package static func people(_ db: some PlanReader) throws -> [Person] {
        try db.rows("SELECT \(Person.columns) FROM people ORDER BY person_id", []).map { Person($0) }
    }

    /// How many people the roster holds.
    package static func peopleCount(_ db: some PlanReader) throws -> Int {
        try db.value("SELECT count(*) FROM people") ?? 0
    }

    package static func person(_ db: some PlanReader, id: String) throws -> Person? {
        try db.rows("SELECT \(Person.columns) FROM people WHERE person_id = ?", [id.databaseValue]).first.map(Person.init)
    }

    /// Unfinished cases each person is handling now, to set against their weekly capacity.
    package static func openCases(_ db: some PlanReader) throws -> [String: Int] {
        try CaseStore.openCasesByHandler(db)
    }

    package static func duties(_ db: some PlanReader, person: String? = nil) throws -> [Duty] {
        if let person {
            return try db.rows("SELECT * FROM duties WHERE person_id = ? ORDER BY valid_from, id", [person.databaseValue]).map { try Duty($0) }
        }
        return try db.rows("SELECT * FROM duties ORDER BY grid_code, valid_from, id", []).map { try Duty($0) }
    }

    /// Duties in force on `day` in the grids `codes` (nil: in every grid), of people active that
    /// day, each with its person; chiefs first, then primaries, then backups.
    package static func onDuty(_ db: some PlanReader, codes: [String]?, day: String) throws -> [(Duty, Person)] {
        if codes?.isEmpty == true { return [] }
        let inGrids = codes.map { "d.grid_code IN (\($0.map { _ in "?" }.joined(separator: ","))) AND" } ?? ""
        // Kept prepared: a dispatch asks it for each level of each case (a few texts, one per count of codes).
        let rows = try db.rowsKept(
            """
            SELECT d.id, d.grid_code, d.level, d.role AS duty_role, d.valid_from, d.valid_to, \(Person.columnsOfP)
            FROM duties d JOIN people p ON p.person_id = d.person_id
            WHERE \(inGrids) d.valid_from <= ? AND (d.valid_to IS NULL OR d.valid_to > ?) AND \(personActive)
            ORDER BY CASE d.role WHEN 'chief' THEN 0 WHEN 'primary' THEN 1 ELSE 2 END, d.valid_from, d.id
            """, ((codes ?? []) + [day, day, day, day]).map(\.databaseValue))
        return try rows.map { (try Duty($0, roleColumn: "duty_role"), Person($0)) }
    }

    /// People active on `day` with at least one duty in force and a base location.
    package static func onDutyWithBase(_ db: some PlanReader, day: String) throws -> [Person] {
        try db.rows(
            """
            SELECT \(Person.columnsOfP)
            FROM people p WHERE p.lon IS NOT NULL AND \(personActive)
              AND EXISTS (SELECT 1 FROM duties d WHERE d.person_id = p.person_id AND d.valid_from <= ? AND (d.valid_to IS NULL OR d.valid_to > ?))
            ORDER BY p.person_id
            """, [day, day, day, day].map(\.databaseValue)
        ).map { Person($0) }
    }
}

/// What the plan knows about a grid code: its current grid, or when it ended.
struct GridCodes {
    struct Current { var fid: Int64; var level: GridLevel; var name: String? }
    var current: [String: Current] = [:]
    /// Codes of grids no longer current, with the day the last of them ended.
    var ended: [String: String] = [:]

    init(_ db: some PlanReader) throws {
        for entry in try GridRecord.codeHistory(db) {
            let code = entry.code
            if let to = entry.validTo {
                if current[code] == nil, ended[code].map({ $0 < to }) ?? true { ended[code] = to }
            } else {
                current[code] = Current(fid: entry.fid, level: entry.level, name: entry.name)
                ended[code] = nil
            }
        }
    }

    /// The reason a duty in `code` from `from` cannot be set, nil when it can.
    func problem(_ code: String, from: String, to: String?) -> GridplanError? {
        if current[code] != nil { return nil }
        if let end = ended[code] {
            if let to, to <= end { return nil } // a past duty in a grid since redrawn: history
            return GridplanError(.conflict, "grid \(code) ended on \(end) (redrawn); a duty there must end by then")
        }
        return GridplanError(.notFound, "no grid has code \(code) (grids without a code get one from `gridplan codes`)")
    }
}

/// Changing duties one at a time (`gridplan duty set|end`).
package enum DutyChange {
    package struct Result: Sendable {
        package var dutyID: Int64
        /// Duties ended to make room (a handover of a grid's primary or chief).
        package var ended: [String] = []
    }

    /// Gives `person` a duty in grid `code` from day `from`. A grid has one primary and one chief at
    /// a time: an open one that began earlier is ended on `from` (a handover); one that begins on or
    /// after `from` is a conflict.
    package static func set(
        store: any WritablePlanStore, person: String, grid code: String, role: DutyRole, from: String, to: String? = nil,
        note: String? = nil
    ) throws -> Result {
        try store.writing { db in
            // Two writers giving one grid a primary at once would both find none to end; a roster
            // import checks its lines against the duties too: one change of the roster at a time.
            try db.serialize(on: "roster")
            guard try Roster.person(db, id: person) != nil else {
                throw GridplanError(.notFound, "no person with id \(person)", hint: "add them with `gridplan people import`")
            }
            if let to, to <= from { throw GridplanError(.badArgument, "duty ends on \(to), not after it starts on \(from)") }
            let codes = try GridCodes(db)
            if let problem = codes.problem(code, from: from, to: to) { throw problem }
            let level = codes.current[code]?.level ?? .unit
            var result = Result(dutyID: 0)
            if role != .backup {
                let overlapping = to == nil ? "" : " AND valid_from < ?"
                let others = try db.rows(
                    """
                    SELECT * FROM duties WHERE grid_code = ? AND role = ? AND person_id != ? AND (valid_to IS NULL OR valid_to > ?)\(overlapping)
                    ORDER BY id
                    """, [code, role.rawValue, person, from].map(\.databaseValue) + (to.map { [$0.databaseValue] } ?? [])
                ).map { try Duty($0) }
                for other in others {
                    if other.validFrom >= from || other.validTo != nil {
                        throw GridplanError(
                            .conflict,
                            "grid \(code) already has a \(role.rawValue) (\(other.personID)) from \(other.validFrom)\(other.validTo.map { " to \($0)" } ?? ""); end that duty first"
                        )
                    }
                    try db.execute("UPDATE duties SET valid_to = ? WHERE id = ?", [from.databaseValue, other.id.databaseValue])
                    result.ended.append("\(other.personID) as \(role.rawValue) of \(code) from \(other.validFrom), ended \(from)")
                }
            }
            let id: Int64? = try db.value(
                """
                INSERT INTO duties (person_id, grid_code, level, role, valid_from, valid_to, note, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    person.databaseValue, code.databaseValue, level.rawValue.databaseValue, role.rawValue.databaseValue, from.databaseValue,
                    to.databaseValue, note.databaseValue, Clock.now().databaseValue,
                ])
            guard let id else { throw GridplanError(.failed, "the new duty was not stored") }
            result.dutyID = id
            return result
        }
    }

    /// Ends `person`'s open duties in grid `code` (of `role`, or all) on day `on`; returns how many.
    package static func end(
        store: any WritablePlanStore, person: String, grid code: String, role: DutyRole? = nil, on day: String
    ) throws -> Int {
        try store.writing { db in
            try db.serialize(on: "roster")
            let ofRole = role == nil ? "" : " AND role = ?"
            let open = try db.rows(
                "SELECT * FROM duties WHERE person_id = ? AND grid_code = ?\(ofRole) AND (valid_to IS NULL OR valid_to > ?) ORDER BY id",
                [person.databaseValue, code.databaseValue] + (role.map { [$0.rawValue.databaseValue] } ?? []) + [day.databaseValue]
            ).map { try Duty($0) }
            guard !open.isEmpty else {
                throw GridplanError(.badInput, "\(person) has no \(role.map { "\($0.rawValue) " } ?? "")duty in grid \(code) after \(day)")
            }
            for d in open {
                if d.validFrom >= day {
                    throw GridplanError(
                        .conflict, "\(person)'s \(d.role.rawValue) duty in \(code) starts on \(d.validFrom), not before \(day); nothing to end")
                }
                try db.execute("UPDATE duties SET valid_to = ? WHERE id = ?", [day.databaseValue, d.id.databaseValue])
            }
            return open.count
        }
    }
}
