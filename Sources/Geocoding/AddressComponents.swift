/// The parts of an address the parser found. Any may be missing, in any combination: a backlog
/// says "赤坎区XX花园3幢" as often as the full chain from the province down.
package struct AddressComponents: Sendable, Equatable {
    package var province: String?
    package var city: String?
    package var county: String?
    /// 街道, 镇 or 乡.
    package var street: String?
    /// 社区, 村, 居委会 or 村委会, as written.
    package var community: String?
    /// A 片区 / 网格 grid name part (第1片区, 第3网格), as the plan names its grids.
    package var area: String?
    package var gridUnit: String?
    package var road: String?
    /// The house number as written (12, 12-3), and its leading integer.
    package var number: String?
    package var numberValue: Int?
    /// 花园, 小区, 苑, 大厦, … or a POI (学校, 医院, 市场 …).
    package var compound: String?
    /// A name with no marker the parser knows, e.g. "金海岸" in "金海岸3栋": left for the gazetteer.
    package var bareName: String?
    package var building: String?
    package var unit: String?
    package var room: String?
    /// 附近, 对面, 旁, … and anything after them.
    package var remainder: String?
    /// The divisions filled in from the national list (``NationalDivisions``), not written: a
    /// match against the gazetteer goes by what the address says.
    package var inferred: Inferred = []

    package struct Inferred: OptionSet, Sendable, Equatable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        package static let province = Inferred(rawValue: 1)
        package static let city = Inferred(rawValue: 2)
        package static let county = Inferred(rawValue: 4)
    }

    package init() {}

    /// Components as (name, value) pairs in address order, for printing, then "inferred" naming
    /// the divisions filled in (province,city).
    package var fields: [(String, String)] {
        let all: [(String, String?)] = [
            ("province", province), ("city", city), ("county", county), ("street", street), ("community", community),
            ("area", area), ("grid_unit", gridUnit), ("road", road), ("number", number), ("compound", compound),
            ("bare_name", bareName), ("building", building), ("unit", unit), ("room", room), ("remainder", remainder),
        ]
        var out = all.compactMap { k, v in v.map { (k, $0) } }
        if !inferred.isEmpty {
            let levels: [(Inferred, String)] = [(.province, "province"), (.city, "city"), (.county, "county")]
            out.append(("inferred", levels.filter { inferred.contains($0.0) }.map(\.1).joined(separator: ",")))
        }
        return out
    }
}
