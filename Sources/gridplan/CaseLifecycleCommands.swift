import ArgumentParser
import Cases
import Duty
import Foundation
import GridErrors
import GridStore
import Grids

/// Options shared by dispatch and overdue: the rules table and the clock (for replaying a day).
struct DispatchOptions: ParsableArguments {
    @Option(help: "A JSON file of dispatch rules: levels by severity and category, departments, time limits (default: built in).")
    var dispatchRules: String?
    @Option(name: .customLong("rules"), help: oldSpelling(of: "--dispatch-rules")) var oldRules: String?
    @Option(help: "Act as of this time instead of now (e.g. 2024-06-01 09:00).") var now: String?

    var rules: String? { get throws { try renamed(dispatchRules, oldRules, new: "--dispatch-rules", old: "--rules") } }

    func validate() throws {
        _ = try rules
        try reportingErrors {
            if let now, Clock.time(now) == nil { throw GridplanError(.badArgument, "--now \(now): not a date and time") }
        }
    }

    func load() throws -> (DispatchRules, String) {
        let table = try (try rules).map { try DispatchRules.load(path: $0) } ?? .defaults
        guard let now else { return (table, Clock.now()) }
        guard let t = Clock.time(now) else { throw GridplanError(.badArgument, "--now \(now): not a date and time") }
        return (table, t)
    }
}

extension CasesCommand {
    struct Dispatch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign cases to the level and person that must handle them, recording why.",
            discussion: """
                The level comes from the rules (default: ordinary → unit gridder, important → community, major → \
                street; a category rule may override it). At that level the primary (gridder levels) or the chief \
                (community and street) on duty that day takes the case, then a backup; if no one is on duty the next \
                level up takes it, and the reason says so; a case returned by its handler goes to someone else. Departments \
                answering the case's category are summoned \
                for important and major cases (whistle-and-report). Cases that cannot be dispatched (no location, \
                outside every grid, no one on duty in the whole chain, a status that is not waiting) are listed with \
                the reason; exit status 1 when there are any.

                Examples:
                  gridplan cases dispatch --db plan.gpkg --all-new
                  gridplan cases dispatch --db plan.gpkg --case 2024-000123 \\
                      --dispatch-rules dispatch.json
                  gridplan cases dispatch --all-new \\
                      --db postgresql://centre@db.example:5432/district

                --all-new goes through the waiting cases in batches of 200, each stored as it is done (stopped \
                half-way, run it again for the rest). On a server, several dispatchers may run at once: each \
                takes the cases of a batch no other holds at that moment, and a case dispatched by one is not \
                dispatched again by another.
                """)

        @OptionGroup var store: WritablePlanOptions
        @Option(name: .customLong("case"), help: "The case id.") var caseID: String?
        @Flag(help: "Every case waiting for dispatch (reported, verified, accepted, returned, reopened).") var allNew = false
        @OptionGroup var options: DispatchOptions
        @Option(help: "Who dispatches, kept with the transition.") var actor: String = "dispatch"
        @Flag(help: "Print the result as JSON (snake_case keys).") var json = false

        func validate() throws {
            try reportingErrors {
                guard (caseID != nil) != allNew else { throw GridplanError(.badArgument, "give --case ID or --all-new") }
            }
        }

        func run() throws {
            var failed = false
            try reportingErrors {
                let (rules, now) = try options.load()
                let plan = try store.open()
                defer { store.close(plan) }
                let progress = ProgressLine("dispatching")
                let outcomes = try Dispatcher.run(store: plan, rules: rules, caseID: caseID, now: now, actor: actor) { done, total in
                    progress.update(done, total: total)
                }
                progress.finish()
                let bad = outcomes.filter { !$0.dispatched }.count
                failed = bad > 0
                if json {
                    try printReport(DispatchRunJSON(cases: outcomes.map(DispatchJSON.init), dispatched: outcomes.count - bad, notDispatched: bad))
                    return
                }
                print("case\tresult\tlevel\tgrid\tperson\tphone\tdepartments\treason")
                for o in outcomes {
                    print(
                        [
                            o.caseID, o.dispatched ? "dispatched" : "NOT DISPATCHED", o.level?.name ?? "", o.grid ?? "",
                            o.person.map { "\($0.name) (\($0.id))" } ?? "", o.person?.phone ?? "", o.departments.joined(separator: " "),
                            o.reason,
                        ].joined(separator: "\t"))
                }
                say("\(outcomes.count - bad) dispatched, \(bad) could not be dispatched")
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Advance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a case along its life cycle; transitions the model forbids are refused.",
            usage: "gridplan cases advance <id> --db <db> --to-status <to-status> [--note <note>] [--actor <actor>] [--at <at>] "
                + "[--satisfaction <satisfaction>] [--json]",
            discussion: """
                reported → verified → accepted → dispatched → handled → checked → closed → feedback; any open state → \
                returned (sent back) → verified, accepted, dispatched or closed; checked, closed or feedback → \
                reopened → dispatched or handled. Every transition is kept with its time, actor and note.

                Examples:
                  gridplan cases advance 2024-000123 --db plan.gpkg \\
                      --to-status handled --actor G017 --note "摊位已清理"
                  gridplan cases advance 2024-000123 --db plan.gpkg \\
                      --to-status feedback --actor hotline --satisfaction 满意
                """)

        @Argument(help: "The case id.") var id: String
        @OptionGroup var store: WritablePlanOptions
        // Required, but optional here so that the old spelling (--to) can stand in for it.
        @Option(help: "The new status.") var toStatus: String?
        @Option(name: .customLong("to"), help: oldSpelling(of: "--to-status")) var oldTo: String?
        @Option(help: "A note kept with the transition.") var note: String?
        // Resolved in run(): a default value here would put the user's login name into the help.
        @Option(help: "Who makes the change (default: $USER, else gridplan).") var actor: String?
        @Option(help: "When (default: now).") var at: String?
        @Option(help: "With --to-status feedback: the resident's satisfaction, 1–5 or 满意 (5), 基本满意 (3), 不满意 (1).") var satisfaction: String?
        @Flag(help: "Print the result as JSON (snake_case keys).") var json = false

        func validate() throws {
            _ = try to
            try reportingErrors {
                let (state, _, score) = try (state(), time(), score())
                // Checked by Lifecycle too, whose message names the server's field (`to`), not this flag.
                if score != nil && state != CaseStatus.feedback.rawValue {
                    throw GridplanError(.badArgument, "a satisfaction score goes with --to-status feedback, not \(state)")
                }
            }
        }

        var to: String { get throws { try required(toStatus, oldTo, new: "--to-status", old: "--to") } }

        func state() throws -> String {
            let to = try self.to
            return try (CaseStatus(text: to)?.rawValue).orThrow(GridplanError(.badArgument, "--to-status \(to): not a status"))
        }

        func time() throws -> String {
            try at.map { t in try Clock.time(t).orThrow(GridplanError(.badArgument, "--at \(t): not a date and time")) } ?? Clock.now()
        }

        func score() throws -> Int? {
            try satisfaction.map { text -> Int in
                switch text {
                case "满意", "非常满意": return 5
                case "基本满意": return 3
                case "不满意": return 1
                default: return try Int(text).orThrow(GridplanError(.badArgument, "--satisfaction \(text): give 1–5, 满意, 基本满意 or 不满意"))
                }
            }
        }

        func run() throws {
            try reportingErrors {
                let (state, time, score) = try (self.state(), self.time(), self.score())
                let actor = self.actor ?? ProcessInfo.processInfo.environment["USER"] ?? "gridplan"
                let plan = try store.open()
                defer { store.close(plan) }
                let t = try Lifecycle.advance(
                    store: plan, caseID: id, to: state, at: time, actor: actor, note: note,
                    satisfaction: score)
                if json { try printReport(TransitionJSON(caseID: id, t)); return }
                say("case \(id): \(t.from) → \(t.to) at \(t.at) by \(t.actor)")
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a case's transitions and dispatches, with time, actor and reason.",
            discussion: "Example:\n  gridplan cases history 2024-000123 --db plan.gpkg")

        @Argument(help: "The case id.") var id: String
        @OptionGroup var store: ReadablePlanOptions
        @Flag(help: "Print the result as JSON (snake_case keys).") var json = false

        func run() throws {
            try reportingErrors {
                let plan = try store.open()
                defer { store.close(plan) }
                let transitions = try Lifecycle.history(store: plan, caseID: id)
                let dispatches = try Lifecycle.dispatches(store: plan, caseID: id)
                let exists = try plan.reading { try CaseStore.exists($0, caseID: id) }
                guard exists else {
                    throw GridplanError(.notFound, "no case with id \(id)")
                }
                if json {
                    let history = CaseHistoryJSON(
                        id: id, transitions: transitions.map { TransitionJSON(caseID: id, $0) },
                        dispatches: dispatches.map(CaseHistoryJSON.Dispatch.init))
                    try printReport(history)
                    return
                }
                // Both lists by time; a dispatch and its transition share the time, the dispatch first.
                var lines: [(String, Int, String)] = []
                for d in dispatches {
                    let what = d.escalation ? "escalated" : "dispatched"
                    lines.append((d.at, 0, "\(d.at)\t\(what)\t\(d.level?.name ?? "") \(d.grid ?? "")\t\(d.person ?? "")\t\(d.reason)"))
                }
                for t in transitions {
                    lines.append((t.at, 1, "\(t.at)\t\(t.from) → \(t.to)\t\t\(t.actor)\t\(t.note ?? "")"))
                }
                for line in lines.enumerated().sorted(by: { ($0.element.0, $0.element.1, $0.offset) < ($1.element.0, $1.element.1, $1.offset) }) {
                    print(line.element.2)
                }
            }
        }
    }

    struct Overdue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List unfinished cases past their time limit; with --escalate, move each one level up.",
            discussion: """
                The limit comes from the rules by category and severity (default: ordinary 168 h, important 72 h, \
                major 24 h), counted from the report or the last escalation. An escalated case goes to the next \
                level of its chain with someone on duty, and its clock restarts.

                Example:
                  gridplan cases overdue --db plan.gpkg --escalate
                """)

        @OptionGroup var store: WritablePlanOptions
        @OptionGroup var options: DispatchOptions
        @Flag(help: "Escalate every overdue case one level.") var escalate = false
        @Flag(help: "Print the result as JSON (snake_case keys).") var json = false

        func run() throws {
            try reportingErrors {
                let (rules, now) = try options.load()
                let plan = try store.open()
                defer { store.close(plan) }
                let progress = ProgressLine(escalate ? "escalating overdue cases, open cases looked at" : "open cases looked at")
                let list = try Lifecycle.overdue(store: plan, rules: rules, now: now, escalate: escalate) { done, total in
                    progress.update(done, total: total)
                }
                progress.finish()
                let escalated = list.filter { $0.escalation?.dispatched == true }.count
                if json {
                    try printReport(OverdueJSON(now: now, cases: list.map(OverdueJSON.Case.init), escalated: escalated))
                    return
                }
                print("case\tstatus\tseverity\tcategory\tlevel\tgrid\thandler\tsince\tlimit_h\tover_h" + (escalate ? "\tescalation" : ""))
                for o in list {
                    var fields = [
                        o.caseID, o.status, o.severity, o.category ?? "", o.level?.name ?? "", o.grid ?? "", o.handler ?? "", o.since,
                        String(format: "%.0f", o.limitHours), String(format: "%.1f", o.overHours),
                    ]
                    if let e = o.escalation {
                        let person = e.person.map { "\($0.name) (\($0.id))" } ?? ""
                        fields.append(e.dispatched ? "→ \(e.level!.name) \(e.grid ?? "") \(person): \(e.reason)" : "NOT ESCALATED: \(e.reason)")
                    }
                    print(fields.joined(separator: "\t"))
                }
                say("\(list.count) cases overdue at \(now)" + (escalate ? "; \(escalated) escalated" : ""))
            }
        }
    }
}
