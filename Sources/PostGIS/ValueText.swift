import Foundation
import GRDB
import GridStore

/// Values in the text forms PostgreSQL's input functions read (numbers, `t`/`f`, `\x` hex for
/// bytes, `SRID=n;` and hex WKB for geometries), in `COPY`'s text format (the whole-plan copy) or
/// as rows of one JSON parameter that `json_populate_recordset` turns into rows of the target
/// table (a writer's staging batch). The JSON way is a plain statement: PostgresNIO stops the
/// process when the server goes away in the middle of a `COPY`, which an import inside a
/// writer's transaction must survive with a message; the copy keeps `COPY` for its speed (2.5×
/// the JSON way's on a million cases), its target rolled back by the server either way.
enum ValueText {
    /// How a column's values are written, from its GeoPackage declaration.
    enum Kind {
        case geometry, bytes, boolean, other
        init(_ column: PlanTable.Column) {
            if column.geometryType != nil {
                self = .geometry
            } else if column.declaredType.contains("BLOB") {
                self = .bytes
            } else if column.declaredType == "BOOLEAN" {
                self = .boolean
            } else {
                self = .other
            }
        }
    }

    /// The statement that adds the rows of its one parameter, a JSON array of objects keyed by
    /// column name, to `table`.
    static func insert(into table: String, columns: [String]) -> String {
        let list = columns.map(PostGISSchema.quoted).joined(separator: ", ")
        return
            "INSERT INTO \(PostGISSchema.quoted(table)) (\(list)) SELECT \(list) FROM json_populate_recordset(NULL::\(PostGISSchema.quoted(table)), $1::json)"
    }

    /// A column's name as a JSON object key, with its colon.
    static func key(_ name: String) -> String {
        var key = ""
        jsonString(name, to: &key)
        return key + ":"
    }

    /// Appends `value` to a JSON object being built: `null`, or a string holding the value's text
    /// form for a column of `kind`.
    static func appendJSON(_ value: DatabaseValue, kind: Kind, srid: Int32, to json: inout String) throws {
        if let text = try text(value, kind: kind, srid: srid) { jsonString(text, to: &json) } else { json.append("null") }
    }

    /// Appends `value` in `COPY`'s text format: `\N` for NULL, backslash, tab and line ends escaped.
    /// Numbers and text go straight into `text` (a copy writes tens of millions of values).
    static func appendCOPY(_ value: DatabaseValue, kind: Kind, srid: Int32, to text: inout String) throws {
        switch value.storage {
        case .null: text.append("\\N")
        case .int64(let i): text.append(kind == .boolean ? (i == 0 ? "f" : "t") : String(i))
        case .double(let d): text.append(number(d))
        case .string(let s): escapeCOPY(s, to: &text)
        case .blob: escapeCOPY(try self.text(value, kind: kind, srid: srid) ?? "", to: &text)
        }
    }

    static func escapeCOPY(_ s: String, to text: inout String) {
        guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
            text.append(s)
            return
        }
        for c in s.unicodeScalars {
            switch c {
            case "\\": text.append("\\\\")
            case "\t": text.append("\\t")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            default: text.unicodeScalars.append(c)
            }
        }
    }

    /// The value as its column's input function reads it; nil for NULL.
    static func text(_ value: DatabaseValue, kind: Kind, srid: Int32) throws -> String? {
        switch value.storage {
        case .null:
            return nil
        case .int64(let i):
            return kind == .boolean ? (i == 0 ? "f" : "t") : String(i)
        case .double(let d):
            return number(d)
        case .string(let s):
            return s
        case .blob(let data):
            var text: String
            switch kind {
            case .geometry:
                // PostGIS reads "SRID=n;" followed by hex WKB: the GeoPackage blob after its header.
                let header = try GeoPackageGeometry.header(data)
                text = "SRID=\(srid);"
                hex(data.dropFirst(header.wkbOffset), to: &text)
            default:
                text = "\\x"
                hex(data, to: &text)
            }
            return text
        }
    }

    /// A double as PostgreSQL reads `float8` text, infinities and NaN included.
    static func number(_ d: Double) -> String { d.isFinite ? "\(d)" : d.isNaN ? "NaN" : d > 0 ? "Infinity" : "-Infinity" }

    /// `s` as a JSON string.
    static func jsonString(_ s: String, to json: inout String) {
        json.append("\"")
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
            json.append(s)
            json.append("\"")
            return
        }
        for c in s.unicodeScalars {
            switch c {
            case "\"": json.append("\\\"")
            case "\\": json.append("\\\\")
            case "\n": json.append("\\n")
            case "\t": json.append("\\t")
            case "\r": json.append("\\r")
            case _ where c.value < 0x20: json.append(String(format: "\\u%04x", c.value))
            default: json.unicodeScalars.append(c)
            }
        }
        json.append("\"")
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex<D: Collection>(_ bytes: D, to text: inout String) where D.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        text.append(String(decoding: out, as: UTF8.self))
    }

    /// Bytes from hex digits (as `encode(…, 'hex')` gives them); nil when `text` is not hex.
    static func bytes(hex text: String) -> Data? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var data = Data(capacity: utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = value(utf8[i]), let lo = value(utf8[i + 1]) else { return nil }
            data.append(hi << 4 | lo)
            i += 2
        }
        return data
    }
}
