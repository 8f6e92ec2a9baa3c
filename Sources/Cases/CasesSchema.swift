package import GRDB
package import GridStore
import Grids

/// The Cases module's tables: cases with their assignment history and import checkpoints (v3,
/// v3.1), and the columns of a case's handling that dispatch and the life cycle set (part of v4).
package enum CasesSchema {
    package static let v3Cases = SchemaMigration("v3: cases, their assignment history, import checkpoints", migrate: v3)
    package static let v3_1Nearest = SchemaMigration("v3.1: cases outside every grid keep the nearest one", migrate: v3_1)

    /// The grids' schema and the case store.
    package static let schema = GridsSchema.schema.adding([v3Cases, v3_1Nearest])

    /// Incidents ("cases"): one point each (or none, until geocoded), with the grid at every
    /// level it was assigned to. Longitude and latitude are also kept as plain columns so exact
    /// spatial filters need not decode geometries.
    static func v3(_ db: Database) throws {
        try FeatureTables.create(
            db, table: "cases", geometryType: "POINT", srsID: GeoPackage.storeSRSID,
            columns: """
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
        try db.execute(
            sql: """
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
        try FeatureTables.registerAttributes(
            db, table: "case_assignments",
            description: "Every grid a case has been assigned to, under which plan version, until when")
    }

    /// A case outside every grid names the nearest grid beside its distance, as `assign` does.
    static func v3_1(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE cases ADD COLUMN nearest_code TEXT")
    }

    /// Who handles a case and since when its clock runs: written through ``CaseStore`` by the Duty
    /// module's dispatch and life cycle, run as part of its migration v4.
    package static func handlingColumns(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE cases ADD COLUMN handling_level INTEGER;
                ALTER TABLE cases ADD COLUMN handling_grid TEXT;
                ALTER TABLE cases ADD COLUMN handler TEXT;
                ALTER TABLE cases ADD COLUMN departments TEXT;
                ALTER TABLE cases ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE cases ADD COLUMN clock_from TEXT;
                ALTER TABLE cases ADD COLUMN satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5);
                """)
    }
}
