import Foundation
public import GridErrors

/// Days and times as gridplan reads and stores them, in one place: local China time (UTC+8),
/// `YYYY-MM-DD` for days (plan and duty dates) and `YYYY-MM-DDTHH:MM:SS` for moments (case
/// times), so that text order is time order. Whatever zone the machine runs in, "today" is the
/// day of the plan's users.
public enum Clock {
    static let china = TimeZone(secondsFromGMT: 8 * 3600)!

    /// Now, as a stored moment.
    public static func now() -> String { local(from: Date()) }

    /// Today, as a stored day.
    public static func today() -> String { day(now()) }

    /// The day of a stored moment or day.
    public static func day(_ time: String) -> String { String(time.prefix(10)) }

    /// A day or moment given by a user (any form ``time(_:)`` reads), as a stored day.
    public static func date(_ text: String) -> String? { time(text).map(day) }

    /// `text` if it is a real calendar day written `YYYY-MM-DD`, else nil.
    public static func calendarDay(_ text: String) -> String? {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
            u.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) })
        else { return nil }
        func n(_ a: Int, _ b: Int) -> Int { u[a..<b].reduce(0) { $0 * 10 + Int($1) - 48 } }
        return isCalendarDay(n(0, 4), n(5, 7), n(8, 10)) ? text : nil
    }

    /// Hours from `a` to `b` (stored moments).
    public static func hours(from a: String, to b: String) -> Double? {
        seconds(from: a, to: b).map { $0 / 3600 }
    }

    /// Whether year, month and day name a day of the Gregorian calendar (years 1900–2200):
    /// 2024-02-30 and 2023-02-29 do not.
    static func isCalendarDay(_ y: Int, _ mo: Int, _ d: Int) -> Bool {
        guard (1900...2200).contains(y), (1...12).contains(mo), d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]
        return d <= days
    }

    /// A time given on the command line, normalised, or an error naming the option.
    public static func requireTime(_ text: String, option: Setting) throws -> String {
        guard let t = time(text) else {
            throw GridplanError(.badArgument, "\(setting: option) \(text): not a time; write e.g. 2024-01-01 or 2024-01-01 08:30")
        }
        return t
    }

    /// A timestamp as gridplan stores it: local time (China Standard Time, UTC+8, unless the
    /// text says otherwise), `YYYY-MM-DDTHH:MM:SS`. Accepts `2024-03-01 08:30[:00]`,
    /// `2024/3/1 8:30`, `2024-03-01T08:30:00Z` or `+08:00`, `2024-03-01`, `20240301083000`, and
    /// Unix seconds or milliseconds, and the Chinese forms of spreadsheets and forms:
    /// `2024年3月1日 08:30`, `2024年3月1日8时30分`, `2024年3月1号 下午2点`, full-width digits.
    /// Nil when the text is none of these, or names a day the calendar does not have.
    public static func time(_ text: String) -> String? {
        if let usual = usualForm(text) { return usual }
        return anyForm(text)
    }

    /// ``time(_:)`` for the form incident files mostly have, read from the bytes with nothing
    /// allocated but the answer: `YYYY-MM-DD`, then ` HH:MM` or `THH:MM`, then `:SS`, each field
    /// of exactly that many digits, ASCII spaces and tabs around. Nil means "not this form" (or
    /// not a day of the calendar), and ``anyForm(_:)`` decides: a backlog of millions of rows
    /// spent a third of its reading time in the general reader's text handling.
    package static func usualForm(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { u -> String? in
            var lo = 0, hi = u.count
            while lo < hi && (u[lo] == 0x20 || u[lo] == 0x09) { lo += 1 }
            while hi > lo && (u[hi - 1] == 0x20 || u[hi - 1] == 0x09) { hi -= 1 }
            let n = hi - lo
            guard n == 10 || n == 16 || n == 19 else { return nil }
            func digits(_ at: Int, _ count: Int) -> Int? {
                var v = 0
                for k in lo + at..<lo + at + count {
                    let c = u[k]
                    guard c >= 48 && c <= 57 else { return nil }
                    v = v * 10 + Int(c - 48)
                }
                return v
            }
            guard u[lo + 4] == 0x2D, u[lo + 7] == 0x2D, let y = digits(0, 4), let mo = digits(5, 2), let d = digits(8, 2) else { return nil }
            var h = 0, mi = 0, s = 0
            if n >= 16 {
                guard u[lo + 10] == 0x20 || u[lo + 10] == 0x54, u[lo + 13] == 0x3A, let hh = digits(11, 2), let mm = digits(14, 2) else {
                    return nil
                }
                (h, mi) = (hh, mm)
                if n == 19 {
                    guard u[lo + 16] == 0x3A, let ss = digits(17, 2) else { return nil }
                    s = ss
                }
            }
            guard isCalendarDay(y, mo, d), h < 24, mi < 60, s < 61 else { return nil }
            return format(y, mo, d, h, mi, s)
        }
    }

    /// ``time(_:)`` for every form it reads.
    package static func anyForm(_ text: String) -> String? {
        var t = text.trimmingCharacters(in: .whitespaces)
        var afternoon = false
        if !t.utf8.allSatisfy({ $0 < 128 }) {
            guard let (ascii, pm) = chineseForm(t) else { return nil }
            t = ascii
            afternoon = pm
        }
        guard !t.isEmpty else { return nil }
        let utf8 = Array(t.utf8)
        if utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            if utf8.count == 10 || utf8.count == 13, let n = Double(t) {
                return local(from: Date(timeIntervalSince1970: utf8.count == 13 ? n / 1000 : n))
            }
            if utf8.count == 14 || utf8.count == 8 {
                let d = utf8.map { Int($0) - 48 }
                func num(_ a: Int, _ b: Int) -> Int { d[a..<b].reduce(0) { $0 * 10 + $1 } }
                let (h, mi, s) = utf8.count == 14 ? (num(8, 10), num(10, 12), num(12, 14)) : (0, 0, 0)
                guard isCalendarDay(num(0, 4), num(4, 6), num(6, 8)), h < 24, mi < 60, s < 61 else { return nil }
                return format(num(0, 4), num(4, 6), num(6, 8), h, mi, s)
            }
            return nil
        }
        // Numbers separated by - / : space T, then an optional zone (Z or ±HH:MM).
        var numbers: [Int] = [], current = -1, zone: Int? = nil
        var i = 0
        while i < utf8.count {
            let c = utf8[i]
            if c >= 48 && c <= 57 {
                current = (current < 0 ? 0 : current * 10) + Int(c - 48)
                if current > 99_999 { return nil }
            } else {
                if current >= 0 { numbers.append(current); current = -1 }
                if c == UInt8(ascii: "Z") && i == utf8.count - 1 {
                    zone = 0
                } else if (c == UInt8(ascii: "+") || c == UInt8(ascii: "-")) && numbers.count >= 5 {
                    let rest = utf8[(i + 1)...].filter { $0 >= 48 && $0 <= 57 }.map { Int($0) - 48 }
                    guard rest.count == 4 || rest.count == 2 else { return nil }
                    let minutes = rest[0] * 600 + rest[1] * 60 + (rest.count == 4 ? rest[2] * 10 + rest[3] : 0)
                    zone = c == UInt8(ascii: "+") ? minutes : -minutes
                    break
                } else if c == UInt8(ascii: ".") && numbers.count == 6 {
                    while i + 1 < utf8.count, utf8[i + 1] >= 48, utf8[i + 1] <= 57 { i += 1 } // fractions of a second
                } else if ![UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: " "), UInt8(ascii: "T")].contains(c) {
                    return nil
                }
            }
            i += 1
        }
        if current >= 0 { numbers.append(current) }
        guard numbers.count == 3 || numbers.count == 5 || numbers.count == 6 else { return nil }
        let (y, mo, d) = (numbers[0], numbers[1], numbers[2])
        var (h, mi, s) = numbers.count >= 5 ? (numbers[3], numbers[4], numbers.count == 6 ? numbers[5] : 0) : (0, 0, 0)
        if afternoon {
            guard numbers.count >= 5, (1...12).contains(h) else { return nil }
            h = h == 12 ? 12 : h + 12
        }
        guard isCalendarDay(y, mo, d), h < 24, mi < 60, s < 61 else { return nil }
        if let zone, zone != 8 * 60 {
            var c = DateComponents(); c.year = y; c.month = mo; c.day = d; c.hour = h; c.minute = mi; c.second = s
            c.timeZone = TimeZone(secondsFromGMT: zone * 60)
            guard let date = Calendar(identifier: .gregorian).date(from: c) else { return nil }
            return local(from: date)
        }
        return format(y, mo, d, h, mi, s)
    }

    /// `2024年3月1日 下午2点30分` as `2024-3-1 2:30`, and whether it was afternoon: 年 and 月
    /// separate the day's numbers, 日 or 号 ends the day, 时, 点 and 分 separate the time's, 秒 ends
    /// it; 上午/早上 (morning) is dropped, 下午/晚上 (afternoon, evening) marks the hour as after noon;
    /// full-width digits, colons and spaces are read as ASCII. Nil for any other character.
    static func chineseForm(_ text: String) -> (String, Bool)? {
        var text = text, afternoon = false
        for (word, pm) in [("上午", false), ("早上", false), ("凌晨", false), ("中午", false), ("下午", true), ("晚上", true)] {
            guard let range = text.range(of: word) else { continue }
            text.replaceSubrange(range, with: " ")
            afternoon = afternoon || pm
        }
        var out = ""
        for c in text {
            switch c {
            case "年", "月": out.append("-")
            case "日", "号", "\u{3000}": out.append(" ")
            case "时", "点", "分", "：": out.append(":")
            case "秒": break
            case "０"..."９": out.append(Character(UnicodeScalar(c.unicodeScalars.first!.value - 0xFF10 + 48)!))
            default:
                guard c.isASCII else { return nil }
                out.append(c)
            }
        }
        var parts = out.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ":")) }
        // 8点 or 下午2点: an hour alone is that hour sharp.
        if parts.count == 2, !parts[1].contains(":") { parts[1] += ":00" }
        return (parts.joined(separator: " "), afternoon)
    }

    static func local(from date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = china
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return format(c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// `YYYY-MM-DDTHH:MM:SS`, written byte by byte (years 0–9999; the readers allow 1900–2200).
    static func format(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> String {
        String(unsafeUninitializedCapacity: 19) { b in
            func put(_ v: Int, _ at: Int, _ width: Int) {
                var v = v
                for k in stride(from: at + width - 1, through: at, by: -1) {
                    b[k] = UInt8(48 + v % 10)
                    v /= 10
                }
            }
            put(y, 0, 4); b[4] = 0x2D; put(mo, 5, 2); b[7] = 0x2D; put(d, 8, 2)
            b[10] = 0x54; put(h, 11, 2); b[13] = 0x3A; put(mi, 14, 2); b[16] = 0x3A; put(s, 17, 2)
            return 19
        }
    }

    /// Seconds between two stored timestamps (b − a).
    public static func seconds(from a: String, to b: String) -> Double? {
        guard let da = instant(a), let db = instant(b) else { return nil }
        return db.timeIntervalSince(da)
    }

    static func instant(_ stored: String) -> Date? {
        let u = Array(stored.utf8)
        guard u.count == 19 else { return nil }
        func n(_ a: Int, _ b: Int) -> Int { u[a..<b].reduce(0) { $0 * 10 + Int($1) - 48 } }
        var c = DateComponents(); c.year = n(0, 4); c.month = n(5, 7); c.day = n(8, 10)
        c.hour = n(11, 13); c.minute = n(14, 16); c.second = n(17, 19); c.timeZone = china
        return Calendar(identifier: .gregorian).date(from: c)
    }
}
