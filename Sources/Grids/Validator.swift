import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
import GridStore

/// Checks a plan's hierarchy: valid geometry, nesting, seamless coverage (无缝覆盖), unique
/// codes and sizes. Overlays run in the plan's metric CRS so every area is in m².
public struct Validator {
    /// Coverage differences (gaps, overlaps, area outside the parent) smaller than this, in m²,
    /// are reported as digitising noise.
    public var sliverM2: Double = 1.0
    public var rules: SizingRules = .defaults
    /// Told (checks done, checks in all) as the run goes: each grid is checked in up to five passes
    /// (validity, shape, overlaps, nesting, coverage), one count each.
    public var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?

    public init(sliverM2: Double = 1.0, rules: SizingRules = .defaults) {
        self.sliverM2 = sliverM2
        self.rules = rules
    }

    public func run(_ plan: PlanSnapshot) throws -> [Finding] {
        var findings: [Finding] = []
        let tally = Tally(total: checkCount(plan), report: progress)
        defer { tally.finish() }
        // Overlays need valid input: invalid grids are reported, then checked in repaired form.
        var usable = plan.metric
        for (i, grid) in plan.grids.enumerated() {
            tally.tick()
            if let problem = try plan.lonLat[i].validityProblem() {
                findings.append(
                    Finding(
                        kind: .invalidGeometry, severity: .error, level: grid.level, grids: [label(grid)],
                        message: "\(label(grid)): invalid geometry: \(problem.reason)",
                        measure: nil, unit: nil, locationWKB: try problem.location?.wkb ?? plan.lonLat[i].pointOnSurface().wkb))
                usable[i] = try usable[i].makeValid()
            }
        }
        findings += try shapeFindings(plan, tally)
        findings += duplicateCodes(plan)
        findings += sizeFindings(plan)
        for level in GridLevel.allCases where plan.levelsPresent.contains(level) {
            findings += try overlaps(plan, usable, level: level, tally)
            if plan.levelsPresent.contains(where: { $0 < level }) {
                findings += try parents(plan, usable, level: level, tally)
            }
        }
        findings += try coverage(plan, usable, tally)
        return findings.sorted {
            ($0.severity, $0.level.rawValue, $0.kind.rawValue, $0.grids.first ?? "") < (
                $1.severity, $1.level.rawValue, $1.kind.rawValue, $1.grids.first ?? ""
            )
        }
    }

    func label(_ g: GridRecord) -> String { g.code ?? g.name ?? "#\(g.fid)" }

    /// How many times the passes of ``run(_:)`` tick: the total its progress is told.
    func checkCount(_ plan: PlanSnapshot) -> Int {
        var count = 2 * plan.grids.count
        for level in GridLevel.allCases where plan.levelsPresent.contains(level) {
            let members = plan.indices(at: level).count
            count += members
            if plan.levelsPresent.contains(where: { $0 < level }) { count += members }
        }
        return count + coverageLevels(plan).reduce(0) { $0 + plan.indices(at: $1).count }
    }

    /// The levels whose grids are checked for gaps: those where some grid has children.
    func coverageLevels(_ plan: PlanSnapshot) -> [GridLevel] {
        GridLevel.allCases.filter { level in plan.indices(at: level).contains { !(plan.children[$0] ?? []).isEmpty } }
    }

    func noiseOr(_ severity: Finding.Severity, _ area: Double) -> Finding.Severity {
        area < sliverM2 ? .noise : severity
    }

    func shapeFindings(_ plan: PlanSnapshot, _ tally: Tally) throws -> [Finding] {
        var findings: [Finding] = []
        for (i, grid) in plan.grids.enumerated() {
            tally.tick()
            let g = plan.lonLat[i]
            let polygons = try g.parts.filter { $0.type == .polygon }
            if polygons.count > 1 {
                let areas = try polygons.map { try plan.measure.area($0) }.sorted(by: >)
                findings.append(
                    Finding(
                        kind: .multiPart, severity: .warning, level: grid.level, grids: [label(grid)],
                        message:
                            "\(label(grid)): \(polygons.count) separate parts; the smaller ones total \(format(areas.dropFirst().reduce(0, +))) m²",
                        measure: Double(polygons.count), unit: "parts", locationWKB: try g.wkb))
            }
            for polygon in polygons where polygon.holeCount > 0 {
                for hole in try polygon.rings().dropFirst() {
                    let holePolygon = try Geometry.polygonOf(ring: hole)
                    let area = try plan.measure.area(holePolygon)
                    findings.append(
                        Finding(
                            kind: .hole, severity: .warning, level: grid.level, grids: [label(grid)],
                            message: "\(label(grid)): a hole of \(format(area)) m²",
                            measure: area, unit: "m²", locationWKB: try holePolygon.wkb))
                }
            }
        }
        return findings
    }

    func duplicateCodes(_ plan: PlanSnapshot) -> [Finding] {
        var byCode: [String: [Int]] = [:]
        for (i, g) in plan.grids.enumerated() { if let c = g.code { byCode[c, default: []].append(i) } }
        return byCode.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map { code, indices in
            let names = indices.map { plan.grids[$0].name ?? "#\(plan.grids[$0].fid)" }
            return Finding(
                kind: .duplicateCode, severity: .error, level: plan.grids[indices[0]].level, grids: [code],
                message: "code \(code) is used by \(indices.count) grids: \(names.joined(separator: ", "))",
                measure: Double(indices.count), unit: "grids", locationWKB: try? plan.lonLat[indices[0]].pointOnSurface().wkb)
        }
    }

    func sizeFindings(_ plan: PlanSnapshot) -> [Finding] {
        var findings: [Finding] = []
        for (i, grid) in plan.grids.enumerated() {
            guard let rule = rules.rule(level: grid.level, kind: grid.kind) else { continue }
            let at = try? plan.lonLat[i].pointOnSurface().wkb
            if let h = grid.households, (rule.minHouseholds.map { h < $0 } ?? false) || (rule.maxHouseholds.map { h > $0 } ?? false) {
                findings.append(
                    Finding(
                        kind: .households, severity: .warning, level: grid.level, grids: [label(grid)],
                        message:
                            "\(label(grid)): \(h) households, outside \(range(rule.minHouseholds, rule.maxHouseholds)) for a \(grid.kind) \(grid.level)",
                        measure: Double(h), unit: "households", locationWKB: at))
            }
            if let r = grid.residents, (rule.minResidents.map { r < $0 } ?? false) || (rule.maxResidents.map { r > $0 } ?? false) {
                findings.append(
                    Finding(
                        kind: .residents, severity: .warning, level: grid.level, grids: [label(grid)],
                        message:
                            "\(label(grid)): \(r) residents, outside \(range(rule.minResidents, rule.maxResidents)) for a \(grid.kind) \(grid.level)",
                        measure: Double(r), unit: "residents", locationWKB: at))
            }
        }
        return findings
    }

    func range(_ lo: Int64?, _ hi: Int64?) -> String {
        switch (lo, hi) {
        case let (l?, h?): "\(l)–\(h)"
        case let (l?, nil): "at least \(l)"
        case let (nil, h?): "at most \(h)"
        default: "any"
        }
    }

    /// Pairs of grids of one level whose interiors overlap.
    func overlaps(_ plan: PlanSnapshot, _ usable: [Geometry], level: GridLevel, _ tally: Tally) throws -> [Finding] {
        let members = plan.indices(at: level)
        let geometries = members.map { usable[$0] }
        let tree = try STRtree(geometries, context: plan.context)
        var findings: [Finding] = []
        for (a, ga) in geometries.enumerated() {
            tally.tick()
            for b in tree.query(ga) where b > a {
                let gb = geometries[b]
                guard try ga.intersects(gb) else { continue }
                let shared = try ga.intersection(gb)
                guard shared.area > 0 else { continue }
                let area = try plan.areaM2(ofMetric: shared)
                let (x, y) = (plan.grids[members[a]], plan.grids[members[b]])
                let severity = noiseOr(.error, area)
                findings.append(
                    Finding(
                        kind: .overlap, severity: severity, level: level, grids: [label(x), label(y)],
                        message: "\(label(x)) and \(label(y)) overlap by \(format(area)) m²" + (severity == .noise ? " (digitising noise)" : ""),
                        measure: area, unit: "m²", locationWKB: try plan.toLonLat(shared).wkb))
            }
        }
        return findings
    }

    /// Grids without a parent, and children outside their parent.
    func parents(_ plan: PlanSnapshot, _ usable: [Geometry], level: GridLevel, _ tally: Tally) throws -> [Finding] {
        var findings: [Finding] = []
        for i in plan.indices(at: level) {
            tally.tick()
            let grid = plan.grids[i]
            guard let pfid = grid.parentFid, let p = plan.index(ofFid: pfid) else {
                findings.append(
                    Finding(
                        kind: .noParent, severity: .error, level: level, grids: [label(grid)],
                        message: "\(label(grid)): no grid of a level above contains it"
                            + (grid.parentRef.map { " (its parent '\($0)' was not found)" } ?? ""),
                        measure: nil, unit: nil, locationWKB: try plan.lonLat[i].pointOnSurface().wkb))
                continue
            }
            let outside = try usable[i].difference(usable[p])
            if outside.area > 0 {
                let area = try plan.areaM2(ofMetric: outside)
                let severity = noiseOr(.error, area)
                findings.append(
                    Finding(
                        kind: .outsideParent, severity: severity, level: level, grids: [label(grid), label(plan.grids[p])],
                        message: "\(label(grid)): \(format(area)) m² lie outside its parent \(label(plan.grids[p]))"
                            + (severity == .noise ? " (digitising noise)" : ""),
                        measure: area, unit: "m²", locationWKB: try plan.toLonLat(outside).wkb))
            }
        }
        return findings
    }

    /// Seamless coverage: gaps inside each parent not covered by its children, and parents
    /// without children at a level where the others have some.
    func coverage(_ plan: PlanSnapshot, _ usable: [Geometry], _ tally: Tally) throws -> [Finding] {
        var findings: [Finding] = []
        for level in coverageLevels(plan) {
            let members = plan.indices(at: level)
            let withChildren = members.filter { !(plan.children[$0] ?? []).isEmpty }
            for p in members {
                tally.tick()
                let parent = plan.grids[p]
                let kids = plan.children[p] ?? []
                if kids.isEmpty {
                    findings.append(
                        Finding(
                            kind: .noChildren, severity: .warning, level: level, grids: [label(parent)],
                            message: "\(label(parent)): no child grids although \(withChildren.count) other \(level) grids have them",
                            measure: nil, unit: nil, locationWKB: try plan.lonLat[p].pointOnSurface().wkb))
                    continue
                }
                let covered = try Geometry.unionAll(kids.map { usable[$0] }, context: plan.context)
                let gaps = try usable[p].difference(covered)
                for piece in try gaps.parts where piece.type == .polygon && piece.area > 0 {
                    let area = try plan.areaM2(ofMetric: piece)
                    let severity = noiseOr(.error, area)
                    findings.append(
                        Finding(
                            kind: .gap, severity: severity, level: level, grids: [label(parent)],
                            message: "\(label(parent)): a gap of \(format(area)) m² not covered by any of its \(kids.count) child grids"
                                + (severity == .noise ? " (digitising noise)" : ""),
                            measure: area, unit: "m²", locationWKB: try plan.toLonLat(piece).wkb))
                }
            }
        }
        return findings
    }
}

func format(_ value: Double) -> String {
    value >= 100 ? String(format: "%.0f", value) : value >= 1 ? String(format: "%.1f", value) : String(format: "%.3g", value)
}

extension Geometry {
    /// A polygon whose shell is the given ring.
    static func polygonOf(ring: Geometry) throws -> Geometry {
        let (x, y) = try ring.coordinates()
        return try Geometry(polygon: Array(zip(x, y)), context: ring.context)
    }
}

/// Counts checks done and tells a progress callback every 64 of them, and at the end.
final class Tally {
    private let total: Int
    private let report: ((Int, Int) -> Void)?
    private var done = 0

    init(total: Int, report: ((Int, Int) -> Void)?) {
        self.total = total
        self.report = report
    }

    func tick() {
        done += 1
        if done & 63 == 0 { report?(done, total) }
    }

    func finish() { report?(done, total) }
}
