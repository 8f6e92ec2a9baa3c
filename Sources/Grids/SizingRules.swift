import Foundation
import GridErrors

/// The sizing rules grids are checked against (规模适度): households and residents per level
/// and kind. Defaults follow the common urban practice for unit grids: 300–500 households and
/// at most 2,500 residents. Offices replace them with a JSON file (see ``load(path:)``).
public struct SizingRules: Sendable, Codable {
    public struct Rule: Sendable, Codable, Equatable {
        /// "street", "community", "area" or "unit".
        public var level: String
        /// A grid kind ("comprehensive", "school", …) or nil for every kind.
        public var kind: String?
        public var minHouseholds: Int64?
        public var maxHouseholds: Int64?
        public var minResidents: Int64?
        public var maxResidents: Int64?

        public init(
            level: String, kind: String? = nil, minHouseholds: Int64? = nil, maxHouseholds: Int64? = nil,
            minResidents: Int64? = nil, maxResidents: Int64? = nil
        ) {
            self.level = level; self.kind = kind; self.minHouseholds = minHouseholds; self.maxHouseholds = maxHouseholds
            self.minResidents = minResidents; self.maxResidents = maxResidents
        }
    }

    public var rules: [Rule]

    public static let defaults = SizingRules(rules: [
        Rule(level: "unit", kind: "comprehensive", minHouseholds: 300, maxHouseholds: 500, maxResidents: 2500)
    ])

    /// Reads rules from a JSON file: `{"rules": [{"level": "unit", "kind": "comprehensive",
    /// "minHouseholds": 300, "maxHouseholds": 500, "maxResidents": 2500}, …]}`.
    public static func load(path: String) throws -> SizingRules {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GridplanError(.badInput, "cannot read the sizing rules", source: .file(path))
        }
        do { return try JSONDecoder().decode(SizingRules.self, from: data) } catch {
            throw GridplanError(.badInput, "not valid sizing rules: \(error)", source: .file(path))
        }
    }

    /// The rule for a grid: one naming its kind wins over one for every kind.
    public func rule(level: GridLevel, kind: String) -> Rule? {
        rules.first { $0.level == level.name && $0.kind == kind } ?? rules.first { $0.level == level.name && $0.kind == nil }
    }

    /// Whether a grid meets its rule (true when no rule or no numbers apply).
    public func within(_ grid: GridRecord) -> Bool {
        guard let rule = rule(level: grid.level, kind: grid.kind) else { return true }
        if let h = grid.households {
            if let min = rule.minHouseholds, h < min { return false }
            if let max = rule.maxHouseholds, h > max { return false }
        }
        if let r = grid.residents {
            if let min = rule.minResidents, r < min { return false }
            if let max = rule.maxResidents, r > max { return false }
        }
        return true
    }
}
