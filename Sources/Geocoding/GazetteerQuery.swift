import Foundation
import GRDB
package import GridStore

/// One place found by ``GazetteerQuery/search(_:in:limit:)``.
package struct GazetteerHit: Sendable, Equatable {
    package var fid: Int64
    package var kind: String
    package var level: String?
    package var code: String?
    package var name: String
    package var countyCode: String?, streetCode: String?, communityCode: String?
}

/// Searches of the gazetteer tables for people and tools (not the matcher's hot path, which
/// works on ``GazetteerIndex``): the SQL stays with the module that owns the tables.
package enum GazetteerQuery {
    /// Places whose name contains `text`: three characters or more through the FTS5 trigram
    /// index (best first); one or two characters, names starting with them (a range of the
    /// exact-name index).
    package static func search(_ text: String, in store: GeoPackage, limit: Int = 20) throws -> [GazetteerHit] {
        let key = PlaceKeys.key(text)
        let rows = try store.read { db -> [Row] in
            if key.unicodeScalars.count >= 3 {
                let quoted = "\"" + key.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                return try Row.fetchAll(
                    db,
                    sql: """
                        SELECT g.fid, g.kind, g.level, g.code, g.name, g.county_code, g.street_code, g.community_code
                        FROM internal_gazetteer_fts f JOIN gazetteer g ON g.fid = f.rowid
                        WHERE internal_gazetteer_fts MATCH ? ORDER BY rank LIMIT ?
                        """, arguments: [quoted, limit])
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT g.fid, g.kind, g.level, g.code, g.name, g.county_code, g.street_code, g.community_code
                    FROM internal_gazetteer_names n JOIN gazetteer g ON g.fid = n.entry WHERE n.key >= ? AND n.key < ? ORDER BY n.key LIMIT ?
                    """, arguments: [key, key + "\u{10FFFF}", limit])
        }
        return rows.map { r in
            GazetteerHit(
                fid: r["fid"], kind: r["kind"], level: r["level"], code: r["code"], name: r["name"],
                countyCode: r["county_code"], streetCode: r["street_code"], communityCode: r["community_code"])
        }
    }
}
