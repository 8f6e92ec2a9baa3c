public import Foundation

/// A temporary folder removed when the value goes.
public final class TemporaryFolder: @unchecked Sendable {
    public let url: URL
    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gridplan-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let p = path(name)
        try! text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }
}

/// The result of running a program.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs a program found on PATH with arguments and returns its status and output.
public func run(_ program: String, _ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// What GDAL's `ogrinfo -so -al` reports about each layer of a file: an independent reader.
public struct OGRLayerInfo: Sendable {
    public var name: String
    public var geometry: String?
    public var featureCount: Int?
    public var extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)?
    /// The EPSG code of the layer's CRS, from the last ID["EPSG",N] of its WKT.
    public var epsg: Int?
}

public func ogrinfo(_ path: String) throws -> [OGRLayerInfo] {
    let result = try run("ogrinfo", ["-ro", "-so", "-al", path])
    guard result.status == 0 else { throw NSError(domain: "ogrinfo", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
    var layers: [OGRLayerInfo] = []
    for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if line.hasPrefix("Layer name: ") {
            layers.append(OGRLayerInfo(name: String(line.dropFirst("Layer name: ".count))))
        } else if layers.isEmpty {
            continue
        } else if line.hasPrefix("Geometry: ") {
            layers[layers.count - 1].geometry = String(line.dropFirst("Geometry: ".count))
        } else if line.hasPrefix("Feature Count: ") {
            layers[layers.count - 1].featureCount = Int(line.dropFirst("Feature Count: ".count))
        } else if line.hasPrefix("Extent: ") {
            // "Extent: (minx, miny) - (maxx, maxy)"
            let numbers = line.dropFirst("Extent: ".count)
                .replacingOccurrences(of: ") - (", with: " ")
                .replacingOccurrences(of: ",", with: " ")
                .trimmingCharacters(in: CharacterSet(charactersIn: "()"))
                .split(separator: " ").compactMap { Double($0) }
            if numbers.count == 4 { layers[layers.count - 1].extent = (numbers[0], numbers[1], numbers[2], numbers[3]) }
        } else if line.contains("ID[\"EPSG\",") {
            let digits = line.split(separator: ",").last?.filter(\.isNumber) ?? ""
            layers[layers.count - 1].epsg = Int(digits)
        }
    }
    return layers
}
