public import GridErrors

/// How every importer finds the fields of a file: the one the user named, else the first of the
/// usual names present. Names match in any case (`Households`, `HOUSEHOLDS`).
public enum FieldLookup {
    /// The index in `names` of the field the user named with `setting` (an error listing the
    /// fields there are when there is none), else of the first of `usual` present, else nil.
    public static func index(
        in names: [String], named given: String?, setting: Setting, usual: [String], file: String
    ) throws -> Int? {
        let lower = names.map { $0.lowercased() }
        if let given {
            guard let i = lower.firstIndex(of: given.lowercased()) else {
                throw GridplanError(
                    .notFound, "\(setting: setting) \(given): no such field; the fields are: \(names.joined(separator: ", "))",
                    source: .file(file))
            }
            return i
        }
        return usual.lazy.compactMap { lower.firstIndex(of: $0.lowercased()) }.first
    }
}
