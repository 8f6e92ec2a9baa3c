import Foundation
import GridErrors

/// Puts free-text Chinese addresses into one canonical form before parsing, so that the
/// parser and the gazetteer keys see the same characters: half-width ASCII, simplified
/// characters, no spaces or punctuation, Arabic digits in house, building, unit and room numbers.
///
/// Works on Unicode scalars with lookup tables (no regular expressions): it runs once per
/// address on backlogs of millions. Traditional and full-width characters go through ICU once,
/// into ``table``.
package enum AddressNormalizer {
    package static func normalize(_ text: String) -> String {
        makeString(normalizedScalars(text))
    }

    /// The normalised text as scalars (what the parser works on). One pass: a dash is kept only
    /// between digits (3-2-501), which is decided when the scalar after it arrives.
    package static func normalizedScalars(_ text: String) -> [Unicode.Scalar] {
        var text = text // withUTF8 is mutating: it makes a bridged string contiguous, a no-op for Swift's own
        return text.withUTF8 { bytes in withNormalizedScalars(utf8: bytes) { s, _ in Array(s) } }
    }

    /// Normalises UTF-8 bytes into a temporary buffer (on the stack for an address's length)
    /// and calls `body` with the scalars and whether the text held a bracket.
    package static func withNormalizedScalars<R>(
        utf8 bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<Unicode.Scalar>, _ sawBracket: Bool) -> R
    ) -> R {
        withUnsafeTemporaryAllocation(of: Unicode.Scalar.self, capacity: scratchCapacity(bytes.count)) { buffer in
            let (s, bracket) = normalize(utf8: bytes, in: buffer)
            return body(s, bracket)
        }
    }

    /// How many scalars ``normalize(utf8:in:)`` may write for `byteCount` bytes: at most one
    /// scalar per byte, then a run of numerals grows at most fourfold (千 → 1000).
    package static func scratchCapacity(_ byteCount: Int) -> Int { max(1, 5 * byteCount) }

    /// Normalises UTF-8 bytes into `buffer` (``scratchCapacity(_:)`` scalars at least): the
    /// scalars, which are `buffer`'s, and whether the text held a bracket. The parser passes a
    /// buffer its thread keeps (``RecentStrings/scratch(_:)``): nothing is allocated per address
    /// of a backlog, and no closure holds the parser's state.
    ///
    /// The bytes must be valid UTF-8 (a String's own, or whole scalars of one): they are
    /// decoded without checks. One ``entries`` read per scalar decides what becomes of it.
    @inline(__always)
    package static func normalize(
        utf8 bytes: UnsafeBufferPointer<UInt8>, in buffer: UnsafeMutableBufferPointer<Unicode.Scalar>
    ) -> (UnsafeBufferPointer<Unicode.Scalar>, sawBracket: Bool) {
        precondition(buffer.count >= scratchCapacity(bytes.count))
        let (n, numerals, bracket) = UnsafeMutableBufferPointer(rebasing: buffer[..<bytes.count]).withMemoryRebound(to: UInt32.self) {
            normalize(bytes, into: $0)
        }
        let s = UnsafeBufferPointer(rebasing: buffer[..<n])
        guard numerals else { return (s, bracket) }
        let converted = UnsafeMutableBufferPointer(rebasing: buffer[bytes.count...])
        let m = convertNumerals(s, into: converted)
        return (UnsafeBufferPointer(rebasing: converted[..<m]), bracket)
    }

    /// Writes the normalised scalars of `bytes` into `out`; returns how many, and whether the
    /// text needs ``convertNumerals`` (numerals before a number marker) and whether it holds a bracket.
    private static func normalize(
        _ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt32>
    ) -> (
        count: Int, numerals: Bool, bracket: Bool
    ) {
        let entries = Self.entries
        // Numerals are converted only where a run of them is followed by a number marker (三号楼),
        // which is known when the marker arrives: most texts with numerals (中山二路) need no pass.
        var numerals = false, bracket = false, markedRun = false, lastNumeral = false
        var i = 0, n = 0, pendingDash = false, lastDigitish = false
        let end = bytes.count
        while i < end {
            let b0 = UInt32(bytes[i])
            var v: UInt32
            if b0 < 0x80 {
                v = b0; i += 1
            } else if b0 < 0xE0 {
                v = (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F); i += 2
            } else if b0 < 0xF0 {
                v = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F); i += 3
            } else {
                v = (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
                i += 4
            }
            var digitish = false, numeral = false
            if v < 0x10000 {
                let e = entries[Int(v)]
                if e & Entry.special != 0 {
                    if e & Entry.bracket != 0 { bracket = true }
                    if e & Entry.dash != 0 { pendingDash = true }
                    continue // dropped, or a dash decided by the next scalar
                }
                if e & Entry.numeral != 0 { numerals = true }
                if e & Entry.numberMarker != 0 && lastNumeral { markedRun = true }
                digitish = e & Entry.digitish != 0
                numeral = e & Entry.inNumeralRun != 0
                v = e & Entry.scalar
            }
            if pendingDash {
                // Kept after a digit or a Chinese numeral, before a digit or a numeral.
                if lastDigitish && digitish {
                    out[n] = 0x2D; n += 1
                    if lastNumeral { markedRun = true } // 三-2
                }
                pendingDash = false
            }
            out[n] = v; n += 1
            lastDigitish = digitish
            lastNumeral = numeral
        }
        return (n, numerals && markedRun, bracket)
    }

    /// ``entries``: the scalar a BMP scalar becomes (low 21 bits) and what else to know of it.
    enum Entry {
        static let scalar: UInt32 = 0x1F_FFFF
        /// Not written: punctuation, spaces (``special``).
        static let drop: UInt32 = 1 << 24
        /// Written as an ASCII dash only between digits (``special``).
        static let dash: UInt32 = 1 << 25
        /// ( or （: dropped, and the parser reads what is in brackets on its own.
        static let bracket: UInt32 = 1 << 26
        /// A Chinese numeral: the text needs ``convertNumerals``.
        static let numeral: UInt32 = 1 << 27
        /// A digit or a Chinese digit: a dash between two of them is kept.
        static let digitish: UInt32 = 1 << 28
        /// Part of a run of numerals that ``convertNumerals`` reads (``isNumeral``, with 千).
        static let inNumeralRun: UInt32 = 1 << 29
        /// The first scalar of one of ``numberMarkers``.
        static let numberMarker: UInt32 = 1 << 30
        static let special: UInt32 = drop | dash
    }

    /// ``table`` and the ASCII rules folded into one entry per BMP scalar: upper case, # → 号,
    /// - ~ _ are dashes, other ASCII punctuation and spaces are dropped.
    static let entries: [UInt32] = {
        var entries = [UInt32](repeating: 0, count: 0x10000)
        for v in 0..<UInt32(0x10000) {
            guard let raw = Unicode.Scalar(v) else { continue } // surrogates: never in a String
            let t = table[Int(v)]
            if t == drop { entries[Int(v)] = Entry.drop | (v == 0xFF08 ? Entry.bracket : 0); continue }
            if t == dash { entries[Int(v)] = Entry.dash; continue }
            var c = t != 0 ? Unicode.Scalar(t)! : raw
            let a = c.value
            if a < 0x80 {
                if a >= 0x61 && a <= 0x7A {
                    c = Unicode.Scalar(a - 32)! // upper case
                } else if c == "#" {
                    c = "号" // 3#楼 = 3号楼
                } else if c == "-" || c == "~" || c == "_" {
                    entries[Int(v)] = Entry.dash; continue
                } else if !((a >= 0x30 && a <= 0x39) || (a >= 0x41 && a <= 0x5A)) {
                    entries[Int(v)] = Entry.drop | (a == 0x28 ? Entry.bracket : 0); continue
                }
            }
            var e = c.value
            if chineseDigit(c) != nil || c == "十" || c == "百" { e |= Entry.numeral }
            if isDigit(c) || chineseDigit(c) != nil { e |= Entry.digitish }
            if isNumeral(c) { e |= Entry.inNumeralRun }
            if numberMarkers.contains(where: { $0[0] == c }) { e |= Entry.numberMarker }
            entries[Int(v)] = e
        }
        return entries
    }()

    @inline(__always) static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    /// Chinese numerals in runs directly followed by a number marker (号, 栋, 单元, 室, …) become
    /// Arabic digits: 三号楼 → 3号楼, 十二号 → 12号, 五零一室 → 501室. Numerals elsewhere are
    /// names and stay: 九二一社区, 中山二路, 五一路.
    static func convertNumerals(_ s: UnsafeBufferPointer<Unicode.Scalar>, into out: UnsafeMutableBufferPointer<Unicode.Scalar>) -> Int {
        var i = 0, n = 0
        func write(_ c: Unicode.Scalar) { out[n] = c; n += 1 }
        while i < s.count {
            if isNumeral(s[i]) {
                var j = i
                while j < s.count && isNumeral(s[j]) { j += 1 }
                if followsNumberMarker(s, j), let value = numeralValue(s[i..<j]) {
                    for c in value.unicodeScalars { write(c) }
                } else {
                    for c in s[i..<j] { write(c) }
                }
                i = j
                continue
            }
            write(s[i]); i += 1
        }
        return n
    }

    static func isNumeral(_ c: Unicode.Scalar) -> Bool { chineseDigit(c) != nil || c == "十" || c == "百" || c == "千" }

    static func chineseDigit(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "零", "〇": 0
        case "一", "幺": 1
        case "二", "两": 2
        case "三": 3
        case "四": 4
        case "五": 5
        case "六": 6
        case "七": 7
        case "八": 8
        case "九": 9
        default: nil
        }
    }

    /// Markers after which a number is a house, building, unit, room or grid number.
    static let numberMarkers: [[Unicode.Scalar]] = ["号", "栋", "幢", "座", "单元", "室", "楼", "层", "弄", "期", "片区", "网格", "-"]
        .map { Array($0.unicodeScalars) }

    static func followsNumberMarker(_ s: UnsafeBufferPointer<Unicode.Scalar>, _ j: Int) -> Bool {
        guard j < s.count else { return false }
        for m in numberMarkers where j + m.count <= s.count {
            var ok = true
            for k in 0..<m.count where s[j + k] != m[k] { ok = false; break }
            if ok { return true }
        }
        return false
    }

    /// 十二 → "12", 三十 → "30", 一百零五 → "105", 五零一 → "501".
    static func numeralValue(_ run: some Collection<Unicode.Scalar>) -> String? {
        let positional = run.contains { $0 == "十" || $0 == "百" || $0 == "千" }
        if !positional {
            var t = ""
            for c in run { guard let d = chineseDigit(c) else { return nil }; t += String(d) }
            return t
        }
        var total = 0, current = 0
        for c in run {
            if let d = chineseDigit(c) { current = d; continue }
            let unit = c == "十" ? 10 : c == "百" ? 100 : 1000
            total += (current == 0 ? 1 : current) * unit
            current = 0
        }
        return String(total + current)
    }

    static let dashes: Set<UInt32> = [0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x301C, 0xFE63]
    static let punctuation: Set<UInt32> = Set("，。、；：？！（）【】《》〈〉「」『』“”‘’…·•　〔〕｛｝﹐﹑﹔﹖".unicodeScalars.map(\.value))
        .union([0x00A0, 0x200B, 0xFEFF, 0x3001, 0x3002])

    /// ``table`` values that are not a scalar to write: the scalar is dropped (punctuation, the
    /// ideographic space), or written as an ASCII dash.
    static let drop: UInt32 = 1, dash: UInt32 = 2

    /// Scalar value → its simplified, half-width form (0: unchanged), ``drop`` or ``dash``, for the
    /// Basic Multilingual Plane: one array read decides what becomes of a scalar.
    ///
    /// Built once per process from ICU through Foundation's `applyingTransform` ("Traditional-Simplified;
    /// Fullwidth-Halfwidth", and NFKC for Kangxi radicals and compatibility ideographs): all CJK
    /// scalars in one call, about 0.3 s, then one array read per scalar. Calling ICU per address
    /// would cost ~20 µs, the whole time budget of a batch row.
    ///
    /// The built table is kept as a ``UserCache`` file stamped with the executable (whose ICU
    /// made it), so a process that places one address (`who-covers --address`) reads 256 KB
    /// instead of spending some 50 ms on ICU.
    static let table: [UInt32] = {
        let file = UserCache.file("address-characters.bin"), stamp = UserCache.executableStamp.map { Data("\($0)\n".utf8) }
        let size = 0x10000 * MemoryLayout<UInt32>.size
        if let file, let stamp, let data = try? Data(contentsOf: file), data.count == stamp.count + size, data.prefix(stamp.count) == stamp {
            return data.dropFirst(stamp.count).withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
        }
        let table = buildTable()
        if let file, let stamp { UserCache.write(stamp + table.withUnsafeBytes { Data($0) }, to: file) }
        return table
    }()

    /// ``table`` as ICU and the lists below make it.
    static func buildTable() -> [UInt32] {
        var table = [UInt32](repeating: 0, count: 0x10000)
        let transformed: [ClosedRange<UInt32>] = [0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF01...0xFF5E]
        let scalars = transformed.flatMap { $0.compactMap(Unicode.Scalar.init) }
        var text = String.UnicodeScalarView()
        for c in scalars { text.append(c); text.append("\n") }
        let transform = StringTransform("Traditional-Simplified; Fullwidth-Halfwidth")
        if let out = String(text).applyingTransform(transform, reverse: false)?.split(separator: "\n", omittingEmptySubsequences: false),
            out.count == scalars.count + 1
        {
            for (c, t) in zip(scalars, out) {
                let u = Array(t.unicodeScalars)
                if u.count == 1 && u[0] != c && !keptAsWritten.contains(c) { table[Int(c.value)] = u[0].value }
            }
        }
        for v in UInt32(0x2F00)...0x2FD5 { // Kangxi radicals (⾥ ⾦) are compatibility forms of ideographs
            guard let c = Unicode.Scalar(v), let u = String(c).precomposedStringWithCompatibilityMapping.unicodeScalars.first,
                u != c
            else { continue }
            table[Int(v)] = u.value
        }
        for pair in variantForms.split(separator: " ") {
            let u = Array(pair.unicodeScalars)
            if u.count == 2 { table[Int(u[0].value)] = u[1].value }
        }
        // What the scalar becomes decides: （ turns into ( and is dropped as punctuation.
        for v in 0x80..<table.count {
            let becomes = table[v] == 0 ? UInt32(v) : table[v]
            if becomes >= 0x80 && dashes.contains(becomes) {
                table[v] = dash
            } else if becomes == 0x3000 || (becomes >= 0x80 && punctuation.contains(becomes)) {
                table[v] = drop
            }
        }
        return table
    }

    /// Characters of the simplified standard (GB 2312) that ICU's transform would still rewrite, as
    /// a name may use them in their own right (乾安县 is not 干安县, 於 is a surname).
    static let keptAsWritten: Set<Unicode.Scalar> = Set("乾俱吒夥姊徵摺於箝苎菸著藉跤阪麴麽".unicodeScalars)

    /// Variant forms seen in place names that are not traditional characters, so ICU leaves
    /// them: 邨 for 村, 坵 for 丘, radicals-supplement forms (⻄ ⻓ ⻢) from bad text conversions.
    static let variantForms = "坵丘 祐佑 舘馆 峯峰 邨村 衞卫 髙高 嶽岳 滙汇 ⻄西 ⻓长 ⻢马 ⻔门 ⻋车 ⻅见 ⻛风"
}
