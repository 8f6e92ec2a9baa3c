package import Foundation

/// Files gridplan keeps between runs to start faster, in `$XDG_CACHE_HOME/gridplan` (else
/// `~/.cache/gridplan`). Each is an answer a library gave (which operation PROJ chose, what ICU
/// makes of each character), with a first line saying what it was made from, so a changed
/// library makes it ignored and rewritten. A cache that cannot be read or written only costs time:
/// nothing here throws. `GRIDPLAN_CACHE=off` turns all of them off.
package enum UserCache {
    /// The file named `name` in the cache folder; nil when caching is off or there is no home.
    package static func file(_ name: String) -> URL? {
        let environment = ProcessInfo.processInfo.environment
        if environment["GRIDPLAN_CACHE"]?.lowercased() == "off" { return nil }
        let base: URL
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg)
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = URL(fileURLWithPath: home).appendingPathComponent(".cache")
        } else {
            return nil
        }
        return base.appendingPathComponent("gridplan").appendingPathComponent(name)
    }

    /// Writes `data` beside `url` and renames it over, so a reader never sees half a file; two
    /// processes, or two threads of one (the workers of a `plan diff`), writing at once leave one
    /// whole file. Failures are ignored.
    package static func write(_ data: Data, to url: URL) {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    /// Size, modification time and inode of the running executable: what it links in (Foundation's
    /// ICU in a static build) changes only with it.
    package static var executableStamp: String? {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return nil }
        return "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino)"
    }
}
