public import GridStore

extension GridRecord {
    /// Current grids of a level (all levels when nil) in a plan file, ordered by code then id: for
    /// modules that read grids without opening a database transaction of their own.
    public static func current(in store: GeoPackage, level: GridLevel? = nil) throws -> [GridRecord] {
        try store.read { try current($0, level: level) }
    }
}
