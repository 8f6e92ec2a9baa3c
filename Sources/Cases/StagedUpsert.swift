import GRDB
import GridStore
import Grids

/// A batch of imported cases stored on a server in a handful of statements instead of three per
/// case (each a round trip): the batch goes into a temporary table in one statement
/// (``PlanWriter/append(into:columns:rows:)``), then each round takes four: the new ids go in, the
/// cases already there are locked, their filings that change go into the history
/// (``CaseHistory``), and they are updated. The answer is the file's (``CaseImporter``'s upsert):
/// the same rows, numbered in the same order, the same history.
///
/// An id repeated in one batch is applied as in the file, one occurrence after the other: the
/// n-th occurrences of all ids form the n-th round.
///
/// The history is taken from the cases as this transaction holds them locked, not from what an
/// earlier statement read: an id another importer is adding meanwhile makes the insert wait for
/// it and is then updated, and a case another importer is changing is locked only once the other
/// has committed, so its filing is compared with the other's result and no change is lost or
/// recorded twice.
///
/// A plan split by county has no unique index on `external_id` for `ON CONFLICT` (a partitioned
/// table's unique keys must hold the partition key): there the insert skips the ids it finds, and
/// batches of all importers take turns, so no id is added twice.
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

    static func run(_ w: any PlanWriter, _ cases: [StoredCase], now: String) throws -> (inserted: Int, updated: Int) {
        let columns = StoredCase.columns
        try w.execute(
            """
            CREATE TEMPORARY TABLE IF NOT EXISTS \(stage) (ord integer NOT NULL, round integer NOT NULL, external_id text NOT NULL, \
            fresh boolean NOT NULL DEFAULT false, \
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
        let filing = CaseHistory.filing
        let filingChanges =
            "(\(filing.map { "c.\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\(filing.map { "s.\($0)" }.joined(separator: ", ")))"
        let partitioned = try takeTurn(w)
        let skipping = partitioned ? "AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.external_id = s.external_id)" : ""
        let conflict = partitioned ? "" : "ON CONFLICT (external_id) DO NOTHING"
        let existing = "\(stage) s JOIN cases c ON c.external_id = s.external_id"
        var inserted = 0, updated = 0
        for round in 0..<(occurrences.values.max() ?? 0) {
            let r = round.databaseValue
            let added = try w.rows(
                """
                WITH added AS (
                  INSERT INTO cases (geom, external_id, \(names.joined(separator: ", ")))
                  SELECT \(point()), external_id, \(names.joined(separator: ", ")) FROM \(stage) s WHERE round = ? \(skipping) ORDER BY ord
                  \(conflict) RETURNING external_id),
                marked AS (UPDATE \(stage) s SET fresh = true FROM added a WHERE s.round = ? AND s.external_id = a.external_id)
                SELECT count(*) FROM added
                """, [r, r])
            _ = try w.rows(
                "SELECT count(*) FROM (SELECT 1 FROM \(existing) WHERE s.round = ? AND NOT s.fresh ORDER BY c.fid FOR UPDATE OF c) locked", [r])
            try w.execute(
                CaseHistory.ending(from: existing, where: "s.round = ? AND NOT s.fresh AND \(filingChanges)") + " ORDER BY s.ord",
                [now.databaseValue, r])
            let changed = try w.rows(
                """
                WITH changed AS (
                  UPDATE cases c SET geom = \(point(of: "s.")), \
                  \(names.filter { $0 != "assigned_at" && $0 != "status_at" }.map { "\($0) = s.\($0)" }.joined(separator: ", ")), \
                  assigned_at = CASE WHEN \(filingChanges) THEN s.imported_at ELSE coalesce(c.assigned_at, c.imported_at) END, \
                  status_at = CASE WHEN c.status IS DISTINCT FROM s.status THEN s.imported_at ELSE c.status_at END
                  FROM \(stage) s WHERE s.round = ? AND NOT s.fresh AND c.external_id = s.external_id RETURNING 1)
                SELECT count(*) FROM changed
                """, [r])
            inserted += added.first?[0] ?? 0
            updated += changed.first?[0] ?? 0
        }
        return (inserted, updated)
    }
}
