public import Foundation
public import GRDB
public import GridGeometry
public import GridStore

/// One grid as stored (the current version unless history is asked for).
public struct GridRecord: Sendable {
    public var fid: Int64
    public var code: String?
    public var name: String?
    public var level: GridLevel
    public var kind: String
    public var parentFid: Int64?
    public var parentCode: String?
    public var parentRef: String?
    public var households: Int64?
    public var residents: Int64?
    public var attributes: String?
    public var validFrom: String
    public var validTo: String?
    /// The GeoPackage geometry blob (CGCS2000 longitude/latitude).
    public var blob: Data

    /// A label for messages: name, else code, else the row id.
    public var label: String { name ?? code ?? "grid #\(fid)" }

    public func geometry(_ context: GEOSContext) throws -> Geometry {
        try GeoPackageGeometry.decode(blob, context: context)
    }

    static let selectSQL = """
        SELECT g.fid, g.code, g.name, g.level, g.kind, g.parent_fid, p.code AS parent_code, g.parent_ref,
               g.households, g.residents, g.attributes, g.valid_from, g.valid_to, g.geom
        FROM grids g LEFT JOIN grids p ON p.fid = g.parent_fid
        """

    /// A row of ``selectSQL``, read by position (by name, GRDB would compare column names
    /// case-insensitively for every value of every row).
    init(row: PlanRow) throws {
        fid = row[0]; code = row[1]; name = row[2]
        level = try GridLevel(stored: row[3])
        kind = row[4]; parentFid = row[5]; parentCode = row[6]; parentRef = row[7]
        households = row[8]; residents = row[9]; attributes = row[10]
        validFrom = row[11]; validTo = row[12]; blob = row[13]
    }

    /// Current grids of a level (all levels when nil), ordered by code then id.
    public static func current(_ db: some PlanReader, level: GridLevel? = nil) throws -> [GridRecord] {
        let filter = level.map { "AND g.level = \($0.rawValue)" } ?? ""
        return try db.rows("\(selectSQL) WHERE g.valid_to IS NULL \(filter) ORDER BY g.level, g.code, g.fid", [])
            .map { try GridRecord(row: $0) }
    }
}
