import Foundation

/// gridplan's one message catalogue: English texts (``Wording/key``: the literals, with `%1`,
/// `%2`, … for the values in the order the English text has them) to Chinese templates, which
/// may place the values in another order or leave one out (an English plural "s").
///
/// The entries are kept in a few files by area (errors of the libraries, of the command line and
/// server, report lines) only to keep each file short; they form one dictionary. A text without a
/// Chinese entry is shown in English: a missing entry never breaks a message.
public enum MessageCatalogue {
    /// Every Chinese entry, by English key.
    public static let chinese: [String: String] = {
        var all: [String: String] = [:]
        for part in [chineseCommon, chineseLibraries, chineseCommands, chineseReports] {
            all.merge(part) { first, _ in first }
        }
        return all
    }()

    /// Entries written one a line, `English ⇒ Chinese` (a long line continues after a trailing
    /// backslash): easier to read and review than a dictionary literal, and quick to compile.
    static func table(_ text: String) -> [String: String] {
        var entries: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let arrow = line.range(of: " ⇒ ") else { continue }
            entries[String(line[..<arrow.lowerBound])] = String(line[arrow.upperBound...])
        }
        return entries
    }

    /// The template for `key` in `language`; nil for English, or where the catalogue has none.
    public static func translation(of key: String, in language: Language) -> String? {
        switch language {
        case .en: nil
        case .zh: chinese[key]
        }
    }

    /// A value in `language` when it is a word of the catalogue (`unit`), or a list of such words
    /// (`street, community`, `verified or returned`: 街道、社区, 已核实或已退回); nil otherwise.
    public static func translation(ofValue value: String, in language: Language) -> String? {
        if let word = translation(of: value, in: language) { return word }
        for (separator, chinese) in [(" or ", "或"), (", ", "、")] where value.contains(separator) {
            let parts = value.components(separatedBy: separator)
            let words = parts.compactMap { translation(ofValue: $0, in: language) }
            if words.count == parts.count { return words.joined(separator: chinese) }
        }
        return nil
    }

    /// `template` with each `%N` replaced by the N-th value (1-based); an `%N` without a value,
    /// and a `%` not followed by a digit, stay as written.
    public static func fill(_ template: String, with values: [String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let percent = rest.firstIndex(of: "%") {
            out += rest[..<percent]
            let after = rest[rest.index(after: percent)...]
            let digits = after.prefix { $0.isASCII && $0.isNumber }
            if let n = Int(digits), n >= 1, n <= values.count {
                out += values[n - 1]
                rest = after.dropFirst(digits.count)
            } else {
                out += "%"
                rest = after
            }
        }
        return out + rest
    }
}
