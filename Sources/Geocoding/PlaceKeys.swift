/// The keys places are indexed and looked up by: the normalised name, and for divisions the
/// name without its generic suffix (南桥街道 → 南桥, 南华社区 / 南华居委会 → 南华), so that every
/// way of writing a division finds it.
package enum PlaceKeys {
    package static func key(_ name: String) -> String { AddressNormalizer.normalize(name) }

    /// Suffixes of division names, longest first.
    static let adminSuffixes: [[Unicode.Scalar]] = [
        "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "街道办事处", "社区居委会",
        "居民委员会", "村民委员会", "社区居民委员会", "街道办", "居委会", "村委会", "街道", "社区", "地区", "省", "市", "区", "县",
        "旗", "盟", "镇", "乡", "村",
    ].map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }

    /// The division name without its suffix, if at least two characters remain.
    package static func adminCore(_ name: String) -> String {
        adminCore(normalized: AddressNormalizer.normalizedScalars(name))
    }

    /// The same for text already normalised (the parser's components): no second pass.
    package static func adminCore(normalized name: String) -> String {
        adminCore(normalized: Array(name.unicodeScalars))
    }

    static func adminCore(normalized s: [Unicode.Scalar]) -> String { makeString(adminCoreScalars(s[...])) }

    /// The scalars of the division name without its suffix, if at least two remain (the national
    /// division list keys its names by scalars).
    static func adminCoreScalars(_ s: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        for suffix in adminSuffixes where s.count - suffix.count >= 2 && s.suffix(suffix.count).elementsEqual(suffix) {
            return s.dropLast(suffix.count)
        }
        return s
    }

    static let compoundSuffixes: [String] = [
        "花园", "小区", "新村", "家园", "公寓", "大厦", "广场", "山庄", "公馆", "名苑", "雅苑",
        "华庭", "宿舍", "苑", "庭", "府", "园", "阁", "居", "城",
    ]

    /// A compound name without its suffix (金海岸花园 → 金海岸), if at least two characters remain.
    package static func compoundCore(_ key: String) -> String? {
        for suffix in compoundSuffixes where key.hasSuffix(suffix) {
            let core = makeString(key.unicodeScalars.dropLast(suffix.unicodeScalars.count))
            return core.unicodeScalars.count >= 2 ? core : nil
        }
        return nil
    }

    /// The keys one character shorter: a name with one wrong, missing or extra character
    /// shares one of them with the right name (symmetric deletion, edit distance 1).
    package static func deletions(_ key: String) -> [String] {
        let s = Array(key.unicodeScalars)
        guard s.count >= 3 else { return [] }
        var out: [String] = []
        out.reserveCapacity(s.count)
        for i in s.indices { out.append(makeString(s[..<i] + s[(i + 1)...])) }
        return out
    }

    /// True when `a` becomes `b` by changing, adding or removing one character (or swapping two
    /// neighbours): what one typo does. Deletion keys find candidates; this confirms them.
    package static func withinOneEdit(_ a: String, _ b: String) -> Bool {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x == y { return true }
        if abs(x.count - y.count) > 1 { return false }
        var i = 0
        while i < min(x.count, y.count) && x[i] == y[i] { i += 1 }
        if x.count == y.count {
            if x[(i + 1)...] == y[(i + 1)...] { return true }
            return i + 1 < x.count && x[i] == y[i + 1] && x[i + 1] == y[i] && x[(i + 2)...] == y[(i + 2)...]
        }
        return x.count > y.count ? x[(i + 1)...] == y[i...] : x[i...] == y[(i + 1)...]
    }
}

/// A String from Unicode scalars, encoded straight into the string's UTF-8 storage: appending
/// scalars to a `String.UnicodeScalarView` one by one is the slowest part of parsing otherwise.
@inline(__always)
func makeString<C: Collection>(_ scalars: C) -> String where C.Element == Unicode.Scalar {
    var capacity = 0
    for c in scalars { capacity += c.value < 0x80 ? 1 : c.value < 0x800 ? 2 : c.value < 0x10000 ? 3 : 4 }
    return String(unsafeUninitializedCapacity: capacity) { buffer in
        var i = 0
        for c in scalars {
            let v = c.value
            if v < 0x80 {
                buffer[i] = UInt8(v); i += 1
            } else if v < 0x800 {
                buffer[i] = UInt8(0xC0 | (v >> 6)); buffer[i + 1] = UInt8(0x80 | (v & 0x3F)); i += 2
            } else if v < 0x10000 {
                buffer[i] = UInt8(0xE0 | (v >> 12)); buffer[i + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
                buffer[i + 2] = UInt8(0x80 | (v & 0x3F)); i += 3
            } else {
                buffer[i] = UInt8(0xF0 | (v >> 18)); buffer[i + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
                buffer[i + 2] = UInt8(0x80 | ((v >> 6) & 0x3F)); buffer[i + 3] = UInt8(0x80 | (v & 0x3F)); i += 4
            }
        }
        return i
    }
}
