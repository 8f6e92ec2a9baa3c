import CGDAL

/// The version of the GDAL library loaded at run time (e.g. "3.6.2"), asked of the library itself.
package func gdalLibraryVersion() -> String {
    String(cString: GDALVersionInfo("RELEASE_NAME"))
}
