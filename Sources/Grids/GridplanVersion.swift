import GridFormats
import GridGeometry
import GridProjection
import GridStore

/// gridplan's version, kept here only: the command line's `--version` and anything else that
/// reports it read it from this one place.
public enum GridplanVersion {
    public static let version = "0.1.0"

    /// The geometry, projection, format and database libraries gridplan runs on, each as the loaded
    /// library reports itself (Debian upgrades them underneath a built binary).
    package static func libraries() -> [(name: String, version: String)] {
        [
            ("GEOS", geosLibraryVersion()), ("PROJ", projLibraryVersion()), ("GDAL", gdalLibraryVersion()),
            ("SQLite", sqliteLibraryVersion()),
        ]
    }

    /// What `gridplan --version` prints: gridplan's version, then one line per library.
    package static func report() -> String {
        (["gridplan \(version)"] + libraries().map { "\($0.name) \($0.version)" }).joined(separator: "\n")
    }
}
