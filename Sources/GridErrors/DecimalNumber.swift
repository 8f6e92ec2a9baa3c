/// A number as people and spreadsheets write it: an optional sign, digits with an optional
/// decimal point, an optional exponent (`-12.5`, `.5`, `1.2E+3`), and finite. Swift's `Double(_:)`
/// also reads `0x1p3` (8.0), `nan`, `inf` and `infinity`, which no coordinate or distance is
/// written as: read as numbers, they place a point anywhere or nowhere without a word.
public enum DecimalNumber {
    /// The value of `text` (surrounding spaces ignored), or nil when it is not a finite decimal number.
    public static func parse(_ text: some StringProtocol) -> Double? {
        // Checked on the bytes in place (a coordinate column is read millions of times), then
        // converted by the standard library.
        let span = text.utf8.withContiguousStorageIfAvailable { decimalSpan($0) } ?? decimalSpan(Array(text.utf8))
        guard let span else { return nil }
        let value: Double?
        if span.lowerBound == 0 && span.upperBound == text.utf8.count {
            value = Double(text)
        } else {
            value = Double(String(decoding: Array(text.utf8)[span], as: UTF8.self))
        }
        guard let value, value.isFinite else { return nil }
        return value
    }

    /// The range of `bytes` holding the number, spaces and tabs around it left out; nil when the
    /// bytes are not an optional sign, digits with an optional point, and an optional exponent.
    static func decimalSpan<C: RandomAccessCollection>(_ bytes: C) -> Range<Int>? where C.Element == UInt8, C.Index == Int {
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi && (bytes[lo] == 0x20 || bytes[lo] == 0x09) { lo += 1 }
        while hi > lo && (bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09) { hi -= 1 }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        var i = lo, digits = 0
        if i < hi && (bytes[i] == 0x2B || bytes[i] == 0x2D) { i += 1 } // + -
        while i < hi && isDigit(bytes[i]) { digits += 1; i += 1 }
        if i < hi && bytes[i] == 0x2E { // .
            i += 1
            while i < hi && isDigit(bytes[i]) { digits += 1; i += 1 }
        }
        guard digits > 0 else { return nil }
        if i < hi && (bytes[i] == 0x65 || bytes[i] == 0x45) { // e E
            i += 1
            if i < hi && (bytes[i] == 0x2B || bytes[i] == 0x2D) { i += 1 }
            var exponent = 0
            while i < hi && isDigit(bytes[i]) { exponent += 1; i += 1 }
            guard exponent > 0 else { return nil }
        }
        return i == hi ? (lo - bytes.startIndex)..<(hi - bytes.startIndex) : nil
    }
}
