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
    ///
    /// A server's plan keeps no full-text tables: its places are indexed for the question in an
    /// in-memory SQLite database by the same FTS5 index the file keeps, so the places and their
    /// order are the file's (at the cost of reading the whole gazetteer once per search).
    package static func search(_ text: String, in store: any PlanStore, limit: Int = 20) throws -> [GazetteerHit] {
        if let file = store as? GeoPackage { return try file.read { try search(text, in: $0, limit: limit) } }
        let index = try DatabaseQueue()
        let columns = ["fid", "kind", "level", "code", "name", "aliases", "county_code", "street_code", "community_code"]
        try index.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE gazetteer (fid INTEGER PRIMARY KEY, kind TEXT NOT NULL, level TEXT, code TEXT, name TEXT NOT NULL, aliases TEXT,
                      county_code TEXT, street_code TEXT, community_code TEXT);
                    CREATE TABLE internal_gazetteer_names (key TEXT NOT NULL, entry INTEGER NOT NULL, kind TEXT NOT NULL,
                      PRIMARY KEY (key, entry)) WITHOUT ROWID;
                    CREATE VIRTUAL TABLE internal_gazetteer_fts USING fts5(names, tokenize='trigram');
                    """)
            let insert = try db.makeStatement(
                sql: "INSERT INTO gazetteer (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))")
            try store.reading { plan in
                try plan.each("SELECT \(columns.joined(separator: ", ")) FROM gazetteer ORDER BY fid", []) { row in
                    try insert.execute(arguments: StatementArguments(columns.indices.map { row[$0] as DatabaseValue }))
                }
            }
            try GazetteerImporter.rebuildSearchIndex(db)
        }
        return try index.read { try search(text, in: $0, limit: limit) }
    }

    /// The search on a database with the gazetteer and its search tables.
    private static func search(_ text: String, in db: Database, limit: Int) throws -> [GazetteerHit] {
        let key = PlaceKeys.key(text)
        let rows: [Row]
        if key.unicodeScalars.count >= 3 {
            let quoted = "\"" + key.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT g.fid, g.kind, g.level, g.code, g.name, g.county_code, g.street_code, g.community_code
                    FROM internal_gazetteer_fts f JOIN gazetteer g ON g.fid = f.rowid
                    WHERE internal_gazetteer_fts MATCH ? ORDER BY rank LIMIT ?
                    """, arguments: [quoted, limit])
        } else {
            rows = try Row.fetchAll(
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
