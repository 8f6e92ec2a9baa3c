package import GRDB
public import GridStore

/// Value lists for coded columns, in the GeoPackage schema extension (`gpkg_data_columns`,
/// `gpkg_data_column_constraints`): GDAL reports them as field domains (`ogrinfo`, `GetFieldDomain`)
/// and QGIS turns them into a value-map widget, so a planner sees 社区/村 instead of a bare 2 and picks
/// a kind from a list instead of typing it. The CHECK constraints and the importers stay the rule;
/// the domains describe it. Each module declares the domains of its own columns in a step of its own.
package enum FieldDomains {
    static let definition = "http://www.geopackage.org/spec130/#extension_schema"

    /// The extension's two tables, as the specification (and GDAL's validator) defines them, and
    /// their two rows in `gpkg_extensions`. Run once per plan, by the Grids step.
    static func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE gpkg_data_columns (
                  table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT,
                  mime_type TEXT, constraint_name TEXT,
                  CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
                  CONSTRAINT gdc_tn UNIQUE (table_name, name));
                CREATE TABLE gpkg_data_column_constraints (
                  constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT,
                  min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
                  CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value));
                """)
        for table in ["gpkg_data_columns", "gpkg_data_column_constraints"] {
            try db.execute(
                sql: """
                    INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
                    VALUES (?, NULL, 'gpkg_schema', ?, 'read-write')
                    """, arguments: [table, definition])
        }
    }

    /// Declares the domain `name`: the stored values and what each means.
    package static func enumeration(_ db: Database, name: String, values: [(value: String, meaning: String)]) throws {
        for v in values {
            try db.execute(
                sql: "INSERT INTO gpkg_data_column_constraints (constraint_name, constraint_type, value, description) VALUES (?, 'enum', ?, ?)",
                arguments: [name, v.value, v.meaning])
        }
    }

    /// Gives `table`.`column` the domain `name`, with a description of the column.
    package static func attach(_ db: Database, table: String, column: String, domain name: String, description: String) throws {
        try describe(db, table: table, column: column, description: description, domain: name)
    }

    /// Describes `table`.`column` (the extension's `description`, for a reader of the file), with
    /// the domain `domain` when given.
    package static func describe(_ db: Database, table: String, column: String, description: String, domain: String? = nil) throws {
        try db.execute(
            sql: "INSERT INTO gpkg_data_columns (table_name, column_name, description, constraint_name) VALUES (?, ?, ?, ?)",
            arguments: [table, column, description, domain])
    }
}

extension GridsSchema {
    public static let v8Domains = SchemaMigration("v8: field domains for grid level and kind (GeoPackage schema extension)", migrate: v8)

    /// Level and kind of grids; the level of findings and plan changes; the severity of findings.
    static func v8(_ db: Database) throws {
        try FieldDomains.createTables(db)
        try FieldDomains.enumeration(
            db, name: "grid_level", values: GridLevel.allCases.map { ("\($0.rawValue)", "\($0.chineseName) \($0.name)") })
        try FieldDomains.enumeration(db, name: "grid_kind", values: GridKind.allCases.map { ($0.rawValue, $0.label) })
        try FieldDomains.enumeration(
            db, name: "finding_severity",
            values: [
                ("error", "错误 error: breaks the hierarchy's rules"), ("warning", "警告 warning: against planning practice"),
                ("noise", "噪声 noise: a coverage difference under the sliver tolerance"),
            ])
        let level = "Grid level: 1 街道 street, 2 社区/村 community, 3 片区 area, 4 单元网格 unit"
        for table in ["grids", "findings", "plan_changes"] {
            try FieldDomains.attach(db, table: table, column: "level", domain: "grid_level", description: level)
        }
        try FieldDomains.attach(
            db, table: "grids", column: "kind", domain: "grid_kind", description: "综合网格 comprehensive, or the kind of 专属网格 dedicated grid")
        try FieldDomains.attach(db, table: "findings", column: "severity", domain: "finding_severity", description: "How serious the finding is")
    }
}

extension GridKind {
    /// The Chinese and English name, as a value list shows it.
    var label: String {
        switch self {
        case .comprehensive: "综合网格 comprehensive"
        case .industrialPark: "工业园区 industrial park"
        case .school: "学校 school"
        case .hospital: "医院 hospital"
        case .market: "市场 market"
        case .enterprise: "企业 enterprise"
        case .commercial: "商业楼宇 commercial"
        case .dedicated: "专属网格 dedicated"
        }
    }
}
