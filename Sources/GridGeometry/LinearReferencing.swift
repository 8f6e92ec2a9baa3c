import CGEOS
import Foundation
import GridErrors

/// Linear referencing on lines (GEOS's length-indexed line): the point at a distance or fraction
/// along a line, and how far along a line a point projects. Distances are in the units of the
/// coordinates and measured from the line's first point.
extension Geometry {
    /// The line must be a non-empty LineString or MultiLineString (parts in order).
    private func requireLineal(_ what: String) throws {
        guard type == .lineString || type == .multiLineString else {
            throw GridplanError(.badArgument, "\(what) needs a LineString or MultiLineString, not a \(type)")
        }
        guard !isEmpty else { throw GridplanError(.badArgument, "\(what) of an empty line") }
    }

    /// The point `distance` along the line (GEOSInterpolate_r); a negative distance counts from
    /// the end, and distances beyond either end give that end.
    public func interpolate(distance: Double) throws -> Geometry {
        try requireLineal("interpolate")
        guard distance.isFinite else { throw GridplanError(.badArgument, "interpolate: distance \(distance) is not finite") }
        context.resetError()
        return try context.wrap(GEOSInterpolate_r(handle, pointer, distance), "interpolate failed")
    }

    /// The point at `fraction` (0 = first point, 1 = last) of the line's length
    /// (GEOSInterpolateNormalized_r); fractions outside 0…1 are clamped to the ends.
    public func interpolate(fraction: Double) throws -> Geometry {
        try requireLineal("interpolate")
        guard fraction.isFinite else { throw GridplanError(.badArgument, "interpolate: fraction \(fraction) is not finite") }
        context.resetError()
        return try context.wrap(
            GEOSInterpolateNormalized_r(handle, pointer, Swift.min(1, Swift.max(0, fraction))),
            "interpolate failed")
    }

    /// How far along the line the point nearest to `point` lies (GEOSProject_r).
    public func project(_ point: Geometry) throws -> Double {
        try requireLineal("project")
        guard point.type == .point, !point.isEmpty else { throw GridplanError(.badArgument, "project: needs a non-empty point, not a \(point.type)") }
        try requireSameContext(point)
        context.resetError()
        let d = GEOSProject_r(handle, pointer, point.pointer)
        guard d >= 0 else { throw context.error("project failed") }
        return d
    }

    /// The same as a fraction of the line's length, 0…1 (GEOSProjectNormalized_r).
    public func projectedFraction(_ point: Geometry) throws -> Double {
        try requireLineal("project")
        guard point.type == .point, !point.isEmpty else { throw GridplanError(.badArgument, "project: needs a non-empty point, not a \(point.type)") }
        try requireSameContext(point)
        context.resetError()
        let f = GEOSProjectNormalized_r(handle, pointer, point.pointer)
        guard f >= 0 else { throw context.error("project failed") }
        return f
    }

    private func requireSameContext(_ other: Geometry) throws {
        guard other.context === context else {
            throw GridplanError(.badArgument, "geometries of two GEOS contexts: clone one into the other's context first")
        }
    }
}

/// A few GEOS contexts shared by threads that each need one only briefly (a lookup that builds
/// a line and interpolates on it): a context is taken out, used by one thread, and put back.
/// Geometries made in a context must not outlive the closure that was given it.
public final class GEOSContextPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [GEOSContext] = []

    public init() {}

    public func withContext<T>(_ body: (GEOSContext) throws -> T) rethrows -> T {
        lock.lock()
        let context = idle.popLast() ?? GEOSContext()
        lock.unlock()
        defer {
            lock.lock()
            idle.append(context)
            lock.unlock()
        }
        return try body(context)
    }
}
