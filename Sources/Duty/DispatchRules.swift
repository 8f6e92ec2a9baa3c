import Foundation
import GridErrors
package import Grids

/// Which level handles a case, which departments are summoned, and how long it may take, by
/// severity and category. Built-in defaults follow practice ("small matters stay in the grid,
/// big matters stay in the street"): ordinary → unit (or area) gridder, important → community,
/// major → street; limits of 7 days, 3 days and 24 hours. Offices differ, so every part can be
/// replaced from a JSON file (`--dispatch-rules`), e.g.
///
///     { "severity_levels": { "ordinary": "area" },
///       "summon_departments": ["important", "major"],
///       "categories": [ { "prefix": "0301", "level": "community", "departments": ["police"] } ],
///       "time_limits_hours": { "ordinary": 120 },
///       "category_time_limits_hours": [ { "prefix": "05", "ordinary": 24, "major": 4 } ] }
///
/// Category rules match a case's category code by prefix; the longest matching prefix wins.
package struct DispatchRules: Sendable, Codable {
    package struct CategoryRule: Sendable, Codable {
        package var prefix: String
        /// Overrides the level by severity for this category.
        package var level: String?
        /// Department ids always summoned for this category.
        package var departments: [String]?
    }
    package struct CategoryLimit: Sendable, Codable {
        package var prefix: String
        package var ordinary: Double?, important: Double?, major: Double?
    }

    package var severityLevels: [String: String]
    /// Severities at which the departments that answer a case's category are summoned.
    package var summonDepartments: [String]
    package var categories: [CategoryRule]
    package var timeLimitsHours: [String: Double]
    package var categoryTimeLimitsHours: [CategoryLimit]

    enum CodingKeys: String, CodingKey {
        case severityLevels = "severity_levels", summonDepartments = "summon_departments", categories
        case timeLimitsHours = "time_limits_hours", categoryTimeLimitsHours = "category_time_limits_hours"
    }

    package static let defaults = DispatchRules(
        severityLevels: ["ordinary": "unit", "important": "community", "major": "street"],
        summonDepartments: ["important", "major"], categories: [],
        timeLimitsHours: ["ordinary": 168, "important": 72, "major": 24], categoryTimeLimitsHours: [])

    /// Reads a JSON file; parts it leaves out keep their defaults.
    package static func load(path: String) throws -> DispatchRules {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GridplanError(.badInput, "cannot read the dispatch rules", source: .file(path))
        }
        struct Partial: Decodable {
            var severity_levels: [String: String]?
            var summon_departments: [String]?
            var categories: [CategoryRule]?
            var time_limits_hours: [String: Double]?
            var category_time_limits_hours: [CategoryLimit]?
        }
        let p: Partial
        do { p = try JSONDecoder().decode(Partial.self, from: data) } catch {
            throw GridplanError(.badInput, "not valid dispatch rules: \(error)", source: .file(path))
        }
        var rules = defaults
        rules.severityLevels.merge(p.severity_levels ?? [:]) { $1 }
        rules.summonDepartments = p.summon_departments ?? rules.summonDepartments
        rules.categories = p.categories ?? []
        rules.timeLimitsHours.merge(p.time_limits_hours ?? [:]) { $1 }
        rules.categoryTimeLimitsHours = p.category_time_limits_hours ?? []
        for (severity, level) in rules.severityLevels where GridLevel(name: level) == nil {
            throw GridplanError(.badInput, "severity_levels.\(severity): '\(level)' is not street, community, area or unit", source: .file(path))
        }
        for c in rules.categories where c.level.map({ GridLevel(name: $0) == nil }) ?? false {
            throw GridplanError(.badInput, "category \(c.prefix): level '\(c.level!)' is not street, community, area or unit", source: .file(path))
        }
        for (severity, hours) in rules.timeLimitsHours where hours <= 0 {
            throw GridplanError(.badInput, "time_limits_hours.\(severity) must be positive, not \(hours)", source: .file(path))
        }
        return rules
    }

    func categoryRule(_ category: String?) -> CategoryRule? {
        guard let category else { return nil }
        return categories.filter { category.hasPrefix($0.prefix) }.max { $0.prefix.count < $1.prefix.count }
    }

    /// The level that handles a case, and the rule that said so.
    package func level(severity: String, category: String?) -> (GridLevel, String) {
        if let rule = categoryRule(category), let l = rule.level, let level = GridLevel(name: l) {
            return (level, "category \(rule.prefix) → \(level)")
        }
        let level = GridLevel(name: severityLevels[severity] ?? "unit") ?? .unit
        return (level, "\(severity) → \(level)")
    }

    /// Department ids to summon.
    package func departments(severity: String, category: String?, all: [Department]) -> [String] {
        var ids = categoryRule(category)?.departments ?? []
        if let category, summonDepartments.contains(severity) {
            ids += all.filter { $0.answers(category) }.map(\.id)
        }
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// Hours allowed for a case.
    package func limitHours(severity: String, category: String?) -> Double {
        if let category, let rule = categoryTimeLimitsHours.filter({ category.hasPrefix($0.prefix) }).max(by: { $0.prefix.count < $1.prefix.count }) {
            let v = severity == "major" ? rule.major : severity == "important" ? rule.important : rule.ordinary
            if let v { return v }
        }
        return timeLimitsHours[severity] ?? 168
    }
}
