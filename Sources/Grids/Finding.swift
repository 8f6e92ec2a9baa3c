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
        // Roster checks, found by the Duty module's step of `validate` (Grids knows only the names).
        case noPrimary = "no_primary"
        case noChief = "no_chief"
        case staleDuty = "stale_duty"
        case primaryFarApart = "primary_far_apart"
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

    /// Public so that checks in other modules (the roster's) can report findings too.
    public init(kind: Kind, severity: Severity, level: GridLevel, grids: [String], message: String,
                measure: Double?, unit: String?, locationWKB: [UInt8]?) {
        self.kind = kind; self.severity = severity; self.level = level; self.grids = grids; self.message = message
        self.measure = measure; self.unit = unit; self.locationWKB = locationWKB
    }
}
