import Desk
import Duty
import Foundation
import Grids

// What `cases dispatch|advance|history|overdue --json` and `duty set|end --json` print. Keys are
// the server's where it answers the same thing (POST /api/cases/{id}/dispatch, …/transitions,
// /api/duties, /api/duties/end), with the case and person named as the table names them.

/// One dispatch decision: the server's `Dispatch` keys (dispatched, level, grid, handler, reason)
/// with the case, the handler's name and phone and the departments summoned.
struct DispatchJSON: Codable, Sendable {
    var id: String
    var dispatched: Bool
    @Nullable var level: String?
    @Nullable var grid: String?
    @Nullable var handler: String?
    @Nullable var handlerName: String?
    @Nullable var phone: String?
    var departments: [String]
    var reason: String

    init(_ o: DispatchOutcome) {
        let answer = IntakeAnswerJSON.Dispatch(o)
        id = o.caseID; dispatched = answer.dispatched; level = answer.level; grid = answer.grid; handler = answer.handler
        handlerName = o.person?.name; phone = o.person?.phone; departments = o.departments; reason = answer.reason
    }
}

/// `cases dispatch --json`: every case tried, and how many could not be dispatched (exit status 1
/// when any).
struct DispatchRunJSON: Codable, Sendable {
    var cases: [DispatchJSON]
    var dispatched: Int
    var notDispatched: Int
}

/// A transition of a case's life cycle: the keys of POST /api/cases/{id}/transitions' answer.
struct TransitionJSON: Codable, Sendable {
    var id: String
    var from: String
    var to: String
    var at: String
    var actor: String
    @Nullable var note: String?

    init(caseID: String, _ t: Lifecycle.Transition) {
        id = caseID; from = t.from; to = t.to; at = t.at; actor = t.actor; note = t.note
    }
}

/// `cases history --json`: the transitions and the dispatches (escalations marked), each oldest first.
struct CaseHistoryJSON: Codable, Sendable {
    struct Dispatch: Codable, Sendable {
        var at: String
        var escalation: Bool
        @Nullable var level: String?
        @Nullable var grid: String?
        @Nullable var handler: String?
        var departments: [String]
        var reason: String

        init(_ d: Lifecycle.DispatchRecord) {
            at = d.at; escalation = d.escalation; level = d.level?.name; grid = d.grid; handler = d.person
            departments = (d.departments ?? "").split(separator: " ").map(String.init); reason = d.reason
        }
    }

    var id: String
    var transitions: [TransitionJSON]
    var dispatches: [Dispatch]
}

/// `cases overdue --json`: the cases past their limit as of `now`, each with its escalation when
/// --escalate was given (null otherwise).
struct OverdueJSON: Codable, Sendable {
    struct Case: Codable, Sendable {
        var id: String
        var status: String
        var severity: String
        @Nullable var category: String?
        @Nullable var level: String?
        @Nullable var grid: String?
        @Nullable var handler: String?
        var since: String
        var limitH: Double
        var overH: Double
        @Nullable var escalation: DispatchJSON?

        enum CodingKeys: String, CodingKey {
            case id, status, severity, category, level, grid, handler, since, escalation, limitH = "limit_h", overH = "over_h"
        }

        init(_ o: Lifecycle.Overdue) {
            id = o.caseID; status = o.status; severity = o.severity; category = o.category; level = o.level?.name; grid = o.grid
            handler = o.handler; since = o.since; limitH = o.limitHours; overH = o.overHours; escalation = o.escalation.map(DispatchJSON.init)
        }
    }

    var now: String
    var cases: [Case]
    var escalated: Int
}

/// `duty set --json`: the server's keys (duty_id, ended: the duties a handover ended, as text)
/// and the duty as given.
struct DutySetJSON: Codable, Sendable {
    var dutyId: Int64
    var ended: [String]
    var person: String
    var grid: String
    var role: String
    var from: String
    @Nullable var to: String?
}

/// `duty end --json`: the server's key (ended: how many duties ended) and the request.
struct DutyEndJSON: Codable, Sendable {
    var ended: Int
    var person: String
    var grid: String
    @Nullable var role: String?
    var on: String
}
