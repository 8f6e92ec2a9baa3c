import GRDB
import GridStore
import Grids

/// A batch of imported cases stored on a server in a handful of statements instead of three per
/// case (each a round trip): the batch goes into a temporary table in one statement
/// (``PlanWriter/append(into:columns:rows:)``), then one
/// `INSERT … ON CONFLICT` adds or updates every case, and two statements bring the assignment
/// history up to date: an open assignment that no longer matches its case ends, and a case
/// without an open one gets its new assignment. The answer is the file's (``CaseImporter``'s
/// upsert): the same rows, numbered in the same order, the same history.
///
/// An id repeated in one batch is applied as in the file, one occurrence after the other: the
/// n-th occurrences of all ids form the n-th round, each round one `INSERT … ON CONFLICT` (which
/// may not touch a row twice).
///
/// The history is compared with the open assignment as the transaction then sees it, not with
/// what the batch read before: an importer that waited for another's lock on a case continues
/// from the other's result, so no assignment change is lost or recorded twice.
///
/// A plan split by county has no unique index on `external_id` for `ON CONFLICT` (a partitioned
/// table's unique keys must hold the partition key): there each round updates the cases it finds by
/// id and inserts the others, and batches of all importers take turns, so no id is added twice.
enum StagedUpsert {
    static let stage = "case_import_stage"

    /// On a plan split by county, waits for this transaction's turn among those adding cases (a
    /// lock held to its end; taken again, it is already held). A writer that locks a case row
    /// before it adds cases takes its turn first, or it and an importer could each wait for the
    /// other. Answers whether the plan is split.
    @discardableResult
    static func takeTurn(_ w: any PlanWriter) throws -> Bool {
        guard try w.isPartitioned("cases") else { return false }
        try w.serialize(on: "case intake")
        return true
    }

    static func run(_ w: any PlanWriter, _ cases: [CaseImporter.StoredCase], now: String) throws -> (inserted: Int, updated: Int) {
        let columns = CaseImporter.storedColumns
        try w.execute(
            """
            CREATE TEMPORARY TABLE IF NOT EXISTS \(stage) (ord integer NOT NULL, round integer NOT NULL, external_id text NOT NULL, \
            \(columns.map { "\($0.name) \($0.serverType)" }.joined(separator: ", "))) ON COMMIT DELETE ROWS
            """, [])
        var occurrences: [String: Int] = [:]
        var staged: [[DatabaseValue]] = []
        staged.reserveCapacity(cases.count)
        for (k, c) in cases.enumerated() {
            let round = occurrences[c.id, default: 0]
            occurrences[c.id] = round + 1
            staged.append([k.databaseValue, round.databaseValue, c.id.databaseValue] + c.values)
        }
        try w.append(into: stage, columns: ["ord", "round", "external_id"] + columns.map(\.name), rows: staged)

        let names = columns.map(\.name)
        /// The case's point from the staged row's longitude and latitude (`of` names that row).
        func point(of s: String = "") -> String {
            "CASE WHEN \(s)lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(\(s)lon, \(s)lat), \(GeoPackage.storeSRSID)) END"
        }
        let assignment = ["assign_status", "unit_code", "area_code", "community_code", "street_code"]
        let partitioned = try takeTurn(w)
        // A round's cases, as they go into the table: the insert of both layouts, each with its own ending.
        let insertRound = """
            INSERT INTO cases (geom, external_id, \(names.joined(separator: ", ")))
              SELECT \(point()), external_id, \(names.joined(separator: ", ")) FROM \(stage) s WHERE round = ?
            """
        var inserted = 0, updated = 0
        for round in 0..<(occurrences.values.max() ?? 0) {
            if partitioned {
                let changed = try w.rows(
                    """
                    WITH changed AS (
                      UPDATE cases c SET geom = \(point(of: "s.")), \
                      \(names.map { "\($0) = s.\($0)" }.joined(separator: ", "))
                      FROM \(stage) s WHERE s.round = ? AND c.external_id = s.external_id RETURNING 1)
                    SELECT count(*) FROM changed
                    """, [round.databaseValue])
                let added = try w.rows(
                    """
                    WITH added AS (
                      \(insertRound) AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.external_id = s.external_id) ORDER BY ord
                      RETURNING 1)
                    SELECT count(*) FROM added
                    """, [round.databaseValue])
                updated += changed.first?[0] ?? 0
                inserted += added.first?[0] ?? 0
            } else {
                // xmax is 0 on a row this statement inserted, and set on one it updated.
                let counts = try w.rows(
                    """
                    WITH upserted AS (
                      \(insertRound) ORDER BY ord
                      ON CONFLICT (external_id) DO UPDATE SET geom = excluded.geom, \(names.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
                      RETURNING (xmax = 0) AS fresh)
                    SELECT count(*) FILTER (WHERE fresh), count(*) FILTER (WHERE NOT fresh) FROM upserted
                    """, [round.databaseValue])
                inserted += counts.first?[0] ?? 0
                updated += counts.first?[1] ?? 0
            }
            try w.execute(
                """
                UPDATE case_assignments a SET ended_at = ?
                FROM \(stage) s JOIN cases c ON c.external_id = s.external_id
                WHERE s.round = ? AND a.case_fid = c.fid AND a.ended_at IS NULL
                  AND (\(assignment.map { "a.\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\(assignment.map { "c.\($0)" }.joined(separator: ", ")))
                """, [now.databaseValue, round.databaseValue])
            try w.execute(
                """
                INSERT INTO case_assignments (case_fid, \(assignment.joined(separator: ", ")), plan_version, assigned_at)
                SELECT c.fid, \(assignment.map { "c.\($0)" }.joined(separator: ", ")), c.plan_version, ?
                FROM \(stage) s JOIN cases c ON c.external_id = s.external_id
                WHERE s.round = ? AND NOT EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_fid = c.fid AND a.ended_at IS NULL)
                ORDER BY s.ord
                """, [now.databaseValue, round.databaseValue])
        }
        return (inserted, updated)
    }
}
