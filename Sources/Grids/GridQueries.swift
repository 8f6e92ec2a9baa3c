public import Foundation
public import GRDB
public import GridStore

/// Questions other modules ask about the `grids` table, answered here so that no other module
/// runs SQL on it.
extension GridRecord {
    /// How many grids the current plan has.
    public static func currentCount(_ db: some PlanReader) throws -> Int {
        try db.value("SELECT count(*) FROM grids WHERE valid_to IS NULL") ?? 0
    }

    /// How many grids of each level the current plan has (levels without grids are absent).
    public static func currentCountByLevel(_ db: some PlanReader) throws -> [GridLevel: Int] {
        var counts: [GridLevel: Int] = [:]
        for row in try db.rows("SELECT level, count(*) AS n FROM grids WHERE valid_to IS NULL GROUP BY level", []) {
            counts[try GridLevel(stored: row["level"])] = row["n"]
        }
        return counts
    }

    /// How many grids were in force on `day` (YYYY-MM-DD).
    public static func count(_ db: some PlanReader, inForceOn day: String) throws -> Int {
        try db.value(
            "SELECT count(*) FROM grids WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)", [day.databaseValue, day.databaseValue])
            ?? 0
    }

    /// The first day any grid was in force, nil for a plan without grids.
    public static func firstDay(_ db: some PlanReader) throws -> String? {
        try db.value("SELECT min(valid_from) FROM grids")
    }

    /// One grid with a code, current or ended, as the history of codes sees it.
    public struct CodeEntry: Sendable {
        public var fid: Int64
        public var code: String
        public var name: String?
        public var level: GridLevel
        /// The day it ended, nil while current.
        public var validTo: String?
    }

    /// Every grid that has a code, oldest first.
    public static func codeHistory(_ db: some PlanReader) throws -> [CodeEntry] {
        try db.rows("SELECT fid, code, name, level, valid_to FROM grids WHERE code IS NOT NULL ORDER BY fid", []).map {
            CodeEntry(fid: $0["fid"], code: $0["code"], name: $0["name"], level: try GridLevel(stored: $0["level"]), validTo: $0["valid_to"])
        }
    }

    /// The last geometry (a GeoPackage blob) of every code that the current plan no longer has.
    public static func lastGeometryOfEndedCodes(_ db: some PlanReader) throws -> [String: Data] {
        var ended: [String: Data] = [:]
        try db.each(
            """
            SELECT code, geom FROM grids g WHERE code IS NOT NULL AND valid_to IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM grids c WHERE c.code = g.code AND c.valid_to IS NULL) ORDER BY valid_to, fid
            """, []
        ) { ended[$0["code"]] = $0["geom"] }
        return ended
    }
}
