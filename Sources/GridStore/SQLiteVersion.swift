import CSQLite

/// The version of the SQLite library loaded at run time (e.g. "3.40.1"): the system SQLite that
/// GRDB opens the plan with, asked of the library itself.
package func sqliteLibraryVersion() -> String {
    String(cString: sqlite3_libversion())
}

/// Turns off SQLite's count of the memory it holds (kept behind a global mutex at every
/// allocation: a tenth of a bulk import's writing). A process calls it first, before any plan
/// opens; afterwards SQLite refuses the change and nothing happens.
public func sqliteSkipMemoryStatistics() {
    _ = gridplan_sqlite_skip_memory_statistics()
}
