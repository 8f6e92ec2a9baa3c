import GRDB
public import GridStore

/// The Grids module's tables: plan versions and the grids of all four levels (v1), and the
/// layers `validate` and `plan diff` write (v2); history kept for edits made by other programs (v7,
/// OutsideEdits.swift), field domains (v8, FieldDomains.swift), QGIS styles (v9, LayerStyles.swift) and
/// DATE days (v10, v11, GridDates.swift).
/// Identifiers are those every shipped plan records.
public enum GridsSchema {
    public static let v1Grids = SchemaMigration("v1: GeoPackage core, plan versions, grids", migrate: v1)
    public static let v2Layers = SchemaMigration("v2: findings and plan changes layers", migrate: v2)

    /// The GeoPackage core and the grid hierarchy: what every other module's schema builds on.
    /// It leaves out the outside-edit triggers (v7), so that module tests can seed a plan with plain
    /// SQL as fixtures; every real plan has them (`PlanSchema`), and their tests add them (``withHistoryTriggers``).
    public static let schema = StoreSchema([v1Grids, v2Layers, v8Domains, v9Styles, v10Dates, v11Dates, v12Views])

    public static let v12Views = SchemaMigration("v12: findings and plan changes as layers of one geometry type", migrate: v12)

    /// Findings are points (a size out of range) and areas (gaps, overlaps), plan changes areas and
    /// sometimes slivers: QGIS opens such mixed layers without geometry, so each kind gets a layer
    /// of its own (see `FeatureTables.createTypedViews`).
    static func v12(_ db: Database) throws {
        try FeatureTables.createTypedViews(db, table: "findings", families: [.points, .lines, .areas], description: "validate's findings")
        // The findings' style (by severity) for each of their views, so QGIS draws them alike.
        for view in ["findings_points", "findings_lines", "findings_areas"] {
            try db.execute(
                sql: """
                    INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML,
                                              styleSLD, useAsDefault, description, owner)
                    SELECT f_table_catalog, f_table_schema, ?, f_geometry_column, 'gridplan ' || ?, styleQML, styleSLD, 1,
                           description, owner
                    FROM layer_styles WHERE f_table_name = 'findings' AND owner = 'gridplan'
                    """, arguments: [view, view])
        }
        try FeatureTables.createTypedViews(db, table: "plan_changes", families: [.areas, .lines], description: "What a plan change moves")
    }

    /// ``schema`` with the triggers that keep outside edits as history, as every plan file has them.
    public static let withHistoryTriggers = schema.adding([v7OutsideEdits])

    /// GeoPackage 1.3 core tables and the grid hierarchy.
    static func v1(_ db: Database) throws {
        try GeoPackageCore.create(db)

        try db.execute(
            sql: """
                CREATE TABLE plan_versions (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                  valid_from TEXT NOT NULL,
                  command TEXT NOT NULL,
                  note TEXT)
                """)
        try FeatureTables.registerAttributes(
            db, table: "plan_versions",
            description: "Every change to the grid plan: when, by which command, valid from which day")
        try FeatureTables.create(
            db, table: "grids", geometryType: "MULTIPOLYGON", srsID: GeoPackage.storeSRSID,
            columns: """
                code TEXT,
                name TEXT,
                level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
                kind TEXT NOT NULL DEFAULT 'comprehensive',
                parent_fid INTEGER REFERENCES grids(fid),
                parent_ref TEXT,
                households INTEGER,
                residents INTEGER,
                attributes TEXT,
                valid_from TEXT NOT NULL,
                valid_to TEXT,
                version_from INTEGER NOT NULL REFERENCES plan_versions(id),
                version_to INTEGER REFERENCES plan_versions(id),
                source TEXT
                """, description: "Grids of all four levels (1 street, 2 community, 3 area, 4 unit), with history")
        try db.execute(
            sql: """
                CREATE INDEX grids_current_level ON grids(level, valid_to);
                CREATE INDEX grids_code ON grids(code);
                CREATE INDEX grids_parent ON grids(parent_fid);
                """)
    }

    /// Layers a planner opens in QGIS next to the grids: what `validate` found, and what a
    /// `plan diff` moved.
    static func v2(_ db: Database) throws {
        try FeatureTables.create(
            db, table: "findings", geometryType: "GEOMETRY", srsID: GeoPackage.storeSRSID,
            columns: """
                kind TEXT NOT NULL,
                severity TEXT NOT NULL,
                level INTEGER,
                grids TEXT,
                message TEXT NOT NULL,
                measure REAL,
                unit TEXT,
                found_at TEXT NOT NULL
                """, description: "What the last `gridplan validate` found, each with its location")
        try FeatureTables.create(
            db, table: "plan_changes", geometryType: "GEOMETRY", srsID: GeoPackage.storeSRSID,
            columns: """
                change TEXT NOT NULL,
                level INTEGER NOT NULL,
                grid TEXT NOT NULL,
                other_grid TEXT,
                area_m2 REAL,
                households REAL,
                from_moment TEXT NOT NULL,
                to_moment TEXT NOT NULL
                """, description: "Pieces of territory the last `gridplan plan diff` found moved between grids")
    }
}
