/// Puts free-text Chinese addresses into one canonical form before parsing, so that the
/// parser and the gazetteer keys see the same characters: half-width ASCII, simplified
/// characters, no spaces or punctuation, Arabic digits in house, building, unit and room numbers.
///
/// Works on Unicode scalars with small lookup tables (no Foundation, no regular expressions):
/// it runs once per address on backlogs of millions.
public enum AddressNormalizer {
    public static func normalize(_ text: String) -> String {
        makeString(normalizedScalars(text))
    }

    /// The normalised text as scalars (what the parser works on).
    public static func normalizedScalars(_ text: String) -> [Unicode.Scalar] {
        var s: [Unicode.Scalar] = []
        s.reserveCapacity(text.unicodeScalars.count)
        for raw in text.unicodeScalars {
            var c = raw
            let v = c.value
            if v >= 0xFF01 && v <= 0xFF5E { c = Unicode.Scalar(v - 0xFEE0)! }  // full-width ASCII
            else if v == 0x3000 { continue }                                    // ideographic space
            if let mapped = variants[c] { c = mapped }
            let a = c.value
            if a < 0x80 {
                if a >= 0x61 && a <= 0x7A { s.append(Unicode.Scalar(a - 32)!); continue }  // upper case
                if (a >= 0x30 && a <= 0x39) || (a >= 0x41 && a <= 0x5A) { s.append(c); continue }
                if c == "#" { s.append("号"); continue }       // 3#楼 = 3号楼
                if c == "-" || c == "~" || c == "_" { s.append("-"); continue }
                continue                                        // spaces, punctuation
            }
            if dashes.contains(a) { s.append("-"); continue }
            if punctuation.contains(a) { continue }
            s.append(c)
        }
        // Trim dashes that are not between digits.
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(s.count)
        for i in s.indices {
            if s[i] == "-" {
                let before = cleaned.last.map(isDigit) ?? false
                let after = i + 1 < s.count && (isDigit(s[i + 1]) || chineseDigit(s[i + 1]) != nil)
                if !(before && after) && !(cleaned.last.map { chineseDigit($0) != nil } ?? false && after) { continue }
            }
            cleaned.append(s[i])
        }
        return convertNumerals(cleaned)
    }

    @inline(__always) static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    /// Chinese numerals in runs directly followed by a number marker (号, 栋, 单元, 室, …) become
    /// Arabic digits: 三号楼 → 3号楼, 十二号 → 12号, 五零一室 → 501室. Numerals elsewhere are
    /// names and stay: 九二一社区, 中山二路, 五一路.
    static func convertNumerals(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard s.contains(where: { chineseDigit($0) != nil || $0 == "十" || $0 == "百" }) else { return s }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if isNumeral(s[i]) {
                var j = i
                while j < s.count && isNumeral(s[j]) { j += 1 }
                if followsNumberMarker(s, j), let value = numeralValue(s[i..<j]) {
                    out.append(contentsOf: value.unicodeScalars)
                    i = j
                    continue
                }
                out.append(contentsOf: s[i..<j])
                i = j
                continue
            }
            out.append(s[i]); i += 1
        }
        return out
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

    static func followsNumberMarker(_ s: [Unicode.Scalar], _ j: Int) -> Bool {
        guard j < s.count else { return false }
        for m in numberMarkers where j + m.count <= s.count {
            var ok = true
            for k in 0..<m.count where s[j + k] != m[k] { ok = false; break }
            if ok { return true }
        }
        return false
    }

    /// 十二 → "12", 三十 → "30", 一百零五 → "105", 五零一 → "501".
    static func numeralValue(_ run: ArraySlice<Unicode.Scalar>) -> String? {
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

    /// Traditional and variant characters common in Chinese place names, to their simplified form.
    static let variants: [Unicode.Scalar: Unicode.Scalar] = {
        let pairs = """
            東东 區区 縣县 鎮镇 鄉乡 號号 樓楼 棟栋 單单 門门 園园 華华 廣广 灣湾 陽阳 龍龙 鳳凤 興兴 長长 開开 發发 \
            場场 廠厂 邊边 橋桥 島岛 嶺岭 圍围 巖岩 莊庄 寧宁 豐丰 麗丽 濱滨 觀观 雲云 樂乐 萬万 業业 車车 軍军 農农 電电 \
            廟庙 蘭兰 葉叶 後后 裡里 裏里 衛卫 鐵铁 勝胜 寶宝 網网 紅红 黃黄 綠绿 國国 際际 貿贸 醫医 學学 師师 環环 陳陈 \
            劉刘 鄧邓 風风 馬马 魚鱼 鳥鸟 濟济 來来 會会 員员 義义 僑侨 漢汉 頭头 紀纪 嶼屿 羅罗 蓮莲 臺台 碼码 館馆 層层 \
            閣阁 亞亚 愛爱 濤涛 澤泽 漁渔 潤润 達达 運运 遠远 連连 進进 鄰邻 鋼钢 錦锦 陸陆 隊队 雙双 靈灵 順顺 飛飞 鴻鸿 \
            鵬鹏 黨党 齊齐 壽寿 專专 對对 廳厅 擁拥 舊旧 書书 條条 樹树 橫横 機机 歡欢 氣气 滿满 潔洁 燈灯 爭争 獅狮 現现 \
            產产 畫画 盤盘 礦矿 禮礼 種种 積积 競竞 築筑 糧粮 純纯 紙纸 組组 結结 絲丝 經经 綜综 維维 總总 織织 聖圣 聯联 \
            職职 藝艺 蘇苏 蝦虾 術术 製制 親亲 計计 訓训 許许 詩诗 誠诚 調调 證证 譚谭 貝贝 財财 貨货 賓宾 賢贤 質质 購购 \
            趙赵 跡迹 軒轩 輝辉 轉转 辦办 郵邮 鄭郑 銀银 銅铜 鋪铺 錢钱 鍾钟 鐘钟 閘闸 關关 陰阴 階阶 險险 雞鸡 離离 靜静 \
            響响 頂顶 項项 預预 領领 顧顾 養养 驛驿 騰腾 體体 髙高 鳴鸣 麥麦 點点 龜龟 灣湾 坵丘 祐佑 舘馆 峯峰 邨村 衞卫 \
            嶽岳 岡冈 崗岗 濰潍 滙汇 匯汇 溝沟 灘滩 塢坞 壩坝 壇坛 墻墙 礎础 碼码 舖铺 鬧闹 區区 蘆芦 蔭荫 藥药 蕭萧 \
            寬宽 實实 審审 憲宪 懷怀 揚扬 據据 換换 斷断 晉晋 灑洒 熱热 燒烧 爾尔 狀状 猶犹 獎奖 瑤瑶 瓊琼 甌瓯 畢毕 \
            當当 瘋疯 發发 盡尽 眾众 碩硕 禎祯 穀谷 窩窝 簽签 繫系 羅罗 聞闻 肅肃 腦脑 興兴 艷艳 範范 蕪芜 處处 號号 \
            蠻蛮 補补 襄襄 覺觉 譽誉 讓让 豬猪 貴贵 賀贺 賴赖 贛赣 趕赶 車车 軟软 辯辩 遼辽 還还 邁迈 醬酱 鑫鑫 閩闽 \
            闊阔 隱隐 雜杂 雛雏 韋韦 韶韶 頌颂 頤颐 顏颜 飯饭 餅饼 駿骏 鬱郁 魯鲁 鮮鲜 鶴鹤 鹽盐 麒麒 龐庞 ⻄西 ⾥里 ⾦金 ⻓长 ⻢马
            """
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        for pair in pairs.split(separator: " ") {
            let scalars = Array(pair.unicodeScalars)
            if scalars.count == 2 && scalars[0] != scalars[1] { map[scalars[0]] = scalars[1] }
        }
        return map
    }()
}
