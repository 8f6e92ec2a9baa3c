import CPROJ
import GridErrors

/// Owns one PROJ context (`PJ_CONTEXT`). Like GEOS contexts, a PROJ context and the objects
/// made with it are used by one thread at a time; neither type here is `Sendable`.
final class PROJContext {
    let raw: OpaquePointer

    init() {
        guard let ctx = proj_context_create() else { fatalError("proj_context_create returned NULL") }
        raw = ctx
        // Errors are reported through thrown errors, not PROJ's stderr logger.
        proj_log_level(ctx, PJ_LOG_NONE)
    }

    deinit { proj_context_destroy(raw) }

    /// PROJ's text for the context's last error.
    func lastError() -> String {
        let code = proj_context_errno(raw)
        guard code != 0, let text = proj_context_errno_string(raw, code) else { return "unknown error" }
        return String(cString: text)
    }

    /// Creates a PROJ object from a definition, owned by the returned value.
    func create(_ definition: String) throws -> PJObject {
        guard let pj = proj_create(raw, definition) else {
            let reason = lastError()
            throw GridplanError(
                .badArgument,
                "PROJ does not know the CRS '\(definition)'"
                    + (reason.hasPrefix("Unknown error") ? " (not in its database, and not a valid definition)" : ": \(reason)"))
        }
        return PJObject(pj)
    }

    func checkCRS(_ definition: String) throws {
        let object = try create(definition)
        guard proj_is_crs(object.raw) != 0 else {
            throw GridplanError(.badArgument, "'\(definition)' is a PROJ object but not a coordinate reference system")
        }
    }

    func isGeographic(_ definition: String) throws -> Bool {
        let object = try create(definition)
        let type = proj_get_type(object.raw)
        return type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS || type == PJ_TYPE_GEOGRAPHIC_CRS
    }

    /// The CRS as OGC WKT 1 (GDAL flavour), as GeoPackage's `definition` column wants it.
    func wkt1(_ definition: String) throws -> String {
        let object = try create(definition)
        guard let text = proj_as_wkt(raw, object.raw, PJ_WKT1_GDAL, nil) else {
            throw GridplanError(.badArgument, "cannot express '\(definition)' as WKT: \(lastError())")
        }
        return String(cString: text)
    }

    /// The CRS's name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 111E".
    func name(_ definition: String) throws -> String {
        let object = try create(definition)
        return proj_get_name(object.raw).map { String(cString: $0) } ?? definition
    }
}

/// Owns one `PJ*`, destroyed exactly once.
final class PJObject {
    let raw: OpaquePointer
    init(_ raw: OpaquePointer) { self.raw = raw }
    deinit { proj_destroy(raw) }
}

/// Facts about a CRS that the store and the formats need.
public enum CRSInfo {
    /// OGC WKT 1 of a PROJ CRS (for GeoPackage's `gpkg_spatial_ref_sys`).
    public static func wkt1(of crs: CRS) throws -> String { try PROJContext().wkt1(crs.projBase) }
    /// The human name PROJ gives the CRS.
    public static func name(of crs: CRS) throws -> String {
        switch crs {
        case .gcj02: "GCJ-02 (offset of WGS 84 used by Chinese map apps)"
        case .bd09: "BD-09 (Baidu offset of GCJ-02)"
        case .proj(let d): try PROJContext().name(d)
        }
    }
    /// The PROJ library version.
    public static var projVersion: String {
        let info = proj_info()
        return info.version.map { String(cString: $0) } ?? "?"
    }
}
