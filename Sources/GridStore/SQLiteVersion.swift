import CSQLite

/// The version of the SQLite library loaded at run time (e.g. "3.40.1"): the system SQLite that
/// GRDB opens the plan with, asked of the library itself.
package func sqliteLibraryVersion() -> String {
    String(cString: sqlite3_libversion())
}
