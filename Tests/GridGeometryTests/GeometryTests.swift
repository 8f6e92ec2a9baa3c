import Foundation
import GridErrors
import Testing

@testable import GridGeometry

@Suite struct GeometryIOTests {
    @Test func wktRoundTrip() throws {
        let g = try Geometry(wkt: "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))")
        #expect(g.type == .polygon)
        #expect(g.area == 96)
        #expect(g.length == 48)
        #expect(g.holeCount == 1)
        let again = try Geometry(wkt: try g.wkt())
        #expect(try again.equalsExact(g))
    }

    @Test func wkbRoundTrip() throws {
        let g = try Geometry(wkt: "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))")
        let bytes = try g.wkb
        #expect(bytes[0] == 1) // little-endian
        #expect(bytes[1] == 6) // ISO type 6 = MultiPolygon
        let back = try Geometry(wkb: bytes)
        #expect(try back.equalsExact(g))
        #expect(back.partCount == 2)
    }

    @Test func geoJSONReadsFeaturesAndWritesRightHandRule() throws {
        let feature = """
            {"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}}
            """
        let g = try Geometry(geoJSON: feature)
        #expect(g.type == .polygon)
        #expect(g.area == 1)
        // The input ring is clockwise; RFC 7946 output must be counter-clockwise.
        let json = try g.geoJSON()
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let ring = (object["coordinates"] as! [[[Double]]])[0]
        var signed = 0.0
        for i in 0..<(ring.count - 1) { signed += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] }
        #expect(signed > 0, "exterior ring must be counter-clockwise, got \(json)")
    }

    @Test func parseErrorsCarryGEOSMessage() throws {
        #expect {
            _ = try Geometry(wkt: "POLYGON ((0 0, 1 0, 1 1))")
        } throws: { error in
            let text = "\(error)"
            return text.contains("invalid WKT") && text.contains("closed")
        }
        #expect(#expect(throws: GridplanError.self) { _ = try Geometry(wkt: "NOT A GEOMETRY") }?.kind == .badInput)
        #expect(#expect(throws: GridplanError.self) { _ = try Geometry(wkb: [1, 2, 3]) }?.kind == .badInput)
        #expect(#expect(throws: GridplanError.self) { _ = try Geometry(geoJSON: "{\"type\":\"Polygon\"") }?.kind == .badInput)
    }
}

@Suite struct GeometryOperationTests {
    @Test func bowTieValidityHasReasonAndLocation() throws {
        let bowTie = try Geometry(wkt: "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))")
        let problem = try #require(try bowTie.validityProblem())
        #expect(problem.reason.contains("Self-intersection"))
        let location = try #require(problem.location)
        let p = try location.xy
        #expect(abs(p.x - 1) < 1e-12 && abs(p.y - 1) < 1e-12)
        let fixed = try bowTie.makeValid()
        #expect(try fixed.isValid)
        #expect(fixed.type == .multiPolygon)
        #expect(abs(fixed.area - 2) < 1e-12)
    }

    @Test func overlays() throws {
        let a = try Geometry(wkt: "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))")
        let b = try Geometry(wkt: "POLYGON ((2 2, 6 2, 6 6, 2 6, 2 2))")
        #expect(try a.intersection(b).area == 4)
        #expect(try a.union(b).area == 28)
        #expect(try a.difference(b).area == 12)
        #expect(try a.symmetricDifference(b).area == 24)
        #expect(try a.intersects(b))
        #expect(try a.overlaps(b))
        #expect(try !a.touches(b))
        let c = try a.centroid().xy
        #expect(c.x == 2 && c.y == 2)
        #expect(abs(try a.buffer(1, quadrantSegments: 64).area - (16 + 16 + Double.pi)) < 0.01)
        #expect(try Geometry.unionAll([a, b]).area == 28)
        #expect(try a.distance(to: try Geometry(x: 7, y: 4)) == 3)
    }

    @Test func polygonizeNodedStreetsIntoBlocks() throws {
        // A square cut by a cross of two streets: four blocks.
        let lines = [
            "LINESTRING (0 0, 10 0, 10 10, 0 10, 0 0)",
            "LINESTRING (5 -1, 5 11)",
            "LINESTRING (-1 5, 11 5)",
        ].map { try! Geometry(wkt: $0) }
        let noded = try Geometry.collection(.multiLineString, lines).unaryUnion()
        let blocks = try Geometry.polygonize([noded])
        #expect(blocks.partCount == 4)
        #expect(try blocks.parts.allSatisfy { abs($0.area - 25) < 1e-12 })
    }

    @Test func preparedPredicatesAndSTRtree() throws {
        var cells: [Geometry] = []
        for i in 0..<10 {
            for j in 0..<10 {
                let x = Double(i), y = Double(j)
                let ring: [(Double, Double)] = [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1), (x, y)]
                cells.append(try Geometry(polygon: ring))
            }
        }
        let tree = try STRtree(cells)
        let p = try Geometry(x: 3.5, y: 7.5)
        let candidates = tree.query(p)
        #expect(candidates == [37])
        let prepared = try PreparedGeometry(cells[37])
        #expect(try prepared.contains(p))
        #expect(try prepared.covers(x: 4, y: 8)) // corner: covered, not contained
        #expect(try !prepared.contains(try Geometry(x: 4, y: 8)))
        #expect(try tree.intersecting(try Geometry(wkt: "LINESTRING (0.5 0.5, 2.5 0.5)")).count == 3)
    }

    @Test func mapCoordinatesRebuildsEveryPart() throws {
        let g = try Geometry(wkt: "MULTIPOLYGON (((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1)), ((10 10, 11 10, 11 11, 10 10)))")
        let moved = try g.mapCoordinates { x, y in
            for i in x.indices { x[i] *= 2; y[i] += 100 }
        }
        #expect(moved.area == g.area * 2)
        #expect(moved.envelope == Envelope(minX: 0, minY: 100, maxX: 22, maxY: 111))
        #expect(try moved.parts[0].holeCount == 1)
    }

    @Test func contextsOnSeveralThreads() throws {
        // The documented rule: one context per worker, geometries passed as WKB.
        let wkb = try Geometry(wkt: "POLYGON ((0 0, 3 0, 3 3, 0 3, 0 0))").wkb
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let context = GEOSContext()
            let g = try! Geometry(wkb: wkb, context: context)
            results.set(i, try! g.buffer(Double(i)).area)
        }
        #expect(results.areas[0] == 9)
        #expect(results.areas[7] > results.areas[6])
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var areas = [Double](repeating: 0, count: 8)
        func set(_ i: Int, _ v: Double) { lock.lock(); areas[i] = v; lock.unlock() }
    }
}
