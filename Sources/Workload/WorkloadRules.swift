import Foundation
import GridErrors
import Grids

/// How a grid's load is counted and how much load a person can carry. Load units are
/// "household equivalents": with the defaults a household counts 1, so a full-time gridder's
/// default capacity of 1,500 is about three to four unit grids of 300–500 households (南桥: 95
/// units, 26 full-time gridders). Offices replace any part with a JSON file (`--workload-rules`):
///
///     { "weights": { "households": 1, "residents": 0, "cases": 2, "dedicated": 300, "patrol_km": 50 },
///       "severity": { "ordinary": 1, "important": 3, "major": 10 },
///       "categories": [ { "prefix": "05", "weight": 2 } ],
///       "capacity": { "full_time_gridder": 1500, "part_time_gridder": 500 },
///       "case_window_days": 365 }
package struct WorkloadRules: Sendable, Codable, Equatable {
    package struct Weights: Sendable, Codable, Equatable {
        /// Per household, per resident.
        package var households: Double
        package var residents: Double
        /// Per case reported in the window (before the severity and category factors).
        package var cases: Double
        /// Per dedicated grid (专属网格: a school, hospital, market, park … in the grid's kind).
        package var dedicated: Double
        /// Per kilometre of street inside the grid (patrol length; needs `--roads`).
        package var patrolKm: Double

        enum CodingKeys: String, CodingKey {
            case households, residents, cases, dedicated, patrolKm = "patrol_km"
        }
    }
    package struct CategoryWeight: Sendable, Codable, Equatable {
        package var prefix: String
        package var weight: Double
    }

    package var weights: Weights
    /// Factor per case severity.
    package var severity: [String: Double]
    /// Factor per case category, by code prefix (longest wins; 1 when none matches).
    package var categories: [CategoryWeight]
    /// Default capacity per person role, for people whose roster line gives none.
    package var capacity: [String: Double]
    /// Cases count when reported in the `caseWindowDays` days before the day measured.
    package var caseWindowDays: Int

    enum CodingKeys: String, CodingKey {
        case weights, severity, categories, capacity, caseWindowDays = "case_window_days"
    }

    /// A household counts 1; a case 2 (an ordinary one: a year of 5,000 cases over 585 units is
    /// about 17 a unit, small beside 400 households but felt where cases cluster), important and
    /// major cases 3 and 10 times that; a dedicated institution 300 (a small unit's worth).
    package static let defaults = WorkloadRules(
        weights: Weights(households: 1, residents: 0, cases: 2, dedicated: 300, patrolKm: 0),
        severity: ["ordinary": 1, "important": 3, "major": 10],
        categories: [],
        capacity: ["full_time_gridder": 1500, "part_time_gridder": 500, "mobile_gridder": 200, "grid_chief": 1500],
        caseWindowDays: 365)

    /// Reads a JSON file; parts it leaves out keep their defaults.
    package static func load(path: String) throws -> WorkloadRules {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GridplanError(.badInput, "cannot read the workload rules", source: .file(path))
        }
        struct Partial: Decodable {
            var weights: [String: Double]?
            var severity: [String: Double]?
            var categories: [CategoryWeight]?
            var capacity: [String: Double]?
            var case_window_days: Int?
        }
        let p: Partial
        do { p = try JSONDecoder().decode(Partial.self, from: data) } catch {
            throw GridplanError(.badInput, "not valid workload rules: \(error)", source: .file(path))
        }
        var rules = defaults
        if let w = p.weights { try rules.setWeights(w, given: "weights", source: ErrorSource(file: path, field: "weights")) }
        rules.severity.merge(p.severity ?? [:]) { $1 }
        rules.categories = p.categories ?? []
        rules.capacity.merge(p.capacity ?? [:]) { $1 }
        rules.caseWindowDays = p.case_window_days ?? rules.caseWindowDays
        for (role, c) in rules.capacity where !(c > 0) {
            throw GridplanError(.badInput, "capacity.\(role) is \(c); a capacity must be positive", source: .file(path))
        }
        for (s, f) in rules.severity where f < 0 { throw GridplanError(.badInput, "severity.\(s) is negative (\(f))", source: .file(path)) }
        if rules.caseWindowDays <= 0 { throw GridplanError(.badInput, "case_window_days must be positive", source: .file(path)) }
        return rules
    }

    /// Applies `households=1,residents=0,cases=2` (the `--weights` option).
    package mutating func apply(weightsOption text: String) throws {
        var values: [String: Double] = [:]
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let v = Double(kv[1]) else {
                throw GridplanError(
                    .badArgument, "\(setting: "weights") \(text): '\(part)' is not NAME=NUMBER (households, residents, cases, dedicated, patrol_km)")
            }
            values[kv[0]] = v
        }
        try setWeights(values, given: "\(setting: "weights")")
    }

    /// `given` names where the weights came from in messages: the option, or the file's field.
    mutating func setWeights(_ values: [String: Double], given: Wording, source: ErrorSource? = nil) throws {
        let kind: ErrorKind = source == nil ? .badArgument : .badInput // an option's value, or a file's
        for (key, v) in values {
            guard v >= 0, v.isFinite else { throw GridplanError(kind, "\(given) \(key)=\(v) must be a non-negative number", source: source) }
            switch key {
            case "households": weights.households = v
            case "residents": weights.residents = v
            case "cases": weights.cases = v
            case "dedicated": weights.dedicated = v
            case "patrol_km": weights.patrolKm = v
            default:
                throw GridplanError(
                    kind, "\(given): unknown weight '\(key)' (households, residents, cases, dedicated, patrol_km)", source: source)
            }
        }
    }

    /// The weight of one case of a category and severity.
    package func caseWeight(category: String?, severity: String) -> Double {
        let byCategory = category.flatMap { c in categories.filter { c.hasPrefix($0.prefix) }.max { $0.prefix.count < $1.prefix.count } }
        return weights.cases * (self.severity[severity] ?? 1) * (byCategory?.weight ?? 1)
    }

    /// The capacity a person carries: their own, else their role's default (nil: not a gridder).
    package func capacity(own: Double?, role: String) -> Double? { own ?? capacity[role] }

}
