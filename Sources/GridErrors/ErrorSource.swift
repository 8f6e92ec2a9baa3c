/// Where in the input a problem lies: the file, the line or feature, the field. Kept apart from
/// the message so a program can point at the place (a server names the field, an editor the line).
public struct ErrorSource: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String?
    /// The 1-based line of a text file (CSV), counting the header.
    public var line: Int?
    /// A feature of a vector file or a record of the plan: its number, name or code as users know it.
    public var feature: String?
    public var field: String?

    public init(file: String? = nil, line: Int? = nil, feature: String? = nil, field: String? = nil) {
        self.file = file
        self.line = line
        self.feature = feature
        self.field = field
    }

    /// A whole file.
    public static func file(_ path: String) -> ErrorSource { ErrorSource(file: path) }

    /// `grids.shp feature 12, field code`; `cases.csv line 3`; `U1`.
    public var description: String { rendered(in: .en) }

    /// The place in `language`: `cases.csv line 3, field lon`, `cases.csv 第 3 行，字段 lon`.
    public func rendered(in language: Language) -> String {
        let zh = language == .zh
        let lineText = line.map { zh ? "第 \($0) 行" : "line \($0)" }
        let featureText = feature.map { file == nil && line == nil ? $0 : zh ? "要素 \($0)" : "feature \($0)" }
        var place = [file, lineText, featureText].compactMap { $0 }.joined(separator: " ")
        if let field {
            let named = zh ? "字段 \(field)" : "field \(field)"
            place += place.isEmpty ? named : (zh ? "，" : ", ") + named
        }
        return place
    }
}
