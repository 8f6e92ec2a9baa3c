/// A setting the user can change to fix a problem: the command line shows it as its option
/// (`--crs`), the server as its query parameter (`crs`). The library names the setting, never
/// the flag, so the same error reads right wherever it is shown.
///
/// The raw value is the setting's kebab-case name, which is the option's name without dashes.
public struct Setting: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
}
