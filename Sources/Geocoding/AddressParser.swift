/// Splits a normalised address into components by the markers Chinese addresses use (省, 市,
/// 区, 街道, 社区, 路, 号, 花园, 栋, 单元, 室 …), scanning left to right on Unicode scalars.
///
/// Names without their marker (广东湛江赤坎…) are recognised from a lexicon of known division
/// names: the provinces built in, the rest from the gazetteer. Missing levels and unusual order
/// are normal; a component repeated with the same value ("湛江市湛江市") is read once.
///
/// A class: its tables are built once and shared, and a parser handed to a closure or a thread
/// is one reference to count, not one for each table.
package final class AddressParser: Sendable {
    /// Division names without their suffix (湛江, 赤坎) by the level they name.
    package let lexicon: [String: AdminLevel]

    /// The national division list (``NationalDivisions``): it fills in the divisions an address
    /// leaves out above those it names, and the scan reads from it a division written without its
    /// suffix after the one above it. nil: the components as written. Looked up where it is
    /// used, not at init: a process whose addresses name every level never builds it (a few
    /// milliseconds of a one-question process).
    private var divisions: NationalDivisions? { completesDivisions ? NationalDivisions.shared : nil }
    private let completesDivisions: Bool

    package init(lexicon: [String: AdminLevel] = [:], completingDivisions: Bool = true) {
        completesDivisions = completingDivisions
        var all = AddressParser.provinces
        for (k, v) in lexicon where k.unicodeScalars.count >= 2 { all[k] = v }
        self.lexicon = all
        let maxLexiconLength = min(31, all.keys.map { $0.unicodeScalars.count }.max() ?? 0)
        self.maxLexiconLength = maxLexiconLength
        var starts = Self.scalarStarts, short: [UInt64: AdminLevel] = [:], long: [[Unicode.Scalar]: AdminLevel] = [:]
        var lengths = [UInt32](repeating: 0, count: 0x10000), supplementary: [Unicode.Scalar: UInt32] = [:]
        for (name, level) in all {
            let scalars = Array(name.unicodeScalars)
            guard scalars.count <= maxLexiconLength else { continue }
            if scalars.count <= 3 { short[Self.packed(scalars[...])] = level } else { long[scalars] = level }
            let first = scalars[0]
            if first.value < 0x10000 {
                starts[Int(first.value)] |= Start.lexicon.rawValue
                lengths[Int(first.value)] |= 1 << scalars.count
            } else {
                supplementary[first, default: 0] |= 1 << scalars.count
            }
        }
        self.starts = starts
        shortLexicon = PackedNames(short)
        longLexicon = long
        lexiconLengths = lengths
        supplementaryLexiconLengths = supplementary
    }

    private let maxLexiconLength: Int
    /// ``markerGroups`` flattened, where group g is `markerGroupStart[g]..<markerGroupStart[g + 1]`,
    /// and ``markerGroupOf``: held by each parser, so the scan reads them without a static's
    /// once-check at every position.
    private let groupedMarkers: [Marker] = markerGroups.flatMap { $0 }
    private let markerGroupStart: [Int] = markerGroups.reduce(into: [0]) { $0.append($0.last! + $1.count) }
    private let markerGroupOf: [UInt8] = markerGroupOf
    /// ``remainderWords`` by first scalar, as the markers are: group g is
    /// `remainderGroupStart[g]..<remainderGroupStart[g + 1]`, in the words' order.
    private let groupedRemainderWords: [Marker] = remainderGroups.flatMap { $0 }
    private let remainderGroupStart: [Int] = remainderGroups.reduce(into: [0]) { $0.append($0.last! + $1.count) }
    private let remainderGroupOf: [UInt8] = remainderGroupOf
    /// Lexicon names of two or three scalars (most division cores: 广东, 湛江, 黑龙江) by their
    /// scalars packed into one integer, so that looking one up builds no array.
    private let shortLexicon: PackedNames
    private let longLexicon: [[Unicode.Scalar]: AdminLevel]
    /// Bit k: a lexicon name of k scalars starts with this scalar, by Basic Multilingual Plane
    /// scalar (an array read, not a hash), and for the scalars above it.
    private let lexiconLengths: [UInt32]
    private let supplementaryLexiconLengths: [Unicode.Scalar: UInt32]

    /// Up to three scalars in one integer (21 bits each); a name never holds U+0000, so two and
    /// three scalars never pack alike.
    static func packed(_ scalars: some Collection<Unicode.Scalar>) -> UInt64 {
        var v: UInt64 = 0
        for c in scalars { v = v << 21 | UInt64(c.value) }
        return v
    }

    /// What a scalar can start: a remainder word, a distance, a lexicon name.
    struct Start: OptionSet {
        let rawValue: UInt8
        static let remainder = Start(rawValue: 1), distance = Start(rawValue: 2), lexicon = Start(rawValue: 4)
        /// A marker (``markerGroupOf``), a digit or a capital letter: with the three above, a
        /// scalar with no flag can neither end nor start anything.
        static let marker = Start(rawValue: 8), alnum = Start(rawValue: 16)
        /// 州, which may end a prefecture's short name (``prefectureShort``).
        static let prefecture = Start(rawValue: 32)
    }

    /// ``Start`` flags by Basic Multilingual Plane scalar (none above it). The parser asks at every
    /// position whether a remainder, a distance or a division name begins there; one array read
    /// answers no for most of them, before any hashing or comparing (markers: ``markerGroupOf``).
    private let starts: [UInt8]

    static let scalarStarts: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0x10000)
        func mark(_ scalars: some Sequence<Unicode.Scalar>, _ flag: Start) {
            for c in scalars where c.value < 0x10000 { table[Int(c.value)] |= flag.rawValue }
        }
        mark(remainderWords.map(\.first), .remainder)
        mark("向往约侧偏十百零〇一幺二两三四五六七八九0123456789".unicodeScalars, .distance)
        mark(directions, .distance)
        mark(markers.map(\.first), .marker)
        mark("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars, .alnum)
        mark(["州"], .prefecture)
        return table
    }()

    @inline(__always) private func starts(_ c: Unicode.Scalar, _ flag: Start) -> Bool {
        c.value < 0x10000 && starts[Int(c.value)] & flag.rawValue != 0
    }

    package func parse(_ text: String) -> AddressComponents {
        var r = AddressComponents()
        parse(text, into: &r)
        if completesDivisions && NationalDivisions.leavesOut(r) { NationalDivisions.shared.complete(&r) }
        return consume r // moved out: a plain `return r` copied its fifteen Strings and freed the original
    }

    /// Parses into `r` passed down as inout: a result captured by the closures below would be
    /// copied out of their context when returned (fifteen Strings retained and released).
    private func parse(_ text: String, into r: inout AddressComponents) {
        let recent = RecentStrings.current
        if let () = text.utf8.withContiguousStorageIfAvailable({ parse(utf8: $0, into: &r, recent) }) { return }
        var copy = text // a bridged string: withUTF8 makes it contiguous
        copy.withUTF8 { parse(utf8: $0, into: &r, recent) }
    }

    private func parse(utf8 bytes: UnsafeBufferPointer<UInt8>, into r: inout AddressComponents, _ recent: RecentStrings) {
        let (s, bracket) = AddressNormalizer.normalize(utf8: bytes, in: recent.scratch(bytes.count))
        if bracket { parse(bracketed: bytes, into: &r, recent) } else { parse(buffer: s, into: &r, recent) }
    }

    /// Text in brackets is an aside (a landmark, the road nearby): parsed on its own, it only
    /// fills a road or compound the address itself lacks. 榕园(茂名职业技术学院西北).
    private func parse(bracketed bytes: UnsafeBufferPointer<UInt8>, into r: inout AddressComponents, _ recent: RecentStrings) {
        var a = AddressComponents()
        // Split by bytes: a bracket is one ASCII byte or the three of （ and ）, and no other
        // scalar holds those bytes, so both sides stay whole scalars. Both parts are written into
        // one temporary buffer (the main text from its start, the aside from its middle).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * bytes.count) { buffer in
            var main = 0, aside = bytes.count, depth = 0, i = 0
            while i < bytes.count {
                let b = bytes[i]
                let wide = b == 0xEF && i + 2 < bytes.count && bytes[i + 1] == 0xBC
                if b == 0x28 || (wide && bytes[i + 2] == 0x88) {
                    depth += 1; buffer[aside] = 0x20; aside += 1; i += b == 0x28 ? 1 : 3; continue
                }
                if b == 0x29 || (wide && bytes[i + 2] == 0x89) {
                    depth = max(0, depth - 1); i += b == 0x29 ? 1 : 3; continue
                }
                if depth > 0 { buffer[aside] = b; aside += 1 } else { buffer[main] = b; main += 1 }
                i += 1
            }
            func parsePart(_ part: Slice<UnsafeMutableBufferPointer<UInt8>>, into r: inout AddressComponents) {
                // One part after the other in the thread's scratch: each is parsed before the next is normalised.
                let bytes = UnsafeBufferPointer(rebasing: part)
                parse(buffer: AddressNormalizer.normalize(utf8: bytes, in: recent.scratch(bytes.count)).0, into: &r, recent)
            }
            parsePart(buffer[..<main], into: &r)
            parsePart(buffer[bytes.count..<aside], into: &a)
        }
        if r.road == nil { r.road = a.road }
        if r.compound == nil && r.bareName == nil { r.compound = a.compound }
    }

    /// zone: 开发区, 新区, 示范区 (functional areas, neither county nor street): read and dropped.
    enum Kind { case province, city, county, street, community, area, gridUnit, road, compound, zone, remainder }

    /// A marker word with its scalars inline (no array: markers are copied at nearly every
    /// position of the scan, and an array would be retained and released each time).
    struct Marker {
        let scalars: SIMD8<UInt32>
        let length: Int
        let kind: Kind
        let minName: Int

        init(_ word: String, _ kind: Kind, _ minName: Int) {
            var scalars = SIMD8<UInt32>()
            for (k, c) in word.unicodeScalars.enumerated() { scalars[k] = c.value }
            self.scalars = scalars
            length = word.unicodeScalars.count
            self.kind = kind
            self.minName = minName
        }

        var first: Unicode.Scalar { Unicode.Scalar(scalars[0])! }

        @inline(__always) func matches(_ s: Scalars, _ j: Int) -> Bool {
            guard j + length <= s.count else { return false }
            // Most candidates differ in their first or second scalar: ruled out before the loop.
            if s[j].value != scalars[0] || (length >= 2 && s[j + 1].value != scalars[1]) { return false }
            for k in 2..<max(2, length) where s[j + k].value != scalars[k] { return false }
            return true
        }
    }

    /// Markers, longest first at each position. minName is how many characters must come before.
    static let markers: [Marker] = {
        let table: [(String, Kind, Int)] = [
            ("维吾尔自治区", .province, 2), ("壮族自治区", .province, 2), ("回族自治区", .province, 2), ("自治区", .province, 2),
            ("特别行政区", .province, 2), ("省", .province, 2),
            ("自治州", .city, 2), ("地区", .city, 2), ("盟", .city, 2), ("市", .city, 2),
            ("自治县", .county, 2), ("县", .county, 1), ("旗", .county, 2), ("区", .county, 1),
            ("街道办事处", .street, 2), ("街道办", .street, 2), ("街道", .street, 2), ("镇", .street, 1), ("乡", .street, 1),
            ("居民委员会", .community, 2), ("村民委员会", .community, 2), ("社区居委会", .community, 2), ("居委会", .community, 2),
            ("村委会", .community, 2), ("社区", .community, 2), ("村", .community, 2),
            ("片区", .area, 1), ("网格", .gridUnit, 1),
            ("大道中", .road, 2), ("大道东", .road, 2), ("大道西", .road, 2), ("大道南", .road, 2), ("大道北", .road, 2),
            ("大道", .road, 1), ("路", .road, 1), ("街", .road, 1), ("巷", .road, 1), ("大街", .road, 1), ("道", .road, 2),
            ("胡同", .road, 1), ("里弄", .road, 1), ("国道", .road, 1), ("省道", .road, 1), ("县道", .road, 1), ("乡道", .road, 1),
            ("公路", .road, 2), ("环线", .road, 1), ("线", .road, 2),
            ("开发区", .zone, 0), ("新区", .zone, 1), ("示范区", .zone, 1), ("高新区", .zone, 0), ("组", .zone, 1),
            ("风景名胜区", .compound, 1), ("风景区", .compound, 1), ("景区", .compound, 1), ("旅游区", .compound, 1),
            ("度假区", .compound, 1), ("保护区", .compound, 1), ("陵园", .compound, 1), ("大桥", .compound, 1), ("寺", .compound, 2),
            ("故居", .compound, 1), ("教堂", .compound, 1), ("大药房", .compound, 1),
            ("花园", .compound, 1), ("小区", .compound, 1), ("新村", .compound, 1), ("家园", .compound, 1), ("公寓", .compound, 1),
            ("大厦", .compound, 1), ("广场", .compound, 1), ("山庄", .compound, 1), ("公馆", .compound, 1), ("大院", .compound, 1),
            ("宿舍", .compound, 1), ("名苑", .compound, 1), ("雅苑", .compound, 1), ("苑", .compound, 2), ("庭", .compound, 2),
            ("府", .compound, 2), ("园", .compound, 2), ("阁", .compound, 2), ("居", .compound, 2), ("城", .compound, 2),
            ("中心", .compound, 2), ("别墅", .compound, 1), ("商城", .compound, 1), ("市场", .compound, 1), ("学校", .compound, 1),
            ("小学", .compound, 1), ("中学", .compound, 1), ("大学", .compound, 1), ("学院", .compound, 1), ("幼儿园", .compound, 1),
            ("医院", .compound, 1), ("卫生院", .compound, 1), ("卫生站", .compound, 1), ("酒店", .compound, 1), ("宾馆", .compound, 1),
            ("银行", .compound, 1), ("超市", .compound, 1), ("公园", .compound, 1), ("派出所", .compound, 1), ("车站", .compound, 1),
            ("工业园", .compound, 1), ("园区", .compound, 2),
        ]
        precondition(table.allSatisfy { $0.0.unicodeScalars.count <= 8 })
        return table.map { Marker($0.0, $0.1, $0.2) }.sorted { $0.length > $1.length }
    }()

    /// Markers grouped by their first scalar, longest first, and for each Basic Multilingual
    /// Plane scalar the number of its group plus one (0: no marker starts with it).
    static let markerGroups: [[Marker]] = Dictionary(grouping: markers, by: { $0.scalars[0] }).values.map { $0 }
    static let markerGroupOf: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0x10000)
        for (k, group) in markerGroups.enumerated() { table[Int(group[0].scalars[0])] = UInt8(k + 1) }
        return table
    }()
    /// 区 and 县, for a county named with a road or compound marker inside (上街区, 下花园区, 夏县).
    static let countyEnds: [Unicode.Scalar: Marker] = Dictionary(
        uniqueKeysWithValues: ["区", "县"].map { c in (c, markers.first { $0.length == 1 && $0.first == c && $0.kind == .county }!) })
    /// 州 ending an autonomous prefecture's short name (阿坝州, 楚雄州, 黔东南州): not in ``markers``,
    /// it is taken only where a county's name follows.
    static let prefectureShort = Marker("州", .city, 2)
    /// 大道, for 大道东 read as 大道 and a distance.
    static let avenue = markers.first { $0.length == 2 && $0.first == "大" && $0.kind == .road }!

    static let remainderWords: [Marker] = [
        "附近", "对面", "旁边", "旁", "门口", "周边", "周围", "交叉口", "交界", "路口",
        "东侧", "西侧", "南侧", "北侧", "后面", "背后", "一带", "辖区", "一侧",
        "以南", "以北", "以东", "以西", "东段", "西段", "南段", "北段", "中段",
        "东首", "西首", "北部", "南部", "东部", "西部",
    ]
    .map { Marker($0, .remainder, 0) }

    /// Whether a remainder (附近, 对面 …) starts at `j`; the test that rules most positions out is
    /// inlined where it is asked.
    @inline(__always) func remainderAt(_ s: Scalars, _ j: Int) -> Bool {
        guard j < s.count else { return false }
        // 景区内 (not 内环路), 南外环路北: a last character that says where, not what.
        if j == s.count - 1 && (s[j] == "内" || Self.isDirection(s[j])) { return true }
        return starts(s[j], .remainder) && remainderWord(s, j)
    }

    /// Remainder words grouped by their first scalar (in ``remainderWords``' order), and for each
    /// Basic Multilingual Plane scalar its group's number plus one: 东, 西, 南 and 北 start many
    /// positions, and a position is compared with its own few words, not all of them.
    static let remainderGroups: [[Marker]] = {
        var firsts: [UInt32] = []
        for word in remainderWords where !firsts.contains(word.scalars[0]) { firsts.append(word.scalars[0]) }
        return firsts.map { first in remainderWords.filter { $0.scalars[0] == first } }
    }()
    static let remainderGroupOf: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0x10000)
        for (k, group) in remainderGroups.enumerated() { table[Int(group[0].scalars[0])] = UInt8(k + 1) }
        return table
    }()

    private func remainderWord(_ s: Scalars, _ j: Int) -> Bool {
        let group = Int(remainderGroupOf[Int(s[j].value)]) // a remainder scalar is in the BMP (starts(_:_:))
        for k in remainderGroupStart[group - 1]..<remainderGroupStart[group] where groupedRemainderWords[k].matches(s, j) {
            let word = groupedRemainderWords[k]
            // 南部县: a county named like a direction.
            let end = j + word.length
            if end < s.count && (s[end] == "县" || s[end] == "区" || s[end] == "市") { continue }
            return true
        }
        return false
    }

    static let directions: [Unicode.Scalar] = ["东", "西", "南", "北"]

    /// Cities named with one character before 市: 芒市 (德宏), the only one in China's divisions;
    /// any other "X市" is part of a name (超市, 夜市, 城市).
    static let oneCharacterCities: Set<Unicode.Scalar> = ["芒"]
    @inline(__always) static func isDirection(_ c: Unicode.Scalar) -> Bool { c == "东" || c == "西" || c == "南" || c == "北" }

    /// The most numerals a distance is written with (三千五百 is 4; 12 allows any real one).
    static let longestDistance = 12

    /// The end of a distance phrase at `j` (东50米, 西北三公里, 向南2公里处, 约1.3KM), or nil.
    static func distanceEnd(_ s: Scalars, _ j: Int) -> Int? {
        // Every run is read only so far (two qualifiers, `longestDistance` numerals): this is
        // asked at every position, and a text of ten thousand numerals must not cost 10⁸ steps.
        var k = j
        if k < s.count && (s[k] == "向" || s[k] == "往" || s[k] == "约") { k += 1 }
        var d = 0
        while k < s.count && isDirection(s[k]) && d < 2 { k += 1; d += 1 }
        var q = 0
        while k < s.count && (s[k] == "侧" || s[k] == "约" || s[k] == "偏") && q < 2 { k += 1; q += 1 }
        let digits = k
        func numeral(_ c: Unicode.Scalar) -> Bool { isDigit(c) || AddressNormalizer.chineseDigit(c) != nil || c == "十" || c == "百" }
        while k < s.count && numeral(s[k]) {
            k += 1
            if k - digits > longestDistance { return nil }
        }
        guard k > digits else { return nil }
        let unit: Int
        if k + 1 < s.count && ((s[k] == "公" && s[k + 1] == "里") || (s[k] == "千" && s[k + 1] == "米") || (s[k] == "K" && s[k + 1] == "M")) {
            unit = 2
        } else if k < s.count && s[k] == "米" {
            unit = 1
        } else {
            return nil
        }
        k += unit
        if k < s.count && s[k] == "处" { k += 1 }
        return k
    }

    /// County-level cities that no prefecture-level city holds (省直辖县级市): Hainan's, Hubei's
    /// three, Henan's 济源 and the Xinjiang Production and Construction Corps' cities.
    static let countyLevelCities: Set<String> = [
        "五指山市", "琼海市", "文昌市", "万宁市", "东方市", "仙桃市", "潜江市", "天门市", "济源市", "石河子市", "阿拉尔市",
        "图木舒克市", "五家渠市", "北屯市", "铁门关市", "双河市", "可克达拉市", "昆玉市", "胡杨河市", "新星市", "白杨市",
    ]

    /// Whether a county-level city of ``countyLevelCities`` starts with this scalar: most city
    /// names are ruled out without hashing a String (which normalises it first).
    static let countyLevelCityFirst: [Bool] = {
        var table = [Bool](repeating: false, count: 0x10000)
        for name in countyLevelCities { table[Int(name.unicodeScalars.first!.value)] = true }
        return table
    }()

    /// Province short names (and municipalities) by their level.
    static let provinces: [String: AdminLevel] = {
        var m: [String: AdminLevel] = [:]
        for p in [
            "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
            "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
            "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
        ] { m[p] = .province }
        return m
    }()

    static func matches(_ s: Scalars, _ at: Int, _ word: [Unicode.Scalar]) -> Bool {
        guard at + word.count <= s.count else { return false }
        for k in 0..<word.count where s[at + k] != word[k] { return false }
        return true
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    static func isAlnum(_ c: Unicode.Scalar) -> Bool { isDigit(c) || (c.value >= 0x41 && c.value <= 0x5A) }

    /// The normalised scalars, read through a buffer pointer: no bounds checks or reference
    /// counting at each of the many positions the scan asks about.
    typealias Scalars = UnsafeBufferPointer<Unicode.Scalar>

    /// Fills `r`, which the caller made: the components are not copied out through the closures
    /// around this (they are over 200 bytes).
    private func parse(buffer s: Scalars, into r: inout AddressComponents, _ recent: RecentStrings) {
        var pos = 0
        var countyIsZone = false // the county was read from a zone (开发区, 新区): a real one replaces it
        var aboveEnd = -1 // where the province or city read last ends
        let n = s.count
        func text(_ a: Int, _ b: Int) -> String { recent.string(s[a..<b]) }

        /// Whether `a` is the text of s[from..<to], compared by scalars: no String is made for it.
        func same(_ a: String?, _ from: Int, _ to: Int) -> Bool {
            guard let a else { return false }
            var k = from
            for c in a.unicodeScalars {
                guard k < to, s[k] == c else { return false }
                k += 1
            }
            return k == to
        }

        /// Stores s[a..<b] as a component of this kind; the String is made only when it is kept
        /// (a backlog repeats its divisions often: 安徽省合肥市蜀山区安徽省合肥市蜀山区…).
        func set(_ kind: Kind, _ a: Int, _ b: Int) {
            switch kind {
            case .province: if r.province == nil { r.province = text(a, b); aboveEnd = b }
            case .city:
                if r.county == nil, s[a].value < 0x10000, Self.countyLevelCityFirst[Int(s[a].value)],
                    case let value = text(a, b), Self.countyLevelCities.contains(value)
                {
                    // Under the province itself (琼海市, 仙桃市): a county-level city and its own city.
                    if r.city == nil { r.city = value }
                    r.county = value
                } else if r.city == nil && r.county == nil {
                    r.city = text(a, b)
                    aboveEnd = b
                } else if r.county == nil && !same(r.city, a, b) {
                    r.county = text(a, b) // a second city-level name is a county-level city (廉江市)
                }
            case .county:
                // A second one is a zone (空港区) or an old name, unless the first was a zone itself.
                if r.county == nil || countyIsZone { r.county = text(a, b); countyIsZone = false }
            case .street: if r.street == nil { r.street = text(a, b) }
            case .community:
                if r.community == nil { r.community = text(a, b) } else if !same(r.community, a, b), r.compound == nil { r.compound = text(a, b) }
            case .area: if r.area == nil { r.area = text(a, b) }
            case .gridUnit: if r.gridUnit == nil { r.gridUnit = text(a, b) }
            case .road:
                if r.road == nil {
                    r.road = text(a, b)
                } else if s[a] == "与" || s[a] == "和" || s[a] == "交" {
                    set(.remainder, a, b) // a crossing road: 人民大道与海滨路交叉口
                } else if !same(r.road, a, b) && r.compound == nil {
                    r.compound = text(a, b)
                }
            case .compound:
                if r.compound == nil { r.compound = text(a, b) } else if !same(r.compound, a, b) && r.bareName == nil { r.bareName = text(a, b) }
            case .zone:
                // 沈北新区, 浦东新区 are counties; 开发区 before 崇川区 is not.
                if r.county == nil && r.city != nil { r.county = text(a, b); countyIsZone = true }
            case .remainder:
                // Appended in place: no copy per piece.
                if r.remainder == nil { r.remainder = text(a, b) } else { r.remainder?.append(text(a, b)) }
            }
        }

        /// 芒市, but not 芒市镇 (its town).
        func oneCharacterCity(_ m: Marker, _ j: Int) -> Bool {
            j - pos == 1 && m.kind == .city && m.length == 1 && Self.oneCharacterCities.contains(s[pos])
                && !(j + 1 < n && (s[j + 1] == "镇" || s[j + 1] == "乡"))
        }

        /// One character and a road or compound marker before 区 or 县 name a county (上街区,
        /// 下花园区), and one character before 县道 is a county before a word (夏县道家…), where no
        /// county or finer level was read yet, or where the county read is this name again (a
        /// repeated prefix). The marker to end the name with, and where it is.
        func countyNamed(_ m: Marker, _ j: Int) -> (Marker, Int)? {
            guard j - pos == 1, m.kind == .road || m.kind == .compound else { return nil }
            let end = j + m.length
            let found: (Marker, Int)
            if end < n, let county = Self.countyEnds[s[end]] {
                found = (county, end)
            } else if m.kind == .road && m.length == 2 && s[j] == "县" && s[j + 1] == "道" {
                found = (Self.countyEnds["县"]!, j)
            } else {
                return nil
            }
            let unread = (r.county == nil || countyIsZone) && r.street == nil && r.road == nil && r.compound == nil
            return unread || same(r.county, pos, found.1 + 1) ? found : nil
        }

        /// 州 at `j` ends a prefecture's short name when two to four characters come before it, no
        /// city or county was read, and a county's name follows: one to four characters that hold
        /// no marker or digit, then 县, 市 or 旗 (阿坝州阿坝县, 黔东南州凯里市).
        func prefectureShortAt(_ j: Int) -> Bool {
            guard j - pos >= 2 && j - pos <= 4, r.city == nil, r.county == nil else { return false }
            var k = j + 1
            while k < n && k <= j + 5 {
                if k > j + 1 && (s[k] == "县" || s[k] == "市" || s[k] == "旗") { return true }
                if Self.isAlnum(s[k]) || markerAt(s, k) != nil { return false }
                k += 1
            }
            return false
        }

        /// Whether a division's core read at `end` is the start of a longer name: a marker follows
        /// at once (赤坎区, 西安路) or a city's or county's marker or 州 within three scalars (汤旺河区, 阿坝州).
        func nameGoesOn(_ end: Int) -> Bool {
            for k in end..<min(n, end + 3) {
                if s[k] == "州" { return true }
                if let m = markerAt(s, k) { return k == end || m.kind == .city || m.kind == .county || m.kind == .zone }
            }
            return false
        }

        var afterRoad = false
        while pos < n {
            let c = s[pos]
            // Remainder: 附近, 对面 … ends the address; so does a crossing road (与三义路交叉口).
            if pos > 0 && (remainderAt(s, pos) || (afterRoad && (c == "与" || c == "和"))) {
                set(.remainder, pos, n); break
            }
            afterRoad = false
            // A distance (东50米, 20公里处) is kept aside; parsing goes on after it.
            if starts(c, .distance), let end = Self.distanceEnd(s, pos) {
                set(.remainder, pos, end); pos = end; continue
            }
            // Numbers: 12号, 3栋, 3号楼, 2单元, 501室, 3-2-501, A座.
            if Self.isAlnum(c) || (c == "第" && pos + 1 < n && Self.isDigit(s[pos + 1])) {
                if let next = parseNumber(s, pos, &r, recent) { pos = next; continue }
            }
            // A division name without its marker, from the lexicon (not when a marker follows that
            // makes it something else: 湛江路 is a road).
            if let (level, length) = lexiconMatch(s, pos) {
                var end = pos + length
                var marked = false
                if let m = markerAt(s, end), m.kind == kind(of: level) { end += m.length; marked = true }
                let followedByOther = !marked && markerAt(s, end).map { $0.kind != kind(of: level) && $0.kind != .province } == true
                if !followedByOther && isUnset(level, r) {
                    set(kind(of: level), pos, end); pos = end; continue
                }
            }
            // Scan to the first marker; the text from pos to its end is one component.
            var j = pos
            var found: (Marker, Int)? = nil
            // Whether the letters up to `labelRun.end` are a label: the same answer for every
            // position in one run, so each run is read once (not once per letter: quadratic).
            var labelRun = (end: -1, isLabel: false)
            while j < n {
                // Most scalars of a name start nothing: one table read, not the checks below.
                if j > pos && j + 1 < n && s[j].value < 0x10000 && starts[Int(s[j].value)] == 0 { j += 1; continue }
                // Digits end a name (a number follows); Latin letters are part of it (XX花园)
                // unless they are a building or unit label (A座, B栋).
                if j > pos && Self.isAlnum(s[j]) && !Self.isDigit(s[j]) && j >= labelRun.end { labelRun = labelAfter(s, j) }
                if j > pos && (Self.isDigit(s[j]) || (Self.isAlnum(s[j]) && labelRun.isLabel)) { break }
                if j > pos, remainderAt(s, j) || (starts(s[j], .distance) && Self.distanceEnd(s, j) != nil) { break }
                if let m = markerAt(s, j), j - pos >= m.minName || oneCharacterCity(m, j) { found = countyNamed(m, j) ?? (m, j); break }
                if s[j] == "州" && prefectureShortAt(j) { found = (Self.prefectureShort, j); break }
                if j - pos >= 2, lexiconMatch(s, j) != nil, markerAt(s, j) == nil {
                    // A known division name starts here: what came before has no marker.
                    break
                }
                j += 1
            }
            // Right after its province or city, a division under it written without its suffix
            // (陕西省西安经济技术开发区, 山东省临沂临港…, 湛江赤坎海滨路), from the national list; not
            // when a city's or county's marker ends a short name here (湛江市, 汤旺河区: read as
            // written, below) or follows the name found (西安路 is a road).
            if pos == aboveEnd, r.county == nil, found.map({ ($0.0.kind != .city && $0.0.kind != .county) || $0.1 - pos >= 4 }) ?? true,
                let divisions,
                let length = divisions.coreLength(in: s, at: pos), !nameGoesOn(pos + length),
                let above = r.city ?? r.province,
                let level = divisions.level(ofCore: Array(s[pos..<pos + length]), under: above, r.city == nil ? .province : .city)
            {
                set(level == .city ? .city : .county, pos, pos + length)
                pos += length
                continue
            }
            if let (m, at) = found {
                var end = at + m.length
                // A compound named after another place (红城中心小学, 东方山风景区): one name.
                if m.kind == .compound, let next = markerAt(s, end), next.kind == .compound, next.minName <= 1, next.length >= 2 {
                    end += next.length
                }
                set(m.kind, pos, end)
                afterRoad = m.kind == .road
                pos = end
            } else {
                // No marker before a number, a remainder or the end: a bare name.
                let end = max(j, pos + 1)
                let name = text(pos, end)
                if r.bareName == nil { r.bareName = name } else { r.bareName! += name }
                pos = end
            }
        }
    }

    /// Where the run of letters and digits at `j` ends, and whether it is a label: A座, B栋, C幢,
    /// D单元, E号楼.
    private func labelAfter(_ s: Scalars, _ j: Int) -> (end: Int, isLabel: Bool) {
        var k = j
        while k < s.count && Self.isAlnum(s[k]) { k += 1 }
        guard k < s.count else { return (k, false) }
        return (k, Self.labelMarkers.contains { Self.matches(s, k, $0) })
    }

    static let labelMarkers: [[Unicode.Scalar]] = ["座", "栋", "幢", "单元", "号楼", "号", "室"].map { Array($0.unicodeScalars) }

    private func kind(of level: AdminLevel) -> Kind {
        switch level {
        case .province: .province
        case .city: .city
        case .county: .county
        case .street: .street
        case .community: .community
        }
    }

    private func isUnset(_ level: AdminLevel, _ r: AddressComponents) -> Bool {
        switch level {
        case .province: r.province == nil && r.city == nil
        case .city: r.city == nil && r.county == nil
        case .county: r.county == nil && r.street == nil
        case .street: r.street == nil && r.community == nil
        case .community: r.community == nil
        }
    }

    /// The marker at `j`, if any. The test that rules most positions out is inlined where it is
    /// asked; the rest is ``marker(in:_:_:)``.
    @inline(__always) private func markerAt(_ s: Scalars, _ j: Int) -> Marker? {
        guard j < s.count, s[j].value < 0x10000 else { return nil }
        let group = Int(markerGroupOf[Int(s[j].value)])
        return group > 0 ? marker(in: group, s, j) : nil
    }

    private func marker(in group: Int, _ s: Scalars, _ j: Int) -> Marker? {
        var found: Marker? = nil
        for k in markerGroupStart[group - 1]..<markerGroupStart[group] where groupedMarkers[k].matches(s, j) {
            found = groupedMarkers[k]; break
        }
        guard let m = found else { return nil }
        let next = j + m.length < s.count ? s[j + m.length] : nil
        switch m.kind {
        case .street where m.length == 1:
            // 新乡市, 景德镇市, 东乡族自治县: part of a city's or county's name; so is 西乡塘区's.
            if let next, next == "市" || next == "县" || next == "区" || next == "族" { return nil }
            if m.first == "乡", let next, !Self.isAlnum(next), next != "新", j + 2 < s.count, s[j + 2] == "区" { return nil }
        case .compound where m.length == 1:
            // 东昌府区, 达坂城区, 共青城市: part of a county's name.
            if let next, next == "区" || next == "县" || next == "市" { return nil }
        case .road where m.length == 1 && m.first == "路":
            if let next, next == "区" || next == "县" { return nil } // 让胡路区
        case .community where m.length == 1 && m.first == "村":
            if let next, next == "镇" || next == "乡" { return nil } // 西张村镇
        case .road where m.length == 3 && m.first == "大":
            // 宏力大道东50米: the direction belongs to the distance.
            if Self.distanceEnd(s, j + 2) != nil { return Self.avenue }
        default: break
        }
        return m
    }

    private func lexiconMatch(_ s: Scalars, _ pos: Int) -> (AdminLevel, Int)? {
        guard maxLexiconLength >= 2, pos < s.count else { return nil }
        let first = s[pos]
        let lengths = first.value < 0x10000 ? lexiconLengths[Int(first.value)] : supplementaryLexiconLengths[first] ?? 0
        guard lengths != 0 else { return nil }
        var length = min(maxLexiconLength, s.count - pos)
        while length >= 2 {
            if lengths & (1 << length) != 0 {
                let name = s[pos..<pos + length]
                if let level = length <= 3 ? shortLexicon.level(Self.packed(name)) : longLexicon[Array(name)] { return (level, length) }
            }
            length -= 1
        }
        return nil
    }

    /// Reads a number and its marker at `pos`; returns where parsing goes on, or nil when the
    /// characters are letters of a name (e.g. "CBD").
    private func parseNumber(_ s: Scalars, _ pos: Int, _ r: inout AddressComponents, _ recent: RecentStrings) -> Int? {
        let n = s.count
        var i = pos
        var ordinal = false
        if s[i] == "第" { ordinal = true; i += 1 }
        let start = i
        while i < n && (Self.isAlnum(s[i]) || (s[i] == "-" && i + 1 < n && Self.isAlnum(s[i + 1]))) { i += 1 }
        guard i > start else { return nil }
        let token = recent.string(s[start..<i])
        let lettersOnly = !s[start..<i].contains(where: Self.isDigit)
        let next: Unicode.Scalar = i < n ? s[i] : "\0", second: Unicode.Scalar = i + 1 < n ? s[i + 1] : "\0"
        func after(_ a: Unicode.Scalar) -> Bool { next == a }
        func after(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool { next == a && second == b }
        // The leading integer of the token (12 of 12-3), read from the scalars: no String, no
        // Character properties.
        func leadingValue() -> Int? {
            var value = 0, k = start
            while k < i && Self.isDigit(s[k]) && k - start < 18 { value = value * 10 + Int(s[k].value - 0x30); k += 1 }
            return k > start ? value : nil
        }
        if ordinal {
            if after("片", "区") { r.area = "第\(token)片区"; return i + 2 }
            if after("网", "格") { r.gridUnit = "第\(token)网格"; return i + 2 }
            if after("期") { return i + 1 }
            return nil
        }
        if after("号", "楼") || after("栋") || after("幢") || after("座") {
            if r.building == nil { r.building = token }
            return i + (after("号", "楼") ? 2 : 1)
        }
        if after("单", "元") { if r.unit == nil { r.unit = token }; return i + 2 }
        if after("室") || after("房") { r.room = token; return i + 1 }
        if after("楼") || after("层") { if r.room == nil && r.building != nil { r.room = nil }; return i + 1 } // floor: not kept
        if after("号", "院") { r.number = token; r.numberValue = leadingValue(); return i + 2 }
        if after("号") || after("弄") {
            // 8号之一: a sub-number of the house; the house is what the gazetteer knows.
            var end = i + 1
            if end + 1 < n && s[end] == "之" && (Self.isDigit(s[end + 1]) || AddressNormalizer.chineseDigit(s[end + 1]) != nil) { end += 2 }
            if r.number == nil && r.building == nil {
                r.number = token; r.numberValue = leadingValue()
            } else if r.building == nil {
                r.building = token // 12号3号 → the second is a building
            } else {
                r.room = token
            }
            return end
        }
        if after("期") || after("组") { return i + 1 } // 二期, 6组 (a village's group)
        // Numbered roads: 319国道, 015县道, G320, S215, X425, Y509.
        // Numbered roads: 319国道 …
        if second == "道", next == "国" || next == "省" || next == "县" || next == "乡" {
            if r.road == nil { r.road = makeString(s[start..<i + 2]) }
            return i + 2
        }
        if let first = s[start..<i].first, "GSXYZ".unicodeScalars.contains(first), i - start >= 2, i - start <= 5,
            s[(start + 1)..<i].allSatisfy(Self.isDigit), r.road == nil
        {
            r.road = token
            return i
        }
        if lettersOnly { return nil }
        // Bare digits: 3-2-501 is building-unit-room; a trailing number is a room once a
        // building or a house number is known, else a house number.
        let parts = token.split(separator: "-").map(String.init)
        if parts.count == 3 {
            r.building = r.building ?? parts[0]; r.unit = r.unit ?? parts[1]; r.room = parts[2]
        } else if r.building != nil || r.unit != nil {
            r.room = token
        } else if r.number != nil || r.compound != nil {
            if parts.count == 2 { r.building = parts[0]; r.room = parts[1] } else { r.room = token }
        } else if r.road != nil {
            r.number = token; r.numberValue = leadingValue()
        } else {
            r.room = token
        }
        return i
    }
}

/// The administrative levels above the grids a gazetteer knows.
package enum AdminLevel: String, Sendable, CaseIterable, Comparable {
    case province, city, county, street, community
    var rank: Int { AdminLevel.allCases.firstIndex(of: self)! }
    package static func < (a: AdminLevel, b: AdminLevel) -> Bool { a.rank < b.rank }
}

/// Names of two or three scalars packed into one integer (``AddressParser/packed(_:)``) in an
/// open-addressing table with a multiplicative hash: the scan looks names up at many positions
/// of every address, where Dictionary's seeded hashing would cost more than the rest of a step.
struct PackedNames: Sendable {
    /// 0 marks an empty slot: no name packs to 0.
    private var keys: [UInt64]
    private var levels: [AdminLevel?]
    private let shift: UInt64

    init(_ names: [UInt64: AdminLevel]) {
        var bits: UInt64 = 4
        while 1 << bits < 2 * names.count { bits += 1 }
        shift = 64 - bits
        keys = [UInt64](repeating: 0, count: 1 << bits)
        levels = [AdminLevel?](repeating: nil, count: 1 << bits)
        for (key, level) in names {
            var slot = slot(of: key)
            while keys[slot] != 0 { slot = (slot + 1) & (keys.count - 1) }
            keys[slot] = key
            levels[slot] = level
        }
    }

    @inline(__always) private func slot(of key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    @inline(__always) func level(_ key: UInt64) -> AdminLevel? {
        var slot = slot(of: key)
        while true {
            let k = keys[slot]
            if k == key { return levels[slot] }
            if k == 0 { return nil }
            slot = (slot + 1) & (keys.count - 1)
        }
    }
}
