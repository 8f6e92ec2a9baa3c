import GRDB

/// The store's schema, built by ordered migrations so that files written by any release open
/// in every later one. Never edit a migration that has shipped; add a new one.
public enum Schema {
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: GeoPackage core, plan versions, grids", migrate: v1)
        migrator.registerMigration("v2: findings and plan changes layers", migrate: v2)
        migrator.registerMigration("v3: cases, their assignment history, import checkpoints", migrate: v3)
        migrator.registerMigration("v3.1: cases outside every grid keep the nearest one", migrate: v3_1)
        migrator.registerMigration("v4: people, duties, departments, case life cycle", migrate: v4)
        migrator.registerMigration("v5: gazetteer", migrate: v5)
        migrator.registerMigration("v5.1: house-number ranges on gazetteer roads", migrate: v5_1)
        return migrator
    }

    /// GeoPackage 1.3 core tables and the grid hierarchy.
    static func v1(_ db: Database) throws {
        // "GPKG" as application id and 1.3.0 as user version mark the file as a GeoPackage 1.3.
        try db.execute(sql: "PRAGMA application_id = 1196444487")
        try db.execute(sql: "PRAGMA user_version = 10300")
        try db.execute(sql: """
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

        try db.execute(sql: """
            CREATE TABLE plan_versions (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
              valid_from TEXT NOT NULL,
              command TEXT NOT NULL,
              note TEXT)
            """)
        try FeatureTables.registerAttributes(db, table: "plan_versions",
                                             description: "Every change to the grid plan: when, by which command, valid from which day")
        try FeatureTables.create(db, table: "grids", geometryType: "MULTIPOLYGON", srsID: GeoPackage.storeSRSID, columns: """
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
        try db.execute(sql: """
            CREATE INDEX grids_current_level ON grids(level, valid_to);
            CREATE INDEX grids_code ON grids(code);
            CREATE INDEX grids_parent ON grids(parent_fid);
            """)
    }

    /// Layers a planner opens in QGIS next to the grids: what `validate` found, and what a
    /// `plan diff` moved.
    static func v2(_ db: Database) throws {
        try FeatureTables.create(db, table: "findings", geometryType: "GEOMETRY", srsID: GeoPackage.storeSRSID, columns: """
            kind TEXT NOT NULL,
            severity TEXT NOT NULL,
            level INTEGER,
            grids TEXT,
            message TEXT NOT NULL,
            measure REAL,
            unit TEXT,
            found_at TEXT NOT NULL
            """, description: "What the last `gridplan validate` found, each with its location")
        try FeatureTables.create(db, table: "plan_changes", geometryType: "GEOMETRY", srsID: GeoPackage.storeSRSID, columns: """
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

    /// Incidents ("cases"): one point each (or none, until geocoded), with the grid at every
    /// level it was assigned to. Longitude and latitude are also kept as plain columns so exact
    /// spatial filters need not decode geometries.
    static func v3(_ db: Database) throws {
        try FeatureTables.create(db, table: "cases", geometryType: "POINT", srsID: GeoPackage.storeSRSID, columns: """
            external_id TEXT NOT NULL UNIQUE,
            reported_at TEXT,
            channel TEXT,
            category TEXT,
            severity TEXT NOT NULL DEFAULT 'ordinary' CHECK (severity IN ('ordinary', 'important', 'major')),
            status TEXT NOT NULL DEFAULT 'reported',
            status_at TEXT,
            closed_at TEXT,
            address TEXT,
            lon REAL,
            lat REAL,
            source_crs TEXT,
            source_x REAL,
            source_y REAL,
            located_by TEXT NOT NULL DEFAULT 'none',
            location_quality REAL,
            assign_status TEXT NOT NULL DEFAULT 'no_location',
            distance_m REAL,
            unit_code TEXT,
            area_code TEXT,
            community_code TEXT,
            street_code TEXT,
            grid_fid INTEGER,
            plan_version INTEGER,
            attributes TEXT,
            imported_at TEXT NOT NULL
            """, description: "Incidents with their location and the grid at every level they were assigned to")
        try db.execute(sql: """
            CREATE INDEX cases_unit ON cases(unit_code);
            CREATE INDEX cases_area ON cases(area_code);
            CREATE INDEX cases_community ON cases(community_code);
            CREATE INDEX cases_street ON cases(street_code);
            CREATE INDEX cases_reported ON cases(reported_at);
            CREATE INDEX cases_status ON cases(status);
            CREATE INDEX cases_category ON cases(category);
            CREATE TABLE case_assignments (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              case_fid INTEGER NOT NULL REFERENCES cases(fid) ON DELETE CASCADE,
              assign_status TEXT NOT NULL,
              unit_code TEXT, area_code TEXT, community_code TEXT, street_code TEXT,
              plan_version INTEGER,
              assigned_at TEXT NOT NULL,
              ended_at TEXT);
            CREATE INDEX case_assignments_case ON case_assignments(case_fid);
            CREATE TABLE import_checkpoints (
              source TEXT PRIMARY KEY,
              rows_done INTEGER NOT NULL,
              complete INTEGER NOT NULL DEFAULT 0,
              rejects_path TEXT,
              rejects_bytes INTEGER NOT NULL DEFAULT 0,
              updated_at TEXT NOT NULL);
            """)
        try FeatureTables.registerAttributes(db, table: "case_assignments",
                                             description: "Every grid a case has been assigned to, under which plan version, until when")
    }

    /// A case outside every grid names the nearest grid beside its distance, as `assign` does.
    static func v3_1(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE cases ADD COLUMN nearest_code TEXT")
    }

    /// The roster and the case life cycle: people (a point layer of their bases), their duties in
    /// grids by code (codes outlive redraws, fids do not), departments and the categories they
    /// answer, every dispatch of a case with its reason, and every life-cycle transition.
    static func v4(_ db: Database) throws {
        try FeatureTables.create(db, table: "people", geometryType: "POINT", srsID: GeoPackage.storeSRSID, columns: """
            person_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            phone TEXT,
            role TEXT NOT NULL CHECK (role IN ('grid_chief', 'full_time_gridder', 'part_time_gridder', 'mobile_gridder',
              'community_police', 'legal_adviser', 'department_contact')),
            organisation TEXT,
            capacity_per_week REAL,
            active_from TEXT,
            active_to TEXT,
            lon REAL,
            lat REAL,
            updated_at TEXT NOT NULL
            """, description: "People on the roster (gridders, grid chiefs, police, advisers, department contacts) at their base")
        try db.execute(sql: """
            CREATE TABLE duties (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              person_id TEXT NOT NULL REFERENCES people(person_id),
              grid_code TEXT NOT NULL,
              level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
              role TEXT NOT NULL CHECK (role IN ('primary', 'backup', 'chief')),
              valid_from TEXT NOT NULL,
              valid_to TEXT,
              note TEXT,
              created_at TEXT NOT NULL,
              CHECK (valid_to IS NULL OR valid_to > valid_from));
            CREATE INDEX duties_grid ON duties(grid_code, valid_from);
            CREATE INDEX duties_person ON duties(person_id);
            CREATE TABLE departments (
              department_id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              phone TEXT,
              contact TEXT,
              categories TEXT NOT NULL DEFAULT '',
              updated_at TEXT NOT NULL);
            ALTER TABLE cases ADD COLUMN handling_level INTEGER;
            ALTER TABLE cases ADD COLUMN handling_grid TEXT;
            ALTER TABLE cases ADD COLUMN handler TEXT;
            ALTER TABLE cases ADD COLUMN departments TEXT;
            ALTER TABLE cases ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE cases ADD COLUMN clock_from TEXT;
            ALTER TABLE cases ADD COLUMN satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5);
            CREATE TABLE case_dispatches (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              case_fid INTEGER NOT NULL REFERENCES cases(fid) ON DELETE CASCADE,
              level INTEGER NOT NULL,
              grid_code TEXT,
              person_id TEXT,
              departments TEXT,
              reason TEXT NOT NULL,
              escalation INTEGER NOT NULL DEFAULT 0,
              dispatched_at TEXT NOT NULL);
            CREATE INDEX case_dispatches_case ON case_dispatches(case_fid);
            CREATE TABLE case_transitions (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              case_fid INTEGER NOT NULL REFERENCES cases(fid) ON DELETE CASCADE,
              from_state TEXT NOT NULL,
              to_state TEXT NOT NULL,
              at TEXT NOT NULL,
              actor TEXT NOT NULL,
              note TEXT);
            CREATE INDEX case_transitions_case ON case_transitions(case_fid);
            """)
        try FeatureTables.registerAttributes(db, table: "duties", description: "Who is responsible for which grid, in which role, from when to when")
        try FeatureTables.registerAttributes(db, table: "departments", description: "Departments summoned by category (whistle-and-report), with contacts")
        try FeatureTables.registerAttributes(db, table: "case_dispatches", description: "Every dispatch and escalation of a case: level, grid, person, departments and why")
        try FeatureTables.registerAttributes(db, table: "case_transitions", description: "Every life-cycle transition of a case, with time and actor")
    }

    /// The geocoding gazetteer: every named place (divisions, roads, house numbers, compounds and
    /// POIs, buildings) as one feature layer, with an exact-name index (`gazetteer_names`, every
    /// name, alias and suffix-free form as a key) and an FTS5 trigram index (rowid = fid; names
    /// and aliases) for fuzzy search. Places carry the codes of the divisions they lie in, so
    /// candidates can be constrained by the divisions an address names without any spatial query.
    static func v5(_ db: Database) throws {
        try FeatureTables.create(db, table: "gazetteer", geometryType: "GEOMETRY", srsID: GeoPackage.storeSRSID, columns: """
            kind TEXT NOT NULL CHECK (kind IN ('admin', 'road', 'address', 'poi', 'building')),
            level TEXT,
            code TEXT,
            name TEXT NOT NULL,
            aliases TEXT,
            parent_code TEXT,
            county_code TEXT,
            street_code TEXT,
            community_code TEXT,
            road TEXT,
            number_from INTEGER,
            number_to INTEGER,
            number_text TEXT,
            compound TEXT,
            building TEXT,
            generated INTEGER NOT NULL DEFAULT 0,
            source TEXT,
            imported_at TEXT NOT NULL
            """, description: "Named places for geocoding: divisions, roads, house numbers, compounds and POIs, buildings")
        try db.execute(sql: """
            CREATE INDEX gazetteer_kind_code ON gazetteer(kind, code);
            CREATE INDEX gazetteer_road_number ON gazetteer(road, number_from);
            CREATE INDEX gazetteer_compound_building ON gazetteer(compound, building);
            CREATE TABLE gazetteer_names (
              key TEXT NOT NULL,
              entry INTEGER NOT NULL REFERENCES gazetteer(fid) ON DELETE CASCADE,
              kind TEXT NOT NULL,
              PRIMARY KEY (key, entry)) WITHOUT ROWID;
            CREATE INDEX gazetteer_names_entry ON gazetteer_names(entry);
            CREATE VIRTUAL TABLE gazetteer_fts USING fts5(names, tokenize='trigram');
            """)
        try FeatureTables.registerAttributes(db, table: "gazetteer_names",
                                             description: "Exact-name index of the gazetteer: names, aliases and suffix-free forms")
    }

    /// House-number ranges of road lines (TIGER-style left/right, or one range with a parity):
    /// `number_from` at the line's first point, `number_to` at its last, numbers of the given
    /// parity in between spread evenly along the line. A road feature has any number of them.
    static func v5_1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE gazetteer_ranges (
              entry INTEGER NOT NULL REFERENCES gazetteer(fid) ON DELETE CASCADE,
              side TEXT CHECK (side IN ('left', 'right')),
              number_from INTEGER NOT NULL,
              number_to INTEGER NOT NULL,
              parity TEXT NOT NULL CHECK (parity IN ('odd', 'even', 'all')));
            CREATE INDEX gazetteer_ranges_entry ON gazetteer_ranges(entry);
            """)
        try FeatureTables.registerAttributes(db, table: "gazetteer_ranges",
                                             description: "House-number ranges along gazetteer roads: from the first point to the last, by side and parity")
    }
}
