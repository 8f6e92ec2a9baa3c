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
    func rows(_ sql: String, _ arguments: [DatabaseValue]) throws -> [PlanRow]
}

/// The database behind a ``PlanReader``.
public enum SQLDialect: Sendable {
    /// SQLite, with the GeoPackage's R-tree tables.
    case sqlite
    /// PostgreSQL, with PostGIS (GiST indexes on the geometry columns).
    case postgresql
}

extension PlanReader {
    /// The first column of the first row, or nil when there is no row or it holds NULL.
    public func value<T: DatabaseValueConvertible>(_ sql: String, _ arguments: [DatabaseValue] = []) throws -> T? {
        guard let row = try rows(sql, arguments).first else { return nil }
        return row[0] as T?
    }
}

/// One row of a ``PlanReader``'s answer, read as GRDB reads its rows: by position or by name,
/// as any type that converts from a database value (a NULL read as non-optional, or a value of
/// another kind, stops the program, as with GRDB's rows: a plan's columns hold what its schema says).
public struct PlanRow: Sendable {
    public let names: [String]
    public let values: [DatabaseValue]

    public init(names: [String], values: [DatabaseValue]) {
        precondition(names.count == values.count)
        self.names = names
        self.values = values
    }

    public init(_ row: Row) {
        names = Array(row.columnNames)
        values = Array(row.databaseValues)
    }

    public var count: Int { values.count }

    @_disfavoredOverload
    public subscript<T: DatabaseValueConvertible>(_ index: Int) -> T {
        guard let value = T.fromDatabaseValue(values[index]) else {
            fatalError("column \(index) (\(names[index])) holds \(values[index]), not a \(T.self)")
        }
        return value
    }

    public subscript<T: DatabaseValueConvertible>(_ index: Int) -> T? {
        if values[index].isNull { return nil }
        let value: T = self[index]
        return value
    }

    @_disfavoredOverload
    public subscript<T: DatabaseValueConvertible>(_ name: String) -> T { self[position(of: name)] }
    public subscript<T: DatabaseValueConvertible>(_ name: String) -> T? { self[position(of: name)] as T? }

    private func position(of name: String) -> Int {
        guard let i = names.firstIndex(of: name) else { fatalError("no column \(name) among \(names)") }
        return i
    }
}

extension Database: PlanReader {
    public var dialect: SQLDialect { .sqlite }
    public func rows(_ sql: String, _ arguments: [DatabaseValue]) throws -> [PlanRow] {
        try Row.fetchAll(self, sql: sql, arguments: StatementArguments(arguments)).map(PlanRow.init)
    }
}

extension GeoPackage: PlanStore {
    public var location: String { path }
    public func reading<T>(_ body: (any PlanReader) throws -> T) throws -> T {
        try read { db in try body(db) }
    }
}
