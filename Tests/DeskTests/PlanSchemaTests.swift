import Cases
import Desk
import Foundation
import GRDB
import GridStore
import GridTestSupport
import Grids
import Testing

/// Each module now creates its own tables, assembled by `PlanSchema`. These tests hold that
/// assembly to what shipped: a plan written by gridplan 0.1.0 (made with its own commands: grids,
/// cases, a roster, a dispatch, a gazetteer, `validate`; see Fixtures/README.md) opens, keeps every
/// row, and has exactly the tables, indexes, triggers and GeoPackage metadata of a new plan.
@Suite struct PlanSchemaTests {
    static func fixture(_ folder: TemporaryFolder) throws -> String {
        let source = try #require(Bundle.module.url(forResource: "plan-0.1.0", withExtension: "gpkg", subdirectory: "Fixtures"))
        let path = folder.path("old.gpkg")
        try FileManager.default.copyItem(atPath: source.path, toPath: path)
        return path
    }

    /// Everything that makes up a schema, in a stable order (timestamps left out).
    static func schema(_ store: GeoPackage) throws -> [String] {
        try store.read { db in
            let master = try Row.fetchAll(
                db,
                sql: """
                    SELECT type, name, tbl_name, sql FROM sqlite_master
                    WHERE name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations' ORDER BY type, name
                    """
            ).map { "\($0["type"] as String) \($0["name"] as String) on \($0["tbl_name"] as String): \($0["sql"] as String? ?? "")" }
            let contents = try Row.fetchAll(
                db,
                sql: """
                    SELECT table_name, data_type, identifier, description, srs_id FROM gpkg_contents ORDER BY table_name
                    """
            ).map { "contents \($0["table_name"] as String) \($0["data_type"] as String) \($0["description"] as String? ?? "")" }
            let columns = try Row.fetchAll(db, sql: "SELECT * FROM gpkg_geometry_columns ORDER BY table_name")
                .map { "geometry \($0["table_name"] as String) \($0["geometry_type_name"] as String) \($0["srs_id"] as Int)" }
            let extensions = try Row.fetchAll(db, sql: "SELECT * FROM gpkg_extensions ORDER BY table_name, extension_name")
                .map { "extension \($0["table_name"] as String? ?? "") \($0["extension_name"] as String)" }
            let srs = try Int.fetchAll(db, sql: "SELECT srs_id FROM gpkg_spatial_ref_sys ORDER BY srs_id").map { "srs \($0)" }
            let ids = try Int.fetchAll(db, sql: "PRAGMA application_id") + Int.fetchAll(db, sql: "PRAGMA user_version")
            return master + contents + columns + extensions + srs + ids.map { "pragma \($0)" }
        }
    }

    @Test func aPlanFromTheLastReleaseOpensWithEveryRow() throws {
        let folder = TemporaryFolder()
        let store = try GeoPackage.plan(path: try Self.fixture(folder))
        let counts = try store.read { db in
            try [
                "grids", "cases", "people", "duties", "gazetteer", "internal_gazetteer_names", "case_dispatches", "case_transitions",
                "findings", "plan_versions",
            ].map { try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1 }
        }
        #expect(counts == [55, 40, 10, 10, 80, 136, 1, 1, 94, 2])
        // v15.1: each case's open filing (all 40 were open) moved onto its row, with when it began.
        let filings = try store.read { db in
            try [
                "SELECT count(*) FROM case_assignments", "SELECT count(*) FROM cases WHERE assigned_at = '2026-12-01T21:42:21Z'",
            ].map { try Int.fetchOne(db, sql: $0) ?? -1 }
        }
        #expect(filings == [0, 40])
        let current = try store.read { try GridRecord.current($0) }
        #expect(current.count == 55)
        #expect(Set(current.map(\.level)) == [.street, .community])
    }

    @Test func theAssembledSchemaIsExactlyTheOneThatShipped() throws {
        let folder = TemporaryFolder()
        let old = try GeoPackage.plan(path: try Self.fixture(folder))
        let new = try GeoPackage.plan(path: folder.path("new.gpkg"))
        let (was, now) = (try Self.schema(old), try Self.schema(new))
        #expect(was.count > 60)
        #expect(was == now, "differs: \(Set(was).symmetricDifference(now).sorted())")
        let steps = { (store: GeoPackage) in try store.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") } }
        #expect(try steps(old).sorted() == steps(new).sorted())
        #expect(try steps(new).sorted() == PlanSchema.schema.migrations.map(\.identifier).sorted())
    }

    /// v15.1 moves each case's open filing onto its row and keeps the ended ones as they were.
    @Test func filingsFromBeforeV15_1KeepTheirEndedEntries() throws {
        let folder = TemporaryFolder()
        let path = folder.path("v14.gpkg")
        let steps = PlanSchema.schema.migrations
        let v15_1 = try #require(steps.firstIndex { $0.identifier == CasesSchema.v15_1CurrentFiling.identifier })
        do {
            let before = try GeoPackage(path: path, schema: StoreSchema(Array(steps[..<v15_1])))
            try before.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO cases (fid, external_id, assign_status, unit_code, imported_at) VALUES
                          (1, 'A', 'inside', 'U2', '2026-01-01T00:00:00Z'), (2, 'B', 'inside', 'U1', '2026-01-01T00:00:00Z');
                        INSERT INTO case_assignments (case_fid, assign_status, unit_code, plan_version, assigned_at, ended_at) VALUES
                          (1, 'inside', 'U1', 1, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'),
                          (1, 'inside', 'U2', 2, '2026-02-01T00:00:00Z', NULL),
                          (2, 'inside', 'U1', 1, '2026-01-01T00:00:00Z', NULL);
                        """)
            }
        }
        let plan = try GeoPackage.plan(path: path)
        let (cases, history) = try plan.read { db in
            (
                try String.fetchAll(db, sql: "SELECT external_id || ' ' || unit_code || ' since ' || assigned_at FROM cases_with_grids ORDER BY fid"),
                try String.fetchAll(db, sql: "SELECT case_fid || ' ' || unit_code || ' ' || assigned_at || ' to ' || ended_at FROM case_assignments")
            )
        }
        #expect(cases == ["A U2 since 2026-02-01T00:00:00Z", "B U1 since 2026-01-01T00:00:00Z"])
        #expect(history == ["1 U1 2026-01-01T00:00:00Z to 2026-02-01T00:00:00Z"])
    }

    /// A module's own schema (here the grids') makes a file the whole plan later completes.
    @Test func aPlanMadeWithPartOfTheSchemaIsCompletedLater() throws {
        let folder = TemporaryFolder()
        let path = folder.path("part.gpkg")
        do {
            let part = try GeoPackage(path: path, schema: GridsSchema.schema)
            #expect(try part.read { try $0.tableExists("cases") } == false)
        }
        let whole = try GeoPackage.plan(path: path)
        let fresh = try GeoPackage.plan(path: folder.path("fresh.gpkg"))
        #expect(try whole.read { try $0.tableExists("cases") && $0.tableExists("gazetteer_ranges") })
        // Same tables and columns; only the order the steps ran in differs, so compare as sets.
        #expect(Set(try Self.schema(whole)) == Set(try Self.schema(fresh)))
    }

    /// GDAL's own GeoPackage validator passes an upgraded plan, and `ogr2ogr` copies it whole.
    @Test func gdalValidatesAndCopiesAnUpgradedPlan() throws {
        let folder = TemporaryFolder()
        let path = try Self.fixture(folder)
        _ = try GeoPackage.plan(path: path) // upgrades, then closes (the WAL folded back in)
        let validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
        try #require(FileManager.default.fileExists(atPath: validator), "python3-gdal's validate_gpkg.py is missing")
        let check = try run("/usr/bin/python3", [validator, "-k", path])
        #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")
        let copy = folder.path("copy.gpkg")
        let result = try run("ogr2ogr", ["-f", "GPKG", copy, path])
        #expect(result.status == 0, "\(result.stderr)")
        let layers = try run("ogrinfo", ["-ro", "-q", copy]).stdout
        for layer in ["grids", "cases", "people", "departments", "gazetteer_ranges", "duties"] {
            #expect(layers.contains(": \(layer)"), "\(layer) missing from the copy: \(layers)")
        }
        #expect(!layers.contains("gazetteer_names"))
        #expect(!layers.contains("internal_"))
    }
}
