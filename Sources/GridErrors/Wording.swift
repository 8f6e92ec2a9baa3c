/// Text for people that may name settings, rendered by whoever shows it.
///
/// Write it as a string literal; interpolate a setting with `\(setting: "crs")`:
///
///     let hint: Wording = "give it with \(setting: "crs"), e.g. EPSG:4490"
///     hint.rendered { "--\($0.rawValue)" }   // give it with --crs, e.g. EPSG:4490
///     hint.rendered { $0.rawValue }           // give it with crs, e.g. EPSG:4490
public struct Wording: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
    enum Piece: Sendable, Hashable {
        case text(String)
        case setting(Setting)
    }
    var pieces: [Piece]

    public init(_ text: String) { pieces = text.isEmpty ? [] : [.text(text)] }
    public init(stringLiteral value: String) { self.init(value) }
    public init(stringInterpolation: Interpolation) { pieces = stringInterpolation.pieces }

    /// The settings this text names, in order.
    public var settings: [Setting] {
        pieces.compactMap { if case .setting(let s) = $0 { s } else { nil } }
    }

    /// The text with each setting written as `name` says.
    public func rendered(_ name: (Setting) -> String) -> String {
        pieces.map {
            switch $0 {
            case .text(let t): t
            case .setting(let s): name(s)
            }
        }.joined()
    }

    /// The text with settings in their plain names, for logs and `print(error)`.
    public var description: String { rendered { $0.rawValue } }

    public static func + (a: Wording, b: Wording) -> Wording {
        var joined = a
        joined.pieces += b.pieces
        return joined
    }

    public struct Interpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []
        public init(literalCapacity: Int, interpolationCount: Int) {}
        public mutating func appendLiteral(_ literal: String) { if !literal.isEmpty { pieces.append(.text(literal)) } }
        public mutating func appendInterpolation(setting: Setting) { pieces.append(.setting(setting)) }
        public mutating func appendInterpolation(_ wording: Wording) { pieces += wording.pieces }
        public mutating func appendInterpolation<T>(_ value: T) { pieces.append(.text(String(describing: value))) }
    }
}
