// swift-tools-version: 6.2
// gridplan: a GIS engine for community grid governance (网格化治理).
//
// Layers, each depending only on those above it:
//   CGEOS, CPROJ, CGDAL   system libraries from Debian's -dev packages
//   GridGeometry          safe Swift over GEOS (geometries, predicates, STRtree)
//   GridProjection        CRS names, PROJ transforms, GCJ-02/BD-09, local metric CRS, geodesic measures
//   GridFormats           reading and writing foreign vector formats through GDAL/OGR
//   GridStore             the GeoPackage store (SQLite through GRDB, R-tree indexes, migrations)
//   Grids                 the grid hierarchy: model, import, validation, codes, measures, history
//   Planning              generating area/unit grids along streets, balanced in households (partition)
//   Cases                 incidents: assignment to grids, the case store, spatial queries
//   Duty                  the roster: people, duties, departments; who covers a point; dispatch and case life cycle
//   Geocoding             Chinese address normalising, parsing, gazetteer, matching, batch geocoding
//   Server                who-covers answered the same way everywhere; HTTP API and web map (Hummingbird)
//   gridplan              the command-line tool
import PackageDescription

let package = Package(
    name: "gridplan",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gridplan", targets: ["gridplan"]),
        .library(name: "Grids", targets: ["Grids"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.14.0"),
    ],
    targets: [
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        .target(name: "GridGeometry", dependencies: ["CGEOS"]),
        .target(name: "GridProjection", dependencies: ["CPROJ", "GridGeometry"]),
        .target(name: "GridFormats", dependencies: ["CGDAL", "GridGeometry", "GridProjection"]),
        .target(name: "GridStore", dependencies: [
            "GridGeometry", "GridProjection", "CSQLite",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "Grids", dependencies: ["GridGeometry", "GridProjection", "GridFormats", "GridStore"]),
        .target(name: "Cases", dependencies: ["Grids", "GridGeometry", "GridProjection", "GridFormats", "GridStore"]),
        .target(name: "Duty", dependencies: ["Cases", "Grids", "GridGeometry", "GridProjection", "GridFormats", "GridStore",
                                             .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Planning", dependencies: ["GridGeometry", "GridProjection", "GridFormats", "GridStore", "Grids",
                                                 .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Geocoding", dependencies: ["Cases", "Grids", "GridGeometry", "GridProjection", "GridFormats", "GridStore"]),
        .target(name: "Server", dependencies: [
            "Duty", "Cases", "Grids", "Geocoding", "GridGeometry", "GridProjection", "GridStore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "gridplan", dependencies: [
            "Grids", "Cases", "Duty", "Planning", "Geocoding", "Server", "GridFormats", "GridProjection", "GridStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Helpers the test suites share: temporary folders, running GDAL's command-line tools.
        .target(name: "GridTestSupport", dependencies: ["Grids", "GridProjection", "GridStore"], path: "Tests/Support"),
        .testTarget(name: "GridGeometryTests", dependencies: ["GridGeometry"]),
        // Run under valgrind by tools/leakcheck: no GEOS handle may leak.
        .executableTarget(name: "geometry-leakcheck", dependencies: ["GridGeometry", "CGEOS"], path: "Tests/LeakCheck"),
        .testTarget(name: "GridProjectionTests", dependencies: ["GridProjection"]),
        .testTarget(name: "GridStoreTests", dependencies: ["GridStore", "GridFormats", "GridTestSupport"]),
        .testTarget(name: "GridsTests", dependencies: ["Grids", "GridTestSupport"]),
        .testTarget(name: "CasesTests", dependencies: ["Cases", "GridTestSupport"]),
        .testTarget(name: "DutyTests", dependencies: ["Duty", "Cases", "GridTestSupport"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "Grids", "GridGeometry", "GridProjection", "GridStore", "GridTestSupport",
                                                          .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "GeocodingTests", dependencies: ["Geocoding", "Cases", "GridTestSupport"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "Duty", "Grids", "GridProjection", "GridStore", "GridTestSupport",
                                                        .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "CLITests", dependencies: ["Grids"]),
    ]
)
