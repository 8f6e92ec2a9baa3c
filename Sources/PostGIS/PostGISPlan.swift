import Dispatch
import Foundation
import GRDB
import GridErrors
import GridGeometry
public import GridStore
import NIOCore
import PostgresNIO

/// A plan on a PostgreSQL + PostGIS server (as `gridplan copy` puts it there), read through the
/// same ``PlanReader`` SQL as a GeoPackage: each ``reading(_:)`` is one read-only transaction
/// that sees one snapshot (`REPEATABLE READ`), as GRDB's read of the file does; each
/// ``writing(_:)`` one read-write transaction, through the same SQL as the file's writers.
///
/// The readers are synchronous, the connection is not: each statement waits on the calling
/// thread for PostgresNIO's answer. Call it from a thread of its own (the command line's), never
/// from inside Swift concurrency's pool.
public final class PostGISPlan: WritablePlanStore {
    /// The connection; replaced by a new one when a transaction starts on a connection the
    /// server has cut (a restart): a long-running `serve` fails the requests in flight, not every
    /// later one. A command's transaction that meets the cut still fails, as it must.
    public private(set) var session: PostgresSession {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
    nonisolated(unsafe) private var current: PostgresSession
    /// The server's type number of PostGIS `geometry`, whose cells come back as EWKB.
    let geometryType: PostgresDataType
    /// One transaction at a time on the one connection; nested readings join the outer one.
    private let lock = NSRecursiveLock()
    nonisolated(unsafe) private var depth = 0
    /// Whether the outermost transaction open is a ``writing(_:)``.
    nonisolated(unsafe) private var outerWrites = false

    public var location: String { session.url.description }

    private init(session: PostgresSession, geometryType: PostgresDataType) {
        self.current = session
        self.geometryType = geometryType
    }

    /// Connects and checks that the database holds a plan with exactly `steps`, the schema
    /// steps of this release (a plan copied by another release has other columns); steps it
    /// lacks that can be taken on the server are taken there first (``ServerSteps``).
    public static func open(_ url: PostgresURL, steps: [SchemaMigration]) async throws -> PostGISPlan {
        let session = try await PostgresSession.open(url, creatingPostGIS: false)
        do {
            guard try await PostGISCopy.holdsPlan(session) else {
                throw GridplanError(
                    .notFound, "the database holds no gridplan plan (no grdb_migrations table)", source: .file(url.description),
                    hint: "put one there with `gridplan copy --from plan.gpkg --to \(url.description)`")
            }
            try await ServerSteps.take(steps, session: session)
            var oid: UInt32? = nil
            try await session.rows("SELECT oid::text FROM pg_type WHERE typname = 'geometry'") { oid = $0[0].flatMap { UInt32($0) } }
            guard let oid else { throw GridplanError(.unsupported, "the database has no PostGIS geometry type", source: .file(url.description)) }
            return PostGISPlan(session: session, geometryType: PostgresDataType(oid))
        } catch {
            try? await session.close()
            throw error
        }
    }

    /// ``open(_:steps:)`` for a caller outside Swift concurrency (a synchronous command), waiting on its thread.
    public static func openWaiting(_ url: PostgresURL, steps: [SchemaMigration]) throws -> PostGISPlan {
        try blocking { try await open(url, steps: steps) }
    }

    /// Closes the connection, waiting on this thread.
    public func closeWaiting() throws {
        let session = session
        try Self.blocking { try await session.close() }
    }

    public func reading<T>(_ body: (any PlanReader) throws -> T) throws -> T {
        try transaction(writing: false, "BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ") { try body(Statements(plan: self)) }
    }

    /// One read-write transaction at `READ COMMITTED`, PostgreSQL's own default: each statement
    /// sees what other writers committed before it, and rows a writer locks
    /// (``PlanWriter/lockingRows(skippingLocked:)``) are read as the last writer left them.
    public func writing<T>(_ body: (any PlanWriter) throws -> T) throws -> T {
        try transaction(writing: true, "BEGIN ISOLATION LEVEL READ COMMITTED") { try body(Statements(plan: self)) }
    }

    /// Runs `body` in the transaction `begin` opens, or in the one already open on this
    /// connection (a reading inside a writing joins it; a writing inside a reading is a bug).
    private func transaction<T>(writing: Bool, _ begin: String, _ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let outer = depth == 0
        if outer {
            if current.isClosed {
                let url = current.url
                current = try Self.blocking { try await PostgresSession.open(url, creatingPostGIS: false) }
            }
            let session = current // read here: the task below runs on another thread, outside this lock
            try Self.blocking { try await session.execute(begin) }
            outerWrites = writing
        } else if writing && !outerWrites {
            throw GridplanError(.failed, "a change was asked for inside a read-only transaction (a bug in gridplan)")
        }
        depth += 1
        defer { depth -= 1 }
        do {
            let value = try body()
            if outer {
                let session = current
                try Self.blocking { try await session.execute("COMMIT") }
            }
            return value
        } catch {
            if outer {
                let session = current
                try? Self.blocking { try await session.execute("ROLLBACK") }
            }
            throw error
        }
    }

    /// Runs `work` and waits for it on this thread (never one of Swift concurrency's).
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { outcome.result = .success(try await work()) } catch { outcome.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try outcome.result!.get()
    }

    /// Statements on the plan's connection, inside its open transaction (read-only or not: the
    /// server refuses a change in a read-only one).
    private struct Statements: PlanWriter {
        let plan: PostGISPlan
        var dialect: SQLDialect { .postgresql }

        func execute(_ sql: String, _ arguments: [DatabaseValue]) throws {
            let (session, text, bindings) = (
                plan.session, try PostGISPlan.numberedPlaceholders(sql, count: arguments.count), try Self.bindings(arguments)
            )
            try PostGISPlan.blocking { try await session.execute(text, bindings) }
        }

        /// One INSERT whose one parameter holds the rows (``ValueText``). Not `COPY`: PostgresNIO
        /// stops the process when the server goes away in the middle of one, and an import must
        /// survive a server restart with a message. A GeoPackage geometry blob in the column `geom`
        /// (every geometry column of a plan is named so) goes as the geometry.
        func append(into table: String, columns: [String], rows: [[DatabaseValue]]) throws {
            guard !rows.isEmpty else { return }
            let keys = columns.map(ValueText.key)
            let kinds = columns.map { $0 == "geom" ? ValueText.Kind.geometry : .bytes }
            var json = "["
            for (n, row) in rows.enumerated() {
                json.append(n == 0 ? "{" : ",{")
                for (k, value) in row.enumerated() {
                    if k > 0 { json.append(",") }
                    json.append(keys[k])
                    try ValueText.appendJSON(value, kind: kinds[k], srid: GeoPackage.storeSRSID, to: &json)
                }
                json.append("}")
            }
            json.append("]")
            var bindings = PostgresBindings()
            bindings.append(json)
            let (session, sql, frozen) = (plan.session, ValueText.insert(into: table, columns: columns), bindings)
            try PostGISPlan.blocking { try await session.execute(sql, frozen) }
        }

        static func bindings(_ arguments: [DatabaseValue]) throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: arguments.count)
            for value in arguments {
                if let literal = PostGISPlan.literal(value) { try bindings.append(Untyped(text: literal)) } else { bindings.appendNull() }
            }
            return bindings
        }

        func each(_ sql: String, _ arguments: [DatabaseValue], _ body: (PlanRow) throws -> Void) throws {
            try rows(sql, arguments).forEach(body)
        }

        /// All rows at once: the connection's answer arrives on another task and is handed over whole.
        func rows(_ sql: String, _ arguments: [DatabaseValue]) throws -> [PlanRow] {
            let text = try PostGISPlan.numberedPlaceholders(sql, count: arguments.count)
            let (session, geometry, frozen) = (plan.session, plan.geometryType, try Self.bindings(arguments))
            return try PostGISPlan.blocking {
                var rows: [PlanRow] = []
                let context = GEOSContext()
                try await session.eachRow(text, frozen) { row in
                    var names: [String] = [], values: [DatabaseValue] = []
                    for cell in row {
                        names.append(cell.columnName)
                        values.append(try PostGISPlan.value(of: cell, geometry: geometry, context: context))
                    }
                    rows.append(PlanRow(names: names, values: values))
                }
                return rows
            }
        }
    }

    /// `?` placeholders as PostgreSQL's `$1`, `$2`, …; a `?` in a quoted literal, a quoted name or
    /// a comment is left alone.
    static func numberedPlaceholders(_ sql: String, count: Int) throws -> String {
        var out = "", n = 0
        var quote: Character? = nil, comment = false
        var previous: Character = " "
        for c in sql {
            defer { previous = c }
            if comment {
                if c == "\n" { comment = false }
            } else if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "-", previous == "-" {
                comment = true
            } else if c == "?" {
                n += 1
                out += "$\(n)"
                continue
            }
            out.append(c)
        }
        guard n == count else {
            throw GridplanError(.failed, "a statement has \(n) placeholders and \(count) values (a bug in gridplan): \(sql)")
        }
        return out
    }

    private static func hex(_ bytes: Data) -> String {
        var text = "\\x"
        ValueText.hex(bytes, to: &text)
        return text
    }

    /// A value as text for a parameter of no stated type, which the server reads as the column it
    /// meets (a day for a `date` column, a number for a `bigint`), as it reads a quoted literal.
    static func literal(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: nil
        case .int64(let i): String(i)
        case .double(let d): ValueText.number(d)
        case .string(let s): s
        case .blob(let b): hex(b)
        }
    }

    /// A cell as the value SQLite would hold for the same column of the GeoPackage: integers,
    /// reals, text (days as `YYYY-MM-DD`), blobs, and geometries as GeoPackage blobs.
    static func value(of cell: PostgresCell, geometry: PostgresDataType, context: GEOSContext) throws -> DatabaseValue {
        guard var bytes = cell.bytes else { return .null }
        func unreadable() -> GridplanError {
            GridplanError(.unsupported, "column \(cell.columnName) has the type \(cell.dataType), which gridplan does not read")
        }
        if cell.dataType == geometry {
            let wkb: [UInt8]
            if cell.format == .binary {
                wkb = Array(bytes.readableBytesView)
            } else {
                guard let hex = bytes.readString(length: bytes.readableBytes), let decoded = ValueText.bytes(hex: hex) else { throw unreadable() }
                wkb = Array(decoded)
            }
            return try GeoPackageGeometry.encode(Geometry(wkb: wkb, context: context), srsID: GeoPackage.storeSRSID).databaseValue
        }
        switch cell.dataType {
        case .int2, .int4, .int8: return try cell.decode(Int64.self).databaseValue
        case .float4, .float8: return try cell.decode(Double.self).databaseValue
        case .numeric:
            let number = try cell.decode(Decimal.self)
            let double = NSDecimalNumber(decimal: number).doubleValue
            return double.rounded() == double && abs(double) < 9e15 ? Int64(double).databaseValue : double.databaseValue
        case .bool: return (try cell.decode(Bool.self) ? 1 : 0).databaseValue
        case .text, .varchar, .name, .bpchar: return try cell.decode(String.self).databaseValue
        case .bytea: return Data(bytes.readableBytesView).databaseValue
        case .date:
            if cell.format == .text { return try cell.decode(String.self).databaseValue }
            guard let days = bytes.readInteger(as: Int32.self) else { throw unreadable() }
            return day(daysSince2000: Int(days)).databaseValue
        default: throw unreadable()
        }
    }

    /// `YYYY-MM-DD` of a day counted from 2000-01-01, PostgreSQL's epoch for dates (proleptic Gregorian).
    static func day(daysSince2000: Int) -> String {
        // Howard Hinnant's days-from-civil, inverted: days since 1970-01-01 first.
        let z = daysSince2000 + 10_957 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}

/// A parameter sent as text with no type: the server infers it from where it stands.
private struct Untyped: PostgresThrowingDynamicTypeEncodable {
    let text: String
    var psqlType: PostgresDataType { .null }
    var psqlFormat: PostgresFormat { .text }
    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) throws {
        byteBuffer.writeString(text)
    }
}

/// The result of work done on another task, handed over under the semaphore.
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
