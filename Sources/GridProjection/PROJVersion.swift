import CPROJ

/// The version of the PROJ library loaded at run time (e.g. "9.1.1"), asked of the library itself.
package func projLibraryVersion() -> String {
    String(cString: proj_info().version)
}
