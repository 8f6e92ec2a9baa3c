import CSQLite
import Foundation
import GridErrors

/// What a path holds, looked at before gridplan opens it for writing, without changing anything:
/// SQLite opens it read-only and immutable, so not even `-wal` or `-shm` files appear beside it
/// (unless a `-wal` is already there, which must then be read).
/// A folder, a pipe or a device is refused before SQLite sees it (a pipe would block forever).
enum PlanFileProbe {
    enum Verdict: Equatable {
        case absent
        /// A new file: zero bytes, or an SQLite database with no tables and no other program's id.
        case empty
        /// A file gridplan made: its migration record starts with the schema's first step.
        case plan
        /// Someone else's file, with the reason it is taken as such.
        case foreign(String)
    }

    /// The GeoPackage application id ("GPKG"), which plans carry.
    static let geoPackageID: UInt32 = 0x4750_4B47

    static func examine(_ path: String, firstStep: String) throws -> Verdict {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return .absent }
            throw GridplanError(.failed, "cannot be looked at (\(String(cString: strerror(errno))))", source: .file(path))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw GridplanError(.badArgument, "\(path) is a folder, not a plan file", hint: "give the path of a .gpkg file")
        default: throw GridplanError(.badArgument, "\(path) is not a regular file (a pipe, device or socket)", hint: "give the path of a .gpkg file")
        }
        guard access(path, R_OK) == 0 else {
            throw GridplanError(.failed, "cannot be read (\(String(cString: strerror(errno))))", source: .file(path))
        }
        if info.st_size == 0 { return .empty }
        let header = try readHeader(path)
        guard header.count >= 100, header.starts(with: Array("SQLite format 3\0".utf8)) else {
            throw GridplanError(.conflict, "not a GeoPackage (not an SQLite file)", source: .file(path))
        }
        let applicationID = header[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        if applicationID != 0 && applicationID != geoPackageID {
            return .foreign(String(format: "an SQLite database of another application (application id 0x%08X)", applicationID))
        }
        return try withReadOnlyConnection(path) { db in
            let tables = try strings(db, "SELECT name FROM sqlite_master WHERE type = 'table'")
            if tables.isEmpty { return .empty }
            guard tables.contains("grdb_migrations") else {
                return .foreign("an SQLite or GeoPackage file made by another program")
            }
            let steps = try strings(db, "SELECT identifier FROM grdb_migrations")
            guard steps.contains(firstStep) else {
                return .foreign("another application's database: its migration record is not gridplan's")
            }
            return .plan
        }
    }

    private static func readHeader(_ path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw GridplanError(.failed, "cannot be opened for reading", source: .file(path))
        }
        defer { try? handle.close() }
        return Array((try handle.read(upToCount: 100)) ?? Data())
    }

    /// A URI that opens `path` read-only, and immutable (no lock, no journal, nothing written)
    /// unless a write-ahead log lies beside it: then the log holds committed pages the file alone
    /// lacks (a process killed before its checkpoint), and SQLite must read it to see them.
    private static func readOnlyURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let hasLog = FileManager.default.fileExists(atPath: path + "-wal")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + (hasLog ? "?mode=ro" : "?immutable=1")
    }

    private static func withReadOnlyConnection<T>(_ path: String, _ body: (OpaquePointer) throws -> T) throws -> T {
        var db: OpaquePointer?
        let status = sqlite3_open_v2(readOnlyURI(path), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil)
        defer { sqlite3_close_v2(db) }
        guard status == SQLITE_OK, let db else {
            throw GridplanError(
                .failed, "SQLite cannot open it (\(db.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(status)"))", source: .file(path))
        }
        return try body(db)
    }

    private static func strings(_ db: OpaquePointer, _ sql: String) throws -> [String] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw GridplanError(.failed, "cannot read the file's tables: \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        var result: [String] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { return result }
            guard step == SQLITE_ROW else { throw GridplanError(.failed, "cannot read the file's tables: \(String(cString: sqlite3_errmsg(db)))") }
            result.append(String(cString: sqlite3_column_text(statement, 0)))
        }
    }
}
