import GridErrors
import Testing

@Suite struct MessageCatalogueTests {
    @Test func aKeyIsTheLiteralsWithNumberedPlaceholders() {
        let code = "U1", n = 3
        let wording: Wording = "grid \(code) is over \(setting: "max-residents") by \(n) residents"
        #expect(wording.key == "grid %1 is over %2 by %3 residents")
        #expect(Wording("no such file").key == "no such file")
        // Two literals joined over lines read as one message.
        let joined: Wording = "a line that is \(n) " + "characters too long"
        #expect(joined.key == "a line that is %1 characters too long")
        // A text placed inside another is one value of it, translated on its own.
        let inner: Wording = "no such file"
        #expect(Wording("\(setting: "db") \("x.gpkg"): \(inner)").key == "%1 %2: %3")
    }

    @Test func chineseTemplatesMayReorderAndDropValues() {
        #expect(MessageCatalogue.fill("%3 中的点 (%1, %2)", with: ["1", "2", "EPSG:4490"]) == "EPSG:4490 中的点 (1, 2)")
        #expect(MessageCatalogue.fill("%2：%1", with: ["a", "b", "unused"]) == "b：a")
        #expect(MessageCatalogue.fill("%10 与 %1", with: (1...10).map(String.init)) == "10 与 1")
        // A percent sign that is no placeholder stays as written.
        #expect(MessageCatalogue.fill("99 % 在 %1 内；%5", with: ["U1"]) == "99 % 在 U1 内；%5")
        let point: Wording = "the point (\(500.0), \(21.26)) in \("EPSG:4490") is not a place on Earth: wrong CRS, or longitude and latitude swapped?"
        #expect(point.rendered(in: .zh) { $0.rawValue } == "EPSG:4490 中的点 (500.0, 21.26) 不在地球上：坐标系错了，还是经纬度写反了？")
        #expect(point.rendered { $0.rawValue }.hasPrefix("the point (500.0, 21.26) in EPSG:4490 is not a place on Earth"))
    }

    @Test func aTextWithoutAnEntryFallsBackToEnglish() {
        let odd: Wording = "a message nobody translated, about \(7) grids"
        #expect(MessageCatalogue.translation(of: odd.key, in: .zh) == nil)
        #expect(odd.rendered(in: .zh) { $0.rawValue } == "a message nobody translated, about 7 grids")
        #expect(MessageCatalogue.translation(of: "no such file", in: .en) == nil)
    }

    @Test func aWholeErrorReadsInChineseWithItsPlaceAndHint() {
        let error = GridplanError(
            .badInput, "the coordinates have no CRS", source: ErrorSource(file: "cases.csv", line: 3, field: "lon"),
            hint: "give it with \(setting: "crs"), e.g. EPSG:4490")
        #expect(error.rendered(in: .zh) { "--" + $0.rawValue } == "cases.csv 第 3 行，字段 lon：坐标没有坐标系；提示：请用 --crs 指定，如 EPSG:4490")
        #expect(
            error.rendered { "--" + $0.rawValue } == "cases.csv line 3, field lon: the coordinates have no CRS; give it with --crs, e.g. EPSG:4490")
        #expect(ErrorSource(file: "grids.shp", feature: "12").rendered(in: .zh) == "grids.shp 要素 12")
        // An error placed in another message is translated inside it.
        let missing = GridplanError(.notFound, "no such GeoPackage", source: .file("p.gpkg"))
        let outer = GridplanError(.notFound, "\(setting: "db") \("p.gpkg"): \(missing)")
        #expect(outer.rendered(in: .zh) { "--" + $0.rawValue } == "--db p.gpkg：p.gpkg：GeoPackage 文件不存在")
        // Values that are words of the catalogue (level names) read in Chinese too.
        #expect(
            Wording("wrote \(8) \("street") grids to \("standard output") (\("geojson"), \("EPSG:4490"))").rendered(in: .zh) { $0.rawValue }
                == "已将 8 个街道网格写入 标准输出（geojson，EPSG:4490）")
    }

    @Test func whatTheUserTypedIsShownAsTyped() {
        let level = "area"
        let asked: Wording = "\(setting: "level") \(level): the plan has no grids"
        #expect(asked.rendered(in: .zh) { "--" + $0.rawValue }.hasPrefix("--level area"))
        #expect(Wording("level '\(level)': give street").rendered(in: .zh) { $0.rawValue }.hasPrefix("level 'area'"))
        #expect(Wording("--out-level \(level) x").rendered(in: .zh) { $0.rawValue } == "--out-level area x")
        #expect(Wording("the plan has no \(level) grids").rendered(in: .zh) { $0.rawValue } == "规划中没有片区网格")
    }

    @Test func listsOfCatalogueWordsReadInChinese() {
        #expect(MessageCatalogue.translation(ofValue: "verified or returned", in: .zh) == "已核实或已退回")
        #expect(MessageCatalogue.translation(ofValue: "street, community or unit", in: .zh) == "街道、社区或单元")
        #expect(MessageCatalogue.translation(ofValue: "street, U1", in: .zh) == nil)
        #expect(MessageCatalogue.translation(ofValue: "street, community", in: .en) == nil)
    }

    @Test func theLanguageComesFromTheEnvironmentAsPOSIXOrdersIt() {
        #expect(Language(environment: [:]) == .en)
        #expect(Language(environment: ["LANG": "C.UTF-8"]) == .en)
        #expect(Language(environment: ["LANG": "zh_CN.UTF-8"]) == .zh)
        #expect(Language(environment: ["LANG": "zh_TW.Big5"]) == .zh)
        #expect(Language(environment: ["LANG": "zh_CN.UTF-8", "LC_ALL": "C"]) == .en)
        #expect(Language(environment: ["LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"]) == .zh)
        #expect(Language(environment: ["LANG": "zh_CN.UTF-8", "LC_ALL": ""]) == .zh)
        #expect(Language(environment: ["LANG": "de_DE.UTF-8"]) == .en)
        #expect(Language(environment: ["LANG": "zh_CN.UTF-8", "GRIDPLAN_LANG": "en"]) == .en)
        #expect(Language(environment: ["LC_ALL": "C", "GRIDPLAN_LANG": "zh"]) == .zh)
    }

    @Test func aRequestAsksForItsLanguageByQuality() {
        #expect(Language(acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8") == .zh)
        #expect(Language(acceptLanguage: "en-US,en;q=0.9,zh-CN;q=0.8") == .en)
        #expect(Language(acceptLanguage: "fr-FR, zh;q=0.5") == .zh)
        #expect(Language(acceptLanguage: "en;q=0.3, zh-Hans;q=0.7") == .zh)
        #expect(Language(acceptLanguage: "zh;q=0, en") == .en)
        #expect(Language(acceptLanguage: "fr, *;q=0.5") == nil)
    }

    @Test func aTaskMayWorkInAnotherLanguage() {
        let wording: Wording = "no such file"
        #expect(Language.$current.withValue(.zh) { wording.localized { $0.rawValue } } == "文件不存在")
        #expect(Language.$current.withValue(.en) { wording.localized { $0.rawValue } } == "no such file")
    }

    /// Lists the messages in the sources that have no Chinese entry (they show in English), and
    /// requires one for the messages users meet most. Entries the scan does not find in the sources
    /// are listed too (composed at run time, or stale).
    @Test func theCatalogueCoversTheMessagesUsersMeetMost() throws {
        let keys = try SourceMessages.keys()
        #expect(keys.count > 300, "the source scan found only \(keys.count) messages")
        let missing = keys.filter { MessageCatalogue.chinese[$0] == nil }.sorted()
        print("messages: \(keys.count); without a Chinese entry: \(missing.count)")
        missing.forEach { print("  no Chinese: \($0)") }
        let common = [
            "no such file", "no such GeoPackage", "cannot read the file", "GDAL cannot read this file as vector data%1",
            "not a GeoPackage (not an SQLite file)", "'%1' is not a CRS gridplan knows",
            "no coordinate reference system (no .prj, no CRS in the file)",
            "time '%1' is not a date and time of the calendar (e.g. 2024-03-01 08:30:00, 2024年3月1日 08:30)",
            "%1 %2: not a day (YYYY-MM-DD)", "%1 %2: write a calendar day as YYYY-MM-DD",
            "coordinates '%1', '%2' are not numbers",
            "the point (%1, %2) in %3 is not a place on Earth: wrong CRS, or longitude and latitude swapped?",
            "no id field found (looked for %1)", "no %1 field (looked for %2); the fields are: %3",
            "the gazetteer is empty, so addresses cannot be placed", "the plan has no grids", "the plan has no %1 grids",
            "another process (a second gridplan command, QGIS editing, …) is writing the plan; waited %1 s for it to finish. "
                + "Nothing was written: run the command again when it is done.",
            "no grid has code %1 (grids without a code get one from `gridplan codes`)", "no case with id %1", "no person with id %1",
            "no current grid with code %1",
            "imported %1 %2 grids from %3 (CRS %4 → EPSG:4490) into %5, plan version %6", "%1 grids checked: clean",
            "%1 grids checked: %2 errors, %3 warnings (findings layer in %4)",
            "%1 cases added, %2 updated, %3 rejected (%4) in %5 s; coordinates read in %6",
            "assigned %1 rows to %2 grids: %3; coordinates read in %4; wrote %5", "geocoded %1 addresses; wrote %2",
        ]
        for key in common {
            let inSources = keys.contains(key)
            #expect(inSources, "no longer in the sources: \(key)")
            #expect(MessageCatalogue.chinese[key] != nil, "no Chinese for: \(key)")
        }
        // Composed at run time, so the scan cannot see it: the refusal of an unknown CRS name.
        #expect(MessageCatalogue.chinese["'%1' is not a CRS gridplan knows (PROJ's nearest name is '%2')"] != nil)
        let placeholders = try Regex("%[0-9]+")
        for (english, chinese) in MessageCatalogue.chinese {
            // A Chinese template names no value the English text lacks.
            let given = Set(english.matches(of: placeholders).map { String(english[$0.range]) })
            let used = Set(chinese.matches(of: placeholders).map { String(chinese[$0.range]) })
            #expect(used.isSubset(of: given), "\(english) ⇒ \(chinese)")
        }
        let stale = MessageCatalogue.chinese.keys.filter { $0.contains("%") && !keys.contains($0) }.sorted()
        // Composed at run time (in arrays, with append) or no longer used: worth a look when the list grows.
        print("catalogue entries the scan does not see: \(stale.count)")
        stale.forEach { print("  not seen: \($0)") }
    }
}
