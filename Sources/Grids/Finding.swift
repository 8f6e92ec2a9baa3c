import Foundation
import GRDB
public import GridErrors
import GridGeometry
public import GridStore

/// One thing `validate` found wrong (or worth a look) in a plan.
public struct Finding: Sendable {
    /// What kind of problem: a fixed name stored in the `findings` layer. Grids names the
    /// hierarchy's kinds; other modules add their own (the roster checks in Duty do).
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidGeometry = Kind(rawValue: "invalid_geometry")
        public static let outsideParent = Kind(rawValue: "outside_parent")
        public static let noParent = Kind(rawValue: "no_parent")
        public static let noChildren = Kind(rawValue: "no_children")
        public static let overlap = Kind(rawValue: "overlap")
        public static let gap = Kind(rawValue: "gap")
        public static let multiPart = Kind(rawValue: "multi_part")
        public static let hole = Kind(rawValue: "hole")
        public static let duplicateCode = Kind(rawValue: "duplicate_code")
        public static let households = Kind(rawValue: "households_out_of_range")
        public static let residents = Kind(rawValue: "residents_out_of_range")
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
    /// What is wrong, in English: the findings layer and `--json` keep it so.
    public var message: String
    /// The same, for people: shown in their language (the message catalogue's).
    public var wording: Wording
    /// The measured size, in `unit` (m², m, households, residents, parts…).
    public var measure: Double?
    public var unit: String?
    /// Where, as WKB in CGCS2000 longitude/latitude: a point or the offending piece.
    public var locationWKB: [UInt8]?

    /// Public so that checks in other modules (the roster's) can report findings too.
    public init(
        kind: Kind, severity: Severity, level: GridLevel, grids: [String], message: Wording,
        measure: Double?, unit: String?, locationWKB: [UInt8]?
    ) {
        self.kind = kind; self.severity = severity; self.level = level; self.grids = grids
        self.message = message.description; self.wording = message
        self.measure = measure; self.unit = unit; self.locationWKB = locationWKB
    }
}

/// The `findings` layer: what the last `validate` found, each with its location.
public enum FindingsLayer {
    /// Writes `findings` into the layer, after deleting what it held when `replacing`.
    public static func write(_ findings: [Finding], to store: any WritablePlanStore, replacing: Bool) throws {
        let context = GEOSContext()
        let now = ISO8601DateFormatter().string(from: Date())
        try store.writing { w in
            if replacing { try w.execute("DELETE FROM findings", []) }
            for f in findings {
                let location = try w.geometry(wkb: f.locationWKB, context: context)
                let values: [DatabaseValueConvertible?] = [
                    f.kind.rawValue, f.severity.rawValue, f.level.rawValue, f.grids.joined(separator: ","), f.message, f.measure, f.unit, now,
                ]
                try w.execute(
                    "INSERT INTO findings (geom, kind, severity, level, grids, message, measure, unit, found_at) VALUES (\(location.sql), ?, ?, ?, ?, ?, ?, ?, ?)",
                    location.arguments + values.map { $0?.databaseValue ?? .null })
            }
            try w.refreshExtent(of: "findings")
        }
    }
}
