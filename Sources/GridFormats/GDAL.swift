import CGDAL
import Foundation

/// One-time GDAL set-up and access to GDAL's last error message.
enum GDAL {
    /// Registers GDAL's drivers once per process and silences its stderr handler:
    /// errors reach users through thrown errors that carry GDAL's message.
    static let ready: Bool = {
        GDALAllRegister()
        CPLSetErrorHandler(CPLQuietErrorHandler)
        return true
    }()

    static func lastError() -> String? {
        guard let msg = CPLGetLastErrorMsg(), msg.pointee != 0 else { return nil }
        return String(cString: msg)
    }

    static func resetError() { CPLErrorReset() }

    /// A NULL-terminated C string list (`char**`) built from Swift strings, freed after `body`.
    static func withStringList<R>(_ items: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws -> R) rethrows -> R {
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        for item in items { list = CSLAddString(list, item) }
        defer { CSLDestroy(list) }
        return try body(list.map { UnsafePointer(OpaquePointer($0)) })
    }

    /// Like `withStringList`, for the C functions that take a non-const `char**`.
    static func withMutableStringList<R>(_ items: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws -> R) rethrows -> R {
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        for item in items { list = CSLAddString(list, item) }
        defer { CSLDestroy(list) }
        return try body(list)
    }

    /// The GDAL library version, e.g. "3.6.2".
    static var version: String { String(cString: GDALVersionInfo("RELEASE_NAME")) }
}

/// Versions of the C libraries behind the formats layer.
public enum FormatsInfo {
    public static var gdalVersion: String { _ = GDAL.ready; return GDAL.version }
}

/// A value of an attribute field.
public enum FieldValue: Equatable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var description: String {
        switch self {
        case .null: ""
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        }
    }

    /// The value as text, nil for null.
    public var string: String? {
        if case .null = self { return nil }
        return description
    }

    /// The text with ASCII spaces and tabs trimmed, nil for null or blank. (Foundation's
    /// `trimmingCharacters` bridges through NSString: too slow for millions of fields.)
    public var trimmed: String? {
        guard let s = string else { return nil }
        let u = s.utf8
        guard let first = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return nil }
        let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D })!
        if first == u.startIndex && last == u.index(before: u.endIndex) { return s }
        return String(s[first...last])
    }

    /// The value as an integer when it is one (or a whole real, or numeric text).
    public var integer: Int64? {
        switch self {
        case .integer(let v): return v
        case .real(let v): return v.rounded() == v && abs(v) < 9e15 ? Int64(v) : nil
        case .text(let t):
            let s = t.trimmingCharacters(in: .whitespaces)
            return Int64(s) ?? Double(s).flatMap { $0.rounded() == $0 && abs($0) < 9e15 ? Int64($0) : nil }
        case .null: return nil
        }
    }

    /// The value as a real number when it is numeric.
    public var real: Double? {
        switch self {
        case .integer(let v): return Double(v)
        case .real(let v): return v
        case .text(let t): return Double(t.trimmingCharacters(in: .whitespaces))
        case .null: return nil
        }
    }
}
