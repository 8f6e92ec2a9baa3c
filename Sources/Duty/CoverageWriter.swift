import Foundation
import Grids

/// Writes coverage answers as compact JSON: byte for byte what `JSONOutput` (JSONEncoder, keys
/// sorted) writes for ``CoverageJSON`` and the keys beside it, but assembled from parts encoded
/// once. On a busy server, encoding each answer afresh costs several times more than finding it.
///
/// A chain's JSON is kept per chain and day, a person's (and a person's around their distance)
/// per person; ``forget()`` drops them when the roster is read again.
final class CoverageWriter {
    private var chains: [String: Data] = [:]
    private var gridders: [String: Data] = [:]
    /// A person of the emergency unit as JSON, cut where their distance goes.
    private var nearby: [String: (before: Data, after: Data)] = [:]
    private var texts: [String: Data] = [:]

    func forget() {
        chains.removeAll()
        gridders.removeAll()
        nearby.removeAll()
    }

    /// The answer's JSON object; `more` are further keys with their JSON values (e.g. "geocode").
    func write(_ c: Coverage, more: [(key: String, json: Data)] = []) throws -> Data {
        var fields: [(key: String, json: Data)] = [
            ("chain", try chain(c)),
            ("covered", Data((c.covered ? "true" : "false").utf8)),
            ("day", try text(c.day)),
            ("emergency_unit", try list(c.emergencyUnit.map(nearbyJSON))),
            ("grid_distance_m", Self.number(c.gridDistanceM)),
            ("gridder_base_distance_m", Self.number(c.gridderBaseDistanceM)),
            ("lat", Self.number(c.lat)),
            ("lon", Self.number(c.lon)),
            ("metric_crs", try text(c.metricCRS)),
            ("plan_note", try c.planNote.map(text) ?? Self.null),
            ("status", try text(c.status.rawValue)),
            ("unit_gridder", try c.unitGridder.map(gridder) ?? Self.null),
        ]
        fields += more
        fields.sort { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
        var out = Data("{".utf8)
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(Self.comma) }
            out.append(try text(field.key))
            out.append(Self.colon)
            out.append(field.json)
        }
        out.append(contentsOf: Array("}".utf8))
        return out
    }

    static let null = Data("null".utf8)
    private static let comma = Data(",".utf8), colon = Data(":".utf8)

    /// A number as JSONEncoder writes it: Swift's shortest round-trip digits, without a trailing ".0".
    static func number(_ value: Double?) -> Data {
        guard let value else { return null }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return Data(text.utf8)
    }

    private func text(_ s: String) throws -> Data {
        if let kept = texts[s] { return kept }
        let made = try JSONOutput.data(s, pretty: false)
        if texts.count < 10_000 { texts[s] = made }
        return made
    }

    private func list(_ items: [Data]) throws -> Data {
        var out = Data("[".utf8)
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(Self.comma) }
            out.append(item)
        }
        out.append(contentsOf: Array("]".utf8))
        return out
    }

    private func chain(_ c: Coverage) throws -> Data {
        // A coded grid's chain is known by its code; an uncoded one's by everything in it.
        let key =
            c.chain.first?.code.map { c.day + "|" + $0 }
            ?? c.day + c.chain.map { "|\($0.level.rawValue):\($0.code ?? "-"):\($0.name ?? "-")" }.joined()
        if let kept = chains[key] { return kept }
        let made = try JSONOutput.data(c.chain.map(CoverageJSON.Level.init), pretty: false)
        chains[key] = made
        return made
    }

    private func gridder(_ p: Person) throws -> Data {
        if let kept = gridders[p.id] { return kept }
        let made = try JSONOutput.data(PersonJSON(p), pretty: false)
        gridders[p.id] = made
        return made
    }

    private func nearbyJSON(_ n: Coverage.Nearby) throws -> Data {
        let parts: (before: Data, after: Data)
        if let kept = nearby[n.person.id] {
            parts = kept
        } else {
            // Encoded once with a marker distance, then cut around the marker.
            let whole = try JSONOutput.data(PersonWith(n.person, Distance(distanceM: Self.marker)), pretty: false)
            let cut = Data("\"distance_m\":".utf8) + Self.number(Self.marker)
            guard let at = whole.range(of: cut) else {
                return try JSONOutput.data(PersonWith(n.person, Distance(distanceM: n.distanceM)), pretty: false)
            }
            let keyEnd = at.lowerBound + "\"distance_m\":".utf8.count
            parts = (whole[..<keyEnd], whole[at.upperBound...])
            nearby[n.person.id] = parts
        }
        var out = parts.before
        out.append(Self.number(n.distanceM))
        out.append(parts.after)
        return out
    }

    private static let marker = 0.000_123_456_789_012_345
}

extension CoverageJSON.Level {
    init(_ l: Coverage.Level) {
        self.init(level: l.level.name, code: l.code, name: l.name, people: l.people.map { PersonWith($0.person, OnDuty(duty: $0.role.rawValue)) })
    }
}
