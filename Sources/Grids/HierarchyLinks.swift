import GRDB

/// Links grids to their parents by the parent reference they were imported with.
enum HierarchyLinks {
    /// For current grids of `levels` with a parent reference, sets `parent_fid` to the current
    /// grid one level up whose code (or else unique name) equals the reference.
    static func relink(_ db: Database, levels: [GridLevel]) throws -> (linked: Int, unmatched: [String: [String]]) {
        var linked = 0
        var unmatched: [String: [String]] = [:]
        for level in levels {
            guard let parentLevel = level.parent else { continue }
            let rows = try Row.fetchAll(db, sql: """
                SELECT fid, parent_ref, coalesce(name, code, '#' || fid) AS label FROM grids
                WHERE level = ? AND valid_to IS NULL AND parent_ref IS NOT NULL
                """, arguments: [level.rawValue])
            if rows.isEmpty { continue }
            var byCode: [String: Int64] = [:]
            var byName: [String: [Int64]] = [:]
            for p in try Row.fetchAll(db, sql: "SELECT fid, code, name FROM grids WHERE level = ? AND valid_to IS NULL",
                                      arguments: [parentLevel.rawValue]) {
                if let c: String = p["code"] { byCode[c] = p["fid"] }
                if let n: String = p["name"] { byName[n, default: []].append(p["fid"]) }
            }
            for row in rows {
                let ref: String = row["parent_ref"]
                let fid: Int64 = row["fid"]
                let parent = byCode[ref] ?? byName[ref].flatMap { $0.count == 1 ? $0[0] : nil }
                if let parent {
                    try db.execute(sql: "UPDATE grids SET parent_fid = ? WHERE fid = ?", arguments: [parent, fid])
                    linked += 1
                } else {
                    try db.execute(sql: "UPDATE grids SET parent_fid = NULL WHERE fid = ?", arguments: [fid])
                    if !byCode.isEmpty || !byName.isEmpty { unmatched[ref, default: []].append(row["label"]) }
                }
            }
        }
        return (linked, unmatched)
    }
}
