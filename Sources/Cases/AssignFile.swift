import Foundation
import GridFormats
import Grids
import GridStore

/// `gridplan assign`: adds the grid codes and names at every level to each row of a file,
/// storing nothing.
public enum AssignFile {
    public struct Report: Sendable {
        public var rows = 0
        public var byStatus: [String: Int] = [:]
        /// Seconds spent in the assignment engine alone, and its rate.
        public var engineSeconds = 0.0
        public var threads = 1
        public var pointsPerSecond: Double { engineSeconds > 0 ? Double(rows) / engineSeconds : 0 }
    }

    public static let addedColumns = ["assign_status", "unit_code", "unit_name", "area_code", "area_name",
                                      "community_code", "community_name", "street_code", "street_name",
                                      "distance_m", "nearest_code", "lon_cgcs2000", "lat_cgcs2000"]

    public static func run(file: CaseFile, assigner: Assigner, out: String, threads: Int) throws -> Report {
        let located = file.rows.indices.filter { file.rows[$0].lon != nil }
        let start = Date()
        let results = try assigner.assign(lon: located.map { file.rows[$0].lon! }, lat: located.map { file.rows[$0].lat! }, threads: threads)
        var report = Report(rows: file.rows.count, engineSeconds: Date().timeIntervalSince(start), threads: threads)
        var byRow = [Assignment?](repeating: nil, count: file.rows.count)
        for (k, i) in located.enumerated() { byRow[i] = results[k] }

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
        buffer += (file.fieldNames + addedColumns).map(csvField).joined(separator: ",") + "\n"
        for (i, row) in file.rows.enumerated() {
            var fields = row.values.map { csvField($0.string ?? "") }
            let status: String
            var added = [String](repeating: "", count: addedColumns.count)
            if let a = byRow[i] {
                status = a.status.rawValue
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
                status = row.problem == nil ? AssignStatus.noLocation.rawValue : "bad_location"
            }
            added[0] = status
            report.byStatus[status, default: 0] += 1
            fields += added.map(csvField)
            buffer += fields.joined(separator: ",") + "\n"
            if buffer.utf8.count > 1 << 20 { try flush() }
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
