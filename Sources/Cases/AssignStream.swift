import Foundation
import GridErrors
package import GridFormats
package import GridProjection
package import Grids

/// A plain CSV (see ``PlainCSV``) for `gridplan assign`, read as bytes, with its coordinate
/// columns and their CRS.
package struct PlainAssignInput: Sendable {
    package let csv: PlainCSV
    let lonIndex: Int, latIndex: Int
    package let sourceCRS: CRS

    /// The file as a plain CSV with longitude/latitude columns and a CRS given; nil for anything
    /// else, which ``CaseReader`` reads (and where it finds a problem, reports it).
    package init?(path: String, lonField: String?, latField: String?, crs: CRS?, encoding: String?) {
        guard let crs, let csv = PlainCSV.open(path: path, encoding: encoding) else { return nil }
        let names = csv.fieldNames, file = (path as NSString).lastPathComponent
        guard
            let lon = try? FieldLookup.index(in: names, named: lonField, setting: "lon-field", usual: CaseReader.lonNames, file: file),
            let lat = try? FieldLookup.index(in: names, named: latField, setting: "lat-field", usual: CaseReader.latNames, file: file)
        else { return nil }
        (self.csv, lonIndex, latIndex, sourceCRS) = (csv, lon, lat, crs)
    }
}

/// One chunk's records as read: each row's kind so far and the coordinates of those that have
/// numbers, in the source CRS.
struct ReadBatch: Sendable {
    var chunk: CSVChunk
    var kinds: [AssignBytes.Kind]
    /// The rows with numbers, and their coordinates.
    var numbered: [Int] = []
    var xs: [Double] = [], ys: [Double] = []
    var problems: [Int: String] = [:]

    /// Reads the coordinates of each record, as ``CaseReader`` reads them from GDAL's values:
    /// ASCII spaces, tabs and CRs around them ignored, both empty: no location, else decimal
    /// numbers or a problem.
    init(_ chunk: CSVChunk) {
        self.chunk = chunk
        let count = chunk.records.count
        kinds = [AssignBytes.Kind](repeating: .noLocation, count: count)
        numbered.reserveCapacity(count); xs.reserveCapacity(count); ys.reserveCapacity(count)
        var lonScratch: [UInt8] = [], latScratch: [UInt8] = []
        let picked = chunk.records.picked
        chunk.bytes.withUnsafeBufferPointer { bytes in
            for r in 0..<count {
                let outcome = Self.withValue(bytes, picked[4 * r], picked[4 * r + 1], &lonScratch) { lon in
                    Self.withValue(bytes, picked[4 * r + 2], picked[4 * r + 3], &latScratch) { lat -> Outcome in
                        if lon.isEmpty && lat.isEmpty { return .empty }
                        if let x = DecimalNumber.parse(bytes: lon), let y = DecimalNumber.parse(bytes: lat) { return .numbers(x, y) }
                        return .notNumbers(CaseReader.notNumbers(String(decoding: lon, as: UTF8.self), String(decoding: lat, as: UTF8.self)))
                    }
                }
                switch outcome {
                case .empty: break
                case .numbers(let x, let y):
                    kinds[r] = .inside // has numbers; the assignment stage says what it is
                    numbered.append(r); xs.append(x); ys.append(y)
                case .notNumbers(let problem):
                    kinds[r] = .badLocation
                    problems[r] = problem
                }
            }
        }
    }

    private enum Outcome {
        case empty
        case numbers(Double, Double)
        case notNumbers(String)
    }

    /// Calls `body` with a field's value, trimmed; unescaped into `scratch` first when quoted.
    private static func withValue<R>(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ scratch: inout [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) -> R {
        func trimmed(_ raw: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
            var lo = 0, hi = raw.count
            while lo < hi && blank(raw[lo]) { lo += 1 }
            while hi > lo && blank(raw[hi - 1]) { hi -= 1 }
            return UnsafeBufferPointer(rebasing: raw[lo..<hi])
        }
        guard start >= 0 else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard raw.first == 0x22 else { return body(trimmed(raw)) }
        scratch.removeAll(keepingCapacity: true)
        CSVBytes.appendValue(of: raw, to: &scratch)
        return scratch.withUnsafeBufferPointer { body(trimmed($0)) }
    }
}

/// A batch assigned: per row its kind, grid, distance and CGCS2000 point.
struct AssignedBatch: Sendable {
    var read: ReadBatch
    var grids: [Int32]
    var distances: [Double?]
    var lons: [Double], lats: [Double]
}

extension AssignFile {
    /// `assign` on a plain CSV, in three overlapped stages with at most two batches between them:
    /// a thread reads and parses chunks, this thread transforms and assigns them (the engine on
    /// `threads` threads), a thread formats and writes them. Memory stays a few batches whatever
    /// the file's length. Writes what ``run(reader:assigner:out:threads:columns:batchSize:progress:)``
    /// writes for the same file.
    package static func run(
        plain input: PlainAssignInput, assigner: Assigner, out: String, threads: Int, columns: [AddedColumn] = AddedColumn.allCases,
        chunkBytes: Int = PlainCSV.chunkBytes, progress: ((Int) -> Void)? = nil
    ) throws -> Report {
        let output = out == "-" ? nil : try OutputFile(out)
        let handle = try output?.create() ?? FileHandle.standardOutput
        let layout = AssignBytes(assigner: assigner, columns: columns)
        let fd = handle.fileDescriptor
        var header: [UInt8] = []
        for (k, name) in (input.csv.fieldNames + columns.map(\.name)).enumerated() {
            if k > 0 { header.append(0x2C) }
            AssignBytes.appendField(name, to: &header)
        }
        header.append(0x0A)
        try writeAll(header, to: fd, out: out)

        let read = BatchQueue<ReadBatch>(capacity: 2), assigned = BatchQueue<[UInt8]>(capacity: 2)
        let csv = input.csv, pick = [input.lonIndex, input.latIndex], columns = input.csv.fieldNames.count
        let reader = ThreadOutcome("assign-read") {
            do {
                let chunks = try csv.reader(pick: pick, chunkBytes: chunkBytes)
                while let chunk = try chunks.next() {
                    guard read.push(ReadBatch(chunk)) else { break }
                }
                read.finish()
            } catch {
                read.finish(throwing: error)
            }
        }
        // The writer only writes: formatting is done beside the engine, so the three stages weigh
        // about the same and two cores are kept busy.
        let writer = ThreadOutcome("assign-write") {
            do {
                while let bytes = try assigned.pop() { try writeAll(bytes, to: fd, out: out) }
            } catch {
                assigned.cancel()
                throw error
            }
        }
        var report = Report(threads: threads)
        var counts = [Int](repeating: 0, count: 7)
        do {
            let transformer = try CoordinateTransformer(from: input.sourceCRS, to: .cgcs2000)
            let geographic = (try? input.sourceCRS.isGeographic) == true
            while let batch = try read.pop() {
                let done = try assign(
                    batch, assigner: assigner, transformer: transformer, geographic: geographic, crs: input.sourceCRS, threads: threads,
                    report: &report)
                guard assigned.push(layout.rows(done, columns: columns, counts: &counts)) else { break }
                report.rows += batch.chunk.records.count
                progress?(report.rows)
            }
            assigned.finish()
        } catch {
            read.cancel()
            assigned.cancel()
            _ = try? reader.wait()
            _ = try? writer.wait()
            throw error
        }
        do {
            try writer.wait()
        } catch {
            read.cancel()
            _ = try? reader.wait()
            throw error
        }
        try reader.wait()
        for (k, n) in counts.enumerated() where n > 0 {
            report.byStatus[layout.statusName(AssignBytes.Kind(rawValue: UInt8(k))!), default: 0] += n
        }
        if let output {
            try handle.close()
            try output.commit()
        }
        return report
    }

    /// Transforms a batch's coordinates to CGCS2000 and assigns those that are locations.
    private static func assign(
        _ batch: ReadBatch, assigner: Assigner, transformer: CoordinateTransformer, geographic: Bool, crs: CRS, threads: Int,
        report: inout Report
    ) throws -> AssignedBatch {
        var batch = batch
        let count = batch.chunk.records.count
        var xs = batch.xs, ys = batch.ys
        let failed = Set(transformer.transform(x: &xs, y: &ys))
        var rows: [Int] = [], lons: [Double] = [], lats: [Double] = []
        rows.reserveCapacity(xs.count); lons.reserveCapacity(xs.count); lats.reserveCapacity(xs.count)
        for (k, r) in batch.numbered.enumerated() {
            let problem =
                geographic || !failed.isEmpty
                ? CaseReader.locationProblem(x: batch.xs[k], y: batch.ys[k], transformed: !failed.contains(k), geographic: geographic, crs: crs)
                : nil
            if let problem {
                batch.kinds[r] = .badLocation
                batch.problems[r] = problem
            } else {
                rows.append(r); lons.append(xs[k]); lats.append(ys[k])
            }
        }
        let start = Date()
        let results = try assigner.assign(lon: lons, lat: lats, threads: threads)
        report.engineSeconds += Date().timeIntervalSince(start)
        report.located += rows.count
        var done = AssignedBatch(
            read: batch, grids: [Int32](repeating: -1, count: count), distances: [Double?](repeating: nil, count: count),
            lons: [Double](repeating: 0, count: count), lats: [Double](repeating: 0, count: count))
        for (k, r) in rows.enumerated() {
            let a = results[k]
            done.read.kinds[r] = AssignBytes.kind(a.status)
            done.grids[r] = a.grid.map(Int32.init) ?? -1
            done.distances[r] = a.distanceM
            done.lons[r] = lons[k]; done.lats[r] = lats[k]
        }
        return done
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ bytes: [UInt8], to fd: Int32, out: String) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw GridplanError(.failed, "write failed: \(String(cString: strerror(errno)))", source: .file(out))
                }
                done += n
            }
        }
    }
}
