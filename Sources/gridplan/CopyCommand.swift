import ArgumentParser
import Desk
import Foundation
import Geocoding
import GridErrors
import GridFormats
import GridStore
import PostGIS

struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole plan between a GeoPackage and a PostgreSQL + PostGIS database, either way.",
        discussion: """
            A plan is a GeoPackage file or a PostgreSQL address: postgresql://USER[:PASSWORD]@HOST:PORT/DB \
            (libpq's form; ?sslmode=require for TLS, ?host=/var/run/postgresql for a Unix socket) or \
            PG:"host=HOST port=PORT dbname=DB user=USER" (GDAL's). A password left out of the address is \
            taken from PGPASSWORD. Messages name the server without the password.

            Everything moves: grids and their history, plan versions and changes, people, duties, \
            departments, cases with their assignments, dispatches and transitions, the gazetteer, \
            findings and layer styles. On PostGIS the tables, columns and keys are the GeoPackage's, \
            geometry is geometry(…, 4490) with a GiST index where the file has an R-tree, and the \
            schema's steps are in grdb_migrations as in the file. PostGIS is created in the database \
            when it is not there (that needs a role allowed to create it).

            The source is read at one moment, whoever writes meanwhile. The target is written in one \
            transaction (PostGIS) or under a temporary name renamed into place at the end (GeoPackage): \
            an interrupted or failed copy leaves it as it was. A target that already holds a plan is \
            refused unless --replace.

            For a province's platform, --partition-by county splits cases and grids by county on the \
            server (PostgreSQL's declarative partitioning): a partition per county (cases_440802, \
            grids_440802, …) holds the rows whose street or grid code starts with that county's six \
            digits, and cases_other / grids_other the rest, so a county's rows, their indexes and the \
            questions by its street codes stay in its partitions. Every county the plan's current \
            street grids and cases name gets one; --counties adds those still to come. The columns and \
            answers are the same; the tables have no primary key or foreign keys pointing at them \
            (PostgreSQL's keys must hold the partition key), and case imports and intake on such a plan \
            take turns, batch by batch, so that a case id stays unique.

            Not carried to PostGIS: CHECK constraints, the GeoPackage's views (findings_areas, …), the generated \
            UTC companions of case times (reported_at_utc, …) and the internal search tables; the last are rebuilt \
            when the plan is copied back to a file, the others come back with the file's schema.

            Examples:
              gridplan copy --from plan.gpkg --to postgresql://gp@db:5432/district
              gridplan copy --from PG:"host=db dbname=district user=gp" --to plan.gpkg
              gridplan copy --from plan.gpkg --to postgresql://gp@db/province \\
                --partition-by county --counties 440803,440804
            """)

    @Option(help: "The plan to copy: a GeoPackage file or a PostgreSQL address.") var from: String
    @Option(help: "Where to copy it: a GeoPackage file or a PostgreSQL address.") var to: String
    @Flag(help: "Put the plan in place of the one the target already holds (its tables only; other tables stay).")
    var replace = false
    @Option(help: ArgumentHelp("Split cases and grids on a PostGIS target: a partition per county.", valueName: "county"))
    var partitionBy: Partitioning?
    @Option(
        help: ArgumentHelp(
            "With --partition-by county: more counties to give partitions (six-digit codes, comma-separated) besides those the plan names.",
            valueName: "codes"))
    var counties: String?
    @Flag(help: "Print the report as JSON (snake_case keys): each table with its rows, the total, and the target.") var json = false

    /// How a server's tables may be split.
    enum Partitioning: String, ExpressibleByArgument, CaseIterable {
        case county
    }

    func validate() throws {
        if partitionBy != nil, !PostgresURL.isServer(to) {
            throw ValidationError("--partition-by splits a PostGIS target's tables; --to names a GeoPackage")
        }
        if counties != nil, partitionBy == nil { throw ValidationError("--counties goes with --partition-by county") }
    }

    /// What `--json` prints; a GeoPackage copied to a file by SQLite's backup has no tables or rows counted.
    struct JSONReport: Encodable {
        struct Table: Encodable {
            let name: String
            let rows: Int
        }
        let tables: [Table]?
        let rows: Int?
        /// With --partition-by county: the counties given partitions of their own.
        let counties: [String]?
        let to: String
    }

    func run() async throws {
        try await reportingErrorsAsync {
            let report: PostGISCopy.Report? // nil: a file copied whole by SQLite's online backup
            switch (PostgresURL.isServer(from), PostgresURL.isServer(to)) {
            case (false, true): report = try await toServer()
            case (true, false): report = try await toFile()
            case (false, false): report = try fileToFile()
            case (true, true):
                throw GridplanError(
                    .unsupported, "copying from one PostgreSQL database to another is not gridplan's work", source: .file(PostgresURL.redact(to)),
                    hint: "use pg_dump and pg_restore, or copy through a GeoPackage")
            }
            if json {
                let tables = report?.tables.map { JSONReport.Table(name: $0.name, rows: $0.rows) }
                return try printReport(JSONReport(tables: tables, rows: report?.rows, counties: report?.counties, to: PostgresURL.redact(to)))
            }
            guard let report else { return say("copied the plan to \(to) (SQLite's online backup)") }
            for table in report.tables where table.rows > 0 { print(padded(table.name, to: 24) + "\(table.rows)") }
            say("copied \(report.rows) rows in \(report.tables.count) tables to \(PostgresURL.redact(to))")
            if let counties = report.counties {
                say("split by county: cases and grids have a partition for each of \(counties.joined(separator: ", ")) and one for the rest")
            }
        }
    }

    private func toServer() async throws -> PostGISCopy.Report {
        let plan = try GeoPackage.plan(path: from, create: false)
        let session = try await PostgresSession.open(try PostgresURL(parsing: to))
        // The server cut off in the middle of a COPY: report it and exit before PostgresNIO stops the process.
        PostgresSession.lostMidCopy = { error in
            FileHandle.standardError.write(Data("\n\(errorPrefix)\(errorLine(error))\n".utf8))
            Foundation.exit(exitStatus(error.kind))
        }
        do {
            let (line, progress) = Self.progressLine()
            let layout: ServerLayout =
                partitionBy == nil
                ? .plain : try .byCounty((counties ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let report = try await PostGISCopy.export(
                plan, to: session, replace: replace, layout: layout, shared: PlanSchema.shared, progress: progress)
            line.finish()
            try await session.close()
            return report
        } catch {
            await session.abandon()
            throw error
        }
    }

    private func toFile() async throws -> PostGISCopy.Report {
        try refuseExistingFile()
        let session = try await PostgresSession.open(try PostgresURL(parsing: from))
        // Written as `.gridplan-tmp-PID-NAME` and renamed at the end (one a kill leaves is removed by a later run).
        let output = try OutputFile(to)
        do {
            let report = try await restore(from: session, into: output.temporary)
            try await session.close()
            try output.commit()
            return report
        } catch {
            await session.abandon()
            for suffix in ["-wal", "-shm", "-journal"] { unlink(output.temporary + suffix) }
            output.discard()
            throw error
        }
    }

    /// Fills a new plan at `path` from the server; the plan is closed (its log folded in) when this returns.
    private func restore(from session: PostgresSession, into path: String) async throws -> PostGISCopy.Report {
        let plan = try GeoPackage.plan(path: path, create: true)
        let (line, progress) = Self.progressLine()
        let report = try await PostGISCopy.restore(
            from: session, into: plan, steps: PlanSchema.schema.migrations, shared: PlanSchema.shared, progress: progress)
        line.finish()
        try GazetteerImporter.rebuildSearchIndex(in: plan)
        return report
    }

    private func fileToFile() throws -> PostGISCopy.Report? {
        guard !FileIdentity.same(from, to) else {
            throw GridplanError(.badArgument, "--from and --to name the same file", source: .file(to))
        }
        try refuseExistingFile()
        let plan = try GeoPackage.plan(path: from, create: false)
        let output = try OutputFile(to)
        do {
            try plan.backup(to: output.temporary)
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
        return nil
    }

    /// A file target is replaced only when asked: it may be someone's plan.
    private func refuseExistingFile() throws {
        guard FileManager.default.fileExists(atPath: to), !replace else { return }
        throw GridplanError(.conflict, "the file exists; nothing was changed", source: .file(to), hint: "add --replace to write over it")
    }

    /// Rows copied, shown as every long job shows its progress.
    private static func progressLine() -> (ProgressLine, (Int, Int) -> Void) {
        let line = ProgressLine("rows copied")
        return (line, { line.update($0, total: $1) })
    }
}
