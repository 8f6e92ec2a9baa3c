package import GRDB

/// What other modules may know of the gazetteer without reading its tables: how many places it
/// holds, and a fingerprint that changes whenever a gazetteer import commits.
package enum GazetteerStamp {
    /// Places in the gazetteer (0 before `gridplan gazetteer import`).
    package static func placeCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM gazetteer") ?? 0
    }

    /// Changes when places are added or removed.
    package static func stamp(_ db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT count(*) || '/' || coalesce(max(fid), 0) FROM gazetteer") ?? ""
    }
}
