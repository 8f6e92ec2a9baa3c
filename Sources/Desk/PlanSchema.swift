import Cases
import Duty
import Geocoding
package import GridStore
import Grids

/// The whole plan file: every module's steps in the one order every plan runs them. Each module
/// owns its steps (and a schema of its own for its tests); this list is the only place they meet.
/// To change a table, add a step to its owner and append it here, last: shipped steps never move.
package enum PlanSchema {
    package static let schema = StoreSchema([
        GridsSchema.v1Grids,
        GridsSchema.v2Layers,
        CasesSchema.v3Cases,
        CasesSchema.v3_1Nearest,
        DutySchema.v4Roster,
        GazetteerSchema.v5Gazetteer,
        GazetteerSchema.v5_1Ranges,
        DutySchema.v6Departments,
        GazetteerSchema.v6_1Conformance,
        GridsSchema.v7OutsideEdits,
        GridsSchema.v8Domains,
        CasesSchema.v8_1Domains,
        DutySchema.v8_2Domains,
        GridsSchema.v9Styles,
        CasesSchema.v9_1Styles,
        GridsSchema.v10Dates,
        GridsSchema.v11Dates,
        DutySchema.v11_1Dates,
        GridsSchema.v12Views,
        GazetteerSchema.v12_1Views,
        CasesSchema.v13_1Internal,
        GazetteerSchema.v13_2Internal,
        CasesSchema.v14_1Moments,
        DutySchema.v14_2Moments,
        CasesSchema.v15_1CurrentFiling,
        CasesSchema.v16_1SparseRows,
        CasesSchema.v16_2OpenStatus,
        CasesSchema.v17Filings,
    ])
}

extension PlanSchema {
    /// The columns a GeoPackage keeps once for the rows that share them and a server on each row
    /// (a copy between the two changes their form).
    package static let shared = [CaseFilings.shared, CaseFilings.imports]
}

extension GeoPackage {
    /// Opens the plan at `path` with every module's tables, creating it when `create` is true;
    /// `forReading`: for a process that only reads (see ``GeoPackage/init(path:create:schema:lockWait:forReading:)``).
    package static func plan(path: String, create: Bool = true, forReading: Bool = false) throws -> GeoPackage {
        try GeoPackage(path: path, create: create, schema: PlanSchema.schema, forReading: forReading)
    }
}
