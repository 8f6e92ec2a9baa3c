/// Text for people that may name settings, rendered by whoever shows it, in English or Chinese.
///
/// Write it as a string literal; interpolate a setting with `\(setting: "crs")`:
///
///     let hint: Wording = "give it with \(setting: "crs"), e.g. EPSG:4490"
///     hint.rendered { "--\($0.rawValue)" }   // give it with --crs, e.g. EPSG:4490
///     hint.rendered { $0.rawValue }           // give it with crs, e.g. EPSG:4490
///
/// Literals and interpolated values are kept apart so that a text has a stable ``key``: its
/// literals with `%1`, `%2`, … for the values and settings, in order (the English text is the
/// key, as in gettext). ``MessageCatalogue`` maps keys to Chinese templates.
public struct Wording: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
    enum Piece: Sendable, Hashable {
        /// Text written in the source: part of the key.
        case literal(String)
        /// An interpolated value: a name, a number, a path.
        case value(String)
        case setting(Setting)
        /// Another text, translated on its own and placed as a value.
        case wording(Wording)
        /// An error placed inside this text, translated on its own with its place.
        case error(GridplanError)
    }
    var pieces: [Piece]

    public init(_ text: String) { pieces = text.isEmpty ? [] : [.literal(text)] }
    public init(stringLiteral value: String) { self.init(value) }
    public init(stringInterpolation: Interpolation) { pieces = stringInterpolation.pieces }
    init(pieces: [Piece]) { self.pieces = pieces }

    /// The settings this text names, in order (those of texts placed inside it too).
    public var settings: [Setting] {
        pieces.flatMap { piece -> [Setting] in
            switch piece {
            case .setting(let s): [s]
            case .wording(let w): w.settings
            case .error(let e): e.message.settings + (e.hint?.settings ?? [])
            case .literal, .value: []
            }
        }
    }

    /// The catalogue key: the literals, with `%1`, `%2`, … for each value, setting or inner text.
    public var key: String {
        var n = 0
        return pieces.map { piece in
            if case .literal(let t) = piece { return t }
            n += 1
            return "%\(n)"
        }.joined()
    }

    /// The text in English, each setting written as `name` says.
    public func rendered(_ name: (Setting) -> String) -> String { rendered(in: .en, name) }

    /// The text in the language of this process or request (``Language/current``).
    public func localized(_ name: (Setting) -> String) -> String { rendered(in: .current, name) }

    /// The text in `language`: the catalogue's template with the values filled in, or the
    /// English text where the catalogue has no entry. A value that is itself a word of the
    /// catalogue (a level, a status: `unit`, `outside`) is translated too, unless the user typed it.
    public func rendered(in language: Language, _ name: (Setting) -> String) -> String {
        let values: [String] = pieces.indices.compactMap { i in
            switch pieces[i] {
            case .literal: nil
            case .value(let v): asGiven(at: i) ? v : MessageCatalogue.translation(ofValue: v, in: language) ?? v
            case .setting(let s): name(s)
            case .wording(let w): w.rendered(in: language, name)
            case .error(let e): e.rendered(in: language, name)
            }
        }
        if language != .en, let template = MessageCatalogue.translation(of: key, in: language) {
            return MessageCatalogue.fill(template, with: values)
        }
        var next = values.makeIterator()
        return pieces.map { piece in
            if case .literal(let t) = piece { return t }
            return next.next() ?? ""
        }.joined()
    }

    /// Whether the value at `i` is shown as the user gave it: a word of the catalogue (a level
    /// name, a status) reads in Chinese, but not when it is what was typed: quoted (`'area'`) or
    /// given to a setting or option (`--level area`, `level=area`).
    private func asGiven(at i: Int) -> Bool {
        guard i > 0, case .literal(let before) = pieces[i - 1] else { return i > 0 && isSetting(i - 1) }
        if before.hasSuffix("'") || before.hasSuffix("=") || before.hasSuffix("“") { return true }
        if before == " " && i > 1 && isSetting(i - 2) { return true }
        let lastWord = before.split(separator: " ").last ?? ""
        return before.hasSuffix(" ") && lastWord.hasPrefix("--")
    }

    private func isSetting(_ i: Int) -> Bool {
        if case .setting = pieces[i] { true } else { false }
    }

    /// The text with settings in their plain names, in English, for logs and `print(error)`.
    public var description: String { rendered { $0.rawValue } }

    /// Two texts joined into one, with one key: a long literal split over lines reads as one
    /// message. (To translate a text on its own inside another, interpolate it.)
    public static func + (a: Wording, b: Wording) -> Wording {
        Wording(pieces: a.pieces + b.pieces)
    }

    public struct Interpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []
        public init(literalCapacity: Int, interpolationCount: Int) {}
        public mutating func appendLiteral(_ literal: String) { if !literal.isEmpty { pieces.append(.literal(literal)) } }
        public mutating func appendInterpolation(setting: Setting) { pieces.append(.setting(setting)) }
        public mutating func appendInterpolation(_ wording: Wording) { pieces.append(.wording(wording)) }
        public mutating func appendInterpolation(_ error: GridplanError) { pieces.append(.error(error)) }
        public mutating func appendInterpolation<T>(_ value: T) {
            switch value {
            case let e as GridplanError: pieces.append(.error(e))
            case let w as Wording: pieces.append(.wording(w))
            default: pieces.append(.value(String(describing: value)))
            }
        }
    }
}
