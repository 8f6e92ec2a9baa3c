import GRDB
import GridStore

/// Links grids to their parents by the parent reference they were imported with.
///
/// A parent is normally one level up; a plan may leave a level out (many offices have no 片区
/// level), so a reference is looked up at the nearest level above that has grids, then further up.
enum HierarchyLinks {
    /// The levels above `level` that have current grids, nearest first.
    static func presentLevels(above level: GridLevel, _ db: some PlanReader) throws -> [GridLevel] {
        let present = Set(try db.rows("SELECT DISTINCT level FROM grids WHERE valid_to IS NULL", []).compactMap { GridLevel(rawValue: $0[0]) })
        return GridLevel.allCases.filter { $0 < level && present.contains($0) }.reversed()
    }

    /// Re-links every current grid of `levels` that has a parent reference to the current grid
    /// whose code (or else unique name) equals it.
    static func relink(_ db: some PlanWriter, levels: [GridLevel]) throws -> (linked: Int, unmatched: [String: [String]]) {
        var linked = 0
        var unmatched: [String: [String]] = [:]
        for level in levels {
            let above = try presentLevels(above: level, db)
            let rows = try db.rows(
                """
                SELECT fid, parent_ref, coalesce(name, code, '#' || fid) AS label FROM grids
                WHERE level = ? AND valid_to IS NULL AND parent_ref IS NOT NULL ORDER BY fid
                """, [level.rawValue.databaseValue])
            if rows.isEmpty { continue }
            var byCode: [[String: Int64]] = [], byName: [[String: [Int64]]] = []
            for parentLevel in above {
                var codes: [String: Int64] = [:], names: [String: [Int64]] = [:]
                let sql = "SELECT fid, code, name FROM grids WHERE level = ? AND valid_to IS NULL ORDER BY fid"
                for p in try db.rows(sql, [parentLevel.rawValue.databaseValue]) {
                    if let c: String = p["code"] { codes[c] = p["fid"] }
                    if let n: String = p["name"] { names[n, default: []].append(p["fid"]) }
                }
                byCode.append(codes); byName.append(names)
            }
            for row in rows {
                let ref: String = row["parent_ref"]
                let fid: Int64 = row["fid"]
                var parent: Int64? = nil
                for i in above.indices where parent == nil {
                    parent = byCode[i][ref] ?? byName[i][ref].flatMap { $0.count == 1 ? $0[0] : nil }
                }
                try db.executeKept("UPDATE grids SET parent_fid = ? WHERE fid = ?", [parent?.databaseValue ?? .null, fid.databaseValue])
                if parent != nil { linked += 1 } else if !above.isEmpty { unmatched[ref, default: []].append(row["label"]) }
            }
        }
        return (linked, unmatched)
    }
}
