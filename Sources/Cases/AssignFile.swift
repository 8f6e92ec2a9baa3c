import Foundation
import GridErrors
import GridFormats
import GridStore
package import Grids

/// `gridplan assign`: adds the grid codes and names at every level to each row of a file,
/// storing nothing. Streams the file in batches.
package enum AssignFile {
    package struct Report: Sendable, Encodable {
        package var rows = 0
        package var byStatus: [String: Int] = [:]
        /// Seconds spent in the assignment engine alone, and its rate.
        package var engineSeconds = 0.0
        package var located = 0
        package var threads = 1
        package var pointsPerSecond: Double { engineSeconds > 0 ? Double(located) / engineSeconds : 0 }
    }

    package static let addedColumns = [
        "assign_status", "unit_code", "unit_name", "area_code", "area_name",
        "community_code", "community_name", "street_code", "street_name",
        "distance_m", "nearest_code", "lon_cgcs2000", "lat_cgcs2000", "assign_problem",
    ]

    /// One of the columns `assign` adds, in the order of ``addedColumns``.
    package enum AddedColumn: Int, CaseIterable, Sendable {
        case assignStatus, unitCode, unitName, areaCode, areaName, communityCode, communityName, streetCode, streetName
        case distanceM, nearestCode, lonCGCS2000, latCGCS2000, assignProblem

        package var name: String { AssignFile.addedColumns[rawValue] }

        /// The columns named in `list` (comma separated), in the order given; all of them when
        /// `list` is nil. Who needs only the unit's code writes about a quarter of the bytes of
        /// all fourteen (measured on a file of id,lon,lat).
        package static func parse(_ list: String?) throws -> [AddedColumn] {
            guard let list else { return allCases }
            var picked: [AddedColumn] = []
            for name in list.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let column = addedColumns.firstIndex(of: name).flatMap(AddedColumn.init(rawValue:)) else {
                    throw GridplanError(
                        .badArgument, "\(setting: "columns"): no added column named '\(name)'",
                        hint: "the added columns are \(addedColumns.joined(separator: ","))")
                }
                guard !picked.contains(column) else { throw GridplanError(.badArgument, "\(setting: "columns"): '\(name)' is named twice") }
                picked.append(column)
            }
            return picked
        }
    }

    package static func run(
        reader: CaseReader, assigner: Assigner, out: String, threads: Int, columns: [AddedColumn] = AddedColumn.allCases,
        batchSize: Int = 200_000, progress: ((Int) -> Void)? = nil
    ) throws -> Report {
        // `-` is standard output, appended to so that a shell's `>>` keeps what the file had. A file
        // is written beside the target and renamed over it at the end (see OutputFile): a failed run
        // leaves an earlier file whole.
        let output = out == "-" ? nil : try OutputFile(out)
        let handle = try output?.create() ?? FileHandle.standardOutput
        var buffer = ""
        func flush() throws {
            guard !buffer.isEmpty else { return }
            do { try handle.write(contentsOf: Data(buffer.utf8)) } catch {
                throw GridplanError(.failed, "write failed: \(error.localizedDescription)", source: .file(out))
            }
            buffer.removeAll(keepingCapacity: true)
        }
        var report = Report(threads: threads)
        buffer += (reader.fieldNames + columns.map(\.name)).map(csvField).joined(separator: ",") + "\n"
        try reader.forEachBatch(size: batchSize) { rows in
            let located = rows.indices.filter { rows[$0].lon != nil }
            let lons = located.map { rows[$0].lon! }, lats = located.map { rows[$0].lat! }
            let start = Date()
            let results = try assigner.assign(lon: lons, lat: lats, threads: threads)
            report.engineSeconds += Date().timeIntervalSince(start)
            report.located += located.count
            var byRow = [Assignment?](repeating: nil, count: rows.count)
            for (k, i) in located.enumerated() { byRow[i] = results[k] }
            for (i, row) in rows.enumerated() {
                var added = [String](repeating: "", count: addedColumns.count)
                if let a = byRow[i] {
                    added[0] = a.status.rawValue
                    if let g = a.grid {
                        let chain = assigner.chains[g]
                        if a.status != .outside {
                            for (k, level) in [GridLevel.unit, .area, .community, .street].enumerated() {
                                added[1 + 2 * k] = chain.link(level)?.code ?? ""
                                added[2 + 2 * k] = chain.link(level)?.name ?? ""
                            }
                        }
                        added[10] = chain.link(assigner.level)?.code ?? chain.link(assigner.level)?.name ?? ""
                    }
                    added[9] = a.distanceM.map { fixedPoint($0, decimals: 1) } ?? ""
                    added[11] = fixedPoint(row.lon!, decimals: 8); added[12] = fixedPoint(row.lat!, decimals: 8)
                } else {
                    // A row whose bytes could not all be read is written as read, marked, never assigned.
                    added[0] = row.unreadable != nil ? "unreadable" : row.problem == nil ? AssignStatus.noLocation.rawValue : "bad_location"
                    added[13] = row.problem ?? ""
                }
                report.byStatus[added[0], default: 0] += 1
                buffer += (row.values.map { csvField($0.string ?? "") } + columns.map { csvField(added[$0.rawValue]) }).joined(separator: ",") + "\n"
                if buffer.utf8.count > 1 << 20 { try flush() }
            }
            report.rows += rows.count
            progress?(report.rows)
        }
        try flush()
        if let output {
            try handle.close()
            try output.commit()
        }
        return report
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break. (Scans bytes: comparing
/// Characters costs a grapheme break per character, millions of times per file.)
func csvField(_ s: String) -> String {
    guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// `x` with exactly `decimals` digits after the point, as `String(format: "%.Nf")` writes it
/// but without its cost (it goes through NSString). The product `x·10ⁿ` is rounded, not `x`'s
/// exact binary value as `printf` rounds: they differ only where the product lies within its own
/// rounding error of a half, so there (and for magnitudes beyond exact integer arithmetic, and
/// non-finite values) `printf` is asked.
func fixedPoint(_ x: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let product = abs(x) * scale
    let scaled = product.rounded(.toNearestOrAwayFromZero)
    guard x.isFinite, scaled < 9e15, abs(product - product.rounded(.down) - 0.5) > max(product * 1e-15, 1e-12) else {
        return String(format: "%.\(decimals)f", x)
    }
    let n = Int64(scaled), unit = Int64(scale)
    var fraction = String(n % unit)
    if fraction.utf8.count < decimals { fraction = String(repeating: "0", count: decimals - fraction.utf8.count) + fraction }
    let sign = x.sign == .minus ? "-" : ""
    return decimals == 0 ? sign + String(n) : sign + String(n / unit) + "." + fraction
}
