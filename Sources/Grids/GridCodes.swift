import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
public import GridStore

/// How grid codes are built: for each level, the code it extends and how many digits of
/// sequence it appends.
///
/// The default is the common scheme (e.g. Beijing's unit-grid rules): street = 6-digit county
/// code (GB/T 2260) + 3 digits; community = street + 3; unit = community + 3, numbered across the
/// community, giving 15 digits. Areas (片区), which that scheme lacks, take community + 2 (14
/// digits, so they can never collide with a unit code).
/// Written as text: `street=county+3,community=street+3,area=community+2,unit=community+3`.
public struct CodeScheme: Sendable, Equatable, CustomStringConvertible {
    public struct Part: Sendable, Equatable {
        /// The ancestor whose code is the prefix, nil for the county code.
        public var base: GridLevel?
        public var digits: Int
    }
    public var parts: [GridLevel: Part]

    public static let standard = try! CodeScheme(parsing: "street=county+3,community=street+3,area=community+2,unit=community+3")

    public init(parsing text: String) throws {
        var parts: [GridLevel: Part] = [:]
        for item in text.split(separator: ",") {
            let sides = item.split(separator: "=")
            let terms = sides.count == 2 ? sides[1].split(separator: "+") : []
            guard sides.count == 2, terms.count == 2, let level = GridLevel(name: String(sides[0]).trimmingCharacters(in: .whitespaces)),
                let digits = Int(terms[1]), (1...6).contains(digits)
            else {
                throw GridplanError(.badArgument, "code scheme '\(item)': write LEVEL=BASE+DIGITS, e.g. unit=community+3")
            }
            let baseName = terms[0].trimmingCharacters(in: .whitespaces)
            let base = baseName == "county" ? nil : GridLevel(name: baseName)
            guard baseName == "county" || (base != nil && base! < level) else {
                throw GridplanError(.badInput, "code scheme '\(item)': the base must be county or a level above \(level)")
            }
            parts[level] = Part(base: base, digits: digits)
        }
        for level in GridLevel.allCases where parts[level] == nil {
            throw GridplanError(.badInput, "code scheme '\(text)' says nothing of the \(level) level")
        }
        self.parts = parts
    }

    public var description: String {
        GridLevel.allCases.map { l in "\(l.name)=\(parts[l]!.base?.name ?? "county")+\(parts[l]!.digits)" }.joined(separator: ",")
    }
}

/// Generates the missing codes of the current plan.
public enum GridCodes {
    public struct Assignment: Sendable, Encodable {
        public var fid: Int64
        public var label: String
        public var level: GridLevel
        public var code: String
    }

    public struct Result: Sendable, Encodable {
        public var assigned: [Assignment] = []
        /// Grids that could not be coded, with the reason (e.g. their base has no code).
        public var skipped: [String] = []
    }

    /// Codes every current grid that has none. Existing codes are never changed; new sequence
    /// numbers follow the largest one already used under the same prefix. Within a prefix, grids
    /// are numbered in reading order on the map: rows north→south, west→east within a row.
    ///
    /// On a server, a second `codes` that ran meanwhile (and gave some of the same codes) makes
    /// this one stop with a conflict and store nothing: run it again.
    public static func generate(
        store: any WritablePlanStore, county: String?, scheme: CodeScheme = .standard, dryRun: Bool = false
    ) throws -> Result {
        let plan = try PlanSnapshot(store: store)
        let countyCode = try county ?? inferCounty(plan)
        var codes: [Int: String] = [:]
        for (i, g) in plan.grids.enumerated() { if let c = g.code { codes[i] = c } }
        var result = Result()
        for level in GridLevel.allCases {
            let part = scheme.parts[level]!
            // Group uncoded grids of this level by the prefix they extend.
            var groups: [String: [Int]] = [:]
            for i in plan.indices(at: level) where codes[i] == nil {
                guard let prefix = prefix(for: i, base: part.base, plan: plan, codes: codes, county: countyCode) else {
                    result.skipped.append("\(plan.grids[i].label): its \(part.base?.name ?? "county") has no code")
                    continue
                }
                groups[prefix, default: []].append(i)
            }
            for (prefix, members) in groups.sorted(by: { $0.key < $1.key }) {
                let used = Set(codes.values.filter { $0.hasPrefix(prefix) && $0.count == prefix.count + part.digits })
                var next = (used.compactMap { Int($0.dropFirst(prefix.count)) }.max() ?? 0) + 1
                for i in try readingOrder(members, plan: plan) {
                    var code = prefix + String(format: "%0\(part.digits)d", next)
                    while used.contains(code) { next += 1; code = prefix + String(format: "%0\(part.digits)d", next) }
                    guard String(next).count <= part.digits else {
                        result.skipped.append("\(plan.grids[i].label): no \(part.digits)-digit sequence left under \(prefix)")
                        continue
                    }
                    codes[i] = code
                    next += 1
                    result.assigned.append(Assignment(fid: plan.grids[i].fid, label: plan.grids[i].label, level: level, code: code))
                }
            }
        }
        if !dryRun && !result.assigned.isEmpty {
            try store.writing { w in
                try w.serialize(on: "codes")
                // A few hundred codes a question: a statement takes at most 65,535 values on PostgreSQL
                // (32,766 in SQLite as built by default), and a province has 100,000 unit grids.
                var taken = 0
                for start in stride(from: 0, to: result.assigned.count, by: 500) {
                    let part = result.assigned[start..<min(start + 500, result.assigned.count)]
                    taken +=
                        try w.value(
                            "SELECT count(*) FROM grids WHERE code IN (\(part.map { _ in "?" }.joined(separator: ", ")))",
                            part.map { $0.code.databaseValue }) ?? 0
                }
                guard taken == 0 else {
                    throw GridplanError(
                        .conflict, "another run gave grids codes while this one worked them out; nothing was stored",
                        source: .file(store.location), hint: "run it again")
                }
                try w.execute(
                    "INSERT INTO plan_versions (valid_from, command, note) VALUES (?, 'codes', ?)",
                    [Clock.today().databaseValue, "scheme \(scheme), county \(countyCode); \(result.assigned.count) codes".databaseValue])
                for a in result.assigned {
                    try w.executeKept("UPDATE grids SET code = ? WHERE fid = ?", [a.code.databaseValue, a.fid.databaseValue])
                }
            }
        }
        return result
    }

    /// The 6-digit county code: from the first street code that has one.
    static func inferCounty(_ plan: PlanSnapshot) throws -> String {
        for i in plan.indices(at: .street) {
            if let c = plan.grids[i].code, c.count >= 6, c.prefix(6).allSatisfy(\.isNumber) { return String(c.prefix(6)) }
        }
        throw GridplanError(
            .badInput, "cannot tell the county code (no street grid has a code)",
            hint: "give it with \(setting: "county"), e.g. \(setting: "county") 440802")
    }

    static func prefix(for i: Int, base: GridLevel?, plan: PlanSnapshot, codes: [Int: String], county: String) -> String? {
        guard let base else { return county }
        var current = i
        while plan.grids[current].level > base {
            guard let p = plan.grids[current].parentFid, let pi = plan.index(ofFid: p) else { return nil }
            current = pi
        }
        return codes[current]
    }

    /// Rows north→south, then west→east: centroids are banded by latitude into rows as tall as
    /// a typical grid of the group, so grids side by side share a row despite ragged shapes.
    static func readingOrder(_ members: [Int], plan: PlanSnapshot) throws -> [Int] {
        let centres = try members.map { try plan.metric[$0].pointOnSurface().xy }
        let sizes = members.map { plan.metric[$0].area.squareRoot() }.sorted()
        let band = max(sizes[sizes.count / 2], 1)
        let top = centres.map(\.y).max() ?? 0
        return zip(members, centres).sorted { a, b in
            // Nearest row, not floor: a row exactly one band down must not fall back by rounding error.
            let ra = Int(((top - a.1.y) / band).rounded()), rb = Int(((top - b.1.y) / band).rounded())
            return ra != rb ? ra < rb : a.1.x < b.1.x
        }.map(\.0)
    }
}
