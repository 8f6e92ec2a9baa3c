package import GRDB
package import GridStore

/// What other modules may know of the gazetteer without reading its tables: how many places it
/// holds, and a fingerprint that changes whenever a gazetteer import commits.
package enum GazetteerStamp {
    /// Places in the gazetteer (0 before `gridplan gazetteer import`).
    package static func placeCount(_ db: some PlanReader) throws -> Int {
        try db.value("SELECT count(*) FROM gazetteer") ?? 0
    }

    /// Changes when places are added or removed.
    package static func stamp(_ db: some PlanReader) throws -> String {
        try db.value("SELECT count(*) || '/' || coalesce(max(fid), 0) FROM gazetteer") ?? ""
    }
}
