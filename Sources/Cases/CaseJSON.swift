import Foundation
package import Grids

// The JSON shapes of stored cases (`cases query --format geojson`) and of their statistics
// (`cases stats --json`), as Codable types.

extension CaseRecord {
    /// The columns `cases query` prints, in order (table, CSV, and GeoJSON properties but lon/lat).
    package static let printedColumns = [
        "id", "reported_at", "category", "severity", "status", "assign_status", "unit", "area", "community",
        "street", "lon", "lat", "distance_m", "address",
    ]

    /// The record's value for each of `printedColumns` as text: "" for none, coordinates to 7 decimals, distance to 0.1 m
    /// (as `printf`'s `%.7f` and `%.1f` write them).
    package var columnValues: [String] {
        [
            externalID, reportedAt ?? "", category ?? "", severity, status, assignStatus, unitCode ?? "", areaCode ?? "",
            communityCode ?? "", streetCode ?? "", lon.map { fixedPoint($0, decimals: 7) } ?? "", lat.map { fixedPoint($0, decimals: 7) } ?? "",
            distanceM.map { fixedPoint($0, decimals: 1) } ?? "", address ?? "",
        ]
    }
}

/// Cases as a GeoJSON FeatureCollection: the columns with a value as text properties, the point in
/// CGCS2000 longitude/latitude (null for a case without coordinates).
package struct CaseFeatureCollectionJSON: Codable, Sendable {
    package struct Point: Codable, Sendable {
        package var type = "Point"
        package var coordinates: [Double]
    }

    package struct Feature: Codable, Sendable {
        package var type = "Feature"
        package var properties: [String: String]
        @Nullable package var geometry: Point?
    }

    package var type = "FeatureCollection"
    package var features: [Feature]

    package init(_ records: [CaseRecord]) {
        features = records.map { r in
            var properties: [String: String] = [:]
            for (key, value) in zip(CaseRecord.printedColumns, r.columnValues) where !value.isEmpty && key != "lon" && key != "lat" {
                properties[key] = value
            }
            let point = r.lon.flatMap { lon in r.lat.map { Point(coordinates: [lon, $0]) } }
            return Feature(properties: properties, geometry: point)
        }
    }
}

/// `gridplan cases stats --json`.
package struct CaseStatsJSON: Codable, Sendable {
    package struct Grid: Codable, Sendable {
        package var code: String
        @Nullable package var name: String?
        package var total: Int
        package var byStatus: [String: Int]
        package var byCategory: [String: Int]
        package var closureRate: Double
        package var closedWithin24h: Double
        package var closedWithin7d: Double
        @Nullable package var households: Int64?
        @Nullable package var perThousandHouseholds: Double?
        @Nullable package var outlier: String?

        enum CodingKeys: String, CodingKey {
            case code, name, total, households, outlier
            case byStatus = "by_status", byCategory = "by_category", closureRate = "closure_rate"
            case closedWithin24h = "closed_within_24h", closedWithin7d = "closed_within_7d", perThousandHouseholds = "per_1000_households"
        }
    }

    package var level: String
    package var total: Int
    package var unassigned: Int
    package var grids: [Grid]

    package init(_ stats: CaseStats) {
        level = stats.level.name
        total = stats.total
        unassigned = stats.unassigned
        grids = stats.grids.map { g in
            Grid(
                code: g.code, name: g.name, total: g.total, byStatus: g.byStatus, byCategory: g.byCategory, closureRate: g.closureRate,
                closedWithin24h: g.closedWithin24h, closedWithin7d: g.closedWithin7d, households: g.households,
                perThousandHouseholds: g.perThousandHouseholds, outlier: g.outlier)
        }
    }
}
