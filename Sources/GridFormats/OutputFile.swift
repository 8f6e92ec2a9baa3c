public import Foundation
import GridErrors

/// The identity of a file on disk, its device and inode: two paths name one file when these are
/// equal, however they are spelled (`./plan.gpkg`, a symbolic or hard link, `..` on the way).
public struct FileIdentity: Equatable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    /// The identity of the file at `path` (links followed), nil when nothing is there yet.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// Whether two paths name the same file: by identity when both exist, else by their absolute,
    /// standardised spelling (a file not yet made has no identity).
    public static func same(_ a: String, _ b: String) -> Bool {
        if let x = FileIdentity(path: a), let y = FileIdentity(path: b) { return x == y }
        return absolute(a) == absolute(b)
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}

/// A file written whole or not at all. The bytes go to a temporary file in the target's own folder
/// (so the last step is one `rename`, on the same disk), named `.gridplan-tmp-PID-NAME` and created
/// with mode 0600; ``commit()`` gives it the mode a new file gets (or the old file's) and renames it
/// over the target. Until then any earlier file at the target stays as it was. A failed run removes
/// its temporary file, and so do SIGINT and SIGTERM; one left by a killed process is removed by the
/// next gridplan run that writes into the same folder.
public final class OutputFile: @unchecked Sendable {
    public let target: String
    /// Where the bytes are written until ``commit()``; it keeps the target's extension, which
    /// GDAL's drivers go by.
    public let temporary: String
    private var done = false

    public static let prefix = ".gridplan-tmp-"

    public init(_ target: String) throws {
        self.target = target
        let url = URL(fileURLWithPath: target)
        let folder = url.deletingLastPathComponent().path
        Self.removeStale(in: folder)
        temporary = url.deletingLastPathComponent().appendingPathComponent("\(Self.prefix)\(getpid())-\(url.lastPathComponent)").path
        TemporaryFiles.shared.add(temporary)
    }

    /// Creates the temporary file, empty, with mode 0600 (for writers that write through a handle).
    public func create() throws -> FileHandle {
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw GridplanError(.failed, "cannot write (\(String(cString: strerror(errno))))", source: .file(target))
        }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// Renames the temporary file (and, for a Shapefile, each of its side files) over the target.
    public func commit() throws {
        guard !done else { return }
        done = true
        defer { TemporaryFiles.shared.remove(temporary) }
        let mode = Self.modeFor(target)
        for (from, to) in Self.companions(temporary, target) {
            chmod(from, mode)
            guard rename(from, to) == 0 else {
                let reason = String(cString: strerror(errno))
                discardFiles()
                throw GridplanError(.failed, "cannot put the finished file in place (\(reason))", source: .file(target))
            }
        }
    }

    /// Removes the temporary file(s); the target is left as it was.
    public func discard() {
        guard !done else { return }
        done = true
        discardFiles()
        TemporaryFiles.shared.remove(temporary)
    }

    deinit { discard() }

    private func discardFiles() {
        for (from, _) in Self.companions(temporary, target) { unlink(from) }
        unlink(temporary)
    }

    /// The temporary file with its target, and the side files GDAL writes beside some formats
    /// (a Shapefile's `.dbf`, `.shx`, …; a CSV's `.csvt` and `.prj`), each with its own target.
    static func companions(_ temporary: String, _ target: String) -> [(String, String)] {
        let ext = (target as NSString).pathExtension
        let sides: [String] =
            switch ext.lowercased() {
            case "shp": ["shp", "shx", "dbf", "prj", "cpg", "qix", "sbn", "sbx"]
            case "csv": ["csv", "csvt", "prj"]
            default: [ext]
            }
        let fromBase = (temporary as NSString).deletingPathExtension, toBase = (target as NSString).deletingPathExtension
        return sides.compactMap { side in
            let variant = ext == ext.uppercased() ? side.uppercased() : side
            let from = ext.isEmpty ? temporary : "\(fromBase).\(variant)"
            return FileManager.default.fileExists(atPath: from) ? (from, ext.isEmpty ? target : "\(toBase).\(variant)") : nil
        }
    }

    /// The mode of the file being replaced, or what a new file gets under the process's umask.
    public static func modeFor(_ target: String) -> mode_t {
        var info = stat()
        if stat(target, &info) == 0 { return info.st_mode & 0o7777 }
        let mask = umask(0)
        umask(mask)
        return 0o666 & ~mask
    }

    private static let cleaned = LockedFolders()

    /// Removes `.gridplan-tmp-PID-…` files in `folder` whose process is no longer running (a
    /// killed run's), once per folder and process. Files of running processes, and every other
    /// file, are left alone.
    static func removeStale(in folder: String) {
        guard cleaned.firstTime(folder), let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else {
            return
        }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
            if pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH { continue }
            unlink((folder as NSString).appendingPathComponent(name))
        }
    }
}

final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func get() -> Bool { lock.withLock { value } }
    func set(_ new: Bool) { lock.withLock { value = new } }
}

/// Folders already cleaned of stale temporary files by this process.
final class LockedFolders: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: Set<String> = []
    func firstTime(_ folder: String) -> Bool { lock.withLock { seen.insert(folder).inserted } }
}

/// Temporary files and folders of this process, removed on SIGINT and SIGTERM before the signal ends it as it
/// would have (the handler runs on a dispatch queue, not in signal context, so it may take a lock).
public final class TemporaryFiles: @unchecked Sendable {
    public static let shared = TemporaryFiles()
    private let lock = NSLock()
    private var paths: Set<String> = []
    private var sources: [any DispatchSourceSignal] = []
    private let terminating = LockedFlag()

    /// True once SIGINT or SIGTERM arrived: the process is about to end by that signal, and an
    /// error the main thread meets meanwhile (its files just removed) is not worth reporting.
    public var isTerminating: Bool { terminating.get() }

    public func add(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        paths.insert(path)
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM] {
            // A signal the process was started ignoring (a background job's SIGINT) stays ignored.
            let previous = signal(sig, SIG_IGN)
            if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                self?.terminating.set(true)
                self?.removeAll()
                signal(sig, SIG_DFL)
                // To the process, not this thread (`raise`): dispatch's threads block the signal.
                kill(getpid(), sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    public func remove(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        paths.remove(path)
    }

    func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        for path in paths {
            for (from, _) in OutputFile.companions(path, path) { unlink(from) }
            // A file, or a private folder with the copy of standard input in it.
            try? FileManager.default.removeItem(atPath: path)
        }
        paths.removeAll()
    }
}
