import ArgumentParser
import Desk
import Foundation
import GridErrors
import GridFormats
import GridProjection
import GridStore
import Grids
import PostGIS

extension CRS: ExpressibleByArgument {
    public init?(argument: String) {
        guard let crs = try? CRS(parsing: argument) else { return nil }
        self = crs
    }
}

extension GridLevel: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

extension VectorFormat: ExpressibleByArgument {}

/// A plan in a GeoPackage file, opened as every command opens one: with a notice on standard error
/// while another writer holds it (``ReadablePlanOptions`` and ``WritablePlanOptions`` open a
/// file through it; a server's address goes to ``openServerPlan(_:)`` instead).
struct PlanFile {
    var path: String

    /// `forReading`: the command only reads the plan (one connection, no write on opening).
    func open(create: Bool = false, forReading: Bool = false) throws -> GeoPackage {
        LockWait.setNotice { path, seconds in
            tell("\(path): another process (a second gridplan writer, QGIS editing, …) is writing the plan; waiting up to \(Int(seconds)) s for it")
        }
        return try GeoPackage.plan(path: path, create: create, forReading: forReading)
    }
}

/// The `--db` option of a command that only reads the plan, and can read it on a server too.
struct ReadablePlanOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: """
            The plan: a GeoPackage file, or a plan on a PostgreSQL + PostGIS server, put there by `gridplan copy` \
            (postgresql://USER@HOST:PORT/DB, the password in the address or in PGPASSWORD).
            """)
    var path: String

    /// Opens it for reading: a GeoPackage `forReading`, or a connection to the server (whose
    /// plan must have this release's schema).
    func open() throws -> any PlanStore {
        guard PostgresURL.isServer(path) else { return try PlanFile(path: path).open(forReading: true) }
        return try openServerPlan(path)
    }

    /// Closes a server's connection (a file needs nothing).
    func close(_ plan: any PlanStore) { closeServerPlan(plan) }
}

/// The `--db` option of a command that changes the plan, on a file or on a server.
struct WritablePlanOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: """
            The plan: a GeoPackage file, or a plan on a PostgreSQL + PostGIS server, put there by `gridplan copy` \
            (postgresql://USER@HOST:PORT/DB, the password in the address or in PGPASSWORD); several processes \
            may change a server's plan at once.
            """)
    var path: String

    /// Opens it for writing: a GeoPackage, or a connection to the server (whose plan must have
    /// this release's schema). `forReading`: this run only reads (a dry run), so a file is opened
    /// as readers open it and a writer elsewhere is not held up.
    /// `create`: a missing file becomes a new plan (a server's plan is put there by `copy`).
    func open(forReading: Bool = false, create: Bool = false) throws -> any WritablePlanStore {
        guard PostgresURL.isServer(path) else { return try PlanFile(path: path).open(create: create, forReading: forReading) }
        return try openServerPlan(path)
    }

    /// Closes a server's connection (a file needs nothing).
    func close(_ plan: any PlanStore) { closeServerPlan(plan) }
}

/// The plan as messages name it: a file's path as given, a server's address without its password.
func shownLocation(_ path: String) -> String {
    guard PostgresURL.isServer(path) else { return path }
    return (try? PostgresURL(parsing: path))?.description ?? PostgresURL.redact(path)
}

/// A connection to the plan on the server at `address`, checked to have this release's schema.
func openServerPlan(_ address: String) throws -> PostGISPlan {
    try PostGISPlan.openWaiting(try PostgresURL(parsing: address), steps: PlanSchema.schema.migrations)
}

private func closeServerPlan(_ plan: any PlanStore) {
    try? (plan as? PostGISPlan)?.closeWaiting()
}

/// A failure reported with an exit status of its own rather than its kind's: `validate` exits 2
/// for anything that stops the check running, whatever its kind.
struct CLIError: Error, CustomStringConvertible {
    let underlying: any Error
    let status: Int32
    init(_ underlying: any Error, status: Int32) { self.underlying = underlying; self.status = status }
    var description: String { "\(underlying)" }
}

/// gridplan's exit statuses, one table for every command (the README's):
/// 0 done; 1 done, with findings or rejected rows (see ``rejectedRows(_:)``); 2 not done: unusable
/// input, whatever its kind; 3 not done because another process is writing the plan: run it again;
/// 64 not understood (an unknown option, a missing argument: ArgumentParser's usage errors).
func exitStatus(_ kind: ErrorKind) -> Int32 {
    switch kind {
    case .busy: 3
    case .badArgument, .badInput, .notFound, .conflict, .unsupported, .failed: 2
    }
}

/// Ends a command that did its work but set rows aside (rejected lines, cases it could not
/// dispatch): exit status 1, after everything else was stored and printed.
func rejectedRows(_ count: Int) throws {
    if count > 0 { throw ExitCode(1) }
}

/// A setting as the command line spells it: its option (`--crs`; `-k`, the one short option).
func flag(_ setting: Setting) -> String { setting.rawValue.count == 1 ? "-" + setting.rawValue : "--" + setting.rawValue }

/// The one line the command line prints for an error: settings written as options, in the
/// user's language (``Language/process``).
func errorLine(_ error: any Error) -> String {
    switch error {
    case let e as GridplanError: e.localized(flag)
    case let e as CLIError: errorLine(e.underlying)
    default: "\(error)"
    }
}

/// Runs a command body, turning library errors into a one-line message and an exit status.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch {
        // Interrupted: the signal handler removes the temporary files and ends the process by the
        // signal; an error from a file it just removed is not the story.
        while TemporaryFiles.shared.isTerminating { pause() }
        FileHandle.standardError.write(Data("\(errorPrefix)\(errorLine(error))\n".utf8))
        switch error {
        case let e as CLIError: throw ExitCode(e.status)
        case let e as GridplanError: throw ExitCode(exitStatus(e.kind))
        default: throw ExitCode(1)
        }
    }
}

/// ``reportingErrors(_:)`` for an async command body.
func reportingErrorsAsync(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as ExitCode {
        throw e
    } catch {
        try reportingErrors { throw error }
    }
}

/// What an error line starts with, in the user's language.
var errorPrefix: String { Language.current == .zh ? "gridplan：错误：" : "gridplan: error: " }

/// A warning on standard error, in the user's language.
func warn(_ message: Wording) {
    let prefix = Language.current == .zh ? "gridplan：警告：" : "gridplan: warning: "
    FileHandle.standardError.write(Data("\(prefix)\(message.localized(flag))\n".utf8))
}

/// Counts by status, `3 inside, 1 outside`, the statuses in the user's language.
func statusCounts<K: Comparable>(_ counts: [K: Int]) -> String {
    counts.sorted { $0.key < $1.key }.map { Wording("\($0.value) \($0.key)").localized(flag) }
        .joined(separator: Language.current == .zh ? "，" : ", ")
}

/// The columns `text` takes on a terminal: two for each wide (CJK) character, one for others.
func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        let v = scalar.value
        let wide =
            (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
        return width + (wide ? 2 : 1)
    }
}

/// `text` followed by spaces up to `width` terminal columns (at least one space), so that
/// columns line up with Chinese words in them too.
func padded(_ text: String, to width: Int) -> String {
    text + String(repeating: " ", count: max(1, width - displayWidth(text)))
}

/// A word of the message catalogue (a level, a status) in the user's language.
func localizedWord(_ word: String) -> String {
    MessageCatalogue.translation(ofValue: word, in: .current) ?? word
}

/// A report line on standard error (standard output carries a table or data), in the user's language.
func tell(_ line: Wording) {
    FileHandle.standardError.write(Data((line.localized(flag) + "\n").utf8))
}

/// Prints one line of a command's report in the user's language (the message catalogue's
/// Chinese when `LANG` starts with `zh`); tables and `--json` stay as they are.
func say(_ line: Wording) {
    print(line.localized(flag))
}

/// Parses a CRS option given as text, with PROJ's reason when it is unknown.
func parseCRS(_ text: String, option: String) throws -> CRS {
    do { return try CRS(parsing: text) } catch let e as GridplanError {
        throw GridplanError(.badArgument, "\(option) \(text): \(e.message)", hint: e.hint)
    }
}

/// Prints a command's report as JSON with snake_case keys: on standard output, or standard error
/// when standard output carries the data (`--out -`).
func printReport<T: Encodable>(_ report: T, dataTo out: String? = nil) throws {
    ReportLines(dataTo: out).print(try JSONOutput.string(report, snakeCaseKeys: true))
}

/// Prints one of the library's JSON output types, formatted as everything gridplan prints.
func printJSON<T: Encodable>(_ value: T) throws {
    print(try JSONOutput.string(value))
}
