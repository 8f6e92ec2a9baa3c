import GRDB
public import GridStore

extension GridRecord {
    /// Current grids of a level (all levels when nil) in a plan file, ordered by code then id: for
    /// modules that read grids without opening a database transaction of their own.
    public static func current(in store: any PlanStore, level: GridLevel? = nil) throws -> [GridRecord] {
        try store.reading { try current($0, level: level) }
    }

    /// Every code a grid of `level` has had, current or ended: a new grid never takes one of them,
    /// so a code names one place across the plan's whole history.
    public static func codesEverUsed(in store: any PlanStore, level: GridLevel) throws -> Set<String> {
        try store.reading { db in
            Set(try db.rows("SELECT DISTINCT code FROM grids WHERE level = ? AND code IS NOT NULL", [level.rawValue.databaseValue]).map { $0[0] })
        }
    }
}
