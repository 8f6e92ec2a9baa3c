package import Cases
import Foundation
import GRDB
import GridErrors
package import GridStore
package import Grids

/// The life cycle of a case: reported → verified → accepted → dispatched → handled → checked →
/// closed → feedback, with returned (sent back: wrong grid, not a matter for the centre) and
/// reopened (a check or the feedback found it not done). Every transition is kept with its time
/// and actor in `case_transitions`; transitions the model does not allow are refused.
package enum Lifecycle {
    package static let transitions: [CaseStatus: [CaseStatus]] = [
        .reported: [.verified, .returned],
        .verified: [.accepted, .returned],
        .accepted: [.dispatched, .returned],
        .dispatched: [.handled, .returned],
        .handled: [.checked, .returned],
        .checked: [.closed, .reopened],
        .closed: [.feedback, .reopened],
        .feedback: [.reopened],
        .returned: [.verified, .accepted, .dispatched, .closed],
        .reopened: [.dispatched, .handled],
    ]

    package struct Transition: Sendable {
        package var from: String, to: String, at: String, actor: String, note: String?
    }

    /// Moves case `caseID` to `state`, or throws naming the states it may go to.
    @discardableResult
    /// `satisfaction` (1–5) goes with the move to feedback, and only with it.
    package static func advance(
        store: any WritablePlanStore, caseID: String, to state: String, at: String = Clock.now(),
        actor: String, note: String? = nil, satisfaction: Int? = nil
    ) throws -> Transition {
        try store.writing { db in
            guard let c = try CaseStore.handlingForChange(db, caseID: caseID) else {
                throw GridplanError(.notFound, "no case with id \(caseID)")
            }
            guard let target = CaseStatus(rawValue: state) else {
                let states = CaseStatus.allCases.map(\.rawValue).sorted().joined(separator: ", ")
                throw GridplanError(.badArgument, "'\(state)' is not a state; the states are \(states)")
            }
            let from = c.status
            let allowed = transitions[from] ?? []
            guard allowed.contains(target) else {
                let next = allowed.map(\.rawValue).joined(separator: " or ")
                throw GridplanError(
                    .conflict, "case \(caseID) is \(from.rawValue): it cannot go to \(state); from \(from.rawValue) it may go to \(next)")
            }
            if target == .dispatched, c.handler == nil {
                throw GridplanError(
                    .conflict, "case \(caseID) has no handler yet",
                    hint: "dispatch it with `gridplan cases dispatch \(setting: "case") \(caseID)`, which chooses one")
            }
            if let satisfaction {
                guard target == .feedback else {
                    throw GridplanError(.badArgument, "a satisfaction score goes with \(setting: "to") feedback, not \(state)")
                }
                guard (1...5).contains(satisfaction) else {
                    throw GridplanError(.badArgument, "satisfaction \(satisfaction): give 1 (unsatisfied) to 5 (satisfied)")
                }
                try CaseStore.setSatisfaction(db, fid: c.fid, score: satisfaction)
            }
            try recordTransition(db, fid: c.fid, from: from, to: target, at: at, actor: actor, note: note)
            return Transition(from: from.rawValue, to: state, at: at, actor: actor, note: note)
        }
    }

    /// Stores a transition and the case's new status.
    static func recordTransition(
        _ db: some PlanWriter, fid: Int64, from: CaseStatus, to: CaseStatus, at: String, actor: String,
        note: String?
    ) throws {
        try db.executeKept(
            "INSERT INTO case_transitions (case_fid, from_state, to_state, at, actor, note) VALUES (?, ?, ?, ?, ?, ?)",
            [fid.databaseValue, from.rawValue.databaseValue, to.rawValue.databaseValue, at.databaseValue, actor.databaseValue, note.databaseValue])
        try CaseStore.setStatus(db, fid: fid, to: to, at: at)
    }

    /// Every transition of a case, oldest first.
    package static func history(store: any PlanStore, caseID: String) throws -> [Transition] {
        try store.reading { db in
            guard let fid = try CaseStore.fid(db, caseID: caseID) else { return [] }
            return try db.rows("SELECT * FROM case_transitions WHERE case_fid = ? ORDER BY id", [fid.databaseValue]).map {
                Transition(from: $0["from_state"], to: $0["to_state"], at: $0["at"], actor: $0["actor"], note: $0["note"])
            }
        }
    }

    /// One stored dispatch or escalation of a case.
    package struct DispatchRecord: Sendable {
        package var at: String, level: GridLevel?, grid: String?, person: String?, departments: String?, reason: String, escalation: Bool
    }

    /// Every dispatch and escalation of a case, oldest first.
    package static func dispatches(store: any PlanStore, caseID: String) throws -> [DispatchRecord] {
        try store.reading { db in
            guard let fid = try CaseStore.fid(db, caseID: caseID) else { return [] }
            return try db.rows("SELECT * FROM case_dispatches WHERE case_fid = ? ORDER BY id", [fid.databaseValue]).map {
                DispatchRecord(
                    at: $0["dispatched_at"], level: try GridLevel(stored: $0["level"]), grid: $0["grid_code"],
                    person: $0["person_id"], departments: $0["departments"], reason: $0["reason"],
                    escalation: ($0["escalation"] as Int) != 0)
            }
        }
    }

    package struct Overdue: Sendable {
        package var caseID: String
        package var status: String
        package var severity: String
        package var category: String?
        package var level: GridLevel?
        package var grid: String?
        package var handler: String?
        /// The clock's start: the report, or the last escalation.
        package var since: String
        package var limitHours: Double
        package var overHours: Double
        /// Set when escalation was asked: what it did.
        package var escalation: DispatchOutcome?
    }

    /// Unfinished cases past their time limit at `now`; with `escalate`, each goes one level up
    /// (to the nearest level above with someone on duty) and its clock restarts. `progress` hears
    /// how many of the unfinished cases have been looked at (and escalated where overdue).
    package static func overdue(
        store: any WritablePlanStore, rules: DispatchRules = .defaults, now: String = Clock.now(),
        escalate: Bool = false, progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> [Overdue] {
        // Only escalating changes the cases (and waits for those another writer holds).
        let unfinished = CaseStatus.allCases.filter { !$0.isFinished }
        if !escalate {
            return try store.reading { db in
                try overdue(try CaseStore.handling(db, statuses: unfinished), rules, now, progress) { _, _ in nil }
            }
        }
        return try store.writing { db in
            try overdue(try CaseStore.handlingForChange(db, statuses: unfinished, skippingLocked: false), rules, now, progress) { c, o in
                try escalateOne(db, c, o, now: now)
            }
        }
    }

    /// The cases of `rows` past their limit, each given to `escalation`.
    private static func overdue(
        _ rows: [CaseHandling], _ rules: DispatchRules, _ now: String, _ progress: ((Int, Int) -> Void)?,
        escalation: (CaseHandling, Overdue) throws -> DispatchOutcome?
    ) throws -> [Overdue] {
        var result: [Overdue] = []
        for (k, c) in rows.enumerated() {
            defer { progress?(k + 1, rows.count) }
            guard let since = c.clockFrom ?? c.reportedAt, let elapsed = Clock.hours(from: since, to: now) else { continue }
            let limit = rules.limitHours(severity: c.severity, category: c.category)
            guard elapsed > limit else { continue }
            var o = Overdue(
                caseID: c.id, status: c.status.rawValue, severity: c.severity, category: c.category, level: c.handlingLevel,
                grid: c.handlingGrid, handler: c.handler, since: since, limitHours: limit, overHours: elapsed - limit)
            o.escalation = try escalation(c, o)
            result.append(o)
        }
        return result
    }

    static func escalateOne(_ db: some PlanWriter, _ c: CaseHandling, _ o: Overdue, now: String) throws -> DispatchOutcome {
        var outcome = DispatchOutcome(caseID: c.id, dispatched: false, reason: "")
        if let problem = Dispatcher.unlocated(c) { outcome.reason = problem; return outcome }
        let present = Set(c.codes.keys)
        let current = c.handlingLevel ?? present.max()!
        let over = String(
            format: "overdue by %.1f h (limit %.0f h for %@%@)", o.overHours, o.limitHours, c.severity, c.category.map { ", category \($0)" } ?? "")
        guard let up = current.above(in: present) else {
            outcome.reason = "\(over), but it is already at the \(current) level: nothing above to escalate to"
            return outcome
        }
        guard let (level, code, person, note) = try Dispatcher.pick(db, c, from: up, day: Clock.day(now)) else {
            outcome.reason = "\(over), but no one is on duty on \(Clock.day(now)) in \(Dispatcher.chainText(c, from: up))"
            return outcome
        }
        let departments = c.handler == nil ? [] : (c.departments ?? "").split(separator: " ").map(String.init)
        outcome = DispatchOutcome(
            caseID: c.id, dispatched: true, level: level, grid: code, person: person, departments: departments,
            reason: "\(over): escalated from \(current)\(c.handlingGrid.map { " \($0)" } ?? "")\(note)")
        try Dispatcher.record(db, c, outcome, escalation: true, now: now)
        return outcome
    }
}
