/// The one error type of gridplan's modules: what kind of failure, where, what is wrong, and
/// what would fix it.
///
///     throw GridplanError(.badInput, "is not a whole number ≥ 0",
///                         source: ErrorSource(file: "grids.shp", feature: "12", field: "households"))
///     // grids.shp feature 12, field households: is not a whole number ≥ 0
///
/// The command line renders ``Wording``'s settings as its flags and maps ``kind`` to an exit
/// status; the server renders them as parameters and maps ``kind`` to an HTTP status.
public struct GridplanError: Error, Sendable, Hashable, CustomStringConvertible {
    public var kind: ErrorKind
    /// What is wrong, without the place (that is ``source``).
    public var message: Wording
    public var source: ErrorSource?
    /// What the user can do about it.
    public var hint: Wording?

    public init(_ kind: ErrorKind, _ message: Wording, source: ErrorSource? = nil, hint: Wording? = nil) {
        self.kind = kind
        self.message = message
        self.source = source
        self.hint = hint
    }

    /// The whole text in English, settings written by `name`: "source: message; hint".
    public func rendered(_ name: (Setting) -> String) -> String { rendered(in: .en, name) }

    /// The whole text in the language of this process or request (``Language/current``).
    public func localized(_ name: (Setting) -> String) -> String { rendered(in: .current, name) }

    /// The whole text in `language`: "source: message; hint", in Chinese "来源：消息；提示：建议".
    public func rendered(in language: Language, _ name: (Setting) -> String) -> String {
        var text = message.rendered(in: language, name)
        let place = source?.rendered(in: language) ?? ""
        let zh = language == .zh
        if !place.isEmpty { text = place + (zh ? "：" : ": ") + text }
        if let hint { text += (zh ? "；提示：" : "; ") + hint.rendered(in: language, name) }
        return text
    }

    public var description: String { rendered { $0.rawValue } }

    /// The same error placed in `source`, keeping any finer place it already names.
    public func at(_ outer: ErrorSource) -> GridplanError {
        var copy = self
        var place = source ?? ErrorSource()
        place.file = place.file ?? outer.file
        place.line = place.line ?? outer.line
        place.feature = place.feature ?? outer.feature
        place.field = place.field ?? outer.field
        copy.source = place
        return copy
    }
}
