import Foundation

/// The language gridplan speaks to people: English, or Chinese for a street office.
public enum Language: String, Sendable, Hashable, CaseIterable {
    case en, zh

    /// This process's language, chosen once: `GRIDPLAN_LANG` (`en` or `zh`, for tests and for
    /// forcing one), else the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not
    /// empty, as POSIX orders them: Chinese when it starts with `zh`, English otherwise.
    public static let process = Language(environment: ProcessInfo.processInfo.environment)

    /// The language of the work at hand: ``process``, or a server request's (bound per request
    /// with `Language.$current.withValue(_:operation:)`).
    @TaskLocal public static var current: Language = process

    public init(environment: [String: String]) {
        if let forced = environment["GRIDPLAN_LANG"].flatMap({ Language(locale: $0) }) {
            self = forced
            return
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        self = locale.flatMap { Language(locale: $0) } ?? .en
    }

    /// `zh_CN.UTF-8`, `zh-Hans`, `zh` → Chinese; `en_US.UTF-8`, `C`, `POSIX` → English; nil for
    /// a language gridplan does not speak.
    public init?(locale: String) {
        let lower = locale.lowercased()
        if lower.hasPrefix("zh") {
            self = .zh
        } else if lower.hasPrefix("en") || lower == "c" || lower.hasPrefix("c.") || lower == "posix" {
            self = .en
        } else {
            return nil
        }
    }

    /// The language an HTTP `Accept-Language` header prefers among those gridplan speaks, by
    /// quality (`q`), the first listed winning ties; nil when it names neither (then the
    /// server's own language applies).
    public init?(acceptLanguage header: String) {
        var best: (language: Language, q: Double)?
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = fields.first, let language = Language(locale: tag), tag.lowercased() != "c" else { continue }
            var q = 1.0
            for f in fields.dropFirst() where f.hasPrefix("q=") { q = Double(f.dropFirst(2)) ?? 0 }
            if q > 0, q > (best?.q ?? 0) { best = (language, q) }
        }
        guard let best else { return nil }
        self = best.language
    }
}
