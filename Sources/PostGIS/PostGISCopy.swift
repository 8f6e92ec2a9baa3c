import Foundation
import GRDB
import GridErrors
import GridGeometry
public import GridStore
import PostgresNIO

/// Moving a whole plan between a GeoPackage and a PostGIS database, each way in one transaction on
/// the side that is written, so that an interrupted copy leaves the target as it was.
///
/// The tables are the GeoPackage's own (``PlanTable``): same names, columns and keys, geometry in
/// EPSG:4490 with GiST indexes, and the schema's steps in `grdb_migrations` as in the file.
public enum PostGISCopy {
    /// What a copy moved: each table and its rows, in the order copied.
    public struct Report: Sendable {
        public var tables: [(name: String, rows: Int)] = []
        public var rows: Int { tables.reduce(0) { $0 + $1.rows } }
        /// The counties given partitions of their own when the target is split by county; nil when it is not.
        public var counties: [String]? = nil
    }

    /// Rows read and sent per step: enough to keep the server busy, little enough to keep memory flat.
    static let batch = 5_000

    /// Copies the plan in `plan`, as it stands when the copy starts, into the database of `session`.
    /// A database that already holds a plan is refused unless `replace`, which drops that plan's
    /// tables (no other table) in the same transaction. Split by county (`layout`), every county the
    /// plan's codes name gets its partitions besides those `layout` names.
    /// `shared`: the columns the file keeps once for the rows that share them, which the server
    /// keeps on each row (``SharedColumns``).
    public static func export(
        _ plan: GeoPackage, to session: PostgresSession, replace: Bool, layout requested: ServerLayout = .plain, shared: [SharedColumns] = [],
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> Report {
        let snapshot = try plan.snapshot()
        let (tables, steps, total, layout) = try snapshot.read { db in
            let tables = try PlanTable.read(db).map { $0.serverForm(shared) }
            let total = try tables.reduce(0) { $0 + (try Int.fetchOne(db, sql: "SELECT count(*) FROM \(PostGISSchema.quoted($1.name))") ?? 0) }
            let layout = requested.byCounty ? requested.adding(try ServerLayout.counties(in: db, shared: shared)) : requested
            return (tables, try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"), total, layout)
        }
        let srid = GeoPackage.storeSRSID
        var report = Report(counties: layout.byCounty ? layout.counties : nil)
        try await session.execute("BEGIN")
        do {
            if try await holdsPlan(session) {
                guard replace else {
                    throw GridplanError(
                        .conflict, "the database already holds a gridplan plan; nothing was changed", source: .file(session.url.description),
                        hint: "add --replace to put this plan in its place (its tables are dropped; other tables stay)")
                }
                for name in tables.map(\.name).reversed() + ["grdb_migrations"] {
                    try await session.execute("DROP TABLE IF EXISTS \(PostGISSchema.quoted(name)) CASCADE")
                }
            }
            try await session.execute("CREATE TABLE grdb_migrations (identifier text NOT NULL PRIMARY KEY)")
            for step in steps {
                var bindings = PostgresBindings()
                bindings.append(step)
                try await session.execute("INSERT INTO grdb_migrations (identifier) VALUES ($1)", bindings)
            }
            for table in tables {
                try await session.execute(PostGISSchema.create(table, srid: srid, layout: layout))
                for sql in PostGISSchema.partitions(of: table, layout: layout) { try await session.execute(sql) }
            }
            for table in tables {
                let before = report.rows
                let view = shared.first { $0.table == table.name }?.view
                let rows = try await copyRows(of: table, through: view, from: snapshot, to: session, srid: srid) { progress(before + $0, total) }
                report.tables.append((table.name, rows))
            }
            for table in tables {
                for sql in PostGISSchema.finish(table, layout: layout) { try await session.execute(sql) }
            }
            try await session.execute("COMMIT")
        } catch {
            await session.abandon()
            throw error
        }
        return report
    }

    /// Whether the database has gridplan's tables.
    static func holdsPlan(_ session: PostgresSession) async throws -> Bool {
        var found = false
        try await session.rows("SELECT (to_regclass('grdb_migrations') IS NOT NULL)::text") { found = $0.first == "true" }
        return found
    }

    /// Streams one table's rows in `COPY` text format, in rowid order, a batch at a time. `view`:
    /// the rows are read through it, in the order of the table's integer key.
    private static func copyRows(
        of table: PlanTable, through view: String? = nil, from snapshot: StoreSnapshot, to session: PostgresSession, srid: Int32,
        progress: (Int) -> Void
    ) async throws -> Int {
        let kinds = table.columns.map(ValueText.Kind.init)
        let order = view == nil ? "rowid" : PostGISSchema.quoted(table.primaryKey.first ?? "fid")
        let select =
            "SELECT \(order), \(table.columns.map { PostGISSchema.quoted($0.name) }.joined(separator: ", ")) FROM \(PostGISSchema.quoted(view ?? table.name)) WHERE \(order) > ? ORDER BY \(order) LIMIT \(batch)"
        var total = 0
        try await session.copy(into: table.name, columns: table.columns.map(\.name)) { send in
            var last = Int64.min
            while true {
                let (text, count, lastRow) = try snapshot.read { db -> (String, Int, Int64) in
                    var text = "", count = 0, lastRow = last
                    let rows = try Row.fetchCursor(db, sql: select, arguments: [last])
                    while let row = try rows.next() {
                        lastRow = row[0]
                        for k in kinds.indices {
                            if k > 0 { text.append("\t") }
                            do {
                                try ValueText.appendCOPY(row[k + 1] as DatabaseValue, kind: kinds[k], srid: srid, to: &text)
                            } catch let error as GridplanError {
                                throw GridplanError(
                                    error.kind, error.message,
                                    source: ErrorSource(feature: "\(table.name) row \(lastRow)", field: table.columns[k].name))
                            }
                        }
                        text.append("\n")
                        count += 1
                    }
                    return (text, count, lastRow)
                }
                guard count > 0 else { break }
                try await send(text)
                total += count
                progress(total)
                last = lastRow
                if count < batch { break }
            }
        }
        return total
    }
}
