public import GRDB
import GridErrors

/// The kinds of geometry a layer of one type holds: points, lines or areas, each with its multi form.
public enum GeometryFamily: String, CaseIterable, Sendable {
    case points, lines, areas

    /// The WKB type codes of the family (1 Point, 4 MultiPoint; 2 LineString, 5 MultiLineString;
    /// 3 Polygon, 6 MultiPolygon), as two hex digits.
    var wkbTypes: [String] {
        switch self {
        case .points: ["01", "04"]
        case .lines: ["02", "05"]
        case .areas: ["03", "06"]
        }
    }
}

extension FeatureTables {
    /// Registers, for a table whose geometry column mixes types (the gazetteer's points, roads
    /// and areas), one view per family as a feature layer: `gazetteer_points`, `gazetteer_lines`,
    /// `gazetteer_areas`. QGIS opens a layer of mixed types as a table without geometry; each view
    /// holds one kind only, so QGIS draws it, and GDAL reads it too.
    ///
    /// The views filter in plain SQL on the geometry blob itself (GeoPackage header, its envelope,
    /// then the WKB type), so any SQLite client can read them, without gridplan's or GDAL's
    /// functions. Their geometry column keeps the table's declared type (a view cannot declare
    /// another), as the GeoPackage validator requires.
    public static func createTypedViews(_ db: Database, table: String, families: [GeometryFamily], description: String) throws {
        let geometry = try Row.fetchOne(
            db, sql: "SELECT geometry_type_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?", arguments: [table])
        guard let geometry else { throw GridplanError(.failed, "\(table) is not a feature table of the plan") }
        for family in families {
            let view = "\(table)_\(family.rawValue)"
            let types = family.wkbTypes.map { "'\($0)'" }.joined(separator: ", ")
            try db.execute(sql: "CREATE VIEW \(view) AS SELECT * FROM \(table) WHERE \(wkbType("geom")) IN (\(types))")
            try registerFeatures(
                db, table: view, geometryType: geometry["geometry_type_name"], srsID: geometry["srs_id"],
                description: "\(description) (\(family.rawValue) only)")
        }
    }

    /// SQL for the WKB type of a GeoPackage geometry blob in `column`, as two hex digits of its
    /// low byte: the header is 8 bytes and an envelope of 0, 32, 48 or 64 bytes (flag bits 1–3),
    /// then the WKB's byte order (01 little-endian: type in the next byte; 00: four bytes on).
    static func wkbType(_ column: String) -> String {
        let flags = "instr('0123456789ABCDEF', substr(hex(substr(\(column), 4, 1)), 2, 1)) - 1"
        let envelope = "(CASE (\(flags)) / 2 WHEN 1 THEN 32 WHEN 2 THEN 48 WHEN 3 THEN 48 WHEN 4 THEN 64 ELSE 0 END)"
        let start = "(9 + \(envelope))"
        return "(CASE hex(substr(\(column), \(start), 1)) WHEN '01' THEN hex(substr(\(column), \(start) + 1, 1)) "
            + "ELSE hex(substr(\(column), \(start) + 4, 1)) END)"
    }
}
