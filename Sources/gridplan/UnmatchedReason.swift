import GridErrors

/// The reasons the geocoder gives for an unmatched address, grouped with their names taken out
/// (`unknown road '…'`), as texts of the message catalogue: the summary of `geocode file` is a
/// report and is shown in the user's language. The reasons in the output file stay as the
/// geocoder wrote them (a stable column for scripts).
enum UnmatchedReason {
    static func wording(_ reason: String) -> Wording {
        if let level = between(reason, "unknown ", " '…'") { return "unknown \(level) '…'" }
        if let level = between(reason, "", " '…' is not in the named divisions") { return "\(level) '…' is not in the named divisions" }
        if let level = between(reason, "", " '…' is not in the named county") { return "\(level) '…' is not in the named county" }
        if let number = between(reason, "no house numbers known near ", " on '…'") { return "no house numbers known near \(number) on '…'" }
        if let count = between(reason, "ambiguous: ", " places named '…'") { return "ambiguous: \(count) places named '…'" }
        if let level = between(reason, "", " not found") { return "\(level) not found" }
        if reason.hasPrefix("not in the gazetteer as written") { return "not in the gazetteer as written, nothing else in the address confirms it" }
        return Wording(reason)
    }

    /// The text between `prefix` and `suffix` when `text` is exactly that, one word without spaces.
    private static func between(_ text: String, _ prefix: String, _ suffix: String) -> String? {
        guard text.hasPrefix(prefix), text.hasSuffix(suffix), text.count > prefix.count + suffix.count else { return nil }
        let inner = String(text.dropFirst(prefix.count).dropLast(suffix.count))
        return inner.contains(" ") ? nil : inner
    }
}
