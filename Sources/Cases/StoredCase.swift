import GRDB
import GridGeometry
import GridProjection
import GridStore
import Grids

/// A case's row as an import stores it: its id and point, and the values of ``columns``.
struct StoredCase: Sendable {
    var id: String
    var geometry: DatabaseValue
    var values: [DatabaseValue]
    /// Cases made by one ``Maker`` with the same group hold the same values in every set of
    /// ``sharedSets`` (their filing, their import's moment): a writer finds those sets' keys once
    /// a group, not once a case.
    var sharedGroup: Int
    /// Its point (CGCS2000 longitude, latitude), when it has one.
    var point: (lon: Double, lat: Double)?

    /// The columns an import writes besides `geom` and `external_id`, in the order of ``values``,
    /// with their PostgreSQL types (for a staging table).
    static let columns: [(name: String, serverType: String)] = [
        ("reported_at", "text"), ("channel", "text"), ("category", "text"), ("severity", "text"), ("status", "text"),
        ("status_at", "text"), ("closed_at", "text"), ("address", "text"), ("lon", "double precision"), ("lat", "double precision"),
        ("source_crs", "text"), ("source_x", "double precision"), ("source_y", "double precision"), ("located_by", "text"),
        ("assign_status", "text"), ("distance_m", "double precision"), ("unit_code", "text"), ("area_code", "text"),
        ("community_code", "text"), ("street_code", "text"), ("grid_fid", "bigint"), ("plan_version", "bigint"),
        ("attributes", "text"), ("imported_at", "text"), ("nearest_code", "text"), ("assigned_at", "text"),
    ]

    /// Where the column `name` is in ``columns``.
    static func position(of name: String) -> Int { columns.firstIndex { $0.name == name }! }

    /// Where `assigned_at`, `status` and `status_at` are: an update that leaves the filing or the
    /// status as it was keeps the stored moment.
    static let assignedAtColumn = position(of: "assigned_at"), statusColumn = position(of: "status"), statusAtColumn = position(of: "status_at")

    /// Where the columns of a filing (``CaseHistory/filing``) are in ``columns``.
    static let filingPositions = CaseHistory.filing.map(position(of:))

    /// What a GeoPackage keeps once for the cases that share it (their filing, their import's
    /// moment: ``CaseFilings``), each case naming its row by a key column.
    static let sharedSets = [CaseFilings.shared, CaseFilings.imports]

    /// A GeoPackage's row of a case: the values of ``columns`` at these positions, then the key of
    /// each of ``sharedSets`` (whose values are at ``sharedPositions``).
    static let rowPositions = columns.indices.filter { i in
        !sharedSets.contains { set in set.columns.contains { $0.name == columns[i].name } }
    }
    static let sharedPositions = sharedSets.map { set in set.columns.map { position(of: $0.name) } }
    static let fileColumns = ["geom", "external_id"] + rowPositions.map { columns[$0].name } + sharedSets.map(\.key)

    /// Its filing, in the order of ``CaseHistory/filing``.
    var filing: [DatabaseValue] { Self.filingPositions.map { values[$0] } }

    /// The keys of its shared values in a GeoPackage, in the order of ``sharedSets``, each found
    /// (or added) through its set's lookup.
    func keys(_ lookups: [SharedColumns.Lookup]) throws -> [DatabaseValue] {
        try zip(lookups, Self.sharedPositions).map { lookup, at in try lookup.id(at.map { values[$0] }).databaseValue }
    }

    /// The plan's own CRS as a case's `source_crs` would name it.
    static let storedCRS = CRS.cgcs2000.description

    /// Makes the rows of one import's (or one intake's) cases: their filings are the same for all
    /// cases in a grid, so each grid's is made once.
    final class Maker {
        let assigner: Assigner
        /// The CRS the coordinates were given in, and the moment of the import.
        let sourceCRS: String?, now: DatabaseValue
        /// Of each chain of ``Assigner/chains`` whose cases have been made: its codes at every
        /// level and its grid's row, in the order of ``columns`` from `unit_code`.
        private var filings: [[DatabaseValue]?]
        /// A nearest grid's code, for the cases outside every grid.
        private var nearestCodes: [DatabaseValue?]

        init(assigner: Assigner, sourceCRS: String?, now: String) {
            self.assigner = assigner; self.sourceCRS = sourceCRS; self.now = now.databaseValue
            filings = Array(repeating: nil, count: assigner.chains.count)
            nearestCodes = Array(repeating: nil, count: assigner.chains.count)
        }

        /// `status_at` and `assigned_at` stay empty: a case's status holds since its report and its
        /// filing since its import until either changes (schema step v16.1), given coordinates are
        /// kept only when they differ from the stored ones and their CRS only when it is not the
        /// plan's (v16.2).
        func row(_ rows: [CaseReader.Row], _ i: Int, _ p: CaseImporter.Parsed, _ a: Assignment?) throws -> StoredCase {
            // The row's coordinates read in place: copying a whole row a case cost the import more.
            let (lon, lat, sourceX, sourceY) = (rows[i].lon, rows[i].lat, rows[i].sourceX, rows[i].sourceY)
            let status = a?.status ?? .noLocation
            // Outside every grid: no filing, and the nearest grid is kept with its distance.
            let chain = status == .outside ? nil : a?.grid
            let nearest = status == .outside ? a?.grid.map(nearestCode) ?? .null : .null
            func value(_ text: String?) -> DatabaseValue { text?.databaseValue ?? .null }
            func value(_ number: Double?) -> DatabaseValue { number?.databaseValue ?? .null }
            // Given coordinates equal to the stored ones are not stored again, nor the plan's own CRS (v16.2).
            let asGiven = sourceX == lon && sourceY == lat
            let givenIn = sourceX == nil || sourceCRS == StoredCase.storedCRS ? nil : sourceCRS
            var values: [DatabaseValue] = []
            values.reserveCapacity(StoredCase.columns.count)
            values.append(value(p.reportedAt))
            values.append(value(p.channel))
            values.append(value(p.category))
            values.append(p.severity.databaseValue)
            values.append(p.status.rawValue.databaseValue)
            values.append(.null)
            values.append(value(p.closedAt))
            values.append(value(p.address))
            values.append(value(lon))
            values.append(value(lat))
            values.append(value(givenIn))
            values.append(value(asGiven ? nil : sourceX))
            values.append(value(asGiven ? nil : sourceY))
            values.append((lon == nil ? "none" : "given").databaseValue)
            values.append(status.rawValue.databaseValue)
            values.append(value(a?.distanceM))
            values.append(contentsOf: chain.map(filing) ?? Self.noFiling)
            values.append(assigner.planVersion.databaseValue)
            values.append(value(p.attributes))
            values.append(now)
            values.append(nearest)
            values.append(.null)
            let geometry = try lon.map { try GeoPackageGeometry.encodePoint(x: $0, y: lat!, srsID: GeoPackage.storeSRSID).databaseValue }
            return StoredCase(
                id: p.id, geometry: geometry ?? .null, values: values, sharedGroup: chain ?? -1, point: lon.map { ($0, lat!) })
        }

        /// A case's codes at every level and its grid's row, when it is in chain `c`'s grid.
        private func filing(_ c: Int) -> [DatabaseValue] {
            if let known = filings[c] { return known }
            let chain = assigner.chains[c]
            let made =
                [GridLevel.unit, .area, .community, .street].map { chain.link($0).map(Self.code)?.databaseValue ?? .null }
                + [chain.link(assigner.level).map { $0.fid.databaseValue } ?? .null]
            filings[c] = made
            return made
        }

        private static let noFiling = [DatabaseValue](repeating: .null, count: 5)

        private func nearestCode(_ c: Int) -> DatabaseValue {
            if let known = nearestCodes[c] { return known }
            let made = assigner.chains[c].link(assigner.level).map(Self.code)?.databaseValue ?? .null
            nearestCodes[c] = made
            return made
        }

        /// How a case names a grid: its code, else its name, else its row.
        private static func code(_ link: GridChain.Link) -> String { link.code ?? link.name ?? "#\(link.fid)" }
    }
}
