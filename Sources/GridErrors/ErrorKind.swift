/// What kind of failure an error is, so that callers act on it without reading its words: the
/// command line chooses its exit status by kind, the server its HTTP status, and tests match kinds.
public enum ErrorKind: String, Sendable, Codable, CaseIterable {
    /// An option, parameter or question is wrong as given (a bad day, a negative radius, two
    /// options that exclude each other).
    case badArgument
    /// A file or record is wrong: a row, feature or field that cannot be read or makes no sense.
    case badInput
    /// Something named does not exist: a file, a grid code, a case, a place in the gazetteer.
    case notFound
    /// The plan's state does not allow it: a case in the wrong state, a code used twice, a plan
    /// that cannot start before the one it replaces, a file that is not a gridplan plan.
    case conflict
    /// Another process holds the plan; trying again later may succeed.
    case busy
    /// A format, CRS or operation gridplan does not offer.
    case unsupported
    /// The system or a library failed where the input was fine: I/O, GEOS, PROJ, GDAL, SQLite.
    case failed
}
