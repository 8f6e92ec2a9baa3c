import Foundation
import GridErrors
import GridFormats
import GridProjection
import GridTestSupport
import Grids
import Testing

@testable import GridStore

/// Files gridplan writes: whole or not at all, beside their target, never readable by others
/// while written; paths compared by the file they name.
@Suite struct OutputFileTests {
    @Test func pathsAreComparedByTheFileTheyName() throws {
        let folder = TemporaryFolder()
        let plan = folder.write("plan.gpkg", "x")
        #expect(symlink(plan, folder.path("link.gpkg")) == 0)
        #expect(link(plan, folder.path("hard.gpkg")) == 0)
        #expect(FileIdentity.same(folder.path("link.gpkg"), plan))
        #expect(FileIdentity.same(folder.path("hard.gpkg"), plan))
        #expect(FileIdentity.same(folder.url.path + "/./sub/../plan.gpkg", plan))
        #expect(!FileIdentity.same(folder.write("other.gpkg", "x"), plan))
        // A file not made yet is compared by its absolute path.
        #expect(FileIdentity.same(folder.path("new.csv"), folder.url.path + "/./new.csv"))
        #expect(!FileIdentity.same(folder.path("new.csv"), folder.path("new2.csv")))
    }

    @Test func anUncommittedFileLeavesTheEarlierOneWhole() throws {
        let folder = TemporaryFolder()
        let target = folder.write("out.csv", "earlier\n")
        chmod(target, 0o640)
        do {
            let output = try OutputFile(target)
            let handle = try output.create()
            try handle.write(contentsOf: Data("half".utf8))
            var info = stat()
            #expect(stat(output.temporary, &info) == 0 && info.st_mode & 0o777 == 0o600)
            #expect((output.temporary as NSString).deletingLastPathComponent == folder.url.path)
            // Dropped without commit: a failed run.
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "earlier\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["out.csv"])
        let output = try OutputFile(target)
        try output.create().write(contentsOf: Data("new\n".utf8))
        try output.commit()
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        var info = stat()
        #expect(stat(target, &info) == 0 && info.st_mode & 0o777 == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["out.csv"])
    }

    @Test func aKilledRunsTemporaryFileIsRemovedByTheNextRun() throws {
        let folder = TemporaryFolder()
        // PID 2^22 + 1 is above Linux's largest (pid_max is at most 2^22): no such process.
        let stale = folder.write(".gridplan-tmp-4194305-out.csv", "left by a kill")
        let live = folder.write(".gridplan-tmp-\(getppid())-out.csv", "a running process's")
        let other = folder.write(".gridplan-tmp-notes.csv", "not ours")
        _ = try OutputFile(folder.path("out.csv"))
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live) && FileManager.default.fileExists(atPath: other))
    }

    @Test func aFailedExportLeavesTheEarlierFileWhole() throws {
        let folder = TemporaryFolder()
        let target = folder.write("grids.geojson", "earlier")
        do {
            let writer = try VectorWriter(path: target, format: .geojson, layerName: "g", crs: .cgcs2000, fields: [("a", .integer)])
            try writer.write(wkb: nil, values: [.integer(1)])
            // Not closed: the export failed part-way.
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "earlier")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["grids.geojson"])
        let shp = folder.path("grids.shp")
        let writer = try VectorWriter(path: shp, format: .shp, layerName: "g", crs: .cgcs2000, fields: [("a", .integer)])
        try writer.write(wkb: [1, 3, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0] + square, values: [.integer(1)])
        try writer.close()
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.url.path))
        #expect(names.isSuperset(of: ["grids.shp", "grids.shx", "grids.dbf", "grids.prj"]) && !names.contains { $0.hasPrefix(".gridplan") })
        #expect(try ogrinfo(shp).first?.featureCount == 1)
    }

    /// The corners of a small square as little-endian doubles (the ring of a WKB polygon).
    var square: [UInt8] {
        [(110.0, 21.0), (110.1, 21.0), (110.1, 21.1), (110.0, 21.0)].flatMap { x, y in
            withUnsafeBytes(of: x.bitPattern.littleEndian, Array.init) + withUnsafeBytes(of: y.bitPattern.littleEndian, Array.init)
        }
    }

    /// A plan another process holds while gridplan opens it for the first time (its migrations
    /// need the write lock): a busy error after the wait, said once, not a raw SQLite error.
    @Test func openingALockedPlanWaitsThenSaysBusy() throws {
        let folder = TemporaryFolder()
        let path = folder.path("locked.gpkg")
        _ = try run("sqlite3", [path, "PRAGMA user_version = 0; CREATE TABLE t (x); DROP TABLE t;"])
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["sqlite3", path]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = Pipe()
        try holder.run()
        input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE; CREATE TABLE held (x);\nSELECT 1;\n".utf8))
        Thread.sleep(forTimeInterval: 0.5)
        let notices = NoticeLog()
        LockWait.setNotice { path, seconds in notices.add("\(path) \(seconds)") }
        let started = Date()
        let error = #expect(throws: GridplanError.self) { _ = try GeoPackage(path: path, schema: GridsSchema.schema, lockWait: 0.4) }
        #expect(error?.kind == .busy && "\(error!)".contains("waited 0.4 s"), "\(String(describing: error))")
        #expect(Date().timeIntervalSince(started) >= 0.4)
        #expect(notices.lines.filter { $0.hasPrefix(path) } == ["\(path) 0.4"])
        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
    }
}

final class NoticeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
