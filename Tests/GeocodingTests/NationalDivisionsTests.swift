import Testing

@testable import Geocoding

/// The parser fills in the province and city an address leaves out from the national list, only
/// where one division answers, never against what the address names, and marks what it filled in.
struct NationalDivisionsTests {
    let parser = AddressParser()

    @Test func theListHoldsEveryLevel() {
        let d = NationalDivisions.shared
        #expect(d.name(440_000) == "广东省" && d.name(440_800) == "湛江市" && d.name(440_802) == "赤坎区")
        #expect(d.parent(440_802) == 440_800 && d.parent(440_800) == 440_000 && d.parent(440_000) == nil)
        // Held by the province itself: a municipality's districts, 省直辖县级市.
        #expect(d.parent(110_105) == 110_000 && d.parent(429_004) == 420_000)
        #expect(d.codes("朝阳区", .county).count == 2) // 北京 and 长春
        #expect(d.codes("朝阳区", .county, within: 220_000) == [220_104])
        #expect(d.codes("黔东南", .city) == [522_600] && d.codes("阿坝州", .city) == [513_200])
        #expect(d.codes("伊犁", .city) == [654_000]) // 伊犁哈萨克自治州, written without its people
    }

    @Test func aCountyGivesItsCityAndProvince() {
        let c = parser.parse("赤坎区海滨路12号")
        #expect(c.city == "湛江市" && c.province == "广东省" && c.county == "赤坎区" && c.road == "海滨路")
        #expect(c.inferred == [.province, .city])
        #expect(c.fields.last!.0 == "inferred" && c.fields.last!.1 == "province,city")
        let written = parser.parse("湛江市赤坎区海滨路12号")
        #expect(written.city == "湛江市" && written.province == "广东省" && written.inferred == [.province])
        let whole = parser.parse("广东省湛江市赤坎区海滨路12号")
        #expect(whole.inferred.isEmpty && !whole.fields.contains { $0.0 == "inferred" })
    }

    @Test func aNameTwoDivisionsShareAddsNothing() {
        let c = parser.parse("朝阳区建国路88号")
        #expect(c.city == nil && c.province == nil && c.inferred.isEmpty)
        // The province the address names tells them apart.
        let changchun = parser.parse("吉林省朝阳区西安大路")
        #expect(changchun.city == "长春市" && changchun.inferred == [.city])
    }

    @Test func nothingAgainstWhatTheAddressNames() {
        // No 朝阳区 in 广东; a province not on the list; a city holding no such county.
        for text in ["广东省朝阳区建国路", "火星省赤坎区海滨路", "茂名市赤坎区海滨路"] {
            let c = parser.parse(text)
            #expect(c.inferred.isEmpty || !c.inferred.contains(.city), "\(text)")
            #expect(parser.parse(text).city == AddressParser(completingDivisions: false).parse(text).city, "\(text)")
        }
        #expect(parser.parse("茂名市赤坎区海滨路").province == "广东省") // the city's own province
    }

    @Test func municipalitiesAndCitiesTheProvinceHolds() {
        let haidian = parser.parse("海淀区中关村大街1号")
        #expect(haidian.city == "北京市" && haidian.province == "北京市")
        let xiantao = parser.parse("仙桃市陈场镇")
        #expect(xiantao.county == "仙桃市" && xiantao.province == "湖北省" && xiantao.inferred == [.province])
        let kaili = parser.parse("黔东南州凯里市北京东路")
        #expect(kaili.province == "贵州省" && kaili.county == "凯里市" && kaili.inferred == [.province])
    }

    /// A town named after a county of the city written is in that county (its seat); the county
    /// is marked filled in, and nothing is added without the city.
    @Test func aTownNamedAfterItsCounty() {
        let c = parser.parse("云南省德宏傣族景颇族自治州芒市镇勇罕街29号")
        #expect(c.county == "芒市" && c.street == "芒市镇" && c.inferred == [.county])
        #expect(c.fields.last!.1 == "county")
        #expect(parser.parse("芒市镇勇罕街29号").county == nil)
        #expect(parser.parse("云南省昆明市芒市镇勇罕街29号").county == nil) // 芒市 is not in 昆明
    }

    /// 廉江市 written alone is read as a city; it is a county-level city of 湛江市.
    @Test func aCountyLevelCityAloneMovesToTheCounty() {
        let c = parser.parse("廉江市安铺镇新华路3号")
        #expect(c.county == "廉江市" && c.city == "湛江市" && c.province == "广东省" && c.street == "安铺镇")
        #expect(c.inferred == [.province, .city])
        let asWritten = AddressParser(completingDivisions: false).parse("廉江市安铺镇新华路3号")
        #expect(asWritten.city == "廉江市" && asWritten.county == nil && asWritten.inferred.isEmpty)
    }
}
