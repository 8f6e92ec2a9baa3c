// Drives every part of the GEOS layer many times, so that valgrind (run by tools/leakcheck)
// can show that no GEOS handle is ever leaked. `--leak-on-purpose` leaks one geometry, to
// prove the check catches a leak.
import CGEOS
import GridGeometry

let leakOnPurpose = CommandLine.arguments.contains("--leak-on-purpose")

func workload() throws {
    let context = GEOSContext()
    let a = try Geometry(wkt: "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))", context: context)
    let b = try Geometry(geoJSON: #"{"type":"Polygon","coordinates":[[[2,2],[6,2],[6,6],[2,6],[2,2]]]}"#, context: context)
    let c = try Geometry(wkb: try a.wkb, context: context)
    _ = try c.wkt(precision: 3)
    _ = try b.geoJSON()
    _ = try a.intersection(b).area + a.union(b).area + a.difference(b).area + a.symmetricDifference(b).area
    _ = try a.buffer(0.5).centroid().xy
    _ = try a.pointOnSurface()
    _ = try a.boundary().noded()
    _ = try Geometry.unionAll([a, b, c], context: context)
    _ = try a.distance(to: b) + a.hausdorffDistance(to: b)
    _ = try a.simplified(tolerance: 0.1).withPrecision(0.01)
    _ = try a.rings().count + a.parts.count
    _ = try a.mapCoordinates { x, y in for i in x.indices { x[i] += 1; y[i] -= 1 } }
    let bowTie = try Geometry(wkt: "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))", context: context)
    _ = try bowTie.validityProblem()?.location
    _ = try bowTie.makeValid()
    let lines = try Geometry(wkt: "MULTILINESTRING ((0 0, 10 0, 10 10, 0 10, 0 0), (5 -1, 5 11))", context: context)
    _ = try Geometry.polygonize([try lines.unaryUnion()], context: context)
    _ = try Geometry(lineString: [(0, 0), (3, 4), (6, 0)], context: context).densified(maxSegmentLength: 0.5)
    _ = try? Geometry(lineString: [(0, 0)], context: context)
    let prepared = try PreparedGeometry(a)
    _ = try prepared.contains(b) || prepared.intersects(b) || prepared.covers(x: 3, y: 3)
    let tree = try STRtree([a, b, c], context: context)
    _ = tree.query(b)
    _ = try tree.intersecting(b)
    _ = try Geometry.collection(.multiPolygon, [a, b], context: context).clone(into: GEOSContext())
    _ = try tree.nearest(to: Geometry(x: 9, y: 9, context: context))
    // The point locator: its own context, prepared polygons, tree and cell index.
    let squares = try [(0.0, 0.0), (1, 0), (0, 1), (1, 1)].map { x, y in
        try Geometry(polygon: [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1), (x, y)], context: context).wkb
    }
    let locator = try PointLocator(polygonsWKB: squares, maxCells: 4_096)
    for (x, y) in [(0.5, 0.5), (1.0, 1.0), (1.5, 0.0), (3.0, 3.0)] { _ = try locator.locate(x: x, y: y) }
    let shared = try PointLocator(polygonsWKB: squares, ranks: [3, 2, 1, 0], index: locator.index)
    _ = try shared.locate(x: 1, y: 0.5)
    // Linear referencing (house-number ranges) and the context pool.
    let road = try Geometry(lineString: [(0, 0), (3, 4), (6, 0)], context: context)
    _ = try road.interpolate(distance: 2.5).xy
    _ = try road.interpolate(fraction: 0.75).xy
    let onRoad = try Geometry(x: 3, y: 0, context: context)
    _ = try road.project(onRoad) + road.projectedFraction(onRoad)
    _ = try? road.project(a)
    let pool = GEOSContextPool()
    _ = try pool.withContext { c in try Geometry(lineString: [(0, 0), (1, 1)], context: c).interpolate(fraction: 0.5).xy }
    // Error paths free what they made, too.
    _ = try? Geometry(wkt: "POLYGON ((0 0, 1 0, 1 1))", context: context)
    _ = try? Geometry(wkb: [1, 3, 0, 0, 0, 9], context: context)
    _ = try? Geometry(polygon: [(0, 0), (1, 0)], context: context)
    _ = try? a.part(7)
}

for _ in 0..<200 { try workload() }
if leakOnPurpose {
    let context = GEOS_init_r()
    _ = GEOSGeom_createPointFromXY_r(context, 1, 2)
    print("leaked one geometry and one context on purpose")
}
print("geometry layer exercised")
