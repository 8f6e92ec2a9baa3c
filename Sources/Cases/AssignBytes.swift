import Foundation
import GridFormats
import Grids

/// The columns `assign` adds to a row, written as bytes: each grid's chain of codes and names is
/// made into CSV once, so a row costs a few copies and two numbers formatted in place, never a
/// `String`. What it writes is what ``AssignFile``'s text path writes for the same row.
struct AssignBytes: Sendable {
    /// How a row was assigned; the first five are the engine's statuses, in this order.
    enum Kind: UInt8 {
        case inside, boundary, snapped, outside, noLocationFromEngine
        /// Empty coordinates.
        case noLocation
        case badLocation
    }

    /// The added columns written, in order.
    let columns: [AssignFile.AddedColumn]
    /// Per chain column (unit code, unit name, … street name) and grid, that field as CSV; per
    /// grid, its code (else name) at the assigned level; per kind, its status.
    /// Each table is one array with where each entry starts (and the end last); the chain table
    /// runs column by column, from the unit's code on: see ``chainEntry(_:grid:)``.
    let chainBytes: [UInt8], chainOffsets: [Int]
    let nearestBytes: [UInt8], nearestOffsets: [Int]
    let statusBytes: [UInt8], statusOffsets: [Int]
    /// How many grids the tables hold.
    let grids: Int
    /// The most bytes any grid's eight chain fields take together, and its nearest code alone.
    let maxChain: Int, maxNearest: Int

    init(assigner: Assigner, columns: [AssignFile.AddedColumn] = AssignFile.AddedColumn.allCases) {
        self.columns = columns
        let levels: [GridLevel] = [.unit, .area, .community, .street]
        var fields: [[UInt8]] = []
        for level in levels {
            for name in [false, true] {
                fields += assigner.chains.map { chain in
                    var bytes: [UInt8] = []
                    Self.appendField((name ? chain.link(level)?.name : chain.link(level)?.code) ?? "", to: &bytes)
                    return bytes
                }
            }
        }
        grids = assigner.chains.count
        let nearest = assigner.chains.map { chain in
            var bytes: [UInt8] = []
            Self.appendField(chain.link(assigner.level)?.code ?? chain.link(assigner.level)?.name ?? "", to: &bytes)
            return bytes
        }
        let names: [AssignStatus] = [.inside, .boundary, .snapped, .outside, .noLocation, .noLocation]
        let statuses = names.map { Array($0.rawValue.utf8) } + [Array("bad_location".utf8)]
        func table(_ entries: [[UInt8]]) -> ([UInt8], [Int]) {
            var offsets = [0]
            for entry in entries { offsets.append(offsets.last! + entry.count) }
            return (entries.flatMap { $0 }, offsets)
        }
        (chainBytes, chainOffsets) = table(fields)
        (nearestBytes, nearestOffsets) = table(nearest)
        (statusBytes, statusOffsets) = table(statuses)
        let grids = self.grids
        maxChain = (0..<grids).map { g in (0..<8).reduce(0) { $0 + fields[$1 * grids + g].count } }.max() ?? 0
        maxNearest = nearest.map(\.count).max() ?? 0
    }

    /// Where a grid's field of a chain column (unit code … street name) is in the chain table.
    @inline(__always)
    func chainEntry(_ column: AssignFile.AddedColumn, grid: Int) -> Int {
        (column.rawValue - AssignFile.AddedColumn.unitCode.rawValue) * grids + grid
    }

    static func kind(_ status: AssignStatus) -> Kind {
        switch status {
        case .inside: .inside
        case .boundary: .boundary
        case .snapped: .snapped
        case .outside: .outside
        case .noLocation: .noLocationFromEngine
        }
    }

    /// The status as the report counts it.
    func statusName(_ kind: Kind) -> String {
        String(decoding: statusBytes[statusOffsets[Int(kind.rawValue)]..<statusOffsets[Int(kind.rawValue) + 1]], as: UTF8.self)
    }

    /// A batch's rows: each record's bytes (as they stand when they are already what a CSV writer
    /// writes, else written again from their values), then the added columns. The array is sized
    /// once for the batch and filled in place; `counts` gains each row's kind.
    func rows(_ batch: AssignedBatch, columns: Int, counts: inout [Int]) -> [UInt8] {
        let records = batch.read.chunk.records
        let fixed = 13 + 12 + maxChain + maxNearest + 3 * 40 + 1
        var bound = 0
        /// Room beyond the 40 bytes a number is given, for one written by `String(format:)`.
        func beyond(_ x: Double, _ decimals: Int) -> Int { x.isFinite && abs(x) < 1e7 ? 0 : fixedPoint(x, decimals: decimals).utf8.count }
        for r in 0..<records.count {
            let length = records.ends[r] - records.starts[r]
            bound += (records.verbatim[r] ? length : 2 * length + 3 * columns) + fixed
            bound += beyond(batch.lons[r], 8) + beyond(batch.lats[r], 8) + beyond(batch.distances[r] ?? 0, 1)
        }
        for problem in batch.read.problems.values { bound += 2 * problem.utf8.count + 2 }
        var scratch: [UInt8] = []
        return [UInt8](unsafeUninitializedCapacity: bound) { out, written in
            let base = out.baseAddress!
            var n = 0
            @inline(__always) func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                guard let from = bytes.baseAddress else { return }
                (base + n).update(from: from, count: bytes.count)
                n += bytes.count
            }
            @inline(__always) func put(_ byte: UInt8) {
                base[n] = byte
                n += 1
            }
            func putFixed(_ x: Double, decimals: Int) {
                var scale = 1.0
                for _ in 0..<decimals { scale *= 10 }
                let scaled = (abs(x) * scale).rounded(.toNearestOrAwayFromZero)
                guard x.isFinite, scaled < 9e15 else {
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(contentsOf: fixedPoint(x, decimals: decimals).utf8)
                    scratch.withUnsafeBufferPointer { put($0) }
                    return
                }
                let value = Int64(scaled), unit = Int64(scale)
                if x < 0 && value != 0 { put(0x2D) }
                putDigits(value / unit, minimum: 1)
                if decimals > 0 {
                    put(0x2E)
                    putDigits(value % unit, minimum: decimals)
                }
            }
            func putDigits(_ value: Int64, minimum: Int) {
                var count = 1, v = value / 10
                while v > 0 { count += 1; v /= 10 }
                count = max(count, minimum)
                v = value
                for k in stride(from: n + count - 1, through: n, by: -1) {
                    base[k] = UInt8(v % 10) + 0x30
                    v /= 10
                }
                n += count
            }
            batch.read.chunk.bytes.withUnsafeBufferPointer { bytes in
                chainBytes.withUnsafeBufferPointer { chainBytes in
                    nearestBytes.withUnsafeBufferPointer { nearestBytes in
                        statusBytes.withUnsafeBufferPointer { statusBytes in
                            for r in 0..<records.count {
                                let record = UnsafeBufferPointer(rebasing: bytes[records.starts[r]..<records.ends[r]])
                                if records.verbatim[r] {
                                    put(record)
                                } else {
                                    scratch.removeAll(keepingCapacity: true)
                                    CSVBytes.appendRecord(record, columns: columns, to: &scratch)
                                    scratch.withUnsafeBufferPointer { put($0) }
                                }
                                let kind = Int(batch.read.kinds[r].rawValue)
                                counts[kind] += 1
                                let located = kind < Int(Kind.noLocation.rawValue), grid = Int(batch.grids[r])
                                for column in self.columns {
                                    put(0x2C)
                                    switch column {
                                    case .assignStatus:
                                        put(UnsafeBufferPointer(rebasing: statusBytes[statusOffsets[kind]..<statusOffsets[kind + 1]]))
                                    case .unitCode, .unitName, .areaCode, .areaName, .communityCode, .communityName, .streetCode, .streetName:
                                        if located && grid >= 0 && kind != Int(Kind.outside.rawValue) {
                                            let entry = chainEntry(column, grid: grid)
                                            put(UnsafeBufferPointer(rebasing: chainBytes[chainOffsets[entry]..<chainOffsets[entry + 1]]))
                                        }
                                    case .distanceM:
                                        if located, let distance = batch.distances[r] { putFixed(distance, decimals: 1) }
                                    case .nearestCode:
                                        if located && grid >= 0 {
                                            put(UnsafeBufferPointer(rebasing: nearestBytes[nearestOffsets[grid]..<nearestOffsets[grid + 1]]))
                                        }
                                    case .lonCGCS2000:
                                        if located { putFixed(batch.lons[r], decimals: 8) }
                                    case .latCGCS2000:
                                        if located { putFixed(batch.lats[r], decimals: 8) }
                                    case .assignProblem:
                                        if !located, let problem = batch.read.problems[r] {
                                            scratch.removeAll(keepingCapacity: true)
                                            Self.appendField(problem, to: &scratch)
                                            scratch.withUnsafeBufferPointer { put($0) }
                                        }
                                    }
                                }
                                put(0x0A)
                            }
                        }
                    }
                }
            }
            precondition(n <= bound, "the bound of a batch's bytes was too small")
            written = n
        }
    }

    static func appendField(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { CSVBytes.appendField($0, to: &out) }
    }
}
