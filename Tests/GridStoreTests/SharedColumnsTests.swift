import GRDB
import Testing

@testable import GridStore

/// The lookup of values kept once for the rows that share them (a case's filing, its import run).
@Suite struct SharedColumnsTests {
    let shared = SharedColumns(
        table: "t", key: "k", store: "s", view: "v", columns: [.init("a", "TEXT"), .init("b", "INTEGER")], serverIndexes: [])

    func made() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { try $0.execute(sql: "CREATE TABLE s (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)") }
        return queue
    }

    /// Equal values, NULLs included (compared with IS, not =), name one row; others another; a later
    /// transaction's lookup finds the rows stored before.
    @Test func equalValuesShareOneRowNullsIncluded() throws {
        let queue = try made()
        let (first, ids) = try queue.write { db -> (Int64, [Int64]) in
            let lookup = try SharedColumns.Lookup(shared, in: db)
            let values: [[DatabaseValue]] = [
                ["U1".databaseValue, 1.databaseValue], [.null, .null], ["U1".databaseValue, 1.databaseValue], [.null, .null],
                ["U1".databaseValue, 2.databaseValue], [.null, 1.databaseValue],
            ]
            let ids = try values.map { try lookup.id($0) }
            return (ids[0], ids)
        }
        #expect(ids[0] == ids[2] && ids[1] == ids[3] && Set(ids).count == 4)
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM s") } == 4)
        let again = try queue.write { db in try SharedColumns.Lookup(shared, in: db).id(["U1".databaseValue, 1.databaseValue]) }
        #expect(again == first)
    }

    /// A lookup is made anew for each transaction: a row added by one that rolled back is gone,
    /// and the next transaction's lookup adds its values again rather than naming a missing row.
    @Test func aRolledBackRowIsNotNamedAfterwards() throws {
        let queue = try made()
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try queue.write { db in
                _ = try SharedColumns.Lookup(shared, in: db).id(["gone".databaseValue, .null])
                throw Stop()
            }
        }
        let id = try queue.write { db in
            _ = try SharedColumns.Lookup(shared, in: db).id(["other".databaseValue, .null])
            return try SharedColumns.Lookup(shared, in: db).id(["gone".databaseValue, .null])
        }
        #expect(try queue.read { try String.fetchOne($0, sql: "SELECT a FROM s WHERE id = ?", arguments: [id]) } == "gone")
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM s") } == 2)
    }
}
