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

    /// Per grid: its unit, area, community and street codes and names as eight CSV fields, and
    /// its code (else name) at the assigned level as one.
    let chains: [[UInt8]]
    let nearest: [[UInt8]]
    let statuses: [[UInt8]]

    init(assigner: Assigner) {
        let levels: [GridLevel] = [.unit, .area, .community, .street]
        chains = assigner.chains.map { chain in
            var bytes: [UInt8] = []
            for (k, level) in levels.enumerated() {
                if k > 0 { bytes.append(0x2C) }
                Self.appendField(chain.link(level)?.code ?? "", to: &bytes)
                bytes.append(0x2C)
                Self.appendField(chain.link(level)?.name ?? "", to: &bytes)
            }
            return bytes
        }
        nearest = assigner.chains.map { chain in
            var bytes: [UInt8] = []
            Self.appendField(chain.link(assigner.level)?.code ?? chain.link(assigner.level)?.name ?? "", to: &bytes)
            return bytes
        }
        let names: [AssignStatus] = [.inside, .boundary, .snapped, .outside, .noLocation, .noLocation]
        statuses = names.map { Array($0.rawValue.utf8) } + [Array("bad_location".utf8)]
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
    func statusName(_ kind: Kind) -> String { String(decoding: statuses[Int(kind.rawValue)], as: UTF8.self) }

    /// Appends the added columns of one row (a comma first, a line feed last).
    func appendColumns(
        kind: Kind, grid: Int32, distance: Double?, lon: Double, lat: Double, problem: String?, to out: inout [UInt8]
    ) {
        out.append(0x2C)
        out.append(contentsOf: statuses[Int(kind.rawValue)])
        switch kind {
        case .noLocation, .badLocation:
            for _ in 0..<13 { out.append(0x2C) }
            Self.appendField(problem ?? "", to: &out)
        default:
            out.append(0x2C)
            if grid >= 0 && kind != .outside {
                out.append(contentsOf: chains[Int(grid)])
            } else {
                for _ in 0..<7 { out.append(0x2C) }
            }
            out.append(0x2C)
            if let distance { Self.appendFixedPoint(distance, decimals: 1, to: &out) }
            out.append(0x2C)
            if grid >= 0 { out.append(contentsOf: nearest[Int(grid)]) }
            out.append(0x2C)
            Self.appendFixedPoint(lon, decimals: 8, to: &out)
            out.append(0x2C)
            Self.appendFixedPoint(lat, decimals: 8, to: &out)
            out.append(0x2C)
        }
        out.append(0x0A)
    }

    static func appendField(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { CSVBytes.appendField($0, to: &out) }
    }

    /// What ``fixedPoint(_:decimals:)`` writes, as bytes.
    static func appendFixedPoint(_ x: Double, decimals: Int, to out: inout [UInt8]) {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(x) * scale).rounded(.toNearestOrAwayFromZero)
        guard x.isFinite, scaled < 9e15 else {
            out.append(contentsOf: fixedPoint(x, decimals: decimals).utf8)
            return
        }
        let n = Int64(scaled), unit = Int64(scale)
        if x < 0 && n != 0 { out.append(0x2D) }
        appendDigits(n / unit, minimum: 1, to: &out)
        if decimals > 0 {
            out.append(0x2E)
            appendDigits(n % unit, minimum: decimals, to: &out)
        }
    }

    /// The decimal digits of `value` (not negative), zero-padded to at least `minimum`.
    private static func appendDigits(_ value: Int64, minimum: Int, to out: inout [UInt8]) {
        var digits: (UInt64, UInt64) = (0, 0) // up to 16 digits, last first
        var count = 0, v = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(v % 10) + 0x30
                v /= 10
                count += 1
            } while v > 0 && count < 16
            while count < minimum && count < 16 {
                buffer[count] = 0x30
                count += 1
            }
            for k in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[k]) }
        }
    }
}
