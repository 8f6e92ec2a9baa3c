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

    /// Parses a user's name: `EPSG:NNNN`, `wgs84`, `cgcs2000`, `gcj02`, `bd09`, or any
    /// definition PROJ accepts. Throws with PROJ's reason when PROJ does not know it.
    public init(parsing text: String) throws {
        let name = text.trimmingCharacters(in: .whitespaces)
        switch name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "wgs84": self = .wgs84
        case "cgcs2000": self = .cgcs2000
        case "gcj02", "gcj", "mars", "amap", "gaode", "tencent": self = .gcj02
        case "bd09", "bd09ll", "baidu": self = .bd09
        default:
            guard !name.isEmpty else { throw GridplanError(.badArgument, "empty CRS name") }
            // An EPSG code in any case is one CRS: `epsg:4490` is the store's CGCS2000, not a
            // second name for it that compares unequal.
            if let code = CRS.epsgCode(in: name) {
                self = .proj("EPSG:\(code)")
            } else {
                self = .proj(name)
            }
            if case .proj(let definition) = self { try PROJContext().checkCRS(definition) }
        }
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
