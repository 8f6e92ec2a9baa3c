import Foundation

/// The kinds of grid: comprehensive (综合网格, the default), or a dedicated grid (专属网格) for one
/// institution. Stored by their English names; files may use the Chinese ones. Sizing rules name
/// kinds, so a misspelt kind would silently escape them: unknown kinds are refused on import.
public enum GridKind: String, CaseIterable, Sendable {
    case comprehensive
    case industrialPark = "industrial_park"
    case school
    case hospital
    case market
    case enterprise
    case commercial
    /// A dedicated grid of another kind.
    case dedicated

    /// Names accepted in files besides the English one.
    static let aliases: [String: GridKind] = [
        "综合": .comprehensive, "综合网格": .comprehensive, "comprehensive grid": .comprehensive,
        "工业园区": .industrialPark, "园区": .industrialPark, "产业园区": .industrialPark, "industrial park": .industrialPark,
        "学校": .school, "校园": .school, "医院": .hospital, "市场": .market, "农贸市场": .market, "集贸市场": .market,
        "企业": .enterprise, "商业": .commercial, "商圈": .commercial, "商务楼宇": .commercial, "楼宇": .commercial,
        "专属": .dedicated, "专属网格": .dedicated,
    ]

    /// The kind a file's text names, nil when it names none known.
    public init?(text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let k = GridKind(rawValue: t.lowercased()) ?? GridKind.aliases[t] ?? GridKind.aliases[t.lowercased()] {
            self = k
            return
        }
        // "学校网格", "医院专属网格": a known name followed by 网格 or 专属网格.
        for suffix in ["专属网格", "网格"] where t.hasSuffix(suffix) && t.count > suffix.count {
            if let k = GridKind(text: String(t.dropLast(suffix.count))) { self = k; return }
        }
        return nil
    }
}
