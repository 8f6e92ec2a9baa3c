public import Foundation
public import GRDB
import GridErrors
public import GridGeometry

/// A plan's store that commands may change, as the modules that write see it: a GeoPackage, or
/// a plan on a PostgreSQL + PostGIS server. Writers written against ``PlanWriter`` run unchanged
/// on either, as the readers do (``PlanStore``).
public protocol WritablePlanStore: PlanStore {
    /// Runs `body` in one transaction: all it changes is kept, or nothing when it throws.
    ///
    /// Two processes may write one server's plan at once: a writer that reads rows in order to
    /// change them locks them (``PlanWriter/lockingRows``), and another writer's change waits
    /// for this one to end and then sees it.
    func writing<T>(_ body: (any PlanWriter) throws -> T) throws -> T
}

/// SQL that changes a plan's tables, inside a ``WritablePlanStore/writing(_:)`` transaction.
public protocol PlanWriter: PlanReader {
    /// Runs one statement that changes rows (INSERT, UPDATE, DELETE), `?` placeholders as the
    /// readers' SQL.
    func execute(_ sql: String, _ arguments: [DatabaseValue]) throws

    /// As ``execute(_:_:)``, through a statement the connection keeps prepared for the next call
    /// with the same SQL: for a statement run once a row of a large file (an import of 100,000
    /// grids spent most of its time preparing its INSERT again). Not for SQL that carries values
    /// in its text, which would keep a statement for each.
    func executeKept(_ sql: String, _ arguments: [DatabaseValue]) throws

    /// Adds many rows to `table` in one go: on a server one statement carrying them all (a batch
    /// of thousands of rows in the time of a few statements, where one INSERT each would wait
    /// for thousands of answers); on a file one prepared INSERT per row. For a bulk writer's
    /// staging table, filled and then read by set-based SQL, or a batch of new rows; a geometry
    /// goes as a GeoPackage blob in a column named `geom`.
    func append(into table: String, columns: [String], rows: [[DatabaseValue]]) throws
}

extension PlanWriter {
    /// The default: as ``execute(_:_:)``, the statement prepared again at each call.
    public func executeKept(_ sql: String, _ arguments: [DatabaseValue]) throws {
        try execute(sql, arguments)
    }

    /// What ends a SELECT whose rows this transaction is about to change: on a server, `FOR
    /// UPDATE` (a second dispatcher waits for this one, then reads the rows as it left them), or
    /// with `skippingLocked` `FOR UPDATE SKIP LOCKED` (it takes the rows no one holds and does
    /// not wait for the others). Nothing on a GeoPackage, whose writers take turns for the whole
    /// transaction.
    public func lockingRows(skippingLocked: Bool = false) -> String {
        switch dialect {
        case .sqlite: ""
        case .postgresql: skippingLocked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE"
        }
    }

    /// Makes every other writer that asks for the same `key` wait until this transaction ends, for
    /// a change that rests on rows not there yet (a grid's one primary: no row to lock), which
    /// ``lockingRows(skippingLocked:)`` cannot hold. On a server a transaction-scoped advisory lock;
    /// nothing on a GeoPackage, whose writers take turns.
    public func serialize(on key: String) throws {
        guard dialect == .postgresql else { return }
        try execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [key.databaseValue])
    }

    /// A geometry for a geometry column from a GeoPackage geometry blob: the blob itself on a
    /// file, its WKB read by PostGIS on a server; NULL for none.
    public func geometry(blob: Data?, context: GEOSContext) throws -> (sql: String, arguments: [DatabaseValue]) {
        guard let blob else { return ("NULL", []) }
        if dialect == .sqlite { return ("?", [blob.databaseValue]) }
        return try geometry(wkb: try GeoPackageGeometry.decode(blob, context: context).wkb, context: context)
    }

    /// Runs `body`, which fills `table` anew (a layer written whole, such as a plan diff's pieces),
    /// after deleting every row; on a file the layer's R-tree is built from the new rows at once
    /// (``FeatureTables/replacingAllRows(_:table:_:)``).
    public func replacingAllRows<T>(of table: String, _ body: () throws -> T) throws -> T {
        if let file = self as? Database { return try FeatureTables.replacingAllRows(file, table: table, body) }
        try execute("DELETE FROM \(table)", [])
        return try body()
    }

    /// Brings a GeoPackage layer's recorded extent up to date after a change (what QGIS zooms to);
    /// a server keeps none.
    public func refreshExtent(of table: String) throws {
        if let file = self as? Database { try FeatureTables.refreshExtent(file, table: table) }
    }

    /// Widens a GeoPackage layer's recorded extent to take in `envelope` (the features a change
    /// wrote), without reading the others: what a small import into a large layer needs (one case
    /// into 1 M: the whole extent read again took most of its 0.7 s). Never narrows it, as GDAL's
    /// own writes do not: the GeoPackage standard calls the extent informative, not exact.
    public func extendExtent(of table: String, toInclude envelope: Envelope) throws {
        guard let file = self as? Database else { return }
        try file.execute(
            sql: """
                UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?), ?), max_x = max(coalesce(max_x, ?), ?),
                  min_y = min(coalesce(min_y, ?), ?), max_y = max(coalesce(max_y, ?), ?),
                  last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                WHERE table_name = ?
                """,
            arguments: [
                envelope.minX, envelope.minX, envelope.maxX, envelope.maxX, envelope.minY, envelope.minY, envelope.maxY, envelope.maxY, table,
            ])
    }

    /// A point for a geometry column (CGCS2000 longitude and latitude) in this database's form,
    /// with its arguments: a GeoPackage geometry blob on a file, PostGIS's constructor on a server;
    /// NULL for no point.
    public func point(lon: Double?, lat: Double?) throws -> (sql: String, arguments: [DatabaseValue]) {
        guard let lon, let lat else { return ("NULL", []) }
        switch dialect {
        case .sqlite:
            return ("?", [try GeoPackageGeometry.encodePoint(x: lon, y: lat, srsID: GeoPackage.storeSRSID).databaseValue])
        case .postgresql:
            return ("ST_SetSRID(ST_MakePoint(?, ?), \(GeoPackage.storeSRSID))", [lon.databaseValue, lat.databaseValue])
        }
    }
}

extension PlanWriter {
    /// A geometry for a geometry column from its WKB (CGCS2000 longitude and latitude), in this
    /// database's form: a GeoPackage blob (with the envelope, from `context`) on a file, PostGIS's
    /// reader of WKB on a server; NULL for none.
    public func geometry(wkb: [UInt8]?, context: GEOSContext) throws -> (sql: String, arguments: [DatabaseValue]) {
        guard let wkb else { return ("NULL", []) }
        switch dialect {
        case .sqlite:
            let blob = try GeoPackageGeometry.encode(try Geometry(wkb: wkb, context: context), srsID: GeoPackage.storeSRSID)
            return ("?", [blob.databaseValue])
        case .postgresql:
            return ("ST_GeomFromWKB(?, \(GeoPackage.storeSRSID))", [Data(wkb).databaseValue])
        }
    }
}

extension Database: PlanWriter {
    public func execute(_ sql: String, _ arguments: [DatabaseValue]) throws {
        try execute(sql: sql, arguments: StatementArguments(arguments))
    }

    public func executeKept(_ sql: String, _ arguments: [DatabaseValue]) throws {
        try cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments))
    }

    public func append(into table: String, columns: [String], rows: [[DatabaseValue]]) throws {
        let insert = try makeStatement(
            sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))")
        // Bound through SQLite's own calls (`run(binding:)`): GRDB's arguments cost a province's
        // `plan diff` about a second of its 450,000 pieces' inserts. That call checks no count.
        for row in rows {
            guard row.count == columns.count else {
                throw GridplanError(.failed, "\(row.count) values for the \(columns.count) columns of \(table) (a bug in gridplan)")
            }
            try insert.run(binding: row)
        }
    }
}

extension GeoPackage: WritablePlanStore {
    public func writing<T>(_ body: (any PlanWriter) throws -> T) throws -> T {
        try write { db in try body(db) }
    }
}
