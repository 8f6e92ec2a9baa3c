import Foundation
import GridGeometry

/// One thing `validate` found wrong (or worth a look) in a plan.
public struct Finding: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case invalidGeometry = "invalid_geometry"
        case outsideParent = "outside_parent"
        case noParent = "no_parent"
        case noChildren = "no_children"
        case overlap
        case gap
        case multiPart = "multi_part"
        case hole
        case duplicateCode = "duplicate_code"
        case households = "households_out_of_range"
        case residents = "residents_out_of_range"
    }

    public enum Severity: String, Sendable, Comparable {
        /// Breaks the hierarchy's rules: nesting, seamless coverage, unique codes, valid geometry.
        case error
        /// Allowed but against planning practice: multi-part grids, holes, sizes, childless parents.
        case warning
        /// A coverage difference under the sliver tolerance: digitising noise, reported, not hidden.
        case noise

        var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var kind: Kind
    public var severity: Severity
    public var level: GridLevel
    /// Codes (or names where a grid has no code) of the grids involved.
    public var grids: [String]
    public var message: String
    /// The measured size, in `unit` (m², m, households, residents, parts…).
    public var measure: Double?
    public var unit: String?
    /// Where, as WKB in CGCS2000 longitude/latitude: a point or the offending piece.
    public var locationWKB: [UInt8]?
}
