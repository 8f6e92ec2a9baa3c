public import Foundation
import GRDB

extension GeoPackage {
    /// A consistent copy of the whole plan at `path` (SQLite's online backup, while other readers
    /// and writers go on): for trying a change on a copy before making it on the plan.
    public func backup(to path: String) throws {
        let target = try DatabaseQueue(path: path)
        try database.backup(to: target)
        try target.close()
    }
}
