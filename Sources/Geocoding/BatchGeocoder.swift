package import Cases
import Foundation
import GridErrors
import GridFormats
import GridProjection
package import Grids

/// `gridplan geocode FILE`: geocodes an address column batch by batch on all cores and writes
/// a CSV with every input column and the result, optionally with the grid of every level.
///
/// Resumable: after each batch the output is flushed and `OUT.checkpoint` records the rows done
/// and the output's length; a run killed at any moment resumes from the last batch (the output
/// is cut back to the recorded length first), as long as the input file is unchanged.
package enum BatchGeocoder {
    package struct Options: Sendable {
        package var addressField: String
        package var out: String
        package var threads = ProcessInfo.processInfo.activeProcessorCount
        package var batchSize = 20_000
        /// Also write GCJ-02 and BD-09 coordinates.
        package var gcj02 = false, bd09 = false
        /// Input coordinates farther than this from the geocoded point are flagged.
        /// Input coordinates farther than this from the geocoded point are flagged, times the
        /// level's ``disagreementFactor`` (a road or community point stands for a whole place).
        package var disagreementMetres = 300.0
        package var restart = false
        /// Stop after this many rows as if killed, leaving the checkpoint (for tests).
        package var stopAfterRows: Int?
        package init(addressField: String, out: String) { self.addressField = addressField; self.out = out }
    }

    package struct Report: Sendable, Codable {
        package var rows = 0
        package var resumedAt = 0
        package var byLevel: [String: Int] = [:]
        package var unmatchedByReason: [String: Int] = [:]
        package var disagreements = 0
        package var byAssignStatus: [String: Int] = [:]
        package var engineSeconds = 0.0
        package var addressesPerSecond: Double { engineSeconds > 0 ? Double(rows - resumedAt) / engineSeconds : 0 }
    }

    struct Checkpoint: Codable {
        var input: String
        var inputBytes: UInt64
        var rowsDone: Int
        var outBytes: UInt64
        /// The output's columns: a run with other options starts over rather than mix them.
        var columns: [String]
        var report: Report
    }

    package static func columns(_ o: Options, assign: Bool) -> [String] {
        var c = ["match_level", "confidence", "certain_level", "lon", "lat"]
        if o.gcj02 { c += ["lon_gcj02", "lat_gcj02"] }
        if o.bd09 { c += ["lon_bd09", "lat_bd09"] }
        c += [
            "matched", "county_code", "county_name", "street_code", "street_name", "community_code", "community_name",
            "interpolated", "interpolation", "fuzzy", "reason", "alternatives", "input_lon", "input_lat", "input_distance_m", "disagrees",
        ]
        if assign {
            c += ["assign_status", "assigned_from", "unit_code", "unit_name", "area_code", "area_name", "grid_community_code", "grid_street_code"]
        }
        return c
    }

    /// The output's header: the input's fields, then the added columns, each added column that
    /// an input field already names (any case) prefixed `geocoded_`, so every name is unique and
    /// GDAL or QGIS never take the input's `lon`/`lat` for the geocoded point or the reverse.
    package static func header(_ input: [String], _ o: Options, assign: Bool) -> [String] {
        var taken = Set(input.map { $0.lowercased() })
        return input
            + columns(o, assign: assign).map { name in
                var unique = taken.contains(name.lowercased()) ? "geocoded_" + name : name
                while taken.contains(unique.lowercased()) { unique = "geocoded_" + unique }
                taken.insert(unique.lowercased())
                return unique
            }
    }

    /// Where rows go until the last is written: `.gridplan-partial-NAME` beside OUT.
    package static func partialPath(_ out: String) -> String {
        let url = URL(fileURLWithPath: out)
        return url.deletingLastPathComponent().appendingPathComponent(".gridplan-partial-" + url.lastPathComponent).path
    }

    /// A reason with the names taken out, to group unmatched rows: "unknown road '…'".
    static func reasonKind(_ reason: String?) -> String {
        guard let reason else { return "no reason given" }
        let first = reason.split(separator: ";").first.map(String.init) ?? reason
        var out = "", inQuote = false
        for ch in first {
            if ch == "'" { inQuote.toggle(); out += inQuote ? "'…" : "'"; continue }
            if !inQuote { out.append(ch) }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// `assigner` adds the grids of every result (--assign); `locator` (often the same) locates the
    /// rows' own points, to tell whether they lie in the division the address names.
    package static func run(
        reader: CaseReader, geocoder: Geocoder, assigner: Assigner?, locator: Assigner? = nil,
        options o: Options, progress: ((Int) -> Void)? = nil
    ) throws -> Report {
        guard let field = reader.field(o.addressField) else {
            throw GridplanError(
                .notFound,
                "\(setting: "address-field") \(o.addressField): no such field; the fields are: \(reader.fieldNames.joined(separator: ", "))",
                source: .file(reader.fileName))
        }
        let checkpointPath = o.out + ".checkpoint"
        // Rows go to a partial file beside OUT, renamed over it when the last row is written: until
        // then an earlier OUT stays whole. A killed run leaves the partial file and the checkpoint,
        // from which the next run resumes (or which it replaces).
        let partial = partialPath(o.out)
        let inputBytes = ((try? FileManager.default.attributesOfItem(atPath: reader.path))?[.size] as? NSNumber)?.uint64Value ?? 0
        var report = Report()
        var skip = 0
        let fm = FileManager.default
        // `-` writes to standard output: no checkpoint, an interrupted run starts over.
        let toStandardOutput = o.out == "-"
        if toStandardOutput {
            let header = (header(reader.fieldNames, o, assign: assigner != nil)).map(csvQuote).joined(separator: ",") + "\n"
            try FileHandle.standardOutput.write(contentsOf: Data(header.utf8))
        } else if !o.restart, let data = fm.contents(atPath: checkpointPath),
            let cp = try? JSONDecoder().decode(Checkpoint.self, from: data), cp.input == reader.path, cp.inputBytes == inputBytes,
            cp.columns == header(reader.fieldNames, o, assign: assigner != nil),
            fm.fileExists(atPath: partial)
        {
            guard let h = FileHandle(forUpdatingAtPath: partial) else {
                throw GridplanError(.failed, "cannot open to resume", source: .file(partial))
            }
            try h.truncate(atOffset: cp.outBytes)
            try h.close()
            report = cp.report
            report.resumedAt = cp.rowsDone
            report.engineSeconds = 0
            skip = cp.rowsDone
        } else {
            let header = (header(reader.fieldNames, o, assign: assigner != nil)).map(csvQuote).joined(separator: ",") + "\n"
            unlink(partial)
            let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0, (try? FileHandle(fileDescriptor: fd, closeOnDealloc: true).write(contentsOf: Data(header.utf8))) != nil else {
                throw GridplanError(.failed, "cannot write", source: .file(o.out))
            }
            try? fm.removeItem(atPath: checkpointPath)
        }
        guard let handle = toStandardOutput ? FileHandle.standardOutput : FileHandle(forWritingAtPath: partial) else {
            throw GridplanError(.failed, "cannot write", source: .file(o.out))
        }
        defer { if !toStandardOutput { try? handle.close() } }
        if !toStandardOutput { try handle.seekToEnd() }
        let threads = max(1, o.threads)
        struct Stop: Error {}
        do {
            try reader.forEachBatch(size: o.batchSize, skip: skip) { rows in
                if let stop = o.stopAfterRows, report.rows >= stop { throw Stop() }
                let start = Date()
                let addresses = rows.map { $0.values[field].string ?? "" }
                let results = geocodeAll(addresses, geocoder: geocoder, threads: threads)
                var assignments: [Assignment?] = Array(repeating: nil, count: rows.count)
                var assignedFrom = [String](repeating: "", count: rows.count)
                if let assigner {
                    var idx: [Int] = [], lons: [Double] = [], lats: [Double] = []
                    for i in rows.indices {
                        if results[i].level != .none {
                            idx.append(i); lons.append(results[i].lon); lats.append(results[i].lat); assignedFrom[i] = "geocode"
                        } else if let x = rows[i].lon, let y = rows[i].lat {
                            idx.append(i); lons.append(x); lats.append(y); assignedFrom[i] = "input"
                        }
                    }
                    let a = try assigner.assign(lon: lons, lat: lats, threads: threads)
                    for (k, i) in idx.enumerated() { assignments[i] = a[k] }
                }
                var inputChains = [GridChain?](repeating: nil, count: rows.count)
                if let locator {
                    let located = rows.indices.filter { rows[$0].lon != nil && results[$0].level != .none }
                    if !located.isEmpty {
                        let a = try locator.assign(lon: located.map { rows[$0].lon! }, lat: located.map { rows[$0].lat! }, threads: threads)
                        for (k, i) in located.enumerated() where a[k].status != .outside {
                            inputChains[i] = a[k].grid.map { locator.chains[$0] }
                        }
                    }
                }
                // Output lines are formatted on all threads too, each its own slice of rows.
                let input = Unchecked((rows, results, assignments, assignedFrom, inputChains))
                let slices = max(1, min(threads, rows.count / 500 + 1))
                let texts = UnsafeMutableBufferPointer<String>.allocate(capacity: slices)
                texts.initialize(repeating: "")
                defer { texts.deinitialize(); texts.deallocate() }
                let out = SendableBuffer(texts)
                DispatchQueue.concurrentPerform(iterations: slices) { k in
                    let (rows, results, assignments, assignedFrom, inputChains) = input.value
                    var text = ""
                    text.reserveCapacity(rows.count / slices * 320)
                    for i in (rows.count * k / slices)..<(rows.count * (k + 1) / slices) {
                        line(rows[i], results[i], assignments[i], assignedFrom[i], inputChains[i], o, assigner, into: &text)
                    }
                    out.buffer[k] = text
                }
                report.engineSeconds += Date().timeIntervalSince(start)
                for (i, row) in rows.enumerated() {
                    let r = results[i]
                    report.byLevel[r.level.rawValue, default: 0] += 1
                    if r.level == .none { report.unmatchedByReason[reasonKind(r.reason), default: 0] += 1 }
                    if disagrees(r, row, o, inputChains[i])?.flagged == true { report.disagreements += 1 }
                    if assigner != nil { report.byAssignStatus[assignments[i]?.status.rawValue ?? "no_location", default: 0] += 1 }
                }
                var text = ""
                for k in 0..<slices { text += texts[k] }
                try handle.write(contentsOf: Data(text.utf8))
                report.rows += rows.count
                progress?(report.rows)
                if toStandardOutput { return }
                let outBytes = handle.offsetInFile
                let cp = Checkpoint(
                    input: reader.path, inputBytes: inputBytes, rowsDone: report.rows, outBytes: outBytes,
                    columns: header(reader.fieldNames, o, assign: assigner != nil), report: report)
                // Written beside and renamed (OutputFile): a kill mid-write leaves the last checkpoint
                // whole and only a temporary file, which the next run in the folder removes.
                let checkpoint = try OutputFile(checkpointPath)
                try checkpoint.create().write(contentsOf: try JSONEncoder().encode(cp))
                try checkpoint.commit()
            }
        } catch is Stop { return report }
        if !toStandardOutput {
            let mode = OutputFile.modeFor(o.out)
            chmod(partial, mode)
            guard rename(partial, o.out) == 0 else {
                throw GridplanError(.failed, "cannot put the finished file in place (\(String(cString: strerror(errno))))", source: .file(o.out))
            }
        }
        try? fm.removeItem(atPath: checkpointPath)
        return report
    }

    /// How much farther than `--disagree-m` a row's own point may lie from a result of this level
    /// before it is flagged: a building or house number is a point, a road or community only its
    /// representative point; a county match says nothing about the point.
    package static func disagreementFactor(_ level: MatchLevel) -> Double? {
        switch level {
        case .building, .houseNumber, .compound: 1
        case .grid: 2
        case .road, .community: 5
        case .street: 10
        case .county, .none: nil
        }
    }

    /// The distance from the row's own point to the result, and whether they disagree. For a
    /// community, street or grid, when the row's point has been located in the grids
    /// (`inputChain`), they disagree when the point is not in that division, however near.
    static func disagrees(_ r: GeocodeResult, _ row: CaseReader.Row, _ o: Options, _ inputChain: GridChain?) -> (distance: Double, flagged: Bool)? {
        guard r.level != .none, let x = row.lon, let y = row.lat else { return nil }
        let d = metres(r.lon, r.lat, x, y)
        if let chain = inputChain {
            switch r.level {
            case .community: if let a = chain.community?.code, let b = r.communityCode { return (d, a != b) }
            case .street: if let a = chain.street?.code, let b = r.streetCode { return (d, a != b) }
            case .grid:
                if let m = r.matched { return (d, m != chain.unit?.name && m != chain.area?.name && m != chain.unit?.code && m != chain.area?.code) }
            default: break
            }
        }
        return (d, disagreementFactor(r.level).map { d > o.disagreementMetres * $0 } ?? false)
    }

    /// One output line: the input values, then the result columns.
    static func line(
        _ row: CaseReader.Row, _ r: GeocodeResult, _ assignment: Assignment?, _ assignedFrom: String,
        _ inputChain: GridChain?, _ o: Options, _ assigner: Assigner?, into text: inout String
    ) {
        var v = [r.level.rawValue, String(r.confidence), r.certainLevel.rawValue, coord(r.lon), coord(r.lat)]
        let located = r.level != .none
        if o.gcj02 {
            let g = located ? ChinaOffsets.wgs84ToGCJ02(lon: r.lon, lat: r.lat) : (Double.nan, Double.nan)
            v += [coord(g.0), coord(g.1)]
        }
        if o.bd09 {
            let b = located ? ChinaOffsets.wgs84ToBD09(lon: r.lon, lat: r.lat) : (Double.nan, Double.nan)
            v += [coord(b.0), coord(b.1)]
        }
        var distance = "", disagreement = ""
        if let (d, flagged) = disagrees(r, row, o, inputChain) {
            distance = String((d * 10).rounded() / 10)
            disagreement = flagged ? "true" : "false"
        }
        v += [
            r.matched ?? "", r.countyCode ?? "", r.countyName ?? "", r.streetCode ?? "", r.streetName ?? "",
            r.communityCode ?? "", r.communityName ?? "", r.interpolated ? "true" : "false", r.interpolation?.rawValue ?? "",
            r.fuzzy ? "true" : "false",
            r.reason ?? row.problem ?? "",
            r.alternatives.map { "\($0.name) (\($0.confidence))" }.joined(separator: "; "),
            row.lon.map(coord) ?? "", row.lat.map(coord) ?? "", distance, disagreement,
        ]
        if let assigner {
            if let a = assignment {
                let chain = a.grid.map { assigner.chains[$0] }
                let inGrid = a.status != .outside
                v += [
                    a.status.rawValue, assignedFrom,
                    inGrid ? chain?.unit?.code ?? "" : "", inGrid ? chain?.unit?.name ?? "" : "",
                    inGrid ? chain?.area?.code ?? "" : "", inGrid ? chain?.area?.name ?? "" : "",
                    inGrid ? chain?.community?.code ?? "" : "", inGrid ? chain?.street?.code ?? "" : "",
                ]
            } else {
                v += ["no_location", "", "", "", "", "", "", ""]
            }
        }
        var first = true
        for value in row.values {
            if !first { text += "," }
            first = false
            text += csvQuote(value.string ?? "")
        }
        for value in v { text += ","; text += csvQuote(value) }
        text += "\n"
    }

    /// Geocodes addresses on `threads` threads, each its own contiguous slice.
    package static func geocodeAll(_ addresses: [String], geocoder: Geocoder, threads: Int) -> [GeocodeResult] {
        let n = addresses.count
        let buffer = UnsafeMutableBufferPointer<GeocodeResult>.allocate(capacity: n)
        buffer.initialize(repeating: GeocodeResult())
        defer { buffer.deinitialize(); buffer.deallocate() }
        let slots = SendableBuffer(buffer)
        let t = max(1, min(threads, n / 500 + 1))
        DispatchQueue.concurrentPerform(iterations: t) { k in
            for i in (n * k / t)..<(n * (k + 1) / t) { slots.buffer[i] = geocoder.geocode(addresses[i]) }
        }
        return Array(buffer)
    }

    /// A coordinate with 7 decimals (1 cm), without Foundation's formatter (the hot path of output).
    static func coord(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e10 else { return "" }
        let scaled = Int64((abs(v) * 1e7).rounded())
        let whole = scaled / 10_000_000, fraction = scaled % 10_000_000
        var digits = String(fraction)
        if digits.count < 7 { digits = String(repeating: "0", count: 7 - digits.count) + digits }
        return (v < 0 && scaled != 0 ? "-" : "") + String(whole) + "." + digits
    }
}

/// Values handed read-only to worker threads (rows of a batch, results).
struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A buffer that threads write at disjoint indices (allocated once, so it never moves).
struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ b: UnsafeMutableBufferPointer<T>) { buffer = b }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
func csvQuote(_ s: String) -> String {
    guard s.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
