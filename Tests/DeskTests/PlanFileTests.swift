import Desk
import Foundation
import GRDB
import GridStore
import GridTestSupport
import Grids
import Testing

/// What an upgraded plan adds for GIS users (issue 15): history for edits made by other programs,
/// field domains and default QGIS styles; and a plan whose users saved their own styles keeps them.
@Suite struct PlanFileTests {
    let folder = TemporaryFolder()

    @Test func anUpgradedPlanKeepsOutsideEditsAsHistory() throws {
        let store = try GeoPackage.plan(path: try PlanSchemaTests.fixture(folder))
        let before = try PlanVersion.all(store: store)
        let (fid, code): (Int64, String) = try store.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT fid, code FROM grids WHERE valid_to IS NULL AND level = 2 LIMIT 1"))
            return (row["fid"], row["code"])
        }
        try store.write { try $0.execute(sql: "UPDATE grids SET households = 123 WHERE fid = ?", arguments: [fid]) }
        let after = try PlanVersion.all(store: store)
        #expect(after.count == before.count + 1 && after.last?.command == PlanVersion.outsideEdit)
        let rows = try store.read {
            try Row.fetchAll($0, sql: "SELECT households, valid_to FROM grids WHERE code = ? ORDER BY valid_to IS NULL", arguments: [code])
        }
        #expect(rows.count >= 2 && (rows.last?["households"] as Int64?) == 123 && (rows.last?["valid_to"] as String?) == nil)
    }

    @Test func anUpgradedPlanHasDomainsAndStyles() throws {
        let store = try GeoPackage.plan(path: try PlanSchemaTests.fixture(folder))
        try store.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM gpkg_data_columns WHERE constraint_name IS NOT NULL") == 10)
            // v16.1 and v16.2 describe the case columns an import may leave empty, v17 the filing and import run.
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM gpkg_data_columns WHERE constraint_name IS NULL") == 7)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_schema'") == 2)
            let defaults = try String.fetchAll(db, sql: "SELECT f_table_name FROM layer_styles WHERE useAsDefault ORDER BY f_table_name")
            #expect(defaults == ["cases", "cases_with_grids", "findings", "findings_areas", "findings_lines", "findings_points", "grids"])
        }
    }

    /// The grids table is rebuilt with DATE days: every row, fid, index, trigger and R-tree entry kept.
    @Test func anUpgradedPlanHasDateDaysAndEveryGrid() throws {
        let path = try PlanSchemaTests.fixture(folder)
        let old = try DatabaseQueue(path: path)
        let before = try old.read { try Row.fetchAll($0, sql: "SELECT fid, code, valid_from, valid_to, level FROM grids ORDER BY fid") }
        let sequence = try old.read { try Int64.fetchOne($0, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'grids'") }
        try old.close()
        let store = try GeoPackage.plan(path: path)
        try store.read { db in
            #expect(try Row.fetchAll(db, sql: "SELECT fid, code, valid_from, valid_to, level FROM grids ORDER BY fid") == before)
            #expect(try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'grids'") == sequence)
            let types = try Row.fetchAll(db, sql: "SELECT name, type FROM pragma_table_info('grids') WHERE name LIKE 'valid_%'")
                .map { "\($0["name"] as String) \($0["type"] as String)" }
            #expect(types == ["valid_from DATE", "valid_to DATE"])
            #expect(try String.fetchOne(db, sql: "SELECT typeof(valid_from) FROM grids LIMIT 1") == "text")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM rtree_grids_geom") == before.count)
            let triggers = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'grids'")
            #expect(triggers.count == 10) // six R-tree, four history
        }
    }

    /// A plan whose users already saved a default style for grids in QGIS (before upgrading): the
    /// upgrade adds gridplan's style beside it, not over it.
    @Test func usersOwnDefaultStylesStay() throws {
        let path = folder.path("styled.gpkg")
        do {
            let old = try GeoPackage(path: path, schema: StoreSchema([GridsSchema.v1Grids, GridsSchema.v2Layers]))
            try old.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE layer_styles (
                          id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
                          f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
                          useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME);
                        INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,
                                                  styleQML, useAsDefault)
                          VALUES ('', '', 'grids', 'geom', 'ours', '<qgis/>', 1);
                        """)
                try FeatureTables.registerAttributes(db, table: "layer_styles", description: "styles")
            }
        }
        let store = try GeoPackage.plan(path: path)
        let styles = try store.read {
            try Row.fetchAll($0, sql: "SELECT f_table_name, styleName, useAsDefault FROM layer_styles ORDER BY id")
                .map { "\($0["f_table_name"] as String) \($0["styleName"] as String) \($0["useAsDefault"] as Int)" }
        }
        #expect(
            styles == [
                "grids ours 1", "grids gridplan grids 0", "findings gridplan findings 1", "cases gridplan cases 1",
                "findings_points gridplan findings_points 1", "findings_lines gridplan findings_lines 1",
                "findings_areas gridplan findings_areas 1", "cases_with_grids gridplan cases_with_grids 1",
            ])
    }
}
