import ArgumentParser
import Foundation
import GridErrors
import GridProjection

struct CoordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coords",
        abstract: "Convert coordinates read from standard input, like PROJ's cs2cs.",
        usage: "gridplan coords --from-crs <from-crs> --to-crs <to-crs> [--precision <precision>]",
        discussion: """
            Reads one point per line as "x,y" (comma) or "x y" (spaces or tabs), x being longitude or \
            easting; anything after the two numbers is passed through. Writes the converted lines. \
            A line that is not two numbers, or a point that cannot be converted, is reported on \
            standard error with its line number and left out; the exit status is then 1. \
            CRSs: EPSG:NNNN, wgs84, cgcs2000, gcj02 (Amap/Gaode, Tencent), bd09 (Baidu), or any PROJ \
            definition. GCJ-02/BD-09 offsets apply only inside China's rectangle (lon 72.004–137.8347, \
            lat 0.8293–55.8271); outside it points pass through unchanged, as in the apps.

            Example:
              echo "110.3594,21.2707" | gridplan coords --from-crs gcj02 --to-crs wgs84
            """)

    // Required, but optional here so that the old spellings (--from, --to) can stand in for them.
    @Option(help: "The CRS of the input.") var fromCrs: String?
    @Option(help: "The CRS of the output.") var toCrs: String?
    @Option(name: .customLong("from"), help: oldSpelling(of: "--from-crs")) var oldFrom: String?
    @Option(name: .customLong("to"), help: oldSpelling(of: "--to-crs")) var oldTo: String?
    @Option(help: "Decimals in the output (default: 9 for degrees, 4 for metres).") var precision: Int?

    var from: String { get throws { try required(fromCrs, oldFrom, new: "--from-crs", old: "--from") } }
    var to: String { get throws { try required(toCrs, oldTo, new: "--to-crs", old: "--to") } }

    func validate() throws {
        try checkRange(precision, 0...17, option: "--precision")
        let (from, to) = (try self.from, try self.to)
        try reportingErrors { _ = try (parseCRS(from, option: "--from-crs"), parseCRS(to, option: "--to-crs")) }
    }

    func run() throws {
        var rejected = 0
        try reportingErrors {
            let source = try parseCRS(try from, option: "--from-crs")
            let target = try parseCRS(try to, option: "--to-crs")
            let transformer = try CoordinateTransformer(from: source, to: target)
            let decimals = try precision ?? ((try target.isGeographic) ? 9 : 4)
            let geographicSource = try source.isGeographic
            var batch: [(number: Int, x: Double, y: Double, separator: String, rest: String)] = []
            var lineNumber = 0
            func flush() {
                var xs = batch.map(\.x), ys = batch.map(\.y)
                let failed = Set(transformer.transform(x: &xs, y: &ys))
                var out = ""
                for (i, item) in batch.enumerated() {
                    if failed.contains(i) {
                        let problem: Wording = "line \(item.number): (\(item.x) \(item.y)) cannot be converted from \(source) to \(target)"
                        let message = "gridplan: \(problem.localized(flag))\n"
                        FileHandle.standardError.write(Data(message.utf8))
                        rejected += 1
                        continue
                    }
                    out += String(format: "%.\(decimals)f", xs[i]) + item.separator + String(format: "%.\(decimals)f", ys[i]) + item.rest + "\n"
                }
                FileHandle.standardOutput.write(Data(out.utf8))
                batch.removeAll(keepingCapacity: true)
            }
            while let line = readLine(strippingNewline: true) {
                lineNumber += 1
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                guard let parsed = CoordsCommand.parse(trimmed) else {
                    let message = "gridplan: line \(lineNumber): '\(line.prefix(80))' is not two numbers (x,y or x y); skipped\n"
                    FileHandle.standardError.write(Data(message.utf8))
                    rejected += 1
                    continue
                }
                // PROJ passes impossible degrees through some transforms unchanged: refuse them here.
                if geographicSource && (abs(parsed.x) > 180 || abs(parsed.y) > 90) {
                    let hint = abs(parsed.x) <= 90 && abs(parsed.y) <= 180 ? ": longitude and latitude look swapped" : ""
                    let message = "gridplan: line \(lineNumber): (\(parsed.x) \(parsed.y)) is not a longitude/latitude in \(source)\(hint); skipped\n"
                    FileHandle.standardError.write(Data(message.utf8))
                    rejected += 1
                    continue
                }
                batch.append((lineNumber, parsed.x, parsed.y, parsed.separator, parsed.rest))
                if batch.count == 65_536 { flush() }
            }
            flush()
        }
        if rejected > 0 { throw ExitCode(1) }
    }

    /// Two leading numbers and the rest of the line; nil when the line does not start with them.
    static func parse(_ line: String) -> (x: Double, y: Double, separator: String, rest: String)? {
        let separator = line.contains(",") ? "," : " "
        let fields: [Substring] =
            separator == ","
            ? line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
            : line.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 2,
            let x = Double(fields[0].trimmingCharacters(in: .whitespaces)),
            let y = Double(fields[1].trimmingCharacters(in: .whitespaces)),
            x.isFinite, y.isFinite
        else { return nil }
        let rest = fields.count > 2 ? separator + fields[2] : ""
        return (x, y, separator, rest)
    }
}
