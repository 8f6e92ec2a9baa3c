import ArgumentParser
import Duty
import Foundation
import GridErrors
import GridProjection
import GridStore
import Grids

struct PeopleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "people",
        abstract: "The roster: gridders, grid chiefs, police, advisers and department contacts, with their duties.",
        subcommands: [Import.self, List.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import people and their duties from CSV (UTF-8 or GBK, e.g. saved from Excel) or any GDAL format.",
            discussion: """
                One line per person, or per duty (the person's fields repeated unchanged). Fields (English or Chinese \
                names): id (工号), name (姓名), role (grid_chief, full_time_gridder, part_time_gridder, mobile_gridder, \
                community_police, legal_adviser, department_contact, or 网格长, 专职网格员, …), phone, organisation, \
                capacity (per week), active_from, active_to, lon and lat of the base (with --crs), and for a duty: \
                grid (a grid code), duty (primary, backup or chief; default: chief for grid chiefs, primary for \
                full- and part-time gridders, backup otherwise), duty_from, duty_to (the end day is not included).

                Lines that cannot be used are listed with their number and the reason: a missing id or name, an \
                unknown role, a bad phone or date, a grid code that does not exist or has ended, a second primary or \
                chief of a grid at the same time. The other lines are checked and stored in one transaction (on a \
                server, other roster changes wait for it); the same file again changes nothing.

                Example:
                  gridplan people import roster.csv --db plan.gpkg --crs gcj02
                """)

        @Argument(help: "The roster file; - for standard input.") var file: String
        @Flag(help: "Print the report as JSON (snake_case keys; on standard error when standard output carries the data).") var json = false
        @OptionGroup var store: WritablePlanOptions
        @Option(help: "CRS of the base coordinates: wgs84, gcj02, bd09, cgcs2000, EPSG:NNNN.") var crs: String?
        @Option(help: "Text encoding (e.g. CP936 for GBK; default: detected).") var encoding: String?

        func validate() throws {
            try reportingErrors { _ = try crs.map { try parseCRS($0, option: "--crs") } }
        }

        func run() throws {
            var rejected = false
            try reportingErrors {
                let source = try crs.map { try parseCRS($0, option: "--crs") }
                let input = try InputFile(file)
                defer { input.remove() }
                let plan = try store.open()
                defer { store.close(plan) }
                let report = try RosterImporter.run(file: input.path, into: plan, crs: source, encoding: encoding)
                rejected = !report.rejects.isEmpty
                if json { try printReport(report); return }
                for r in report.rejects { say("line \(r.line): \(r.reason)") }
                say(
                    "\(report.lines) lines: \(report.peopleAdded) people added, \(report.peopleUpdated) updated, "
                        + "\(report.dutiesAdded) duties added, \(report.dutiesUnchanged) unchanged, \(report.rejects.count) lines rejected")
            }
            if rejected { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the people on the roster with their duties in force on a day and the open cases they handle.",
            discussion: "Example:\n  gridplan people list --db plan.gpkg --at 2024-06-01")

        @OptionGroup var store: ReadablePlanOptions
        @Option(help: "The day (default: today).") var at: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            try reportingErrors { _ = try dayOption(at) }
        }

        func run() throws {
            try reportingErrors {
                let day = try dayOption(at)
                let plan = try store.open()
                defer { store.close(plan) }
                let (people, duties, load) = try plan.reading { db in (try Roster.people(db), try Roster.duties(db), try Roster.openCases(db)) }
                let byPerson = Dictionary(grouping: duties.filter { $0.covers(day) }, by: \.personID)
                if json {
                    try printJSON(
                        people.map { p in
                            PersonWith(p, Workload(openCases: load[p.id] ?? 0, capacityPerWeek: p.capacityPerWeek, duties: byPerson[p.id] ?? []))
                        })
                    return
                }
                print("id\tname\trole\tphone\torganisation\tbase\topen cases/capacity\tduties on \(day)")
                for p in people {
                    let d = (byPerson[p.id] ?? []).map { "\($0.role.rawValue) \($0.gridCode)" }.joined(separator: ", ")
                    let base = p.lon.map { String(format: "%.6f,%.6f", $0, p.lat!) } ?? ""
                    let workload = "\(load[p.id] ?? 0)" + (p.capacityPerWeek.map { String(format: "/%g", $0) } ?? "")
                    print([p.id, p.name, p.role.rawValue, p.phone ?? "", p.organisation ?? "", base, workload, d].joined(separator: "\t"))
                }
                tell("\(people.count) people, \(byPerson.count) on duty on \(day)")
            }
        }
    }
}

struct DutyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duty",
        abstract: "Give a person a duty in a grid, or end one.",
        subcommands: [SetDuty.self, End.self])

    struct SetDuty: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Make a person primary, backup or chief of a grid (any level) from a day.",
            discussion: """
                A grid has one primary and one chief at a time: setting a new one ends the current one on the \
                day the new one starts (a handover), and is refused if the current one starts on or after it.

                Example:
                  gridplan duty set --db plan.gpkg --person G017 --grid 440802001001003 \\
                      --role primary --from 2024-06-01
                """)

        @OptionGroup var store: WritablePlanOptions
        @Option(help: "The person's id.") var person: String
        @Option(help: "The grid's code.") var grid: String
        @Option(help: "primary, backup or chief.") var role: String = "primary"
        @Option(help: "First day (default: today).") var from: String?
        @Option(help: "Day it ends (not included; default: open).") var to: String?
        @Option(help: "A note kept with the duty.") var note: String?
        @Flag(help: "Print the result as JSON (snake_case keys).") var json = false

        func validate() throws {
            try reportingErrors { _ = try (duty(), dayOption(from, option: "--from"), to.map { try dayOption($0, option: "--to") }) }
        }

        func duty() throws -> DutyRole {
            try DutyRole(text: role).orThrow(GridplanError(.badArgument, "--role \(role): not primary, backup or chief"))
        }

        func run() throws {
            try reportingErrors {
                let r = try duty()
                let start = try dayOption(from, option: "--from")
                let end = try to.map { try dayOption($0, option: "--to") }
                let plan = try store.open()
                defer { store.close(plan) }
                let result = try DutyChange.set(store: plan, person: person, grid: grid, role: r, from: start, to: end, note: note)
                if json {
                    let answer = DutySetJSON(
                        dutyId: result.dutyID, ended: result.ended, person: person, grid: grid, role: r.rawValue, from: start, to: end)
                    try printReport(answer)
                    return
                }
                result.ended.forEach { say("ended: \($0)") }
                if let end {
                    say("\(person) is \(r.rawValue) of \(grid) from \(start) to \(end)")
                } else {
                    say("\(person) is \(r.rawValue) of \(grid) from \(start)")
                }
            }
        }
    }

    struct End: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a person's duties in a grid on a day.",
            discussion: "Example:\n  gridplan duty end --db plan.gpkg --person G017 --grid 440802001001003 \\\n      --on 2024-09-01")

        @OptionGroup var store: WritablePlanOptions
        @Option(help: "The person's id.") var person: String
        @Option(help: "The grid's code.") var grid: String
        @Option(help: "Only this role: primary, backup or chief.") var role: String?
        @Option(help: "The day it ends (the person is no longer on duty that day; default: today).") var on: String?
        @Flag(help: "Print the result as JSON (snake_case keys).") var json = false

        func validate() throws {
            try reportingErrors { _ = try (duty(), dayOption(on, option: "--on")) }
        }

        func duty() throws -> DutyRole? {
            try role.map { t in try DutyRole(text: t).orThrow(GridplanError(.badArgument, "--role \(t): not primary, backup or chief")) }
        }

        func run() throws {
            try reportingErrors {
                let r = try duty()
                let day = try dayOption(on, option: "--on")
                let plan = try store.open()
                defer { store.close(plan) }
                let n = try DutyChange.end(store: plan, person: person, grid: grid, role: r, on: day)
                if json { try printReport(DutyEndJSON(ended: n, person: person, grid: grid, role: r?.rawValue, on: day)); return }
                say("ended \(n) \(n == 1 ? "duty" : "duties") of \(person) in \(grid) on \(day)")
            }
        }
    }
}

struct DepartmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "departments",
        abstract: "Departments summoned by category (whistle-and-report).",
        subcommands: [Import.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import departments: id, name, phone, contact, categories (codes they answer, by prefix).",
            discussion: "Example:\n  gridplan departments import departments.csv --db plan.gpkg")

        @Argument(help: "The departments file (CSV, UTF-8 or GBK); - for standard input.") var file: String
        @Flag(help: "Print the report as JSON (snake_case keys; on standard error when standard output carries the data).") var json = false
        @OptionGroup var store: WritablePlanOptions
        @Option(help: "Text encoding (default: detected).") var encoding: String?

        func run() throws {
            try reportingErrors {
                let input = try InputFile(file)
                defer { input.remove() }
                let plan = try store.open()
                defer { store.close(plan) }
                let report = try DepartmentImporter.run(file: input.path, into: plan, encoding: encoding)
                if json {
                    try printReport(report)
                    try rejectedRows(report.rejects.count)
                    return
                }
                for r in report.rejects { say("line \(r.line): \(r.reason)") }
                say("\(report.peopleAdded) departments added, \(report.peopleUpdated) updated, \(report.rejects.count) lines rejected")
                try rejectedRows(report.rejects.count)
            }
        }
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> Error) throws -> Wrapped {
        guard let value = self else { throw error() }
        return value
    }
}

/// A day option (`YYYY-MM-DD` or any time form), today when not given.
func dayOption(_ text: String?, option: String = "--at") throws -> String {
    guard let text else { return Clock.day(Clock.now()) }
    guard let day = Clock.date(text) else { throw GridplanError(.badArgument, "\(option) \(text): not a date (e.g. 2024-06-01)") }
    return day
}
