import GridErrors

/// The four levels of the grid hierarchy (街道 → 社区/村 → 片区 → 单元).
public enum GridLevel: Int, CaseIterable, Sendable, Comparable, CustomStringConvertible, Encodable {
    case street = 1, community = 2, area = 3, unit = 4

    /// Parses "street", "community", "area", "unit", their Chinese names or "1"–"4".
    public init?(name: String) {
        switch name.lowercased() {
        case "street", "1", "街道", "乡镇", "township": self = .street
        case "community", "2", "社区", "村", "village": self = .community
        case "area", "3", "片区": self = .area
        case "unit", "4", "单元", "网格", "微网格": self = .unit
        default: return nil
        }
    }

    /// A level as the store keeps it (1–4). Anything else is a damaged or foreign file, reported
    /// as such, never read as some level.
    public init(stored value: Int) throws {
        guard let level = GridLevel(rawValue: value) else {
            throw GridplanError(.badInput, "the plan stores the grid level \(value), which is not 1 (street) to 4 (unit)")
        }
        self = level
    }

    public var name: String {
        switch self {
        case .street: "street"
        case .community: "community"
        case .area: "area"
        case .unit: "unit"
        }
    }

    public var chineseName: String {
        switch self {
        case .street: "街道"
        case .community: "社区/村"
        case .area: "片区"
        case .unit: "单元网格"
        }
    }

    /// The level above, nil for the street.
    public var parent: GridLevel? { GridLevel(rawValue: rawValue - 1) }
    /// The level below, nil for the unit.
    public var child: GridLevel? { GridLevel(rawValue: rawValue + 1) }

    public var description: String { name }

    /// Written by name in JSON (`"unit"`), as users name it.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
    public static func < (a: GridLevel, b: GridLevel) -> Bool { a.rawValue < b.rawValue }
}
