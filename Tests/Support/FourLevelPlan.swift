import Foundation
import GridProjection
public import GridStore
public import Grids

/// A rectangle in metres of EPSG:4546 (the Gauss–Krüger zone of Zhanjiang), offset to lie near it.
public func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> String {
    let (ox, oy) = (500_000.0, 2_350_000.0)
    return "POLYGON ((\(ox + x0) \(oy + y0), \(ox + x1) \(oy + y0), \(ox + x1) \(oy + y1), \(ox + x0) \(oy + y1), \(ox + x0) \(oy + y0)))"
}

/// Local metres (as in ``box``) as CGCS2000 longitude/latitude.
public func point(_ x: Double, _ y: Double) -> (lon: Double, lat: Double) {
    let t = try! CoordinateTransformer(from: .proj("EPSG:4546"), to: .cgcs2000)
    let p = try! t.transform(x: 500_000 + x, y: 2_350_000 + y)
    return (p.x, p.y)
}

/// A small plan of four levels in force from 2024-01-01, in `folder`/plan.gpkg: street S
/// (0–2000 × 0–1000 m); communities C1 (west half) and C2 (east half); areas A1 = C1, A2 = C2;
/// units U1 (0–500), U2 (500–1000) in A1 and U3 (1000–2000) in A2. `schema`: the tables the
/// calling tests need (the grids' at least).
public func fourLevelPlan(_ folder: TemporaryFolder, schema: StoreSchema = GridsSchema.schema) throws -> GeoPackage {
    let store = try GeoPackage(path: folder.path("plan.gpkg"), schema: schema)
    func level(_ level: GridLevel, _ rows: [String]) throws {
        var options = ImportOptions(level: level, crs: .proj("EPSG:4546"), validFrom: "2024-01-01")
        options.parentField = level == .street ? nil : "parent"
        _ = try GridImporter.run(
            file: folder.write("\(level).csv", "code,name,parent,wkt\n" + rows.joined(separator: "\n") + "\n"),
            into: store, options: options)
    }
    try level(.street, ["S,中华街道,,\"\(box(0, 0, 2000, 1000))\""])
    try level(.community, ["C1,东社区,S,\"\(box(0, 0, 1000, 1000))\"", "C2,西社区,S,\"\(box(1000, 0, 2000, 1000))\""])
    try level(.area, ["A1,东片区,C1,\"\(box(0, 0, 1000, 1000))\"", "A2,西片区,C2,\"\(box(1000, 0, 2000, 1000))\""])
    try level(
        .unit,
        [
            "U1,一网格,A1,\"\(box(0, 0, 500, 1000))\"", "U2,二网格,A1,\"\(box(500, 0, 1000, 1000))\"",
            "U3,三网格,A2,\"\(box(1000, 0, 2000, 1000))\"",
        ])
    return store
}
