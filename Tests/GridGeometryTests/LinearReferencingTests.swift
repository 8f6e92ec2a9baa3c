import Foundation
import GridErrors
import Testing

@testable import GridGeometry

@Suite struct LinearReferencingTests {
    /// An L-shaped line 10 + 5 long: distances and fractions along it, both ways.
    @Test func interpolateAndProject() throws {
        let line = try Geometry(wkt: "LINESTRING (0 0, 10 0, 10 5)")
        #expect(try line.interpolate(distance: 4).xy == (4, 0))
        #expect(try line.interpolate(distance: 12).xy == (10, 2))
        #expect(try line.interpolate(distance: -1).xy == (10, 4)) // from the end
        #expect(try line.interpolate(distance: 99).xy == (10, 5)) // clamped
        #expect(try line.interpolate(fraction: 0.5).xy == (7.5, 0))
        #expect(try line.interpolate(fraction: 1.5).xy == (10, 5))
        let p = try Geometry(x: 12, y: 3, context: line.context)
        #expect(try line.project(p) == 13)
        #expect(abs(try line.projectedFraction(p) - 13.0 / 15.0) < 1e-12)
        // Parts of a multi-line in order.
        let multi = try Geometry(wkt: "MULTILINESTRING ((0 0, 2 0), (5 0, 5 2))")
        #expect(try multi.interpolate(distance: 3).xy == (5, 1))
    }

    @Test func refusesWhatIsNotALine() throws {
        let polygon = try Geometry(wkt: "POLYGON ((0 0, 1 0, 1 1, 0 0))")
        #expect(#expect(throws: GridplanError.self) { try polygon.interpolate(fraction: 0.5) }?.kind == .badArgument)
        let line = try Geometry(wkt: "LINESTRING (0 0, 1 0)")
        #expect(#expect(throws: GridplanError.self) { try line.interpolate(fraction: .nan) }?.kind == .badArgument)
        #expect(#expect(throws: GridplanError.self) { try line.project(line) }?.kind == .badArgument)
        // A point of another context is refused rather than mixed into this one.
        #expect(#expect(throws: GridplanError.self) { try line.project(try Geometry(x: 0.5, y: 0)) }?.kind == .badArgument)
        #expect(#expect(throws: GridplanError.self) { try Geometry(wkt: "LINESTRING EMPTY").interpolate(distance: 0) }?.kind == .badArgument)
    }

    @Test func aPoolHandsOutContextsToManyThreads() throws {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var values: [Int: Double] = [:]
        }
        let pool = GEOSContextPool(), results = Results()
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let x = pool.withContext { context in
                let line = try! Geometry(lineString: [(0, 0), (Double(i), 0)], context: context)
                return try! line.interpolate(fraction: 0.5).xy.x
            }
            results.lock.lock(); results.values[i] = x; results.lock.unlock()
        }
        #expect((0..<64).allSatisfy { results.values[$0] == Double($0) / 2 })
    }
}
