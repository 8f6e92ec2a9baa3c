import Cases
import GRDB
package import GridStore

/// The Geocoding module's tables: the gazetteer, its name indexes (v5) and house-number ranges
/// along roads (v5.1).
package enum GazetteerSchema {
    package static let v5Gazetteer = SchemaMigration("v5: gazetteer", migrate: v5)
    package static let v5_1Ranges = SchemaMigration("v5.1: house-number ranges on gazetteer roads", migrate: v5_1)

    package static let v6_1Conformance = SchemaMigration("v6.1: gazetteer tables GeoPackage-conformant (requirement 119)", migrate: v6_1)

    /// The case store's schema and the gazetteer, for tests and tools that need no roster.
    package static let v12_1Views = SchemaMigration("v12.1: gazetteer points, lines and areas as layers of one type", migrate: v12_1)

    package static let v13_2Internal = SchemaMigration("v13.2: gazetteer name index and text search named as internal", migrate: v13_2)

    package static let schema = CasesSchema.schema.adding([v5Gazetteer, v5_1Ranges, v6_1Conformance, v12_1Views, v13_2Internal])

    /// The exact-name index and the trigram search (with the tables SQLite keeps for it) named
    /// `internal_…`, as QGIS lists them beside the layers (see `CasesSchema.v13_1`).
    static func v13_2(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE gazetteer_names RENAME TO internal_gazetteer_names")
        try db.execute(sql: "ALTER TABLE gazetteer_fts RENAME TO internal_gazetteer_fts")
    }

    /// QGIS opens the gazetteer, whose places are points, roads and areas, as a table without
    /// geometry: each kind gets a layer of its own (see `FeatureTables.createTypedViews`).
    static func v12_1(_ db: Database) throws {
        try FeatureTables.createTypedViews(db, table: "gazetteer", families: GeometryFamily.allCases, description: "Gazetteer places")
    }

    /// GeoPackage attribute tables need an integer primary key. `gazetteer_names` is an index
    /// (a key per name, alias and short form), not a layer: it leaves `gpkg_contents`, so GDAL and
    /// QGIS no longer offer it (and `ogr2ogr` no longer fails on it). `gazetteer_ranges` is data a
    /// planner may look at: rebuilt with `fid`, rows in their order.
    static func v6_1(_ db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM gpkg_contents WHERE table_name = 'gazetteer_names';
                CREATE TABLE gazetteer_ranges_v6 (
                  fid INTEGER PRIMARY KEY AUTOINCREMENT,
                  entry INTEGER NOT NULL REFERENCES gazetteer(fid) ON DELETE CASCADE,
                  side TEXT CHECK (side IN ('left', 'right')),
                  number_from INTEGER NOT NULL,
                  number_to INTEGER NOT NULL,
                  parity TEXT NOT NULL CHECK (parity IN ('odd', 'even', 'all')));
                INSERT INTO gazetteer_ranges_v6 (entry, side, number_from, number_to, parity)
                  SELECT entry, side, number_from, number_to, parity FROM gazetteer_ranges ORDER BY rowid;
                DROP TABLE gazetteer_ranges;
                ALTER TABLE gazetteer_ranges_v6 RENAME TO gazetteer_ranges;
                CREATE INDEX gazetteer_ranges_entry ON gazetteer_ranges(entry);
                """)
    }

    /// The geocoding gazetteer: every named place (divisions, roads, house numbers, compounds and
    /// POIs, buildings) as one feature layer, with an exact-name index (`gazetteer_names`, every
    /// name, alias and suffix-free form as a key) and an FTS5 trigram index (rowid = fid; names
    /// and aliases) for fuzzy search. Places carry the codes of the divisions they lie in, so
    /// candidates can be constrained by the divisions an address names without any spatial query.
    static func v5(_ db: Database) throws {
        try FeatureTables.create(
            db, table: "gazetteer", geometryType: "GEOMETRY", srsID: GeoPackage.storeSRSID,
            columns: """
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
        try db.execute(
            sql: """
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
        try FeatureTables.registerAttributes(
            db, table: "gazetteer_names",
            description: "Exact-name index of the gazetteer: names, aliases and suffix-free forms")
    }

    /// House-number ranges of road lines (TIGER-style left/right, or one range with a parity):
    /// `number_from` at the line's first point, `number_to` at its last, numbers of the given
    /// parity in between spread evenly along the line. A road feature has any number of them.
    static func v5_1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE gazetteer_ranges (
                  entry INTEGER NOT NULL REFERENCES gazetteer(fid) ON DELETE CASCADE,
                  side TEXT CHECK (side IN ('left', 'right')),
                  number_from INTEGER NOT NULL,
                  number_to INTEGER NOT NULL,
                  parity TEXT NOT NULL CHECK (parity IN ('odd', 'even', 'all')));
                CREATE INDEX gazetteer_ranges_entry ON gazetteer_ranges(entry);
                """)
        try FeatureTables.registerAttributes(
            db, table: "gazetteer_ranges",
            description: "House-number ranges along gazetteer roads: from the first point to the last, by side and parity")
    }
}
