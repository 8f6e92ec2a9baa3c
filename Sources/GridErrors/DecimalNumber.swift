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

    /// The value of UTF-8 `bytes` (spaces and tabs around ignored), or nil when they are not a
    /// finite decimal number: what ``parse(_:)`` gives for the same text, without making a String
    /// (a byte-level CSV reader calls it twice a row).
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let span = decimalSpan(bytes) else { return nil }
        let number = UnsafeBufferPointer(rebasing: bytes[span])
        guard let value = exactValue(number) ?? Double(String(decoding: number, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    /// The correctly rounded value of a checked decimal when its digits fit in 53 bits and its
    /// power of ten is at most 22 (both then exact doubles, and one IEEE multiplication or
    /// division rounds once, as `strtod` does); nil otherwise.
    static func exactValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0, mantissa: UInt64 = 0, scale = 0
        let negative = bytes[0] == 0x2D
        if bytes[0] == 0x2B || bytes[0] == 0x2D { i = 1 }
        var afterPoint = false
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x2E {
                afterPoint = true
            } else if b >= 0x30 && b <= 0x39 {
                guard mantissa < 1 << 49 else { return nil } // times ten plus a digit stays below 2^53
                mantissa = mantissa * 10 + UInt64(b - 0x30)
                if afterPoint { scale -= 1 }
            } else {
                break
            }
            i += 1
        }
        if i < bytes.count { // e or E, then an optional sign and digits
            i += 1
            let negativeExponent = bytes[i] == 0x2D
            if bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            var exponent = 0
            while i < bytes.count {
                guard exponent < 1000 else { return nil }
                exponent = exponent * 10 + Int(bytes[i] - 0x30)
                i += 1
            }
            scale += negativeExponent ? -exponent : exponent
        }
        guard abs(scale) <= 22 else { return mantissa == 0 ? (negative ? -0.0 : 0.0) : nil }
        var power = 1.0
        for _ in 0..<abs(scale) { power *= 10 }
        let magnitude = scale < 0 ? Double(mantissa) / power : Double(mantissa) * power
        return negative ? -magnitude : magnitude
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
