/// A number as people and spreadsheets write it: an optional sign, digits with an optional
/// decimal point, an optional exponent (`-12.5`, `.5`, `1.2E+3`), and finite. Swift's `Double(_:)`
/// also reads `0x1p3` (8.0), `nan`, `inf` and `infinity`, which no coordinate or distance is
/// written as: read as numbers, they place a point anywhere or nowhere without a word.
public enum DecimalNumber {
    /// The value of `text` (surrounding spaces ignored), or nil when it is not a finite decimal number.
    public static func parse(_ text: some StringProtocol) -> Double? {
        let t = text.utf8.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        var digits = 0, i = t.startIndex
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        if i < t.endIndex, t[i] == 0x2B || t[i] == 0x2D { i = t.index(after: i) } // + -
        while i < t.endIndex, isDigit(t[i]) { digits += 1; i = t.index(after: i) }
        if i < t.endIndex, t[i] == 0x2E { // .
            i = t.index(after: i)
            while i < t.endIndex, isDigit(t[i]) { digits += 1; i = t.index(after: i) }
        }
        guard digits > 0 else { return nil }
        if i < t.endIndex, t[i] == 0x65 || t[i] == 0x45 { // e E
            i = t.index(after: i)
            if i < t.endIndex, t[i] == 0x2B || t[i] == 0x2D { i = t.index(after: i) }
            var exponent = 0
            while i < t.endIndex, isDigit(t[i]) { exponent += 1; i = t.index(after: i) }
            guard exponent > 0 else { return nil }
        }
        guard i == t.endIndex, let v = Double(String(decoding: t, as: UTF8.self)), v.isFinite else { return nil }
        return v
    }
}
