import Foundation
import GridErrors
public import GridFormats
import GridGeometry
public import GridProjection
public import GridStore

/// Writes the current grids of one level to a file in a foreign format and CRS.
public enum GridExporter {
    static let fields: [(name: String, kind: FieldKind)] = [
        ("code", .text), ("name", .text), ("level", .integer), ("kind", .text), ("parent", .text),
        ("households", .integer), ("residents", .integer), ("valid_from", .text), ("attributes", .text),
    ]

    /// Returns the number of grids written.
    public static func run(
        store: any PlanStore, level: GridLevel, format: VectorFormat, out: String,
        crs: CRS = .cgcs2000
    ) throws -> Int {
        let grids = try store.reading { try GridRecord.current($0, level: level) }
        guard !grids.isEmpty else {
            throw GridplanError(.notFound, "\(store.location) has no current \(level) grids to export")
        }
        let transformer = try CoordinateTransformer(from: .cgcs2000, to: crs)
        let context = GEOSContext()
        let writer = try VectorWriter(path: out, format: format, layerName: "\(level.name)_grids", crs: crs, fields: fields)
        for grid in grids {
            let geometry = try transformer.transform(try grid.geometry(context))
            let values: [FieldValue] = [
                grid.code.map(FieldValue.text) ?? .null, grid.name.map(FieldValue.text) ?? .null,
                .integer(Int64(grid.level.rawValue)), .text(grid.kind),
                (grid.parentCode ?? grid.parentRef).map(FieldValue.text) ?? .null,
                grid.households.map(FieldValue.integer) ?? .null, grid.residents.map(FieldValue.integer) ?? .null,
                .text(grid.validFrom), grid.attributes.map(FieldValue.text) ?? .null,
            ]
            try writer.write(wkb: try geometry.wkb, values: values)
        }
        return try writer.close()
    }
}
