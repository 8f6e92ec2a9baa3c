import CPROJ
import Foundation
import GridErrors

/// Remembers, across processes, which operation PROJ chose to go from one CRS to another, as
/// its PROJ string. Why: `proj_create_crs_to_crs` searches proj.db for candidate operations,
/// which from WGS 84 (a datum ensemble) costs some 60 ms, most of a one-question command such as
/// `who-covers --crs gcj02`; re-creating the chosen operation from its string costs 0.02 ms.
///
/// Only a choice PROJ can write as one PROJ string is kept. When PROJ finds several candidates
/// and picks one per point (by area of use, by grids present), it has no single string and the
/// search is made every time. An entry holds only for the PROJ release, proj.db and grids it came
/// from: the file is named after PROJ's version, and its first line records proj.db's path, size
/// and modification time, the search folders' modification times (a grid installed) and
/// PROJ_NETWORK; any change makes the file ignored and then rewritten.
///
/// The file is a ``UserCache`` file; `GRIDPLAN_PROJ_CACHE=off` turns this one off.
enum OperationCache {
    /// The operation from `source` to `target`, normalised to longitude/latitude order, from the
    /// cache or else from PROJ's search (whose answer is then kept when it can be).
    static func operation(
        from source: String, to target: String, in context: PROJContext, cache: CacheFile? = CacheFile.current
    ) -> PJObject? {
        let key = "\(source)\t\(target)"
        if let text = cache?.entries()[key], let pj = proj_create(context.raw, text) {
            return PJObject(pj)
        }
        guard let found = proj_create_crs_to_crs(context.raw, source, target, nil) else { return nil }
        let owned = PJObject(found)
        guard let normalised = proj_normalize_for_visualization(context.raw, owned.raw) else { return nil }
        let operation = PJObject(normalised)
        // Several candidates have no PROJ string (PROJ says "not exportable"); keep nothing then.
        if let cache, let text = proj_as_proj_string(context.raw, operation.raw, PJ_PROJ_5, nil) {
            let string = String(cString: text)
            // An entry is one line of three tab-separated fields: a definition holding a tab or a
            // line break is not kept.
            if [source, target, string].allSatisfy({ !$0.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" }) }) {
                cache.add(key, string)
            }
        }
        return operation
    }

    /// The cache file for the PROJ and proj.db this process uses.
    struct CacheFile {
        let url: URL
        /// The first line: what the entries were made from (``projDatabaseStamp()``); a file
        /// made from anything else is not used.
        let stamp: String

        static var current: CacheFile? {
            if ProcessInfo.processInfo.environment["GRIDPLAN_PROJ_CACHE"]?.lowercased() == "off" { return nil }
            guard let database = projDatabaseStamp(), let url = UserCache.file("proj-\(projLibraryVersion())-operations.tsv") else {
                return nil
            }
            return CacheFile(url: url, stamp: "# proj.db\t\(database)")
        }

        /// The kept entries, "source⇥target" → PROJ string; none when the file is missing, of
        /// another proj.db, or unreadable.
        func entries() -> [String: String] {
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
            var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            guard lines.first.map(String.init) == stamp else { return [:] }
            lines.removeFirst()
            var entries: [String: String] = [:]
            for line in lines {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard fields.count == 3 else { continue }
                entries["\(fields[0])\t\(fields[1])"] = String(fields[2])
            }
            return entries
        }

        /// Adds one entry: the file is rewritten beside itself and renamed over, so a reader
        /// never sees half a file. Two processes adding at once may lose one entry, which is only
        /// searched for again.
        func add(_ key: String, _ operation: String) {
            var entries = entries()
            entries[key] = operation
            let body = ([stamp] + entries.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)" }).joined(separator: "\n") + "\n"
            UserCache.write(Data(body.utf8), to: url)
        }
    }

    /// proj.db as PROJ would find it, without opening it: the first of PROJ's search paths that
    /// holds one (PROJ_DATA and the built-in paths, as `proj_info` reports them), with its size
    /// and modification time; then each search folder's modification time and PROJ_NETWORK, as
    /// grids installed or reachable later can make PROJ choose another operation.
    static func projDatabaseStamp() -> String? {
        guard let paths = proj_info().searchpath.map({ String(cString: $0) }) else { return nil }
        var database: String?
        var folders: [String] = []
        for folder in paths.split(separator: ":") where !folder.isEmpty {
            var info = stat()
            if stat(String(folder), &info) == 0 { folders.append("\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)") }
            let path = "\(folder)/proj.db"
            if database == nil, stat(path, &info) == 0 {
                database = "\(path)\t\(info.st_size)\t\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            }
        }
        guard let database else { return nil }
        let network = ProcessInfo.processInfo.environment["PROJ_NETWORK"] ?? ""
        return "\(database)\tfolders \(folders.joined(separator: ","))\tnetwork \(network)"
    }
}
