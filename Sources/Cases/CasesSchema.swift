package import GRDB
package import GridStore
import Grids

/// The Cases module's tables: cases with their assignment history and import checkpoints (v3,
/// v3.1), and the columns of a case's handling that dispatch and the life cycle set (part of v4).
package enum CasesSchema {
    package static let v3Cases = SchemaMigration("v3: cases, their assignment history, import checkpoints", migrate: v3)
    package static let v3_1Nearest = SchemaMigration("v3.1: cases outside every grid keep the nearest one", migrate: v3_1)
    package static let v8_1Domains = SchemaMigration("v8.1: field domains for case status and severity", migrate: v8_1)
    package static let v9_1Styles = SchemaMigration("v9.1: default QGIS style for cases (layer_styles)", migrate: v9_1)

    /// The grids' schema and the case store.
    package static let v13_1Internal = SchemaMigration("v13.1: import checkpoints named as internal", migrate: v13_1)

    package static let v14_1Moments = SchemaMigration("v14.1: case moments also as UTC DATETIME columns", migrate: v14_1)

    package static let v15_1CurrentFiling = SchemaMigration(
        "v15.1: a case keeps when its filing began; case_assignments keeps only the earlier filings", migrate: v15_1)

    package static let v16_1SparseRows = SchemaMigration(
        "v16.1: a case's status time, filing time and given coordinates stored only when they differ", migrate: v16_1)

    /// On a server only the index changes: `copy` leaves out the descriptions (`gpkg_data_columns`),
    /// and rows stored there keep their source CRS as a file's do.
    package static let v16_2OpenStatus = SchemaMigration(
        "v16.2: the status index holds the open cases; a case's source CRS stored only when it is not the plan's",
        onServer: ["DROP INDEX IF EXISTS cases_status", CaseIndexes.openStatus.sql], migrate: v16_2)

    /// On a server the rows keep their codes (its partitions by county are ranges of
    /// `street_code`): nothing changes there.
    package static let v17Filings = SchemaMigration(
        "v17: the grids a case is filed under and the moment of its import are stored once for all the cases that share them",
        onServer: [], migrate: v17)

    package static let schema = GridsSchema.schema.adding([
        v3Cases, v3_1Nearest, v8_1Domains, v9_1Styles, v13_1Internal, v14_1Moments, v15_1CurrentFiling, v16_1SparseRows,
        v16_2OpenStatus, v17Filings,
    ])

    /// A case's codes at every level, the grid row it fell in and the plan version move from its
    /// row to `internal_case_filings`, one row for all the cases that share them (``CaseFilings``),
    /// and the moment of the import that wrote it to `internal_case_imports`, one row a run; the
    /// four indexes by code give way to one by filing, and the view `cases_with_grids` shows each
    /// case with its codes and import moment, for gridplan's queries and for QGIS. Every case is
    /// rewritten (in parts of fids, each reported), then SQLite rewrites the table once for each
    /// column dropped.
    static func v17(_ db: Database) throws {
        let filing = CaseFilings.columns
        try db.execute(
            sql: """
                CREATE TABLE internal_case_filings (
                  id INTEGER PRIMARY KEY, unit_code TEXT, area_code TEXT, community_code TEXT, street_code TEXT,
                  grid_fid INTEGER, plan_version INTEGER);
                CREATE INDEX internal_case_filings_grid ON internal_case_filings(grid_fid, plan_version);
                INSERT INTO internal_case_filings (\(filing.joined(separator: ", ")))
                  SELECT DISTINCT \(filing.joined(separator: ", ")) FROM cases;
                CREATE TABLE internal_case_imports (id INTEGER PRIMARY KEY, imported_at TEXT);
                CREATE INDEX internal_case_imports_moment ON internal_case_imports(imported_at);
                INSERT INTO internal_case_imports (imported_at) SELECT DISTINCT imported_at FROM cases ORDER BY 1;
                """)
        try CaseIndexes.setAsideMoments(db)
        try db.execute(sql: "ALTER TABLE cases ADD COLUMN filing INTEGER")
        try db.execute(sql: "ALTER TABLE cases ADD COLUMN import_run INTEGER")
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM cases") ?? 0
        let last = try Int64.fetchOne(db, sql: "SELECT max(fid) FROM cases") ?? 0
        let fill = try db.makeStatement(
            sql: """
                UPDATE cases SET filing = (SELECT f.id FROM internal_case_filings f
                  WHERE \(filing.map { "f.\($0) IS cases.\($0)" }.joined(separator: " AND "))),
                  import_run = (SELECT r.id FROM internal_case_imports r WHERE r.imported_at IS cases.imported_at)
                WHERE fid > ? AND fid <= ?
                """)
        // The progress counts every rewrite of a row: the fill's, then one whole pass for each
        // column dropped (SQLite drops one a statement: 2 s each among 1 M cases).
        let dropped = filing + ["imported_at"]
        let work = total * (1 + dropped.count)
        var done = 0
        for after in stride(from: Int64(0), to: last, by: 100_000) {
            try fill.execute(arguments: [after, after + 100_000])
            done += db.changesCount
            SchemaUpgrade.rows(db, done, of: work)
        }
        for name in ["cases_unit", "cases_area", "cases_community", "cases_street"] { try db.execute(sql: "DROP INDEX IF EXISTS \(name)") }
        for column in dropped {
            try db.execute(sql: "ALTER TABLE cases DROP COLUMN \(column)")
            done += total
            SchemaUpgrade.rows(db, done, of: work)
            try db.execute(sql: "DELETE FROM gpkg_data_columns WHERE table_name = 'cases' AND column_name = ?", arguments: [column])
        }
        if try db.indexes(on: "cases").contains(where: { $0.name == "cases_reported" }) {
            try db.sortingOnEveryCore { try db.execute(sql: CaseIndexes.byFiling.sql) }
        }
        try CaseIndexes.restoreMoments(db)
        try db.execute(sql: CaseFilings.viewSQL)
        try FeatureTables.registerFeatures(
            db, table: CaseFilings.view, geometryType: "POINT", srsID: GeoPackage.storeSRSID,
            description: "Incidents with the grid at every level they are filed under (cases, each with its filing's codes)")
        try styleByStatus(db, table: CaseFilings.view)
        try FieldDomains.describe(
            db, table: "cases", column: "filing",
            description: "Where the case is filed: a row of internal_case_filings (its codes are in cases_with_grids)")
        try FieldDomains.describe(
            db, table: "cases", column: "import_run",
            description: "The import that last wrote the case: a row of internal_case_imports (its moment, imported_at, is in cases_with_grids)")
    }

    /// The index by status is kept for the open cases only (see `CaseIndexes.definitions`), and
    /// an import leaves `source_crs` empty where the coordinates were given in the plan's own CRS,
    /// as it leaves `source_x` and `source_y` empty where they repeat `lon` and `lat` (9 bytes a
    /// case). Rows stored before keep `EPSG:4490`, which says the same. A plan whose indexes a
    /// killed bulk import set aside gets the new one when that import is resumed.
    static func v16_2(_ db: Database) throws {
        if try db.indexes(on: "cases").contains(where: { $0.name == "cases_status" }) {
            try db.execute(sql: "DROP INDEX cases_status")
            try db.sortingOnEveryCore { try db.execute(sql: CaseIndexes.openStatus.sql) }
        }
        try FieldDomains.describe(
            db, table: "cases", column: "source_crs",
            description: "The CRS the coordinates were given in; empty: the plan's own (EPSG:4490), or none were given (located_by)")
    }

    /// What an empty `status_at`, `assigned_at`, `source_x` or `source_y` means, written in the
    /// file's `gpkg_data_columns` for whoever reads it (this machine's GDAL 3.6 does not show it).
    /// From this step on an import leaves them empty where they would repeat another column of the
    /// row (`reported_at`, `imported_at`, `lon`/`lat`): about 52 of a new case's 293 bytes. Rows
    /// stored before keep their values, which say the same. `status_at_utc` is made again to read
    /// `reported_at` where `status_at` is empty: the DATETIME companion a QGIS user filters on
    /// stays whole (a schema change only: generated columns take no space).
    static func v16_1(_ db: Database) throws {
        try CaseIndexes.setAsideMoments(db)
        try CaseIndexes.restoreMoments(db)
        let descriptions = [
            ("status_at", "When the case took its current status; empty: it has held it since it was reported (reported_at)"),
            ("assigned_at", "When the case's current filing (its grids) began; empty: since it was imported (imported_at)"),
            ("source_x", "The x coordinate as given, in source_crs; empty: as lon"),
            ("source_y", "The y coordinate as given, in source_crs; empty: as lat"),
        ]
        for (column, description) in descriptions {
            try FieldDomains.describe(db, table: "cases", column: column, description: description)
        }
    }

    /// A case's current filing (its assign status and codes, under its plan version) is on its row;
    /// until v15.1 `case_assignments` held it a second time as the open entry, a fifth of a fresh
    /// import's bytes. The row now says since when (`assigned_at`) and the history keeps the filings
    /// that ended, each written as it ends.
    static func v15_1(_ db: Database) throws {
        try CaseIndexes.setAsideMoments(db)
        try db.execute(sql: "ALTER TABLE cases ADD COLUMN assigned_at TEXT")
        // Every case is rewritten: in parts of fids, each reported (millions take minutes).
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM cases") ?? 0
        let last = try Int64.fetchOne(db, sql: "SELECT max(fid) FROM cases") ?? 0
        let fill = try db.makeStatement(
            sql: """
                UPDATE cases SET assigned_at = coalesce(
                  (SELECT max(a.assigned_at) FROM case_assignments a WHERE a.case_fid = cases.fid AND a.ended_at IS NULL), imported_at)
                WHERE fid > ? AND fid <= ?
                """)
        var done = 0
        for after in stride(from: Int64(0), to: last, by: 100_000) {
            try fill.execute(arguments: [after, after + 100_000])
            done += db.changesCount
            SchemaUpgrade.rows(db, done, of: total)
        }
        try db.execute(sql: "DELETE FROM case_assignments WHERE ended_at IS NULL")
        try CaseIndexes.restoreMoments(db)
        try db.execute(
            sql: "UPDATE gpkg_contents SET description = ? WHERE table_name = 'case_assignments'",
            arguments: ["The grids a case was filed under before its current one (on its row), under which plan version, from when until when"])
    }

    /// When a case was reported, last moved and closed, as DATETIME for GDAL and QGIS (see
    /// `FeatureTables.addUTCMoments`).
    static func v14_1(_ db: Database) throws {
        try FeatureTables.addUTCMoments(db, table: "cases", columns: ["reported_at", "status_at", "closed_at"])
    }

    /// QGIS lists every table of a GeoPackage, the ones only gridplan reads too: those are named
    /// `internal_…`, so a user sees at once which to leave alone.
    static func v13_1(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE import_checkpoints RENAME TO internal_import_checkpoints")
    }

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

    /// Value lists GDAL and QGIS show for a case's status and severity (see `FieldDomains`).
    static func v8_1(_ db: Database) throws {
        let names: [CaseStatus: String] = [
            .reported: "上报", .verified: "核实", .accepted: "受理", .dispatched: "派遣", .handled: "处置",
            .checked: "核查", .closed: "结案", .feedback: "评价", .returned: "退回", .reopened: "重新打开",
        ]
        try FieldDomains.enumeration(
            db, name: "case_status", values: CaseStatus.allCases.map { ($0.rawValue, "\(names[$0]!) \($0.rawValue)") })
        try FieldDomains.enumeration(
            db, name: "case_severity", values: [("ordinary", "一般 ordinary"), ("important", "重要 important"), ("major", "重大 major")])
        try FieldDomains.attach(db, table: "cases", column: "status", domain: "case_status", description: "Where the case is in its life cycle")
        try FieldDomains.attach(db, table: "cases", column: "severity", domain: "case_severity", description: "How serious the case is")
    }

    /// Cases by status: waiting for someone (red), in hand (orange), finished (small, grey).
    static func v9_1(_ db: Database) throws { try styleByStatus(db, table: "cases") }

    /// The default style of a layer of cases (`cases`, and since v17 `cases_with_grids`): by status.
    static func styleByStatus(_ db: Database, table: String) throws {
        func among(_ states: [CaseStatus]) -> String { "\"status\" IN (" + states.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")" }
        try LayerStyles.add(
            db, table: table,
            rules: [
                .init("已办结 finished", among([.closed, .feedback]), .marker(fill: "160,160,160,200", outline: "110,110,110,255", size: 1.2)),
                .init("处置中 in hand", among([.dispatched, .handled, .checked]), .marker(fill: "255,150,0,230", outline: "150,80,0,255", size: 1.8)),
                .init(
                    "待处理 waiting", among([.reported, .verified, .accepted, .returned, .reopened]),
                    .marker(fill: "220,20,20,230", outline: "120,0,0,255", size: 2.0)),
            ], description: "Cases by status")
    }
}
