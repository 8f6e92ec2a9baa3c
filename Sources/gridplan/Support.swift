import ArgumentParser
import Desk
import Foundation
import GridFormats
import GridProjection
import GridStore
import Grids

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

/// The `--db` option every command that works on a plan shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The plan: a GeoPackage file (created on first import).")
    var path: String

    func open(create: Bool = false) throws -> GeoPackage {
        do { return try GeoPackage.plan(path: path, create: create) } catch let e as StoreError { throw CLIError(e.message) }
    }
}

/// A failure to report to the user as one line on standard error, with an exit status.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    let status: Int32
    init(_ message: String, status: Int32 = 1) { self.message = message; self.status = status }
    var description: String { message }
}

/// Runs a command body, turning library errors into a one-line message and an exit status.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch let e as CLIError {
        FileHandle.standardError.write(Data("gridplan: error: \(e.message)\n".utf8))
        throw ExitCode(e.status)
    } catch {
        FileHandle.standardError.write(Data("gridplan: error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("gridplan: warning: \(message)\n".utf8))
}

/// Parses a CRS option given as text, with PROJ's reason when it is unknown.
func parseCRS(_ text: String, option: String) throws -> CRS {
    do { return try CRS(parsing: text) } catch { throw CLIError("\(option) \(text): \(error)") }
}

/// Prints one of the library's JSON output types, formatted as everything gridplan prints.
func printJSON<T: Encodable>(_ value: T) throws {
    print(try JSONOutput.string(value))
}

/// `load --json` and `balance --json` only, until their reports have Codable output types like the others.
func jsonString(_ object: Any) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    return String(data: data, encoding: .utf8) ?? "{}"
}
