import Foundation
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

    /// The reader of the usual form answers as the reader of every form does, on texts near that
    /// form: every field at its edges and beyond, other separators, spaces around, other lengths.
    @Test func theUsualFormIsReadAsEveryFormReadsIt() {
        var generator = SystemRandomNumberGenerator()
        let years = ["1899", "1900", "2000", "2023", "2024", "2100", "2200", "2201", "0000", "20x4"]
        let twos = ["00", "01", "02", "09", "12", "13", "23", "24", "28", "29", "30", "31", "32", "59", "60", "61", "99", "1", "1x"]
        let dateSeparators = ["-", "-", "-", "/", "."], timeSeparators = [" ", "T", "t", "  ", ""], colons = [":", ":", ":", "-"]
        let around = ["", "", " ", "\t", "\u{3000}", "\r"]
        var usual = 0
        for _ in 0..<20_000 {
            func any(_ list: [String]) -> String { list.randomElement(using: &generator)! }
            var text = any(years) + any(dateSeparators) + any(twos) + any(dateSeparators) + any(twos)
            let shape = Int.random(in: 0..<3, using: &generator)
            if shape >= 1 { text += any(timeSeparators) + any(twos) + any(colons) + any(twos) }
            if shape == 2 { text += any(colons) + any(twos) }
            text = any(around) + text + any(around)
            let fast = Clock.usualForm(text)
            if fast != nil { usual += 1 }
            #expect(fast == nil || fast == Clock.anyForm(text), "\(text): \(fast ?? "nil") against \(Clock.anyForm(text) ?? "nil")")
            #expect(Clock.time(text) == Clock.anyForm(text), "\(text)")
        }
        #expect(usual > 20, "the usual form was read \(usual) times of 20,000")
        // Every day of a leap year and the one before, at a few times, in each usual shape.
        for day in 0..<731 {
            var c = DateComponents(); c.year = 2023; c.month = 1; c.day = 1 + day
            let d = Calendar(identifier: .gregorian).date(from: c)!
            let parts = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: d)
            let date = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
            for text in [date, date + " 00:00", date + "T23:59:59", " \(date) 12:30:60\t"] {
                let fast = Clock.usualForm(text)
                #expect(fast != nil && fast == Clock.anyForm(text), "\(text)")
            }
        }
    }

    @Test func hoursBetweenStoredMoments() {
        #expect(Clock.hours(from: "2024-02-28T20:00:00", to: "2024-03-01T02:00:00") == 30)
    }
}
