import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
package import GridStore
package import Grids

extension Finding.Kind {
    /// A grid with no primary gridder on duty.
    package static let noPrimary = Finding.Kind(rawValue: "no_primary")
    /// A community or street with no grid chief.
    package static let noChief = Finding.Kind(rawValue: "no_chief")
    /// A duty in a grid code the current plan no longer has.
    package static let staleDuty = Finding.Kind(rawValue: "stale_duty")
    /// One person primary in grids far apart.
    package static let primaryFarApart = Finding.Kind(rawValue: "primary_far_apart")
}

/// The roster's step of `gridplan validate`: unit grids with no primary, streets and communities
/// with no chief, duties still open in grids that no longer exist, and people primary in grids far apart. Skipped (no findings)
/// while the plan has no duties at all, so a plan without a roster validates as before.
package enum RosterChecks {
    /// - Parameter maxPrimarySpreadM: a person primary in two grids farther apart than this (the
    ///   shortest distance between the grids) is reported.
    package static func run(store: any PlanStore, plan: PlanSnapshot, day: String, maxPrimarySpreadM: Double = 2000) throws -> [Finding] {
        let (duties, people, ended) = try store.reading { db -> ([Duty], [String: Person], [String: Data]) in
            let duties = try Roster.duties(db)
            let people = Dictionary(uniqueKeysWithValues: try Roster.people(db).map { ($0.id, $0) })
            // The last geometry of every code no longer current, to place stale-duty findings.
            return (duties, people, try GridRecord.lastGeometryOfEndedCodes(db))
        }
        guard !duties.isEmpty else { return [] }
        let open = duties.filter { $0.validTo.map { $0 > day } ?? true }
        let current = duties.filter { $0.covers(day) && (people[$0.personID].map { isActive($0, day) } ?? false) }
        var findings: [Finding] = []
        var indexByCode: [String: Int] = [:]
        for (i, g) in plan.grids.enumerated() { if let c = g.code { indexByCode[c] = i } }
        func label(_ p: String) -> String { people[p].map { "\($0.name) (\(p))" } ?? p }

        // Lowest-level grids with no primary on the day.
        if let lowest = plan.levelsPresent.max() {
            let primaries = Set(current.filter { $0.role == .primary }.map(\.gridCode))
            for i in plan.indices(at: lowest) where !(plan.grids[i].code.map(primaries.contains) ?? false) {
                let g = plan.grids[i]
                let name = g.code ?? g.name ?? "#\(g.fid)"
                findings.append(
                    Finding(
                        kind: .noPrimary, severity: .error, level: lowest, grids: [name],
                        message: g.code == nil
                            ? "\(name): no code, so no duty can name it (run `gridplan codes`)"
                            : "\(name): no primary gridder on duty on \(day)",
                        measure: nil, unit: nil, locationWKB: try plan.lonLat[i].pointOnSurface().wkb))
            }
        }
        // Streets and communities with no chief on the day.
        let chiefs = Set(current.filter { $0.role == .chief }.map(\.gridCode))
        for level in [GridLevel.street, .community] where plan.levelsPresent.contains(level) {
            for i in plan.indices(at: level) where !(plan.grids[i].code.map(chiefs.contains) ?? false) {
                let g = plan.grids[i]
                let name = g.code ?? g.name ?? "#\(g.fid)"
                findings.append(
                    Finding(
                        kind: .noChief, severity: .warning, level: level, grids: [name],
                        message: "\(name): no grid chief on duty on \(day)",
                        measure: nil, unit: nil, locationWKB: try plan.lonLat[i].pointOnSurface().wkb))
            }
        }
        // Duties still open in grids that ended.
        for d in open where indexByCode[d.gridCode] == nil {
            let location = try ended[d.gridCode].map { try GeoPackageGeometry.decode($0, context: plan.context).pointOnSurface().wkb }
            findings.append(
                Finding(
                    kind: .staleDuty, severity: .error, level: d.level, grids: [d.gridCode],
                    message:
                        "\(label(d.personID)) is still \(d.role.rawValue) of grid \(d.gridCode) (since \(d.validFrom)), which no longer exists; end the duty or move it to the new grid",
                    measure: nil, unit: nil, locationWKB: location))
        }
        // People primary in grids far apart.
        let byPerson = Dictionary(grouping: current.filter { $0.role == .primary && indexByCode[$0.gridCode] != nil }, by: \.personID)
        for (person, list) in byPerson.sorted(by: { $0.key < $1.key }) where list.count > 1 {
            let grids = list.map { indexByCode[$0.gridCode]! }
            for a in 0..<grids.count {
                for b in (a + 1)..<grids.count {
                    let d = try plan.metric[grids[a]].distance(to: plan.metric[grids[b]])
                    guard d > maxPrimarySpreadM else { continue }
                    let (ca, cb) = (list[a].gridCode, list[b].gridCode)
                    findings.append(
                        Finding(
                            kind: .primaryFarApart, severity: .warning, level: list[a].level, grids: [ca, cb],
                            message:
                                "\(label(person)) is primary of \(ca) and \(cb), \(Int(d.rounded())) m apart (more than \(Int(maxPrimarySpreadM)) m)",
                            measure: d, unit: "m", locationWKB: try plan.lonLat[grids[a]].pointOnSurface().wkb))
                }
            }
        }
        return findings
    }

    static func isActive(_ p: Person, _ day: String) -> Bool {
        (p.activeFrom.map { $0 <= day } ?? true) && (p.activeTo.map { $0 > day } ?? true)
    }
}
