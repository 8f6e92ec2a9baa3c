package import Cases
import Foundation
import GRDB
import GridErrors
package import GridStore
package import Grids

/// What happened to one case in a dispatch or an escalation.
package struct DispatchOutcome: Sendable {
    package var caseID: String
    package var dispatched: Bool
    package var level: GridLevel?
    package var grid: String?
    package var person: Person?
    package var departments: [String] = []
    /// Why this level and person, or why the case could not be dispatched.
    package var reason: String
}

/// Routes cases to the level and person that must handle them (see ``DispatchRules``), and
/// records each decision with its reason in `case_dispatches` and the transition in
/// `case_transitions`. No case is dropped silently: one that cannot be dispatched comes back
/// with the reason.
package enum Dispatcher {
    /// States from which the centre dispatches: waiting (reported, verified, accepted) or sent back.
    package static let dispatchable: [CaseStatus] = [.reported, .verified, .accepted, .returned, .reopened]

    /// How many waiting cases one transaction of ``run(store:rules:caseID:now:actor:progress:)`` dispatches.
    static let batchSize = 200

    /// Dispatches one case (`caseID`) or every case waiting for dispatch (nil), as of `now`.
    ///
    /// Every waiting case goes in batches of ``batchSize``, oldest report first, each batch one
    /// transaction: a dispatcher stopped half-way keeps the batches it finished (run it again for
    /// the rest), and on a server two dispatchers work through one backlog side by side, each
    /// taking the cases of a batch the other does not hold and leaving out those the other has
    /// dispatched meanwhile. `progress` hears after each batch how many of the waiting cases are done.
    package static func run(
        store: any WritablePlanStore, rules: DispatchRules = .defaults, caseID: String?, now: String = Clock.now(),
        actor: String = "dispatch", progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> [DispatchOutcome] {
        if let caseID {
            return try store.writing { db in
                guard let one = try CaseStore.handlingForChange(db, caseID: caseID) else {
                    throw GridplanError(.notFound, "no case with id \(caseID)")
                }
                return try dispatch([one], db, rules: rules, now: now, actor: actor)
            }
        }
        let waiting = try store.reading { db in try CaseStore.fids(db, statuses: dispatchable) }
        var outcomes: [DispatchOutcome] = []
        for start in stride(from: 0, to: waiting.count, by: batchSize) {
            let batch = Array(waiting[start..<min(start + batchSize, waiting.count)])
            outcomes += try store.writing { db in
                let rows = try CaseStore.handlingForChange(db, fids: batch, statuses: dispatchable, skippingLocked: true)
                return try dispatch(rows, db, rules: rules, now: now, actor: actor)
            }
            progress?(start + batch.count, waiting.count)
        }
        return outcomes
    }

    /// Dispatches `rows`, read and locked in this transaction.
    private static func dispatch(
        _ rows: [CaseHandling], _ db: some PlanWriter, rules: DispatchRules, now: String, actor: String
    ) throws -> [DispatchOutcome] {
        let departments = try Department.all(db)
        let day = Clock.day(now)
        var outcomes: [DispatchOutcome] = []
        for c in rows {
            var outcome = DispatchOutcome(caseID: c.id, dispatched: false, reason: "")
            guard dispatchable.contains(c.status) else {
                outcome.reason = "status is \(c.status.rawValue): only reported, verified, accepted, returned or reopened cases are dispatched"
                outcomes.append(outcome); continue
            }
            if let problem = unlocated(c) { outcome.reason = problem; outcomes.append(outcome); continue }
            let (target, why) = rules.level(severity: c.severity, category: c.category)
            // A case sent back by its handler does not go straight back to them.
            let returnedBy = c.status == .returned ? c.handler : nil
            guard let (level, code, person, note) = try pick(db, c, from: target, day: day, excluding: returnedBy) else {
                outcome.reason =
                    "\(why), but no one \(returnedBy.map { "other than \($0), who returned it, " } ?? "")is on duty on \(day) in \(chainText(c, from: target))"
                outcomes.append(outcome); continue
            }
            let summoned = rules.departments(severity: c.severity, category: c.category, all: departments)
            outcome = DispatchOutcome(
                caseID: c.id, dispatched: true, level: level, grid: code, person: person, departments: summoned,
                reason: "\(why)\(note)" + (returnedBy.map { " (\($0) returned it)" } ?? "")
                    + (summoned.isEmpty ? "" : "; summoned \(summoned.joined(separator: ", ")) (category \(c.category ?? "?"))"))
            try record(db, c, outcome, escalation: false, now: now)
            try Lifecycle.recordTransition(db, fid: c.fid, from: c.status, to: .dispatched, at: now, actor: actor, note: outcome.reason)
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Why a case has no grid to be dispatched in, nil when it has one.
    static func unlocated(_ c: CaseHandling) -> String? {
        switch c.assignStatus {
        case "no_location": "no location: the case has no coordinates yet (geocode its address first)"
        case "outside":
            "outside every grid" + (c.distanceM.map { String(format: " (the nearest is %.0f m away)", $0) } ?? "") + ": the plan does not cover it"
        default: c.codes.isEmpty ? "not assigned to any grid" : nil
        }
    }

    static func chainText(_ c: CaseHandling, from level: GridLevel) -> String {
        GridLevel.allCases.reversed().filter { $0 <= level }.compactMap { l in c.codes[l].map { "\(l) \($0)" } }.joined(separator: ", ")
    }

    /// The person to handle a case at `level` or, when no one is on duty there, the nearest level
    /// above with someone. Gridder levels look for the primary, then a backup, then the chief;
    /// community and street levels for the chief first.
    static func pick(
        _ db: some PlanReader, _ c: CaseHandling, from level: GridLevel, day: String, excluding: String? = nil
    ) throws
        -> (GridLevel, String, Person, String)?
    {
        var skipped: [String] = []
        for l in GridLevel.allCases.reversed() where l <= level {
            guard let code = c.codes[l] else { continue }
            let onDuty = try Roster.onDuty(db, codes: [code], day: day).filter { $0.1.id != excluding }
            let order: [DutyRole] = l >= .area ? [.primary, .backup, .chief] : [.chief, .primary, .backup]
            if let (duty, person) = order.lazy.compactMap({ role in onDuty.first { $0.0.role == role } }).first {
                let note =
                    skipped.isEmpty
                    ? "; \(duty.role.rawValue) of \(l) \(code)"
                    : "; no one on duty in \(skipped.joined(separator: ", ")), so the \(duty.role.rawValue) of \(l) \(code)"
                return (l, code, person, note)
            }
            skipped.append("\(l) \(code)")
        }
        return nil
    }

    static func record(_ db: some PlanWriter, _ c: CaseHandling, _ o: DispatchOutcome, escalation: Bool, now: String) throws {
        try db.executeKept(
            """
            INSERT INTO case_dispatches (case_fid, level, grid_code, person_id, departments, reason, escalation, dispatched_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                c.fid.databaseValue, o.level!.rawValue.databaseValue, o.grid.databaseValue, o.person?.id.databaseValue ?? .null,
                o.departments.joined(separator: " ").databaseValue, o.reason.databaseValue, (escalation ? 1 : 0).databaseValue,
                now.databaseValue,
            ])
        try CaseStore.setHandling(
            db, fid: c.fid, level: o.level!, grid: o.grid, handler: o.person?.id, departments: o.departments,
            escalation: escalation, now: now)
    }
}
