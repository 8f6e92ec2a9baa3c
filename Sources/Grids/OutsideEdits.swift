import Foundation
import GRDB
public import GridStore

/// Edits made to the grids by other programs (QGIS, `ogrinfo -sql`, any SQLite client) keep
/// history, the way gridplan's own redraws do. Plain SQL triggers do it, so every client that
/// writes the file fires them; they call only SQLite's own `date`/`max`, and the `ST_*` functions
/// GDAL and QGIS register anyway for the GeoPackage R-tree triggers, which the rows they insert fire.
///
/// How they tell an outside edit from gridplan's own writes: gridplan never changes a grid's
/// content in place. Its redraws end a row (`valid_to`, `version_to`) and insert a new one; in
/// place it only gives an uncoded grid its code and relinks `parent_fid`/`parent_ref`. So a change to the
/// geometry, name, level, kind, households, residents, attributes or an existing code of a current
/// grid, and any delete of a current grid, came from elsewhere. (A connection-local marker cannot
/// work: a trigger in the main schema sees only main-schema tables, never a connection's temp tables.)
///
/// What the triggers do:
/// - update of a current grid: its old content is kept as an ended row (a new fid, `valid_to` today,
///   `version_to` the outside-edit version); the edited row keeps its fid, so QGIS's feature and the
///   children's `parent_fid` still point at it, and starts at that version;
/// - delete of a current grid: its content comes back at once as an ended row (a new fid: the R-tree
///   triggers, which run in no documented order with these, delete the old fid's entry), and the grids
///   that named it as parent name that row, so no link dangles;
/// - update of an ended grid's content, or its delete, is skipped (`RAISE(IGNORE)`): history is not
///   edited, and `UPDATE grids … WHERE code = …` changes the current grid only. QGIS reports the skip as
///   a failed edit, GDAL's SetFeature/DeleteFeature as a missing feature.
///
/// All outside edits of one day, up to the next gridplan command that makes a version, form one plan
/// version with the command `outside edit`, so `gridplan versions` lists it and `plan diff` compares
/// it with the one before. Days are China time (UTC+8), as ``Clock`` stores them.
/// Not covered: a grid drawn in QGIS (an insert) must still be given `level`, `valid_from` and
/// `version_from`; dropping or overwriting the whole table (`ogr2ogr -overwrite`) fires no trigger.
extension GridsSchema {
    public static let v7OutsideEdits = SchemaMigration("v7: grids edited outside gridplan keep their history", migrate: v7)

    static func v7(_ db: Database) throws {
        let today = "date('now', '+8 hours')"
        let version = "(SELECT max(id) FROM plan_versions)"
        let content = "geom, code, name, level, kind, parent_fid, parent_ref, households, residents, attributes"
        let old = content.split(separator: ",").map { "OLD.\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
        // Columns gridplan never changes in place, and a code once given.
        let changed = """
            (NEW.geom IS NOT OLD.geom OR NEW.name IS NOT OLD.name OR NEW.level IS NOT OLD.level OR NEW.kind IS NOT OLD.kind
               OR NEW.households IS NOT OLD.households OR NEW.residents IS NOT OLD.residents
               OR NEW.attributes IS NOT OLD.attributes OR (OLD.code IS NOT NULL AND NEW.code IS NOT OLD.code))
            """
        let watched = "geom, code, name, level, kind, households, residents, attributes"
        let openVersion = """
            INSERT INTO plan_versions (valid_from, command, note)
              SELECT \(today), '\(PlanVersion.outsideEdit)', 'grids edited or deleted by another program (GDAL, QGIS, SQL)'
              WHERE NOT EXISTS (SELECT 1 FROM plan_versions
                WHERE id = \(version) AND command = '\(PlanVersion.outsideEdit)' AND valid_from = \(today));
            """
        try db.execute(
            sql: """
                CREATE TRIGGER grids_outside_update AFTER UPDATE OF \(watched) ON grids
                  WHEN OLD.valid_to IS NULL AND NEW.valid_to IS NULL AND NEW.fid = OLD.fid AND \(changed)
                BEGIN
                  \(openVersion)
                  INSERT INTO grids (\(content), valid_from, valid_to, version_from, version_to, source)
                    SELECT \(old), OLD.valid_from, max(OLD.valid_from, \(today)), OLD.version_from, \(version), OLD.source
                    WHERE OLD.version_from < \(version);
                  UPDATE grids SET valid_from = max(OLD.valid_from, \(today)), version_from = \(version)
                    WHERE fid = NEW.fid AND version_from < \(version);
                END;
                CREATE TRIGGER grids_outside_delete AFTER DELETE ON grids
                  WHEN OLD.valid_to IS NULL
                BEGIN
                  \(openVersion)
                  INSERT INTO grids (\(content), valid_from, valid_to, version_from, version_to, source)
                    VALUES (\(old), OLD.valid_from, max(OLD.valid_from, \(today)), OLD.version_from, \(version), OLD.source);
                  UPDATE grids SET parent_fid = (SELECT max(fid) FROM grids) WHERE parent_fid = OLD.fid;
                END;
                CREATE TRIGGER grids_history_update BEFORE UPDATE OF \(watched) ON grids
                  WHEN OLD.valid_to IS NOT NULL AND \(changed)
                BEGIN
                  SELECT RAISE(IGNORE);
                END;
                CREATE TRIGGER grids_history_delete BEFORE DELETE ON grids
                  WHEN OLD.valid_to IS NOT NULL
                BEGIN
                  SELECT RAISE(IGNORE);
                END;
                """)
    }
}

extension PlanVersion {
    /// The `command` of a plan version made by edits in another program.
    public static let outsideEdit = "outside edit"
}
