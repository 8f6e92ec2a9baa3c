import Foundation
import GridFormats
import Grids
import GridStore

/// `gridplan assign`: adds the grid codes and names at every level to each row of a file,
/// storing nothing. Streams the file in batches.
public enum AssignFile {
    public struct Report: Sendable {
        public var rows = 0
        public var byStatus: [String: Int] = [:]
        /// Seconds spent in the assignment engine alone, and its rate.
        public var engineSeconds = 0.0
        public var located = 0
        public var threads = 1
        public var pointsPerSecond: Double { engineSeconds > 0 ? Double(located) / engineSeconds : 0 }
    }

    public static let addedColumns = ["assign_status", "unit_code", "unit_name", "area_code", "area_name",
                                      "community_code", "community_name", "street_code", "street_name",
                                      "distance_m", "nearest_code", "lon_cgcs2000", "lat_cgcs2000"]

    public static func run(reader: CaseReader, assigner: Assigner, out: String, threads: Int,
                           batchSize: Int = 200_000, progress: ((Int) -> Void)? = nil) throws -> Report {
        guard let stream = OutputStream(toFileAtPath: out, append: false) else { throw GridplanError("\(out): cannot write") }
        stream.open()
        defer { stream.close() }
        var buffer = ""
        func flush() throws {
            let bytes = Array(buffer.utf8)
            if !bytes.isEmpty && stream.write(bytes, maxLength: bytes.count) != bytes.count {
                throw GridplanError("\(out): write failed: \(stream.streamError.map { "\($0)" } ?? "disk full?")")
            }
            buffer.removeAll(keepingCapacity: true)
        }
        var report = Report(threads: threads)
        buffer += (reader.fieldNames + addedColumns).map(csvField).joined(separator: ",") + "\n"
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
                    added[9] = a.distanceM.map { String(format: "%.1f", $0) } ?? ""
                    added[11] = String(format: "%.8f", row.lon!); added[12] = String(format: "%.8f", row.lat!)
                } else {
                    added[0] = row.problem == nil ? AssignStatus.noLocation.rawValue : "bad_location"
                }
                report.byStatus[added[0], default: 0] += 1
                buffer += (row.values.map { csvField($0.string ?? "") } + added.map(csvField)).joined(separator: ",") + "\n"
                if buffer.utf8.count > 1 << 20 { try flush() }
            }
            report.rows += rows.count
            progress?(report.rows)
        }
        try flush()
        return report
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
