package import Duty
import Foundation
package import Geocoding
import Grids

/// The JSON of a "who covers this?" answer: `gridplan who-covers --json` prints it and
/// `GET /api/who-covers` returns it. The coverage's keys, and "geocode": the geocode that placed an
/// address, null for a point.
package struct WhoCoversAnswerJSON: Codable, Sendable {
    package var coverage: CoverageJSON
    package var geocode: PlacedAddressJSON?

    enum CodingKeys: String, CodingKey { case geocode }

    package init(_ answer: WhoCoversAnswer) {
        coverage = CoverageJSON(answer.coverage)
        geocode = answer.geocode.map { PlacedAddressJSON(address: answer.address ?? "", $0) }
    }

    package func encode(to encoder: Encoder) throws {
        try coverage.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let geocode { try container.encode(geocode, forKey: .geocode) } else { try container.encodeNil(forKey: .geocode) }
    }

    package init(from decoder: Decoder) throws {
        coverage = try CoverageJSON(from: decoder)
        geocode = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(PlacedAddressJSON.self, forKey: .geocode)
    }
}

/// What a plan holds (`GET /api/plan`): its file name, current grids per level, people on the
/// roster, gazetteer places, and today's date; the web map starts from this.
package struct PlanContentsJSON: Codable, Sendable {
    package var plan: String
    package var grids: [String: Int]
    package var people: Int
    package var gazetteerPlaces: Int
    package var today: String

    enum CodingKeys: String, CodingKey { case plan, grids, people, today, gazetteerPlaces = "gazetteer_places" }

    package init(plan: String, grids: [String: Int], people: Int, gazetteerPlaces: Int, today: String) {
        self.plan = plan; self.grids = grids; self.people = people; self.gazetteerPlaces = gazetteerPlaces; self.today = today
    }
}
