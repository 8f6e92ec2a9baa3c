import CGEOS

/// The version of the GEOS library loaded at run time (e.g. "3.11.1-CAPI-1.17.1"), which can differ
/// from the headers gridplan was built against when the shared library is upgraded underneath.
package func geosLibraryVersion() -> String {
    String(cString: GEOSversion())
}
