import Foundation
import GRDB
import GridStore

/// Which features of a grid import are already the current grid, to the byte: the same code
/// (or, for a feature without one, the same name), name, kind, parent reference, households,
/// residents, attributes and geometry. The import keeps those rows as they are instead of
/// ending each and adding a copy: re-importing a province of 100,000 unit grids after
/// redrawing a few added 100,000 rows to the plan, and every later comparison of two versions
/// had to find the copies equal again. A kept row keeps its fid, the day it took effect and the
/// source it was first read from.
enum UnchangedGrids {
    /// Rows of the file (by index in `rows`) that are a current grid of `level`, with that grid's fid.
    ///
    /// A feature is matched to the one current grid of its code, or, when it has no code, of its
    /// name (as a re-import redraws an uncoded grid); a code or name that two current grids or two
    /// features share matches nothing, and such features are imported as before.
    static func find(_ db: some PlanWriter, level: Int, rows: [GridImporter.Row]) throws -> [Int: Int64] {
        var byCode: [String: Int] = [:], byName: [String: Int] = [:], sharedNames = Set<String>()
        for (i, row) in rows.enumerated() {
            if let code = row.code {
                byCode[code] = i
            } else if let name = row.name {
                if byName.updateValue(i, forKey: name) != nil { sharedNames.insert(name) }
            }
        }
        for name in sharedNames { byName[name] = nil }

        // First the current grids' identities only (no geometry), then the few candidates whole.
        var candidates: [Int64: [Int]] = [:], matched: [Int: Int] = [:]
        try db.each("SELECT fid, code, name FROM grids WHERE level = ? AND valid_to IS NULL", [level.databaseValue]) { r in
            let fid: Int64 = r[0]
            let code: String? = r[1], name: String? = r[2]
            for i in [code.flatMap { byCode[$0] }, name.flatMap { byName[$0] }].compactMap({ $0 }) {
                candidates[fid, default: []].append(i)
                matched[i, default: 0] += 1
            }
        }
        // One grid for one feature, both ways: a grid that one feature names by code and another
        // by name is the other feature's business too (it may redraw or end it), so neither keeps it.
        let pairs = candidates.compactMapValues { rows in rows.count == 1 && matched[rows[0]] == 1 ? rows[0] : nil }
        var kept: [Int: Int64] = [:]
        for chunk in lists(of: pairs.keys.sorted()) {
            try db.each(
                "SELECT fid, code, name, kind, parent_ref, households, residents, attributes, geom FROM grids WHERE fid IN (\(chunk))", []
            ) { r in
                let fid: Int64 = r[0]
                if let i = pairs[fid], same(r, rows[i]) { kept[i] = fid }
            }
        }
        return kept
    }

    /// `fids` as SQL lists of at most 500 (`1, 2, 3`), for `fid IN (…)` on either database.
    static func lists(of fids: [Int64]) -> [String] {
        stride(from: 0, to: fids.count, by: 500).map { fids[$0..<min($0 + 500, fids.count)].map(String.init).joined(separator: ", ") }
    }

    /// Whether the stored row says what the feature says. A feature without a code matches a grid
    /// given a code since (as a redraw by name keeps that code); a blank field is NULL on both.
    private static func same(_ r: PlanRow, _ row: GridImporter.Row) -> Bool {
        let code: String? = r[1], name: String? = r[2], kind: String = r[3], parentRef: String? = r[4]
        let households: Int64? = r[5], residents: Int64? = r[6], attributes: String? = r[7], blob: Data? = r[8]
        guard row.code == nil || row.code == code, name == row.name, kind == row.kind, parentRef == row.parentRef,
            households == row.households, residents == row.residents, attributes == row.attributes, let blob,
            let header = try? GeoPackageGeometry.header(blob)
        else { return false }
        return blob.dropFirst(header.wkbOffset).elementsEqual(row.wkb)
    }
}
