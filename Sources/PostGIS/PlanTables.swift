import GRDB
import GridStore

/// The plan's own tables as the GeoPackage defines them, read from SQLite's catalogue: the one
/// schema both backends share. The PostGIS tables are made from this description, so a step added
/// to a module's GeoPackage migrations reaches PostGIS without a second schema to keep.
///
/// Left out: GeoPackage's and SQLite's bookkeeping (`gpkg_*`, `sqlite_*`, the `rtree_*` indexes,
/// which PostGIS replaces with GiST indexes), virtual tables, and `internal_*` tables, which
/// gridplan derives from the others (the gazetteer's name keys and full-text index) and rebuilds
/// when a plan comes back to a GeoPackage. The import checkpoints are kept: an interrupted import
/// resumes from them on either side.
struct PlanTable: Sendable, Equatable {
    struct Column: Sendable, Equatable {
        var name: String
        /// SQLite's declared type, upper case (`INTEGER`, `TEXT(30)`, `DATETIME`, `MULTIPOLYGON`).
        var declaredType: String
        var notNull: Bool
        /// The default as SQL text, as declared (`'open'`, `0`, `CURRENT_TIMESTAMP`), when there is one.
        var defaultSQL: String?
        /// The geometry type when this is the table's geometry column (`MULTIPOLYGON`, `POINT`, `GEOMETRY`).
        var geometryType: String?
    }
    struct Index: Sendable, Equatable {
        var name: String
        var columns: [String]
        var unique: Bool
        /// A partial index's condition (`status NOT IN (…)`), which PostgreSQL reads as SQLite does.
        var condition: String? = nil
    }
    struct ForeignKey: Sendable, Equatable {
        var columns: [String]
        var parent: String
        var parentColumns: [String]
        var onDelete: String
        var onUpdate: String
    }

    var name: String
    var columns: [Column]
    /// The primary key's columns in order; empty when the table has none but SQLite's rowid.
    var primaryKey: [String]
    /// True when the key is one `INTEGER PRIMARY KEY` column: SQLite numbers new rows, and so does PostgreSQL (identity).
    var numbersRows: Bool
    var indexes: [Index]
    var foreignKeys: [ForeignKey]

    var geometryColumn: Column? { columns.first { $0.geometryType != nil } }

    /// Whether gridplan keeps the table's rows when a plan moves between backends.
    static func isPlanData(_ name: String) -> Bool {
        name == "internal_import_checkpoints"
            || !["gpkg_", "sqlite_", "rtree_", "internal_"].contains { name.hasPrefix($0) } && name != "grdb_migrations"
    }

    /// Every table of the plan in `db`, parents before the tables whose foreign keys point at them.
    static func read(_ db: Database) throws -> [PlanTable] {
        let names = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
        ).filter(isPlanData)
        var geometry: [String: (column: String, type: String)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT table_name, column_name, geometry_type_name FROM gpkg_geometry_columns") {
            geometry[row[0]] = (row[1], (row[2] as String).uppercased())
        }
        var tables: [PlanTable] = []
        for name in names {
            var columns: [Column] = []
            var keyed: [(Int, String)] = []
            for row in try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", arguments: [name]) {
                let column: String = row[0]
                let type = (row[1] as String? ?? "").uppercased()
                let g = geometry[name].flatMap { $0.column == column ? $0.type : nil }
                columns.append(Column(name: column, declaredType: type, notNull: row[2], defaultSQL: row[3], geometryType: g))
                let pk: Int = row[4]
                if pk > 0 { keyed.append((pk, column)) }
            }
            let key = keyed.sorted { $0.0 < $1.0 }.map(\.1)
            let numbers = key.count == 1 && columns.first { $0.name == key[0] }?.declaredType == "INTEGER"
            var indexes: [Index] = []
            for row in try Row.fetchAll(db, sql: "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", arguments: [name]) {
                let origin: String = row[2]
                guard origin != "pk" else { continue } // the primary key says it already
                let index: String = row[0]
                let cols = try String.fetchAll(db, sql: "SELECT name FROM pragma_index_info(?) ORDER BY seqno", arguments: [index])
                guard !cols.isEmpty else { continue } // an index on an expression: none in gridplan's schema
                var condition: String?
                if row[3] as Bool {
                    let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", arguments: [index])
                    condition = sql?.firstRange(of: " WHERE ").map { String(sql![$0.upperBound...]) }
                }
                indexes.append(Index(name: index, columns: cols, unique: row[1], condition: condition))
            }
            var keys: [Int: ForeignKey] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq",
                arguments: [name])
            {
                let id: Int = row[0]
                var fk = keys[id] ?? ForeignKey(columns: [], parent: row[1], parentColumns: [], onDelete: row[5], onUpdate: row[4])
                fk.columns.append(row[2])
                fk.parentColumns.append(row[3] ?? "")
                keys[id] = fk
            }
            let foreignKeys = keys.sorted { $0.key < $1.key }.map(\.value)
            tables.append(
                PlanTable(name: name, columns: columns, primaryKey: key, numbersRows: numbers, indexes: indexes, foreignKeys: foreignKeys))
        }
        return ordered(tables)
    }

    /// The table as a server keeps it when `shared` describes it: the shared columns on its rows in
    /// place of the keys that name them, with the server's indexes on them in place of the keys'.
    func serverForm(_ shared: [SharedColumns]) -> PlanTable {
        var form = self
        for s in shared where s.table == name {
            form.columns.removeAll { $0.name == s.key }
            form.columns += s.columns.map { Column(name: $0.name, declaredType: $0.declaredType, notNull: false, defaultSQL: nil) }
            form.indexes.removeAll { $0.columns.contains(s.key) }
            form.indexes += s.serverIndexes.map { Index(name: $0.name, columns: [$0.column], unique: false) }
        }
        return form
    }

    /// Parents first, so that a foreign key always finds its row.
    private static func ordered(_ tables: [PlanTable]) -> [PlanTable] {
        var done = Set<String>(), result: [PlanTable] = []
        var waiting = tables
        while !waiting.isEmpty {
            let before = waiting.count
            waiting.removeAll { table in
                let ready = table.foreignKeys.allSatisfy { fk in
                    done.contains(fk.parent) || fk.parent == table.name || !tables.contains { $0.name == fk.parent }
                }
                if ready { result.append(table); done.insert(table.name) }
                return ready
            }
            if waiting.count == before { result += waiting; break } // a cycle: the constraints are checked at commit anyway
        }
        return result
    }
}
