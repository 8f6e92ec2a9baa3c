import Foundation
package import Grids

// The JSON shapes of people and of "who covers this?", as Codable types shared by the command line
// (`people list --json`, `who-covers --json`) and the HTTP server, so that both always answer alike.
// Keys in snake case; a person's absent fields are null.

/// A person on the roster.
package struct PersonJSON: Codable, Sendable, Equatable {
    package var id: String
    package var name: String
    package var role: String
    @Nullable package var phone: String?
    @Nullable package var organisation: String?
    @Nullable package var lon: Double?
    @Nullable package var lat: Double?
    @Nullable package var activeFrom: String?
    @Nullable package var activeTo: String?

    enum CodingKeys: String, CodingKey {
        case id, name, role, phone, organisation, lon, lat, activeFrom = "active_from", activeTo = "active_to"
    }

    package init(_ p: Person) {
        id = p.id; name = p.name; role = p.role.rawValue; phone = p.phone; organisation = p.organisation
        lon = p.lon; lat = p.lat; activeFrom = p.activeFrom; activeTo = p.activeTo
    }
}

/// A person's keys and, in the same JSON object, more keys about them (`Extra`'s): the duty they
/// hold, their distance from a point, their workload.
package struct PersonWith<Extra: Codable & Sendable>: Codable, Sendable {
    package var person: PersonJSON
    package var extra: Extra

    package init(_ person: Person, _ extra: Extra) { self.person = PersonJSON(person); self.extra = extra }

    package func encode(to encoder: Encoder) throws {
        try person.encode(to: encoder)
        try extra.encode(to: encoder)
    }

    package init(from decoder: Decoder) throws {
        person = try PersonJSON(from: decoder)
        extra = try Extra(from: decoder)
    }
}

/// The duty a person holds in a grid of the chain: primary, backup or chief.
package struct OnDuty: Codable, Sendable { package var duty: String }

/// Metres from the point to a person's base.
package struct Distance: Codable, Sendable {
    package var distanceM: Double
    enum CodingKeys: String, CodingKey { case distanceM = "distance_m" }
}

/// `gridplan people list --json`: a person's open cases, weekly capacity and duties on the day.
package struct Workload: Codable, Sendable {
    package struct DutyJSON: Codable, Sendable {
        package var grid: String
        package var level: String
        package var role: String
        package var validFrom: String
        @Nullable package var validTo: String?

        enum CodingKeys: String, CodingKey { case grid, level, role, validFrom = "valid_from", validTo = "valid_to" }

        package init(_ d: Duty) {
            grid = d.gridCode; level = d.level.name; role = d.role.rawValue; validFrom = d.validFrom; validTo = d.validTo
        }
    }

    package var openCases: Int
    @Nullable package var capacityPerWeek: Double?
    package var duties: [DutyJSON]

    enum CodingKeys: String, CodingKey { case openCases = "open_cases", capacityPerWeek = "capacity_per_week", duties }

    package init(openCases: Int, capacityPerWeek: Double?, duties: [Duty]) {
        self.openCases = openCases
        self.capacityPerWeek = capacityPerWeek
        self.duties = duties.map(DutyJSON.init)
    }
}

/// A coverage answer: the point, day and status, the chain from the unit up with the people on duty,
/// the unit gridder and the minimal emergency unit.
package struct CoverageJSON: Codable, Sendable {
    package struct Level: Codable, Sendable {
        package var level: String
        @Nullable package var code: String?
        @Nullable package var name: String?
        package var people: [PersonWith<OnDuty>]
    }

    package var lon: Double
    package var lat: Double
    package var day: String
    package var status: String
    package var covered: Bool
    @Nullable package var gridDistanceM: Double?
    package var metricCRS: String
    @Nullable package var planNote: String?
    package var chain: [Level]
    @Nullable package var unitGridder: PersonJSON?
    @Nullable package var gridderBaseDistanceM: Double?
    package var emergencyUnit: [PersonWith<Distance>]

    enum CodingKeys: String, CodingKey {
        case lon, lat, day, status, covered, chain
        case gridDistanceM = "grid_distance_m", metricCRS = "metric_crs", planNote = "plan_note", unitGridder = "unit_gridder"
        case gridderBaseDistanceM = "gridder_base_distance_m", emergencyUnit = "emergency_unit"
    }

    package init(_ c: Coverage) {
        lon = c.lon; lat = c.lat; day = c.day; status = c.status.rawValue; covered = c.covered
        gridDistanceM = c.gridDistanceM; metricCRS = c.metricCRS; planNote = c.planNote
        chain = c.chain.map(Level.init)
        unitGridder = c.unitGridder.map(PersonJSON.init)
        gridderBaseDistanceM = c.gridderBaseDistanceM
        emergencyUnit = c.emergencyUnit.map { PersonWith($0.person, Distance(distanceM: $0.distanceM)) }
    }
}
