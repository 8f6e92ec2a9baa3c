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
    }

    /// Rows read and sent per step: enough to keep the server busy, little enough to keep memory flat.
    static let batch = 5_000

    /// Copies the plan in `plan`, as it stands when the copy starts, into the database of `session`.
    /// A database that already holds a plan is refused unless `replace`, which drops that plan's
    /// tables (no other table) in the same transaction.
    public static func export(
        _ plan: GeoPackage, to session: PostgresSession, replace: Bool, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> Report {
        let snapshot = try plan.snapshot()
        let (tables, steps, total) = try snapshot.read { db in
            let tables = try PlanTable.read(db)
            let total = try tables.reduce(0) { $0 + (try Int.fetchOne(db, sql: "SELECT count(*) FROM \(PostGISSchema.quoted($1.name))") ?? 0) }
            return (tables, try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"), total)
        }
        let srid = GeoPackage.storeSRSID
        var report = Report()
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
            for table in tables { try await session.execute(PostGISSchema.create(table, srid: srid)) }
            for table in tables {
                let before = report.rows
                let rows = try await copyRows(of: table, from: snapshot, to: session, srid: srid) { progress(before + $0, total) }
                report.tables.append((table.name, rows))
            }
            for table in tables {
                for sql in PostGISSchema.finish(table) { try await session.execute(sql) }
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

    /// Streams one table's rows in `COPY` text format, in rowid order, a batch at a time.
    private static func copyRows(
        of table: PlanTable, from snapshot: StoreSnapshot, to session: PostgresSession, srid: Int32, progress: (Int) -> Void
    ) async throws -> Int {
        let kinds = table.columns.map(CopyText.Kind.init)
        let select =
            "SELECT rowid, \(table.columns.map { PostGISSchema.quoted($0.name) }.joined(separator: ", ")) FROM \(PostGISSchema.quoted(table.name)) WHERE rowid > ? ORDER BY rowid LIMIT \(batch)"
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
                                try CopyText.append(row[k + 1] as DatabaseValue, kind: kinds[k], srid: srid, to: &text)
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

/// PostgreSQL's `COPY` text format: tab between columns, `\N` for NULL, backslash escapes.
enum CopyText {
    enum Kind {
        case geometry, bytes, boolean, other
        init(_ column: PlanTable.Column) {
            if column.geometryType != nil {
                self = .geometry
            } else if column.declaredType.contains("BLOB") {
                self = .bytes
            } else if column.declaredType == "BOOLEAN" {
                self = .boolean
            } else {
                self = .other
            }
        }
    }

    static func append(_ value: DatabaseValue, kind: Kind, srid: Int32, to text: inout String) throws {
        switch value.storage {
        case .null:
            text.append("\\N")
        case .int64(let i):
            text.append(kind == .boolean ? (i == 0 ? "f" : "t") : String(i))
        case .double(let d):
            text.append(number(d))
        case .string(let s):
            escape(s, to: &text)
        case .blob(let data):
            switch kind {
            case .geometry:
                // PostGIS reads "SRID=n;" followed by hex WKB: the GeoPackage blob after its header.
                let header = try GeoPackageGeometry.header(data)
                text.append("SRID=\(srid);")
                hex(data.dropFirst(header.wkbOffset), to: &text)
            default:
                text.append("\\\\x")
                hex(data, to: &text)
            }
        }
    }

    /// A double as PostgreSQL reads `float8` text, infinities and NaN included.
    static func number(_ d: Double) -> String { d.isFinite ? "\(d)" : d.isNaN ? "NaN" : d > 0 ? "Infinity" : "-Infinity" }

    static func escape(_ s: String, to text: inout String) {
        guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
            text.append(s)
            return
        }
        for c in s.unicodeScalars {
            switch c {
            case "\\": text.append("\\\\")
            case "\t": text.append("\\t")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            default: text.unicodeScalars.append(c)
            }
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex<D: Collection>(_ bytes: D, to text: inout String) where D.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        text.append(String(decoding: out, as: UTF8.self))
    }

    /// Bytes from hex digits (as `encode(…, 'hex')` gives them); nil when `text` is not hex.
    static func bytes(hex text: String) -> Data? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var data = Data(capacity: utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = value(utf8[i]), let lo = value(utf8[i + 1]) else { return nil }
            data.append(hi << 4 | lo)
            i += 2
        }
        return data
    }
}
