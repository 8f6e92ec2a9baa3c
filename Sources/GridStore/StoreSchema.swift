public import GRDB

/// One step of a plan file's schema. The identifier is what the file records once the step ran,
/// so a shipped step is never edited or renamed: add a new one.
public struct SchemaMigration: Sendable {
    public let identifier: String
    public let migrate: @Sendable (Database) throws -> Void
    /// The same step for a plan on a PostgreSQL server, as statements PostgreSQL runs where the
    /// plan lies; nil when the step cannot be taken there (it rewrites rows in SQLite's terms, or
    /// makes tables): such a plan is copied again instead. A step that only changes indexes can.
    public let onServer: [String]?

    public init(_ identifier: String, onServer: [String]? = nil, migrate: @escaping @Sendable (Database) throws -> Void) {
        self.identifier = identifier
        self.onServer = onServer
        self.migrate = migrate
    }
}

/// The ordered steps a store is opened with. Each module that owns tables adds its own steps to
/// the schema of the modules it builds on (``adding(_:)``); the whole plan is assembled in one
/// place, `PlanSchema` in the Desk module, which the command line and the server open.
public struct StoreSchema: Sendable {
    public let migrations: [SchemaMigration]

    public init(_ migrations: [SchemaMigration]) { self.migrations = migrations }

    /// This schema followed by `more`.
    public func adding(_ more: [SchemaMigration]) -> StoreSchema { StoreSchema(migrations + more) }

    var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for step in migrations {
            migrator.registerMigration(step.identifier) { db in
                SchemaUpgrade.stepBegins(db, step.identifier)
                try step.migrate(db)
            }
        }
        return migrator
    }
}

/// The GeoPackage 1.3 core every plan starts with (the first part of migration v1).
public enum GeoPackageCore {
    /// Creates the core tables, marks the file as a GeoPackage 1.3 and registers the store's CRSs.
    public static func create(_ db: Database) throws {
        // "GPKG" as application id and 1.3.0 as user version mark the file as a GeoPackage 1.3.
        try db.execute(sql: "PRAGMA application_id = 1196444487")
        try db.execute(sql: "PRAGMA user_version = 10300")
        try db.execute(
            sql: """
                CREATE TABLE gpkg_spatial_ref_sys (
                  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
                  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
                  definition TEXT NOT NULL, description TEXT);
                CREATE TABLE gpkg_contents (
                  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
                  description TEXT DEFAULT '',
                  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
                  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
                CREATE TABLE gpkg_geometry_columns (
                  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
                  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
                  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
                  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
                  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
                CREATE TABLE gpkg_extensions (
                  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
                  definition TEXT NOT NULL, scope TEXT NOT NULL,
                  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
                CREATE TABLE gpkg_tile_matrix_set (
                  table_name TEXT NOT NULL PRIMARY KEY, srs_id INTEGER NOT NULL,
                  min_x DOUBLE NOT NULL, min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL);
                CREATE TABLE gpkg_tile_matrix (
                  table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL, matrix_width INTEGER NOT NULL,
                  matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL, tile_height INTEGER NOT NULL,
                  pixel_x_size DOUBLE NOT NULL, pixel_y_size DOUBLE NOT NULL,
                  CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level));
                INSERT INTO gpkg_spatial_ref_sys VALUES
                  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
                  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
                """)
        try FeatureTables.registerSRS(db, epsg: 4326, name: "WGS 84 geodetic")
        try FeatureTables.registerSRS(db, epsg: Int(GeoPackage.storeSRSID))
    }
}
