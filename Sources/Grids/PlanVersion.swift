public import GRDB
import GridErrors
public import GridStore

/// One change to the plan: an import or a redraw, with the day it takes effect.
public struct PlanVersion: Sendable, Encodable {
    public var id: Int64
    public var validFrom: String
    public var createdAt: String
    public var command: String
    /// Grids this version added and grids it ended.
    public var added: Int
    public var ended: Int

    public static func all(store: any PlanStore) throws -> [PlanVersion] {
        try store.reading { db in
            try db.rows(
                """
                SELECT v.id, v.valid_from, v.created_at, v.command,
                  (SELECT count(*) FROM grids WHERE version_from = v.id) AS added,
                  (SELECT count(*) FROM grids WHERE version_to = v.id) AS ended
                FROM plan_versions v ORDER BY v.id
                """, []
            ).map {
                PlanVersion(
                    id: $0["id"], validFrom: $0["valid_from"], createdAt: $0["created_at"],
                    command: $0["command"], added: $0["added"], ended: $0["ended"])
            }
        }
    }
}

extension PlanVersion {
    /// Adds a plan version for the change `w` is making, in its transaction: its id.
    public static func begin(_ w: some PlanWriter, validFrom: String, command: String, note: String? = nil) throws -> Int64 {
        guard
            let id: Int64 = try w.value(
                "INSERT INTO plan_versions (valid_from, command, note) VALUES (?, ?, ?) RETURNING id",
                [validFrom.databaseValue, command.databaseValue, note?.databaseValue ?? .null])
        else { throw GridplanError(.failed, "no plan version was made for \(command)") }
        return id
    }

    /// A cheap fingerprint of the grids and plan versions: it changes when an import, a redraw or a
    /// code assignment commits, so indexes built from the plan know to rebuild.
    public static func stamp(_ db: some PlanReader) throws -> String {
        try db.value(
            """
            SELECT (SELECT count(*) || '/' || coalesce(max(fid), 0) || '/' || count(code) || '/' || count(valid_to) FROM grids)
                   || ':' || (SELECT coalesce(max(id), 0) FROM plan_versions)
            """) ?? ""
    }
}
