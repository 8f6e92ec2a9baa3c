import Foundation
import GridProjection
package import Grids

// The JSON shapes of geocoding (`geocode address --json`, `geocode parse --json`, and the geocode part
// of a "who covers" answer), as Codable types for the command line and the HTTP server alike.

/// Any key, for the objects whose keys are the address components found.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// One geocoded address (`gridplan geocode address --json`). Where nothing matched, the coordinates
/// are left out; matched, interpolation and reason are left out when there is none.
package struct GeocodeResultJSON: Codable, Sendable {
    package struct Division: Codable, Sendable {
        package var level: String
        package var code: String
        @Nullable package var name: String?
    }

    package struct Alternative: Codable, Sendable {
        package var name: String
        package var lon: Double, lat: Double
        package var confidence: Double

        init(_ a: GeocodeResult.Alternative) { name = a.name; lon = a.lon; lat = a.lat; confidence = a.confidence }
    }

    package var matchLevel: String
    package var confidence: Double
    /// The finest level the text makes certain (coarser than match_level when a one-character-off name is all there is).
    package var certainLevel: String
    /// CGCS2000 longitude/latitude, and the same point as Amap/Tencent (GCJ-02) and Baidu (BD-09) show it.
    package var lon: Double?, lat: Double?
    package var gcj02: [Double]?, bd09: [Double]?
    package var matched: String?
    package var interpolated: Bool
    package var interpolation: String?
    package var fuzzy: Bool
    package var reason: String?
    /// The county, street and community the address lies in, those known.
    package var admin: [Division]
    package var alternatives: [Alternative]
    package var components: [String: String]

    enum CodingKeys: String, CodingKey {
        case confidence, lon, lat, gcj02, bd09, matched, interpolated, interpolation, fuzzy, reason, admin, alternatives, components
        case matchLevel = "match_level", certainLevel = "certain_level"
    }

    package init(_ r: GeocodeResult) {
        matchLevel = r.level.rawValue
        confidence = r.confidence
        certainLevel = r.certainLevel.rawValue
        if r.level != .none {
            lon = r.lon; lat = r.lat
            let g = ChinaOffsets.wgs84ToGCJ02(lon: r.lon, lat: r.lat), b = ChinaOffsets.wgs84ToBD09(lon: r.lon, lat: r.lat)
            gcj02 = [g.lon, g.lat]; bd09 = [b.lon, b.lat]
        }
        matched = r.matched
        interpolated = r.interpolated
        interpolation = r.interpolation?.rawValue
        fuzzy = r.fuzzy
        reason = r.reason
        admin = [("county", r.countyCode, r.countyName), ("street", r.streetCode, r.streetName), ("community", r.communityCode, r.communityName)]
            .compactMap { level, code, name in code.map { Division(level: level, code: $0, name: name) } }
        alternatives = r.alternatives.map(Alternative.init)
        components = Dictionary(r.components.fields) { _, last in last }
    }
}

/// How an address is normalised and split (`gridplan geocode parse --json`): "normalized", then one
/// key per component found, and "number_value" when the house number starts with one.
package struct AddressParseJSON: Codable, Sendable {
    package var normalized: String
    package var components: [String: String]
    package var numberValue: Int?

    package init(normalized: String, components: AddressComponents) {
        self.normalized = normalized
        self.components = Dictionary(components.fields) { _, last in last }
        numberValue = components.numberValue
    }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(normalized, forKey: AnyKey("normalized"))
        for (key, value) in components { try container.encode(value, forKey: AnyKey(key)) }
        try container.encodeIfPresent(numberValue, forKey: AnyKey("number_value"))
    }

    package init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        normalized = try container.decode(String.self, forKey: AnyKey("normalized"))
        numberValue = try container.decodeIfPresent(Int.self, forKey: AnyKey("number_value"))
        components = [:]
        for key in container.allKeys where key.stringValue != "normalized" && key.stringValue != "number_value" {
            components[key.stringValue] = try container.decode(String.self, forKey: key)
        }
    }
}

/// The geocode that placed the address of a "who covers" question; matched and reason are null
/// when there is none.
package struct PlacedAddressJSON: Codable, Sendable {
    package var address: String
    package var level: String
    package var confidence: Double
    @Nullable package var matched: String?
    package var interpolated: Bool
    package var fuzzy: Bool
    @Nullable package var reason: String?
    package var alternatives: [GeocodeResultJSON.Alternative]

    package init(address: String, _ r: GeocodeResult) {
        self.address = address
        level = r.level.rawValue
        confidence = r.confidence
        matched = r.matched
        interpolated = r.interpolated
        fuzzy = r.fuzzy
        reason = r.reason
        alternatives = r.alternatives.map(GeocodeResultJSON.Alternative.init)
    }
}
