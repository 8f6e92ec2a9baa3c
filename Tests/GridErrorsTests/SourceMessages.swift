import Foundation

/// The English texts gridplan's sources give to errors, hints, warnings and report lines, as
/// catalogue keys: the string literals passed to `GridplanError(…)`, `Finding(…)`, `ProgressLine(…)`,
/// `fail(…)`, `hint:`, `say(…)`, `tell(…)`, `warn(…)` and `… : Wording =`, with `%1`, `%2`, … for each interpolation (`"a" + "b"` chains
/// joined). Read from the source files themselves, so a new message shows up without a list to keep.
enum SourceMessages {
    /// The folder of gridplan's sources, found from this file.
    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized
    }

    /// Every key in the Swift files under `folder` (the catalogue's own files left out).
    static func keys(under folder: URL = sources) throws -> Set<String> {
        var keys = Set<String>()
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift", !file.lastPathComponent.hasPrefix("MessageCatalogue") else { continue }
            keys.formUnion(Self.keys(in: try String(contentsOf: file, encoding: .utf8)))
        }
        return keys
    }

    static func keys(in text: String) -> [String] {
        let s = Array(text)
        var found: [String] = []
        var i = 0
        while i < s.count {
            let wordStart = i == 0 || !(s[i - 1].isLetter || s[i - 1].isNumber || s[i - 1] == "_")
            let calls = ["GridplanError(", "Finding(", "ProgressLine(", "fail(", "say(", "tell(", "warn("]
            if wordStart, let call = calls.first(where: { has(s, $0, at: i) }) {
                found += callKeys(s, from: i + call.count)
            } else if let label = ["hint: \"", ": Wording = \""].first(where: { has(s, $0, at: i) }) {
                if let key = chain(s, from: i + label.count - 1).key { found.append(key) }
            }
            i += 1
        }
        return found.map(numbered).filter { $0.contains { $0.isLetter } }
    }

    private static func has(_ s: [Character], _ word: String, at i: Int) -> Bool {
        let w = Array(word)
        return i + w.count <= s.count && Array(s[i..<i + w.count]) == w
    }

    /// The literals given directly to a call, up to its closing parenthesis.
    private static func callKeys(_ s: [Character], from start: Int) -> [String] {
        var depth = 1, j = start, keys: [String] = []
        while depth > 0, j < s.count {
            if s[j] == "\"" {
                let before = String(s[max(0, j - 12)..<j]).trimmingCharacters(in: .whitespaces)
                let labelled = ["field:", "file:", "feature:", "setting:", "separator:", "format:", "unit:"].contains { before.hasSuffix($0) }
                let (key, end) = chain(s, from: j)
                if depth == 1, !labelled, let key { keys.append(key) }
                j = end
                continue
            }
            if s[j] == "(" { depth += 1 } else if s[j] == ")" { depth -= 1 }
            j += 1
        }
        return keys
    }

    /// A literal and any literals joined to it with `+`.
    private static func chain(_ s: [Character], from start: Int) -> (key: String?, end: Int) {
        var (key, j) = literal(s, from: start)
        while key != nil {
            var k = j
            while k < s.count, s[k].isWhitespace { k += 1 }
            guard k < s.count, s[k] == "+" else { break }
            k += 1
            while k < s.count, s[k].isWhitespace { k += 1 }
            guard k < s.count, s[k] == "\"", !has(s, "\"\"\"", at: k) else { break }
            let (next, end) = literal(s, from: k)
            guard let next else { break }
            key! += next
            j = end
        }
        return (key, j)
    }

    /// The literal starting at `start` (a quote), interpolations marked with NUL, and where it ends.
    private static func literal(_ s: [Character], from start: Int) -> (key: String?, end: Int) {
        if has(s, "\"\"\"", at: start) {
            var end = start + 3
            while end < s.count, !has(s, "\"\"\"", at: end) { end += 1 }
            var lines = String(s[start + 3..<end]).components(separatedBy: "\n").dropFirst()
            let indent = lines.popLast()?.count ?? 0
            let body = lines.map { String($0.dropFirst(indent)) }.joined(separator: "\n")
                .replacingOccurrences(of: "\\\n", with: "").replacingOccurrences(of: "\"", with: "\\\"")
            return (literal(Array("\"" + body + "\""), from: 0).key, end + 3)
        }
        var out = "", i = start + 1
        while i < s.count {
            switch s[i] {
            case "\\" where i + 1 < s.count && s[i + 1] == "(":
                var depth = 1, j = i + 2
                while depth > 0, j < s.count {
                    if s[j] == "\"" {
                        j = literal(s, from: j).end
                        continue
                    }
                    if s[j] == "(" { depth += 1 } else if s[j] == ")" { depth -= 1 }
                    j += 1
                }
                out.append("\u{0}")
                i = j
            case "\\" where i + 1 < s.count:
                let escapes: [Character: Character] = ["n": "\n", "t": "\t"]
                out.append(escapes[s[i + 1]] ?? s[i + 1])
                i += 2
            case "\"":
                return (out, i + 1)
            default:
                out.append(s[i])
                i += 1
            }
        }
        return (nil, i)
    }

    /// NUL marks as `%1`, `%2`, …
    private static func numbered(_ key: String) -> String {
        var n = 0
        return key.map { c -> String in
            guard c == "\u{0}" else { return String(c) }
            n += 1
            return "%\(n)"
        }.joined()
    }
}
