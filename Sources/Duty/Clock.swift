import Foundation
import Cases

/// Days and times as gridplan stores them: local China time (UTC+8), `YYYY-MM-DD` for duty
/// dates and `YYYY-MM-DDTHH:MM:SS` for case times, so that text order is time order.
public enum Clock {
    static let china = TimeZone(secondsFromGMT: 8 * 3600)!

    /// Now, as a stored case time.
    public static func now() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = china
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return f.string(from: Date())
    }

    /// A time given by a user (any form ``CaseFields/time(_:)`` reads), as a stored time.
    public static func time(_ text: String) -> String? { CaseFields.time(text) }

    /// The day of a stored time or date.
    public static func day(_ time: String) -> String { String(time.prefix(10)) }

    /// A date given by a user, as `YYYY-MM-DD`.
    public static func date(_ text: String) -> String? { CaseFields.time(text).map(day) }

    /// Hours from `a` to `b` (stored times).
    public static func hours(from a: String, to b: String) -> Double? {
        CaseFields.seconds(from: a, to: b).map { $0 / 3600 }
    }
}
