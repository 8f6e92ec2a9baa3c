public import GRDB

/// Columns whose values many rows of a table share, which a GeoPackage keeps once in an internal
/// table (`store`) that each row names by its `key` column, and a server keeps on the rows
/// themselves (its partitions by county are ranges of one of them): a case's filing (its grid at
/// every level) is the one in gridplan's schema. A copy between the two changes the table's form
/// (see `PostGISCopy`); `view` gives the GeoPackage's rows with the columns, as the server has them.
public struct SharedColumns: Sendable {
    public struct Column: Sendable {
        public let name: String, declaredType: String
        public init(_ name: String, _ declaredType: String) { self.name = name; self.declaredType = declaredType }
    }

    public let table: String, key: String, store: String, view: String
    public let columns: [Column]
    /// The indexes a server keeps on the columns, (name, column), where the GeoPackage has its index on `key`.
    public let serverIndexes: [(name: String, column: String)]

    public init(table: String, key: String, store: String, view: String, columns: [Column], serverIndexes: [(name: String, column: String)]) {
        self.table = table; self.key = key; self.store = store; self.view = view
        self.columns = columns; self.serverIndexes = serverIndexes
    }

    /// The ids in `store` of one transaction's values: each set looked up once, and added when new.
    /// Made anew for each transaction, so that no id outlives a rollback that took its row away.
    public final class Lookup {
        private let db: Database, find: Statement, add: Statement
        private var ids: [[DatabaseValue]: Int64] = [:]
        private var last: (values: [DatabaseValue], id: Int64)?

        public init(_ shared: SharedColumns, in db: Database) throws {
            self.db = db
            let names = shared.columns.map(\.name)
            find = try db.cachedStatement(sql: "SELECT id FROM \(shared.store) WHERE \(names.map { "\($0) IS ?" }.joined(separator: " AND "))")
            add = try db.cachedStatement(
                sql: "INSERT INTO \(shared.store) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))")
            // The store's rows are few (a plan's grids, once a plan version) and most are asked for
            // again: they are read at once, not each by a search of the whole table.
            for row in try Row.fetchAll(db, sql: "SELECT id, \(names.joined(separator: ", ")) FROM \(shared.store)") {
                ids[names.map { row[$0] as DatabaseValue }] = row["id"]
            }
        }

        /// The id of the row of `store` with these values (in the order of ``SharedColumns/columns``).
        /// Neighbouring rows (an import's batch is in spatial order) mostly share one: that is
        /// compared first, without hashing.
        public func id(_ values: [DatabaseValue]) throws -> Int64 {
            if let last, last.values == values { return last.id }
            let id: Int64
            if let known = ids[values] {
                id = known
            } else if let found = try Int64.fetchOne(find, arguments: StatementArguments(values)) {
                id = found
            } else {
                try add.execute(arguments: StatementArguments(values))
                id = db.lastInsertedRowID
            }
            ids[values] = id
            last = (values, id)
            return id
        }
    }
}
