import Foundation
import Synchronization

/// Names that differ in one character that sounds the same (洪星路 for 红星路).
///
/// A call-taker types what a caller says with a pinyin input method, so the commonest slip is a
/// character of the same sound: the name is the gazetteer's, misheard or mistyped, and needs no
/// other part of the address to confirm it. A character that sounds different (火星路) makes
/// another name, which is held back unless a division named in the text holds the place.
package enum Homophones {
    /// Whether `written` is `name` with exactly one character replaced by one of the same reading
    /// (tones ignored).
    package static func differByOneSound(_ written: String, _ name: String) -> Bool {
        var a = written.unicodeScalars.makeIterator(), b = name.unicodeScalars.makeIterator()
        var differing: (Unicode.Scalar, Unicode.Scalar)?
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil):
                guard let (x, y) = differing, let rx = reading(x), let ry = reading(y) else { return false }
                return rx == ry
            case (let x?, let y?):
                if x == y { continue }
                if differing != nil { return false }
                differing = (x, y)
            default:
                return false // lengths differ: an added or dropped character is not a slip of sound
            }
        }
    }

    /// A Han character's usual reading in pinyin without tone (ICU's Han-Latin transform, one
    /// reading: 长 is zhang, never chang), or nil for anything else.
    static func reading(_ c: Unicode.Scalar) -> String? {
        if let known = readings.withLock({ $0[c] }) { return known.isEmpty ? nil : known }
        var reading = ""
        if c.properties.isIdeographic,
            let latin = String(c).applyingTransform(StringTransform("Han-Latin; Latin-ASCII"), reverse: false),
            latin.unicodeScalars.allSatisfy({ $0.value >= 0x61 && $0.value <= 0x7A })
        {
            reading = latin
        }
        readings.withLock { $0[c] = reading }
        return reading.isEmpty ? nil : reading
    }

    /// Readings asked for so far ("" for none). Only near names reach this, so it stays small,
    /// and ICU is asked once per character a process meets.
    private static let readings = Mutex<[Unicode.Scalar: String]>([:])
}
