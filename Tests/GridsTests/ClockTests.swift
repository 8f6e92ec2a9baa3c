import Grids
import Testing

/// Days and times are read in one place (`Clock`), and only real calendar days get through.
@Suite struct ClockTests {
    @Test func readsTheUsualForms() {
        #expect(Clock.time("2024-03-01 08:30") == "2024-03-01T08:30:00")
        #expect(Clock.time("2024/3/1 8:30") == "2024-03-01T08:30:00")
        #expect(Clock.time("2024-03-01T00:30:00Z") == "2024-03-01T08:30:00")
        #expect(Clock.time("20240301083000") == "2024-03-01T08:30:00")
        #expect(Clock.time("20240229") == "2024-02-29T00:00:00")
        #expect(Clock.date("2024-03-01 23:59:59") == "2024-03-01")
        #expect(Clock.calendarDay("2024-02-29") == "2024-02-29")
    }

    @Test func readsTheChineseFormsOfSpreadsheetsAndForms() {
        #expect(Clock.time("2024年3月1日 08:30") == "2024-03-01T08:30:00")
        #expect(Clock.time("2024年3月1日8时30分") == "2024-03-01T08:30:00")
        #expect(Clock.time("2024年3月1日8时30分15秒") == "2024-03-01T08:30:15")
        #expect(Clock.time("2024年3月1号 下午2点") == "2024-03-01T14:00:00")
        #expect(Clock.time("2024年3月1日 上午8点") == "2024-03-01T08:00:00")
        #expect(Clock.time("2024年3月1日 晚上8:05") == "2024-03-01T20:05:00")
        #expect(Clock.time("２０２４年３月１日\u{3000}０８：３０") == "2024-03-01T08:30:00")
        #expect(Clock.time("２０２４年３月１日 ０８：３０") == "2024-03-01T08:30:00")
        #expect(Clock.time("2024年3月1日") == "2024-03-01T00:00:00")
        #expect(Clock.date("2024年12月31日") == "2024-12-31")
        // Refused as the ASCII forms are: no 30 February, no afternoon hour 13, no other words.
        for text in ["2024年2月30日", "2024年3月1日 下午13点", "2024年3月1日 大约8点", "二〇二四年三月一日"] {
            #expect(Clock.time(text) == nil, "\(text) was read as \(Clock.time(text) ?? "")")
        }
    }

    @Test func refusesDaysTheCalendarDoesNotHave() {
        for text in ["2024-02-31T10:00", "2023-02-29", "2024-13-01", "20241399", "2024-04-31 08:00", "2024-00-10", "2024-01-00"] {
            #expect(Clock.time(text) == nil, "\(text) was read as \(Clock.time(text) ?? "")")
        }
        for text in ["2024-02-30", "2023-02-29", "2024-2-1", "24-02-01", "2024-02-1x"] {
            #expect(Clock.calendarDay(text) == nil, "\(text)")
        }
    }

    @Test func hoursBetweenStoredMoments() {
        #expect(Clock.hours(from: "2024-02-28T20:00:00", to: "2024-03-01T02:00:00") == 30)
    }
}
