import Foundation
import GRDB
import GridErrors
public import GridStore

extension GridsSchema {
    public static let v10Dates = SchemaMigration("v10: grids valid_from and valid_to declared DATE", migrate: v10)

    /// A grid's days as GeoPackage DATE columns, so GDAL reads them as dates and QGIS's temporal
    /// controller can use `valid_from`/`valid_to` directly (see ``FeatureTables/redeclare(_:table:_:)``).
    static func v10(_ db: Database) throws {
        try FeatureTables.redeclare(
            db, table: "grids", [("valid_from TEXT NOT NULL", "valid_from DATE NOT NULL"), ("valid_to TEXT,", "valid_to DATE,")])
    }

    public static let v11Dates = SchemaMigration(
        "v11: plan_versions valid_from declared DATE and created_at DATETIME", migrate: v11)

    /// A plan version's day as DATE, and the moment it was made as DATETIME (UTC, written by SQLite
    /// as GeoPackage's `YYYY-MM-DDTHH:MM:SS.SSSZ`).
    static func v11(_ db: Database) throws {
        try FeatureTables.redeclare(
            db, table: "plan_versions",
            [("created_at TEXT NOT NULL", "created_at DATETIME NOT NULL"), ("valid_from TEXT NOT NULL", "valid_from DATE NOT NULL")])
    }
}
