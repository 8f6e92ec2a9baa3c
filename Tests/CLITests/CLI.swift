import Foundation
import XCTest

/// Runs the built `gridplan` binary as a user would, for the help and version tests.
enum CLI {
    /// `$GRIDPLAN`, else the binary next to the test bundle (`swift test` builds every product).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["GRIDPLAN"] { return URL(fileURLWithPath: path) }
        #if os(macOS)
            let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL.deletingLastPathComponent()
            return (products ?? Bundle.main.bundleURL).appendingPathComponent("gridplan")
        #else
            return Bundle.main.bundleURL.appendingPathComponent("gridplan")
        #endif
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs gridplan with `arguments`, as on a terminal `columns` wide, with `input` on standard
    /// input (none: an empty one) and `environment` over this process's (nil values removed).
    static func run(
        _ arguments: [String], columns: Int = 100, input: String = "", environment extra: [String: String?] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw CLIFailure("no gridplan binary at \(binary.path): build it first (swift build)")
        }
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = String(columns)
        for (name, value) in extra { environment[name] = value }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        // Read both pipes to the end before waiting: a full pipe would otherwise block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Every command and subcommand, as word lists ([] for gridplan itself), from the command tree
    /// the binary describes (ArgumentParser's help dump); the generated `help` command is left out.
    static func commandPaths() throws -> [[String]] {
        let dump = try run(["--experimental-dump-help"], columns: 80)
        guard dump.status == 0, let tree = try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any],
            let root = tree["command"] as? [String: Any]
        else {
            throw CLIFailure("gridplan --experimental-dump-help gave no command tree: \(dump.stderr)")
        }
        var paths: [[String]] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            paths.append(path)
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, name != "help" else { continue }
                walk(sub, path + [name])
            }
        }
        walk(root, [])
        return paths
    }

    /// The snapshot file of a command: its words joined by "-", "gridplan" for the top level.
    static func snapshotName(_ path: [String]) -> String {
        (path.isEmpty ? "gridplan" : path.joined(separator: "-")) + ".txt"
    }

    /// The version pkg-config records for an installed -dev package, nil without pkg-config.
    static func pkgConfigVersion(_ module: String) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pkg-config", "--modversion", module]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
