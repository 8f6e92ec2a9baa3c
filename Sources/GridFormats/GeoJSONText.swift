import Foundation

/// What GDAL does not say about a GeoJSON file's strings: a `\u0000` escape is a NUL character,
/// and GDAL hands strings on as C strings, so the text is cut there without a word (`"ab\u0000cd"`
/// is read as `ab`). Such features are found here from the file itself, to be refused by number.
enum GeoJSONText {
    /// Feature number (1-based, as ``VectorFeature/number``) → the first property holding a NUL
    /// character. The file is searched for the escape first; only a file holding one is parsed.
    static func nulFields(path: String) -> [Int: String] {
        guard let data = FileManager.default.contents(atPath: path), data.range(of: Data(#"\u0000"#.utf8)) != nil,
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        else { return [:] }
        let features: [Any] = (object["features"] as? [Any]) ?? (object["type"] as? String == "Feature" ? [object] : [])
        var found: [Int: String] = [:]
        for (i, feature) in features.enumerated() {
            guard let properties = (feature as? [String: Any])?["properties"] as? [String: Any] else { continue }
            for key in properties.keys.sorted() where key.contains("\0") || holdsNul(properties[key]) {
                found[i + 1] = key
                break
            }
        }
        return found
    }

    /// Whether a JSON value (a string, or strings nested in arrays and objects) holds a NUL.
    static func holdsNul(_ value: Any?) -> Bool {
        switch value {
        case let s as String: s.unicodeScalars.contains("\0")
        case let a as [Any]: a.contains { holdsNul($0) }
        case let o as [String: Any]: o.contains { $0.key.contains("\0") || holdsNul($0.value) }
        default: false
        }
    }
}
