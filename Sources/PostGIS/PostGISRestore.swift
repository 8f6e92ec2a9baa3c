import Foundation
import GRDB
import GridErrors
import GridGeometry
public import GridStore

extension PostGISCopy {
    /// Copies the plan in the database of `session` into `plan`, a GeoPackage just made by this
    /// gridplan's schema (the caller writes it under a temporary name and renames it when this
    /// returns). The database is read in one read-only transaction: one moment of it, whoever
    /// writes meanwhile. The database's schema steps must be this gridplan's, `steps`: those it lacks
    /// are first taken where the plan lies when they can be (``ServerSteps``), as opening it does.
    /// `shared`: the columns the server keeps on each row and the file once for the rows that share
    /// them (``SharedColumns``).
    public static func restore(
        from session: PostgresSession, into plan: GeoPackage, steps schema: [SchemaMigration], shared: [SharedColumns] = [],
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> Report {
        guard try await holdsPlan(session) else {
            throw GridplanError(.notFound, "the database holds no gridplan plan (no grdb_migrations table)", source: .file(session.url.description))
        }
        try await ServerSteps.take(schema, session: session)
        var (tables, steps) = try plan.read { db in
            (try PlanTable.read(db), try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"))
        }
        // A plan copied by a release that left the import checkpoints behind has none to bring back.
        var present: Set<String> = []
        try await session.rows("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()") { present.insert($0[0] ?? "") }
        tables.removeAll { $0.name.hasPrefix("internal_") && !present.contains($0.name) }
        var report = Report()
        try await session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            var theirs: [String] = []
            try await session.rows("SELECT identifier FROM grdb_migrations") { theirs.append($0[0] ?? "") }
            guard Set(theirs) == Set(steps) else {
                let missing = steps.filter { !theirs.contains($0) }, unknown = theirs.filter { !steps.contains($0) }
                throw GridplanError(
                    .conflict,
                    "the database's plan has another schema (steps this gridplan has and it lacks: \(missing.joined(separator: ", ")); steps it has that this gridplan does not know: \(unknown.joined(separator: ", ")))",
                    source: .file(session.url.description), hint: "copy it with the gridplan version that wrote it")
            }
            var total = 0
            for table in tables {
                try await session.rows("SELECT count(*)::text FROM \(PostGISSchema.quoted(table.name))") { total += Int($0[0] ?? "") ?? 0 }
            }
            try await plan.fillingWithoutKeyChecks {
                // The schema's own rows (layer styles) give way to the database's.
                try plan.write { db in for t in tables { try db.execute(sql: "DELETE FROM \(PostGISSchema.quoted(t.name))") } }
                try await plan.loadingWithoutIndexes(tables.map(\.name)) {
                    for table in tables {
                        let before = report.rows
                        let rows = try await restoreRows(of: table, shared: shared.filter { $0.table == table.name }, from: session, into: plan) {
                            progress(before + $0, total)
                        }
                        report.tables.append((table.name, rows))
                    }
                }
            }
            try plan.write { db in
                for t in tables where t.geometryColumn != nil { try FeatureTables.refreshExtent(db, table: t.name) }
            }
            try await session.execute("COMMIT")
        } catch {
            await session.abandon()
            throw error
        }
        return report
    }

    /// One table's rows, read as text and written in batches with the GeoPackage's types. With
    /// `shared`, the server's rows hold the shared columns, and each row is written naming their
    /// rows in the file's stores.
    private static func restoreRows(
        of fileTable: PlanTable, shared: [SharedColumns], from session: PostgresSession, into plan: GeoPackage, progress: (Int) -> Void
    ) async throws -> Int {
        let q = PostGISSchema.quoted
        let table = fileTable.serverForm(shared)
        // The columns written as read, and where each set of shared ones is among those read.
        let sharedAt = shared.map { s in s.columns.map { c in table.columns.firstIndex { $0.name == c.name }! } }
        let keptAt = table.columns.indices.filter { k in !sharedAt.contains { $0.contains(k) } }
        let written = keptAt.map { table.columns[$0].name } + shared.map(\.key)
        let selected = table.columns.map { c -> String in
            switch (ValueText.Kind(c), PostGISSchema.type(of: c, srid: 0)) {
            case (.geometry, _): "encode(ST_AsBinary(\(q(c.name))), 'hex')"
            case (.bytes, _): "encode(\(q(c.name)), 'hex')"
            case (.boolean, _): "(\(q(c.name)))::int::text"
            case (_, "date"): "to_char(\(q(c.name)), 'YYYY-MM-DD')"
            default: "(\(q(c.name)))::text"
            }
        }
        let order = table.primaryKey.isEmpty ? "" : " ORDER BY \(table.primaryKey.map(q).joined(separator: ", "))"
        let insert =
            "INSERT INTO \(q(table.name)) (\(written.map(q).joined(separator: ", "))) VALUES (\(written.map { _ in "?" }.joined(separator: ", ")))"
        let context = GEOSContext()
        let conversions = table.columns.map(Conversion.init)
        var pending: [[DatabaseValue]] = []
        var total = 0
        func flush() throws {
            guard !pending.isEmpty else { return }
            try plan.write { db in
                let statement = try db.cachedStatement(sql: insert)
                let lookups = try shared.map { try SharedColumns.Lookup($0, in: db) }
                for values in pending {
                    guard !lookups.isEmpty else {
                        try statement.execute(arguments: StatementArguments(values))
                        continue
                    }
                    let keys = try zip(lookups, sharedAt).map { lookup, at in try lookup.id(at.map { values[$0] }).databaseValue }
                    try statement.execute(arguments: StatementArguments(keptAt.map { values[$0] } + keys))
                }
            }
            total += pending.count
            pending.removeAll(keepingCapacity: true)
            progress(total)
        }
        try await session.rows("SELECT \(selected.joined(separator: ", ")) FROM \(q(table.name))\(order)") { row in
            var values: [DatabaseValue] = []
            values.reserveCapacity(row.count)
            for (k, text) in row.enumerated() {
                values.append(
                    try value(text, as: conversions[k], context: context) {
                        ErrorSource(feature: "\(table.name) row \(total + pending.count + 1)", field: table.columns[k].name)
                    })
            }
            pending.append(values)
            if pending.count == batch { try flush() }
        }
        try flush()
        return total
    }

    /// How a column's text from PostgreSQL becomes the value the GeoPackage stores: decided once a table.
    enum Conversion {
        case geometry, bytes, boolean, integer, real, text
        init(_ column: PlanTable.Column) {
            switch (ValueText.Kind(column), PostGISSchema.type(of: column, srid: 0)) {
            case (.geometry, _): self = .geometry
            case (.bytes, _): self = .bytes
            case (.boolean, _): self = .boolean
            case (_, "bigint"): self = .integer
            case (_, "double precision"): self = .real
            default: self = .text
            }
        }
    }

    /// A value read as text from PostgreSQL, as the GeoPackage stores it. `place` names the row in an error.
    private static func value(_ text: String?, as conversion: Conversion, context: GEOSContext, place: () -> ErrorSource) throws -> DatabaseValue {
        guard let text else { return .null }
        func bad(_ what: String) -> GridplanError { GridplanError(.badInput, "\(what) in the database", source: place()) }
        switch conversion {
        case .geometry:
            guard let wkb = ValueText.bytes(hex: text) else { throw bad("a geometry that is not WKB") }
            let geometry = try Geometry(wkb: wkb, context: context)
            return try GeoPackageGeometry.encode(geometry, srsID: GeoPackage.storeSRSID).databaseValue
        case .bytes:
            guard let data = ValueText.bytes(hex: text) else { throw bad("bytes that are not hex") }
            return data.databaseValue
        case .boolean: return (Int64(text) ?? 0).databaseValue
        case .integer: return Int64(text)?.databaseValue ?? text.databaseValue
        case .real: return Double(text)?.databaseValue ?? text.databaseValue
        case .text: return text.databaseValue
        }
    }
}
