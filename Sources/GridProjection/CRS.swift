import CPROJ
import Foundation
import GridErrors

/// A coordinate reference system as users name it.
///
/// Anything PROJ knows (`EPSG:4547`, a WKT or PROJJSON text, a `+proj=` string) plus the two
/// offset systems of Chinese map apps that PROJ lacks: GCJ-02 (Amap/Gaode, Tencent) and BD-09
/// (Baidu). Both are defined here as offsets of WGS84 longitude/latitude.
public enum CRS: Hashable, Sendable, CustomStringConvertible {
    /// A definition handed to PROJ as is.
    case proj(String)
    /// GCJ-02 longitude/latitude ("Mars coordinates").
    case gcj02
    /// BD-09 longitude/latitude (Baidu, an offset of GCJ-02).
    case bd09

    public static let wgs84 = CRS.proj("EPSG:4326")
    /// China Geodetic Coordinate System 2000, longitude/latitude: the store's CRS.
    public static let cgcs2000 = CRS.proj("EPSG:4490")

    /// Parses a user's name: `EPSG:NNNN` (any case), the aliases `wgs84`, `cgcs2000`, `gcj02`
    /// (`gcj`, `mars`, `amap`, `gaode`, `tencent`), `bd09` (`bd09ll`, `baidu`), another authority's
    /// code (`ESRI:102100`, `OGC:CRS84`, a `urn:ogc:def:crs:…`), a PROJ string, WKT or PROJJSON,
    /// or a CRS's exact name as PROJ spells it (`WGS 84`). Anything else is refused: PROJ would
    /// otherwise take the nearest name it can find (`foo` becomes the Dutch Amersfoort datum).
    public init(parsing text: String) throws {
        let name = text.trimmingCharacters(in: .whitespaces)
        switch name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "wgs84": self = .wgs84
        case "cgcs2000": self = .cgcs2000
        case "gcj02", "gcj", "mars", "amap", "gaode", "tencent": self = .gcj02
        case "bd09", "bd09ll", "baidu": self = .bd09
        default:
            guard !name.isEmpty else { throw GridplanError(.badArgument, "empty CRS name", hint: CRS.acceptedForms) }
            // An EPSG code in any case is one CRS: `epsg:4490` is the store's CGCS2000, not a
            // second name for it that compares unequal.
            if let code = CRS.epsgCode(in: name) {
                self = .proj("EPSG:\(code)")
                try PROJContext().checkCRS("EPSG:\(code)")
            } else if CRS.isDefinition(name) {
                let definition = CRS.projStringAsCRS(name)
                self = .proj(definition)
                try PROJContext().checkCRS(definition)
            } else {
                let context = PROJContext()
                let found = try? context.name(name)
                guard let found, found.caseInsensitiveCompare(name) == .orderedSame else {
                    throw GridplanError(
                        .badArgument, "'\(name)' is not a CRS gridplan knows" + (found.map { " (PROJ's nearest name is '\($0)')" } ?? ""),
                        hint: CRS.acceptedForms)
                }
                try context.checkCRS(name)
                self = .proj(name)
            }
        }
    }

    /// A PROJ string names a CRS only with `+type=crs`, which users leave out (the README's
    /// `+proj=longlat +datum=WGS84 +no_defs`, or `+datum=… +proj=…` in another order): added to any
    /// `+key=value` string that has a `+proj=` step and no `+type=`. Other definitions stay as given.
    static func projStringAsCRS(_ text: String) -> String {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard text.hasPrefix("+"), words.contains(where: { $0.hasPrefix("+proj=") }), !words.contains(where: { $0.hasPrefix("+type=") })
        else { return text }
        return text + " +type=crs"
    }

    /// What ``init(parsing:)`` accepts, for messages.
    static let acceptedForms: Wording =
        "give EPSG:NNNN (e.g. EPSG:4490, EPSG:4547), wgs84, cgcs2000, gcj02 or bd09, a PROJ string (+proj=…), WKT, PROJJSON, or a CRS's exact name"

    /// A definition PROJ reads as such rather than a name to search for: `+proj=` strings, WKT,
    /// PROJJSON, `AUTHORITY:CODE` and OGC URNs or URLs.
    static func isDefinition(_ text: String) -> Bool {
        if text.hasPrefix("+") || text.hasPrefix("{") || text.contains("[") { return true }
        let lower = text.lowercased()
        if lower.hasPrefix("urn:ogc:def:crs:") || lower.hasPrefix("http://www.opengis.net/") { return true }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[0].allSatisfy { $0.isLetter } && !parts[1].isEmpty
            && parts[1].allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
    }

    /// `NNNN` of `EPSG:NNNN` written in any case, nil for anything else.
    static func epsgCode(in text: String) -> Int? {
        let upper = text.uppercased()
        guard upper.hasPrefix("EPSG:"), let code = Int(upper.dropFirst(5)), code > 0 else { return nil }
        return code
    }

    /// The CRS PROJ transforms from or to: the system itself, or WGS84 for the offset systems.
    var projBase: String {
        switch self {
        case .proj(let d): d
        case .gcj02, .bd09: "EPSG:4326"
        }
    }

    /// Short name for messages and file metadata.
    public var description: String {
        switch self {
        case .proj(let d): d
        case .gcj02: "gcj02"
        case .bd09: "bd09"
        }
    }

    /// The EPSG code when the definition is of the form `EPSG:NNNN`.
    public var epsgCode: Int? {
        guard case .proj(let d) = self else { return nil }
        return CRS.epsgCode(in: d)
    }

    /// True when coordinates are longitude/latitude degrees (not projected metres).
    public var isGeographic: Bool {
        get throws {
            switch self {
            case .gcj02, .bd09: return true
            case .proj(let d): return try PROJContext().isGeographic(d)
            }
        }
    }
}
