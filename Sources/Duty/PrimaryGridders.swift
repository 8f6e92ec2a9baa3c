import GRDB
package import GridStore
package import Grids

/// The primary gridders on duty, for modules that need them without reading the roster's tables
/// (a redraw names the gridders of the grids it changed).
package enum PrimaryGridders {
    /// Primary gridders on duty now (no end date) in grids of `level`, as (grid code, person id),
    /// ordered by grid code then person; only grids in `codes` when given. Nil when the plan has no roster.
    package static func onDuty(
        store: any PlanStore, level: GridLevel, in codes: Set<String>? = nil
    ) throws -> [(grid: String, person: String)]? {
        try store.reading { db in
            guard try db.hasTable("duties") else { return nil }
            return try db.rows(
                """
                SELECT grid_code, person_id FROM duties WHERE role = ? AND valid_to IS NULL AND level = ?
                ORDER BY grid_code, person_id
                """, [DutyRole.primary.rawValue.databaseValue, level.rawValue.databaseValue]
            )
            .map { (grid: $0["grid_code"] as String, person: $0["person_id"] as String) }
            .filter { codes?.contains($0.grid) ?? true }
        }
    }
}
