/// The parts of an address the parser found. Any may be missing, in any combination: a backlog
/// says "赤坎区XX花园3幢" as often as the full chain from the province down.
public struct AddressComponents: Sendable, Equatable {
    public var province: String?
    public var city: String?
    public var county: String?
    /// 街道, 镇 or 乡.
    public var street: String?
    /// 社区, 村, 居委会 or 村委会, as written.
    public var community: String?
    /// A 片区 / 网格 grid name part (第1片区, 第3网格), as the plan names its grids.
    public var area: String?
    public var gridUnit: String?
    public var road: String?
    /// The house number as written (12, 12-3), and its leading integer.
    public var number: String?
    public var numberValue: Int?
    /// 花园, 小区, 苑, 大厦, … or a POI (学校, 医院, 市场 …).
    public var compound: String?
    /// A name with no marker the parser knows, e.g. "金海岸" in "金海岸3栋": left for the gazetteer.
    public var bareName: String?
    public var building: String?
    public var unit: String?
    public var room: String?
    /// 附近, 对面, 旁, … and anything after them.
    public var remainder: String?

    public init() {}

    /// Components as (name, value) pairs in address order, for printing.
    public var fields: [(String, String)] {
        let all: [(String, String?)] = [
            ("province", province), ("city", city), ("county", county), ("street", street), ("community", community),
            ("area", area), ("grid_unit", gridUnit), ("road", road), ("number", number), ("compound", compound),
            ("bare_name", bareName), ("building", building), ("unit", unit), ("room", room), ("remainder", remainder),
        ]
        return all.compactMap { k, v in v.map { (k, $0) } }
    }
}
