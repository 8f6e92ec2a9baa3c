import Foundation
import Grids
import XCTest

/// The `--help` of every command and subcommand, compared with the committed text in `Help/`
/// (`Help/gridplan.txt` for the top level, `Help/cases-import.txt` for `gridplan cases import`).
/// Help is part of the interface: any change to it shows up here and is reviewed as a diff of
/// those files. After changing help on purpose, record the new text and commit it:
///
///     GRIDPLAN_RECORD_HELP=1 swift test --filter CLITests
///
/// The commands are taken from the binary itself (`--experimental-dump-help`), so a new command
/// without a snapshot fails too. Help is rendered 80 columns wide (COLUMNS=80), as in a terminal
/// that size and as when it is not a terminal at all.
final class HelpSnapshotTests: XCTestCase {
    static let helpFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Help")
    static var recording: Bool { ProcessInfo.processInfo.environment["GRIDPLAN_RECORD_HELP"] == "1" }

    func testEveryCommandsHelpMatchesItsSnapshot() throws {
        let commands = try CLI.commandPaths()
        XCTAssertGreaterThan(commands.count, 20, "the command tree looks incomplete: \(commands)")
        var recorded: [String] = []
        for path in commands {
            let result = try CLI.run(path + ["--help"], columns: 80)
            let command = (["gridplan"] + path).joined(separator: " ")
            XCTAssertEqual(result.status, 0, "\(command) --help failed: \(result.stderr)")
            let file = Self.helpFolder.appendingPathComponent(CLI.snapshotName(path))
            if Self.recording {
                try FileManager.default.createDirectory(at: Self.helpFolder, withIntermediateDirectories: true)
                try result.stdout.write(to: file, atomically: true, encoding: .utf8)
                recorded.append(file.lastPathComponent)
                continue
            }
            guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
                XCTFail("no snapshot \(file.path) for `\(command)`; record it with GRIDPLAN_RECORD_HELP=1")
                continue
            }
            if result.stdout != expected {
                XCTFail(
                    """
                    help of `\(command)` differs from \(file.lastPathComponent) \
                    (re-record with GRIDPLAN_RECORD_HELP=1 if the change is meant):
                    \(firstDifference(expected: expected, actual: result.stdout))
                    """)
            }
        }
        if Self.recording { print("recorded \(recorded.count) help snapshots in \(Self.helpFolder.path)") }
    }

    /// A snapshot left behind by a command that no longer exists would pin nothing: refuse it.
    func testEverySnapshotBelongsToACommand() throws {
        let wanted = Set(try CLI.commandPaths().map(CLI.snapshotName))
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.helpFolder.path).filter { $0.hasSuffix(".txt") }
        if Self.recording {
            for stale in present where !wanted.contains(stale) {
                try FileManager.default.removeItem(at: Self.helpFolder.appendingPathComponent(stale))
            }
            return
        }
        XCTAssertEqual(Set(present).subtracting(wanted).sorted(), [], "snapshots of commands gridplan no longer has")
    }

    /// Examples must stay whole at 80 columns: every example line (a line starting with
    /// `gridplan`, or continuing one that ends in a backslash) of the help rendered without a width
    /// limit appears unchanged in the 80-column help, i.e. it was never broken mid-command.
    func testExamplesAreNotBrokenByWrapping() throws {
        var examples = 0
        for path in try CLI.commandPaths() {
            let wide = try CLI.run(path + ["--help"], columns: 1000).stdout
            let narrow = Set(try CLI.run(path + ["--help"], columns: 80).stdout.split(separator: "\n", omittingEmptySubsequences: false))
            var continued = false
            for line in wide.split(separator: "\n", omittingEmptySubsequences: false) {
                let isExample = continued || line.hasPrefix("  gridplan ") || line.hasPrefix("  echo ")
                continued = isExample && line.hasSuffix(" \\")
                guard isExample else { continue }
                examples += 1
                XCTAssertTrue(narrow.contains(line), "`gridplan \(path.joined(separator: " ")) --help` breaks this example at 80 columns: \(line)")
            }
        }
        XCTAssertGreaterThan(examples, 40, "fewer examples found than the help has: is the test still looking at them?")
    }

    /// `--version`: gridplan's version from its one constant, then the libraries as loaded, checked
    /// against pkg-config's record of the installed -dev packages (Debian keeps them in step).
    func testVersionNamesGridplanAndTheLibrariesItRunsOn() throws {
        let result = try CLI.run(["--version"], columns: 80)
        XCTAssertEqual(result.status, 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "gridplan \(GridplanVersion.version)")
        XCTAssertEqual(lines.dropFirst().map { String($0.prefix { $0 != " " }) }, ["GEOS", "PROJ", "GDAL", "SQLite"])
        for (name, module) in [("GEOS", "geos"), ("PROJ", "proj"), ("GDAL", "gdal"), ("SQLite", "sqlite3")] {
            guard let installed = try CLI.pkgConfigVersion(module) else { continue }
            let line = lines.first { $0.hasPrefix(name + " ") } ?? ""
            XCTAssertTrue(line.hasPrefix("\(name) \(installed)"), "\(line) is not the installed \(module) \(installed)")
        }
        // Every subcommand answers --version the same way (ArgumentParser passes it down).
        XCTAssertEqual(try CLI.run(["cases", "import", "--version"], columns: 80).stdout, result.stdout)
    }

    private func firstDifference(expected: String, actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(e.count, a.count) where i >= e.count || i >= a.count || e[i] != a[i] {
            return "line \(i + 1):\n  expected: \(i < e.count ? String(e[i]) : "(end)")\n  actual:   \(i < a.count ? String(a[i]) : "(end)")"
        }
        return "(same lines, different line endings)"
    }
}
