import Cases
import GRDB
package import GridStore
import Grids

/// The Duty module's tables: the roster (people, duties, departments) and every dispatch and
/// life-cycle transition of a case (v4, which also adds the case store's handling columns).
package enum DutySchema {
    package static let v4Roster = SchemaMigration("v4: people, duties, departments, case life cycle", migrate: v4)
    package static let v6Departments = SchemaMigration(
        "v6: departments keyed by an integer fid (GeoPackage requirement 119)",
        migrate: v6)

    package static let v8_2Domains = SchemaMigration("v8.2: field domains for duty role, person role and duty level", migrate: v8_2)

    package static let v11_1Dates = SchemaMigration("v11.1: people and duties days declared DATE", migrate: v11_1)

    package static let v14_2Moments = SchemaMigration("v14.2: dispatch and transition moments also as UTC DATETIME columns", migrate: v14_2)

    /// The case store's schema and the roster.
    package static let schema = CasesSchema.schema.adding([v4Roster, v6Departments, v8_2Domains, v11_1Dates, v14_2Moments])

    /// When a case was dispatched and moved on, as DATETIME (see `FeatureTables.addUTCMoments`).
    static func v14_2(_ db: Database) throws {
        try FeatureTables.addUTCMoments(db, table: "case_dispatches", columns: ["dispatched_at"])
        try FeatureTables.addUTCMoments(db, table: "case_transitions", columns: ["at"])
    }

    /// The days a person is active and a duty holds as GeoPackage DATE columns, for GDAL and QGIS
    /// (see `FeatureTables.redeclare`).
    static func v11_1(_ db: Database) throws {
        try FeatureTables.redeclare(db, table: "people", [("active_from TEXT,", "active_from DATE,"), ("active_to TEXT,", "active_to DATE,")])
        try FeatureTables.redeclare(
            db, table: "duties", [("valid_from TEXT NOT NULL,", "valid_from DATE NOT NULL,"), ("valid_to TEXT,", "valid_to DATE,")])
    }

    /// Value lists GDAL and QGIS show for the roles on the roster and the level of a duty (see `FieldDomains`).
    static func v8_2(_ db: Database) throws {
        let duty: [DutyRole: String] = [.primary: "主责网格员 primary", .backup: "备岗 backup", .chief: "网格长 chief"]
        try FieldDomains.enumeration(db, name: "duty_role", values: DutyRole.allCases.map { ($0.rawValue, duty[$0]!) })
        let person: [PersonRole: String] = [
            .gridChief: "网格长 grid chief", .fullTimeGridder: "专职网格员 full-time gridder", .partTimeGridder: "兼职网格员 part-time gridder",
            .mobileGridder: "流动网格员 mobile gridder", .communityPolice: "社区民警 community police", .legalAdviser: "法律顾问 legal adviser",
            .departmentContact: "部门联系人 department contact",
        ]
        try FieldDomains.enumeration(db, name: "person_role", values: PersonRole.allCases.map { ($0.rawValue, person[$0]!) })
        try FieldDomains.attach(db, table: "duties", column: "role", domain: "duty_role", description: "The duty's role in its grid")
        try FieldDomains.attach(db, table: "duties", column: "level", domain: "grid_level", description: "The level of the duty's grid")
        try FieldDomains.attach(db, table: "people", column: "role", domain: "person_role", description: "What the person is on the roster")
    }

    /// GeoPackage attribute tables need an integer primary key (GDAL refuses to copy the plan and
    /// its validator fails it otherwise): `departments` is rebuilt with `fid`, its text id kept
    /// unique, every row and the `gpkg_contents` entry unchanged.
    static func v6(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE departments_v6 (
                  fid INTEGER PRIMARY KEY AUTOINCREMENT,
                  department_id TEXT NOT NULL UNIQUE,
                  name TEXT NOT NULL,
                  phone TEXT,
                  contact TEXT,
                  categories TEXT NOT NULL DEFAULT '',
                  updated_at TEXT NOT NULL);
                INSERT INTO departments_v6 (department_id, name, phone, contact, categories, updated_at)
                  SELECT department_id, name, phone, contact, categories, updated_at FROM departments ORDER BY department_id;
                DROP TABLE departments;
                ALTER TABLE departments_v6 RENAME TO departments;
                """)
    }

    /// The roster and the case life cycle: people (a point layer of their bases), their duties in
    /// grids by code (codes outlive redraws, fids do not), departments and the categories they
    /// answer, every dispatch of a case with its reason, and every life-cycle transition.
    static func v4(_ db: Database) throws {
        try CasesSchema.handlingColumns(db)
        try FeatureTables.create(
            db, table: "people", geometryType: "POINT", srsID: GeoPackage.storeSRSID,
            columns: """
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
        try db.execute(
            sql: """
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
        try FeatureTables.registerAttributes(
            db, table: "departments", description: "Departments summoned by category (whistle-and-report), with contacts")
        try FeatureTables.registerAttributes(
            db, table: "case_dispatches", description: "Every dispatch and escalation of a case: level, grid, person, departments and why")
        try FeatureTables.registerAttributes(db, table: "case_transitions", description: "Every life-cycle transition of a case, with time and actor")
    }
}
