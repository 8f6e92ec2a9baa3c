import CGEOS

/// Why a geometry is invalid, as GEOS reports it, and where.
public struct ValidityProblem: CustomStringConvertible {
    /// GEOS's reason, e.g. "Self-intersection" or "Ring Self-intersection".
    public let reason: String
    /// The point GEOS names as the location of the problem, when it gives one.
    public let location: Geometry?
    public var description: String {
        if let location, let p = try? location.xy { return "\(reason) at (\(p.x) \(p.y))" }
        return reason
    }
}

/// Validity and repair: OGC validity as GEOS checks it, and GEOS's make-valid.
extension Geometry {
    /// Nil when valid; otherwise GEOS's reason and location (`GEOSisValidDetail_r`).
    public func validityProblem() throws -> ValidityProblem? {
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        context.resetError()
        let result = GEOSisValidDetail_r(handle, pointer, 0, &reason, &location)
        let text = reason.map { String(cString: $0) }
        if let reason { GEOSFree_r(handle, reason) }
        let where_ = location.map { Geometry(owning: $0, context: context) }
        switch result {
        case 1: return nil
        case 0: return ValidityProblem(reason: text ?? "invalid", location: where_)
        default: throw context.error("validity check failed")
        }
    }

    /// Whether GEOS finds the geometry valid. Throws when GEOS cannot decide (a failure is not
    /// an answer, and never taken for "valid").
    public var isValid: Bool {
        get throws { try validityProblem() == nil }
    }

    /// GEOS's make-valid ("structure" method: keeps areas, drops collapsed parts).
    public func makeValid() throws -> Geometry {
        guard let params = GEOSMakeValidParams_create_r(handle) else { throw context.error("cannot create make-valid parameters") }
        defer { GEOSMakeValidParams_destroy_r(handle, params) }
        GEOSMakeValidParams_setMethod_r(handle, params, GEOS_MAKE_VALID_STRUCTURE)
        GEOSMakeValidParams_setKeepCollapsed_r(handle, params, 0)
        return try context.wrap(GEOSMakeValidWithParams_r(handle, pointer, params), "make-valid failed")
    }
}
