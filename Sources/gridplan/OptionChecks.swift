import ArgumentParser
import GridErrors

// Numeric options are checked in `validate()`: the argument parser reads `nan`, `inf`, `1e308`
// and `0x1p3` as numbers, and 0 where a count of at least one is meant turns a feature off
// silently (`--batch-size 0`: no checkpoints). Each is refused before anything runs as a wrong
// option value (exit 2, as the README's exit table has it), naming the option, the value and the
// range the README and `--help` give.

/// Reports `message` as a wrong option value and ends the command (exit 2).
private func refuse(_ message: Wording) throws {
    try reportingErrors { throw GridplanError(.badArgument, message) }
}

/// A finite number in `range`.
func checkRange(_ value: Double?, _ range: ClosedRange<Double>, option: String) throws {
    guard let value else { return }
    guard value.isFinite, range.contains(value) else {
        try refuse("\(option) \(String(value)): give a number from \(number(range.lowerBound)) to \(number(range.upperBound))")
        return
    }
}

/// A positive finite number up to `upper` (0 excluded).
func checkPositive(_ value: Double?, upTo upper: Double, option: String) throws {
    guard let value else { return }
    guard value.isFinite, value > 0, value <= upper else {
        try refuse("\(option) \(String(value)): give a number over 0, at most \(number(upper))")
        return
    }
}

/// A whole number in `range`.
func checkRange(_ value: Int?, _ range: ClosedRange<Int>, option: String) throws {
    guard let value else { return }
    guard range.contains(value) else {
        try refuse("\(option) \(String(value)): give a whole number from \(String(range.lowerBound)) to \(String(range.upperBound))")
        return
    }
}

/// A bound as the messages write it: 10000, not 10000.0.
private func number(_ v: Double) -> String { v.rounded() == v && abs(v) < 1e15 ? String(Int(v)) : String(v) }

/// The ranges the options share.
enum OptionRange {
    static let snapMetres: ClosedRange<Double> = 0...10_000
    /// Metres of a distance on the ground: a province is well within 1,000 km.
    static let metres: ClosedRange<Double> = 0...1_000_000
    static let threads: ClosedRange<Int> = 1...1024
    static let batchSize: ClosedRange<Int> = 1...1_000_000
}
