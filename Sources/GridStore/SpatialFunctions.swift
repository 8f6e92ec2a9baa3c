import CSQLite
import Foundation
import GRDB
import GridGeometry

/// The SQL functions GeoPackage's R-tree triggers call: `ST_IsEmpty`, `ST_MinX`, `ST_MaxX`,
/// `ST_MinY`, `ST_MaxY`. They read the envelope from the geometry blob's header in place;
/// registered through SQLite's C API because they run five times for every row written.
enum SpatialFunctions {
    static func register(in db: Database) {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
        for (name, index) in [("ST_MinX", 0), ("ST_MaxX", 1), ("ST_MinY", 2), ("ST_MaxY", 3)] {
            // The envelope component to return travels as the user-data pointer (index + 1).
            sqlite3_create_function_v2(
                db.sqliteConnection, name, 1, flags, UnsafeMutableRawPointer(bitPattern: index + 1),
                { context, _, values in
                    guard let context, let values, let value = values[0] else { return }
                    let component = Int(bitPattern: sqlite3_user_data(context)) - 1
                    guard let e = SpatialFunctions.envelope(value) else { sqlite3_result_null(context); return }
                    let result: Double
                    switch component {
                    case 0: result = e.minX
                    case 1: result = e.maxX
                    case 2: result = e.minY
                    default: result = e.maxY
                    }
                    sqlite3_result_double(context, result)
                }, nil, nil, nil)
        }
        sqlite3_create_function_v2(
            db.sqliteConnection, "ST_IsEmpty", 1, flags, nil,
            { context, _, values in
                guard let context, let values, let value = values[0] else { return }
                guard sqlite3_value_type(value) == SQLITE_BLOB else { sqlite3_result_null(context); return }
                sqlite3_result_int(context, SpatialFunctions.envelope(value) == nil ? 1 : 0)
            }, nil, nil, nil)
    }

    /// The envelope of a GeoPackage blob, nil when empty or unreadable.
    static func envelope(_ value: OpaquePointer) -> Envelope? {
        guard sqlite3_value_type(value) == SQLITE_BLOB, let bytes = sqlite3_value_blob(value) else { return nil }
        let count = Int(sqlite3_value_bytes(value))
        return try? GeoPackageGeometry.envelope(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
