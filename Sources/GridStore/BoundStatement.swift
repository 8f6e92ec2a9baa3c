import CSQLite
import Foundation
public import GRDB

extension Statement {
    /// Binds `values` by position through SQLite's own calls and runs the statement to its end.
    ///
    /// For the bulk paths (a case import runs its insert a million times): GRDB's
    /// `StatementArguments` boxes and converts every value on each call, which cost more than
    /// SQLite's insert itself. Only for statements that return no rows, inside a transaction the
    /// caller holds.
    public func run(binding values: [DatabaseValue]...) throws {
        try run { binding in
            for part in values {
                for value in part { try binding.bind(value) }
            }
        }
    }

    /// ``run(binding:)`` with the values handed to `bind` one after another in the order of the
    /// statement's placeholders, straight from where the caller keeps them (a case import binds
    /// 64 rows of 28 values a statement: gathering them into one array first cost its writer a
    /// copy of each).
    ///
    /// `nullsUnbound`: every placeholder is set to NULL first and the NULLs `bind` is given are
    /// skipped (a case's row has some ten empty columns of its twenty-odd: each bind costs about as
    /// much as SQLite's own work for the value).
    public func run(nullsUnbound: Bool = false, _ bind: (inout PlaceholderBinding) throws -> Void) throws {
        sqlite3_reset(sqliteStatement)
        if nullsUnbound { sqlite3_clear_bindings(sqliteStatement) }
        var binding = PlaceholderBinding(statement: self, skippingNulls: nullsUnbound)
        try bind(&binding)
        try stepToEnd()
    }

    /// ``run(binding:)`` for two integers, with no values to box: an R-tree bulk load writes one
    /// such row an entry.
    public func run(binding a: Int64, _ b: Int64) throws {
        let statement = sqliteStatement
        sqlite3_reset(statement)
        var code = sqlite3_bind_int64(statement, 1, a)
        if code == SQLITE_OK { code = sqlite3_bind_int64(statement, 2, b) }
        guard code == SQLITE_OK else { throw failure(code) }
        try stepToEnd()
    }

    /// ``run(binding:)`` for an integer and a blob read in place.
    public func run(binding a: Int64, blob: UnsafeRawBufferPointer) throws {
        let statement = sqliteStatement
        sqlite3_reset(statement)
        var code = sqlite3_bind_int64(statement, 1, a)
        if code == SQLITE_OK { code = sqlite3_bind_blob(statement, 2, blob.baseAddress, Int32(blob.count), Self.transient) }
        guard code == SQLITE_OK else { throw failure(code) }
        try stepToEnd()
    }

    private func stepToEnd() throws {
        let statement = sqliteStatement
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                sqlite3_reset(statement)
                throw failure(code)
            }
        }
        sqlite3_reset(statement)
    }

    fileprivate func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(sqliteStatement))), sql: sql)
    }

    /// SQLite copies the bytes of text and blobs before the call returns.
    fileprivate static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    fileprivate static func bind(_ value: DatabaseValue, to statement: SQLiteStatement, at index: Int32) -> Int32 {
        switch value.storage {
        case .null: return sqlite3_bind_null(statement, index)
        case .int64(let n): return sqlite3_bind_int64(statement, index, n)
        case .double(let d): return sqlite3_bind_double(statement, index, d)
        case .string(let s):
            func text(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(statement, index, "", 0, transient) }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text(statement, index, $0, Int32(bytes.count), transient)
                }
            }
            // A native string's bytes are read in place; another (bridged) is made native first.
            if let code = s.utf8.withContiguousStorageIfAvailable(text) { return code }
            var native = s
            return native.withUTF8(text)
        case .blob(let data):
            return data.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_zeroblob(statement, index, 0) }
                return sqlite3_bind_blob(statement, index, base, Int32(bytes.count), transient)
            }
        }
    }
}

/// The next placeholder of a statement run by ``GRDB/Statement/run(_:)``: each call binds one value
/// and moves on.
public struct PlaceholderBinding {
    let statement: Statement
    private var position: Int32 = 0
    /// The statement's placeholders are NULL already: a NULL is not bound again.
    private let skippingNulls: Bool

    init(statement: Statement, skippingNulls: Bool = false) {
        self.statement = statement
        self.skippingNulls = skippingNulls
    }

    public mutating func bind(_ value: DatabaseValue) throws {
        position += 1
        if skippingNulls && value.isNull { return }
        let code = Statement.bind(value, to: statement.sqliteStatement, at: position)
        guard code == SQLITE_OK else { throw statement.failure(code) }
    }

    /// Binds an integer, with no value to box.
    public mutating func bind(_ n: Int64) throws {
        position += 1
        let code = sqlite3_bind_int64(statement.sqliteStatement, position, n)
        guard code == SQLITE_OK else { throw statement.failure(code) }
    }
}
