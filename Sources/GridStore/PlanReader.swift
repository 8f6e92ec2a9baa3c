public import Foundation
public import GRDB

/// Where a plan is kept, as the modules that only read it see it: a GeoPackage file or a
/// PostgreSQL + PostGIS server holding the same tables (the `PostGIS` module). Readers written
/// against ``PlanReader`` run unchanged on either, so their SQL stays with the module that owns
/// the tables and no command knows which database answers.
public protocol PlanStore: Sendable {
    /// The plan for messages: a file's path, or a server's URL without its password.
    var location: String { get }
    /// Runs `body` on one consistent snapshot of the plan (a read transaction).
    func reading<T>(_ body: (any PlanReader) throws -> T) throws -> T
}

/// Read-only SQL on a plan's tables: the SQL both databases understand (standard SQL, `?`
/// placeholders, geometry columns read whole), each row as a ``PlanRow``. A geometry column
/// comes back as a GeoPackage geometry blob whichever database holds it.
public protocol PlanReader {
    /// Which SQL the database speaks beyond the standard: for the few questions that need its own
    /// (the GeoPackage's R-tree tables against PostGIS's `&&`, date arithmetic, pattern matching).
    var dialect: SQLDialect { get }
    /// Calls `body` with each row; the row is valid only during the call (a GeoPackage hands out
    /// one reused row, uncopied: what a query of many rows needs).
    func each(_ sql: String, _ arguments: [DatabaseValue], _ body: (PlanRow) throws -> Void) throws
    /// As ``each(_:_:_:)``, through a statement the connection keeps prepared for the next call
    /// with the same SQL (a question asked many times, such as a growing search box). Not for SQL
    /// that `body` may run again inside: a kept statement runs once at a time.
    func eachKept(_ sql: String, _ arguments: [DatabaseValue], _ body: (PlanRow) throws -> Void) throws
}

/// The database behind a ``PlanReader``.
public enum SQLDialect: Sendable {
    /// SQLite, with the GeoPackage's R-tree tables.
    case sqlite
    /// PostgreSQL, with PostGIS (GiST indexes on the geometry columns).
    case postgresql
}

extension PlanReader {
    /// The default: as ``each(_:_:_:)``, the statement prepared again at each call.
    public func eachKept(_ sql: String, _ arguments: [DatabaseValue], _ body: (PlanRow) throws -> Void) throws {
        try each(sql, arguments, body)
    }

    /// Every row, each kept.
    public func rows(_ sql: String, _ arguments: [DatabaseValue]) throws -> [PlanRow] {
        var rows: [PlanRow] = []
        try each(sql, arguments) { rows.append($0.copy()) }
        return rows
    }

    /// As ``rows(_:_:)``, through a statement kept prepared (``eachKept(_:_:_:)``): for a question
    /// asked once a case of a batch (preparing it again, with GRDB's authorizer, cost a dispatch
    /// more than its answer). Not for SQL that carries values in its text.
    public func rowsKept(_ sql: String, _ arguments: [DatabaseValue]) throws -> [PlanRow] {
        var rows: [PlanRow] = []
        try eachKept(sql, arguments) { rows.append($0.copy()) }
        return rows
    }

    /// Whether the plan has a table of this name (a plan made before the table's schema step has none).
    public func hasTable(_ name: String) throws -> Bool {
        switch dialect {
        case .sqlite: try value("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name.databaseValue]) as Int? != nil
        case .postgresql: try value("SELECT 1 WHERE to_regclass(?) IS NOT NULL", [name.databaseValue]) as Int? != nil
        }
    }

    /// Whether `table` is split into partitions (a server's plan laid out by county); never on a GeoPackage.
    public func isPartitioned(_ table: String) throws -> Bool {
        guard dialect == .postgresql else { return false }
        return try value("SELECT 1 FROM pg_class WHERE oid = to_regclass(?) AND relkind = 'p'", [table.databaseValue]) as Int? != nil
    }

    /// The first column of the first row, or nil when there is no row or it holds NULL.
    public func value<T: DatabaseValueConvertible>(_ sql: String, _ arguments: [DatabaseValue] = []) throws -> T? {
        guard let row = try rows(sql, arguments).first else { return nil }
        return row[0] as T?
    }
}

/// One row of a ``PlanReader``'s answer, read as GRDB reads its rows: by position or by name,
/// as any type that converts from a database value (a NULL read as non-optional, or a value of
/// another kind, stops the program, as with GRDB's rows: a plan's columns hold what its schema says).
///
/// A GeoPackage's row is GRDB's own, read with GRDB's decoding; a server's row holds its values.
/// Sendable once copied (``PlanReader/rows(_:_:)`` copies): a row handed to ``PlanReader/each(_:_:_:)``
/// stays on its thread.
public struct PlanRow: @unchecked Sendable {
    @usableFromInline enum Storage {
        case grdb(Row)
        case values(names: [String], values: [DatabaseValue])
    }
    @usableFromInline let storage: Storage

    public init(names: [String], values: [DatabaseValue]) {
        precondition(names.count == values.count)
        storage = .values(names: names, values: values)
    }

    public init(_ row: Row) { storage = .grdb(row) }

    /// A row that outlives the cursor it came from.
    func copy() -> PlanRow {
        if case .grdb(let row) = storage { return PlanRow(row.copy()) }
        return self
    }

    public var count: Int {
        switch storage {
        case .grdb(let row): row.count
        case .values(_, let values): values.count
        }
    }

    // Inlinable, so that a reader in another module gets GRDB's decoding specialised for its types.
    @inlinable @_disfavoredOverload
    public subscript<T: DatabaseValueConvertible>(_ index: Int) -> T {
        switch storage {
        case .grdb(let row): return row[index]
        case .values(let names, let values): return Self.decoded(values, names, index)
        }
    }

    @inlinable
    public subscript<T: DatabaseValueConvertible>(_ index: Int) -> T? {
        switch storage {
        case .grdb(let row): return row[index] as T?
        case .values(let names, let values): return values[index].isNull ? nil : Self.decoded(values, names, index) as T
        }
    }

    @inlinable @_disfavoredOverload
    public subscript<T: DatabaseValueConvertible>(_ name: String) -> T {
        switch storage {
        case .grdb(let row): return row[name]
        case .values: return self[position(of: name)]
        }
    }

    @inlinable
    public subscript<T: DatabaseValueConvertible>(_ name: String) -> T? {
        switch storage {
        case .grdb(let row): return row[name] as T?
        case .values: return self[position(of: name)] as T?
        }
    }

    // The same for the types SQLite reads straight from a column (integers, reals, text): GRDB's
    // faster overloads, with no database value made on the way.
    @inlinable @_disfavoredOverload
    public subscript<T: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) -> T {
        switch storage {
        case .grdb(let row): return row[index]
        case .values(let names, let values): return Self.decoded(values, names, index)
        }
    }

    @inlinable
    public subscript<T: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) -> T? {
        switch storage {
        case .grdb(let row): return row[index] as T?
        case .values(let names, let values): return values[index].isNull ? nil : Self.decoded(values, names, index) as T
        }
    }

    @inlinable static func decoded<T: DatabaseValueConvertible>(_ values: [DatabaseValue], _ names: [String], _ index: Int) -> T {
        guard let value = T.fromDatabaseValue(values[index]) else {
            fatalError("column \(index) (\(names[index])) holds \(values[index]), not a \(T.self)")
        }
        return value
    }

    @usableFromInline func position(of name: String) -> Int {
        guard case .values(let names, _) = storage, let i = names.firstIndex(of: name) else { fatalError("no column \(name)") }
        return i
    }
}

extension Database: PlanReader {
    public var dialect: SQLDialect { .sqlite }

    public func each(_ sql: String, _ arguments: [DatabaseValue], _ body: (PlanRow) throws -> Void) throws {
        let cursor = try Row.fetchCursor(self, sql: sql, arguments: StatementArguments(arguments))
        while let row = try cursor.next() { try body(PlanRow(row)) }
    }

    public func eachKept(_ sql: String, _ arguments: [DatabaseValue], _ body: (PlanRow) throws -> Void) throws {
        let cursor = try Row.fetchCursor(try cachedStatement(sql: sql), arguments: StatementArguments(arguments))
        while let row = try cursor.next() { try body(PlanRow(row)) }
    }
}

extension GeoPackage: PlanStore {
    public var location: String { path }
    public func reading<T>(_ body: (any PlanReader) throws -> T) throws -> T {
        try read { db in try body(db) }
    }
}
