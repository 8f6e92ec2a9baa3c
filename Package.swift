// swift-tools-version: 6.2
// gridplan: a GIS engine for community grid governance (网格化治理).
//
// Layers, each depending only on those above it (ARCHITECTURE.md has the map, the rules and who
// owns which table). Every module declares each package it imports, and `MemberImportVisibility`
// makes the compiler hold each file to its own imports.
//   CGEOS, CPROJ, CGDAL   system libraries from Debian's -dev packages
//   GridErrors            the one error type: kind, source, message and hint (no dependencies)
//   GridGeometry          safe Swift over GEOS (geometries, predicates, STRtree, point locator)
//   GridProjection        CRS names, PROJ transforms, GCJ-02/BD-09, local metric CRS, geodesic measures
//   GridFormats           reading and writing foreign vector formats through GDAL/OGR
//   GridStore             the GeoPackage file (SQLite through GRDB, R-tree indexes, migration machinery)
//   Grids                 the grid hierarchy: model, import, validation, codes, measures, history; point assignment
//   Cases                 incidents: the case store, import, spatial queries, stats
//   Duty                  the roster: people, duties, departments; who covers a point; dispatch and case life cycle
//   Planning              generating area/unit grids along streets, balanced in households (partition)
//   Geocoding             Chinese address normalising, parsing, gazetteer, matching, batch geocoding
//   Desk                  what the CLI and the server share: the whole plan's schema, the who-covers desk
//   PostGIS               the plan on a PostgreSQL + PostGIS server (PostgresNIO): copying it there and back
//   Server                HTTP API and web map (Hummingbird)
//   gridplan              the command-line tool
import PackageDescription

/// GRDB, for the modules that own tables or read through the store.
var grdb: Target.Dependency { .product(name: "GRDB", package: "GRDB.swift") }

/// Settings for gridplan's own targets: each file must import every module whose declarations it uses,
/// and an import is internal unless written `public import` or `package import` (a module's API
/// shows which modules it re-exposes).
var strict: [SwiftSetting] { [.enableUpcomingFeature("MemberImportVisibility"), .enableUpcomingFeature("InternalImportsByDefault")] }

/// The executable's settings: its argument types conform to ArgumentParser's protocols publicly,
/// which internal imports do not allow.
var strictExecutable: [SwiftSetting] { [.enableUpcomingFeature("MemberImportVisibility")] }

let package = Package(
    name: "gridplan",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gridplan", targets: ["gridplan"]),
        .library(name: "Grids", targets: ["Grids", "GridErrors"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.14.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.25.0"),
    ],
    targets: [
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        // GDAL's headers only: libgdal is loaded on first use by CGDALLoader (see GDALLoader.c), not at start.
        .systemLibrary(name: "CGDAL", providers: [.apt(["libgdal-dev"])]),
        .target(name: "CGDALLoader", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "GridErrors", swiftSettings: strict),
        .target(name: "GridGeometry", dependencies: ["CGEOS", "GridErrors"], swiftSettings: strict),
        .target(name: "GridProjection", dependencies: ["CPROJ", "GridGeometry", "GridErrors"], swiftSettings: strict),
        .target(name: "GridFormats", dependencies: ["CGDAL", "CGDALLoader", "GridGeometry", "GridErrors", "GridProjection"], swiftSettings: strict),
        .target(name: "GridStore", dependencies: ["GridGeometry", "GridErrors", "GridProjection", "CSQLite", grdb], swiftSettings: strict),
        .target(
            name: "Grids", dependencies: ["GridGeometry", "GridErrors", "GridProjection", "GridFormats", "GridStore", grdb], swiftSettings: strict),
        .target(
            name: "Cases", dependencies: ["Grids", "GridGeometry", "GridErrors", "GridProjection", "GridFormats", "GridStore", grdb],
            swiftSettings: strict),
        .target(
            name: "Duty", dependencies: ["Cases", "Grids", "GridGeometry", "GridErrors", "GridProjection", "GridFormats", "GridStore", grdb],
            swiftSettings: strict),
        .target(
            name: "Planning", dependencies: ["GridGeometry", "GridErrors", "GridProjection", "GridFormats", "GridStore", "Grids"],
            swiftSettings: strict),
        .target(
            name: "Geocoding", dependencies: ["Cases", "Grids", "GridGeometry", "GridErrors", "GridProjection", "GridFormats", "GridStore", grdb],
            swiftSettings: strict),
        .target(
            name: "Workload",
            dependencies: ["Duty", "Cases", "Grids", "GridGeometry", "GridErrors", "GridProjection", "GridFormats", "GridStore", grdb],
            // The exact balance search runs against a clock: optimised in debug builds too, so that what the
            // tests prove within their time limits is what a release build proves.
            swiftSettings: strict + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // The plan on a PostgreSQL + PostGIS server: the same tables, read from the GeoPackage's own schema.
        .target(
            name: "PostGIS",
            dependencies: [
                "GridStore", "GridGeometry", "GridErrors", grdb,
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: strict),
        .target(
            name: "Desk", dependencies: ["Duty", "Geocoding", "Cases", "Grids", "GridGeometry", "GridErrors", "GridProjection", "GridStore", grdb],
            swiftSettings: strict),
        .target(
            name: "Server",
            dependencies: [
                "Desk", "Duty", "Cases", "Grids", "Geocoding", "GridGeometry", "GridErrors", "GridProjection", "GridStore", "Workload",
                "CZlib", grdb,
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: strict, plugins: ["EmbedLeaflet"]),
        // Debian's Leaflet (libjs-leaflet) embedded in the Server module for the offline web map.
        .plugin(name: "EmbedLeaflet", capability: .buildTool()),
        .executableTarget(
            name: "gridplan",
            dependencies: [
                "Grids", "Cases", "Duty", "Planning", "Geocoding", "Desk", "Server", "Workload", "GridFormats", "GridGeometry", "GridErrors",
                "GridProjection", "PostGIS",
                "GridStore", grdb,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], swiftSettings: strictExecutable),

        // Helpers the test suites share: temporary folders, running GDAL's command-line tools.
        .target(
            name: "GridTestSupport", dependencies: ["Grids", "GridGeometry", "GridErrors", "GridProjection", "GridStore", grdb],
            path: "Tests/Support", swiftSettings: strict),
        .testTarget(name: "GridErrorsTests", dependencies: ["GridErrors"], swiftSettings: strict),
        .testTarget(name: "GridGeometryTests", dependencies: ["GridGeometry", "GridErrors"], swiftSettings: strict),
        // Run under valgrind by tools/leakcheck: no GEOS handle may leak.
        .executableTarget(
            name: "geometry-leakcheck", dependencies: ["GridGeometry", "GridErrors", "CGEOS"], path: "Tests/LeakCheck",
            swiftSettings: strict),
        .testTarget(name: "GridProjectionTests", dependencies: ["GridProjection", "GridGeometry", "GridErrors"], swiftSettings: strict),
        .testTarget(
            name: "GridStoreTests", dependencies: ["GridStore", "GridFormats", "GridGeometry", "GridErrors", "Grids", "GridTestSupport", grdb],
            swiftSettings: strict),
        .testTarget(
            name: "GridsTests",
            dependencies: [
                "Grids", "GridGeometry", "GridErrors", "GridProjection", "GridFormats", "GridStore",
                "GridTestSupport", grdb,
            ], swiftSettings: strict),
        .testTarget(
            name: "CasesTests",
            dependencies: [
                "Cases", "Grids", "GridGeometry", "GridErrors", "GridProjection", "GridStore",
                "GridTestSupport", grdb,
            ], swiftSettings: strict),
        .testTarget(
            name: "DutyTests",
            dependencies: [
                "Duty", "Cases", "Grids", "GridGeometry", "GridErrors", "GridProjection", "GridStore",
                "GridTestSupport", grdb,
            ], swiftSettings: strict),
        .testTarget(
            name: "PlanningTests",
            dependencies: [
                "Planning", "Cases", "Grids", "GridGeometry", "GridErrors", "GridProjection", "GridFormats",
                "GridStore", "GridTestSupport", grdb,
            ], swiftSettings: strict),
        .testTarget(
            name: "GeocodingTests",
            dependencies: [
                "Geocoding", "Cases", "Grids", "GridGeometry", "GridErrors", "GridProjection", "GridStore",
                "GridTestSupport", grdb,
            ], swiftSettings: strict),
        .testTarget(
            name: "WorkloadTests", dependencies: ["Workload", "GridErrors", "Duty", "Grids", "GridProjection", "GridStore", "GridTestSupport", grdb],
            swiftSettings: strict),
        .testTarget(
            name: "DeskTests", dependencies: ["Cases", "Desk", "GridErrors", "Grids", "GridStore", "GridTestSupport", grdb],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Desk", "Duty", "Grids", "GridGeometry", "GridErrors", "GridProjection", "GridStore",
                "GridTestSupport", grdb,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(name: "PostGISTests", dependencies: ["PostGIS", "GridErrors", grdb], swiftSettings: strict),
        .testTarget(name: "CLITests", dependencies: ["Grids"], exclude: ["Help"], swiftSettings: strict),
    ]
)
