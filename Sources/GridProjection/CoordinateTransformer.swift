import CPROJ
import GridErrors
public import GridGeometry

/// Transforms coordinates from one ``CRS`` to another: PROJ for everything it knows, with
/// GCJ-02/BD-09 offsets applied before or after (pivoting through WGS84 longitude/latitude).
/// Coordinates are always in x=longitude/easting, y=latitude/northing order, whatever the
/// CRS's official axis order (PROJ's "normalised for visualisation").
///
/// Not `Sendable`: a transformer owns a PROJ context; make one per thread.
public final class CoordinateTransformer {
    public let source: CRS
    public let target: CRS
    private let context = PROJContext()
    private var steps: [Step] = []

    private enum Step {
        case proj(PJObject)
        case offset((Double, Double) -> (lon: Double, lat: Double))
    }

    public init(from source: CRS, to target: CRS) throws {
        self.source = source
        self.target = target
        // Offset system to offset system: BD-09 is defined from GCJ-02, so go directly.
        switch (source, target) {
        case (.gcj02, .bd09): steps = [.offset(ChinaOffsets.gcj02ToBD09)]; return
        case (.bd09, .gcj02): steps = [.offset(ChinaOffsets.bd09ToGCJ02)]; return
        default: break
        }
        if source == .gcj02 { steps.append(.offset(ChinaOffsets.gcj02ToWGS84)) }
        if source == .bd09 { steps.append(.offset(ChinaOffsets.bd09ToWGS84)) }
        if source.projBase != target.projBase {
            guard let operation = OperationCache.operation(from: source.projBase, to: target.projBase, in: context) else {
                throw GridplanError(.failed, "no transformation from \(source) to \(target): \(context.lastError())")
            }
            steps.append(.proj(operation))
        }
        if target == .gcj02 { steps.append(.offset(ChinaOffsets.wgs84ToGCJ02)) }
        if target == .bd09 { steps.append(.offset(ChinaOffsets.wgs84ToBD09)) }
    }

    /// True when source and target are the same and nothing is done.
    public var isIdentity: Bool { steps.isEmpty }

    /// Transforms the arrays in place. Returns the indices of points that could not be
    /// transformed (outside the CRS's domain, not finite); those are set to NaN.
    @discardableResult
    public func transform(x: inout [Double], y: inout [Double]) -> [Int] {
        precondition(x.count == y.count, "x and y must have the same length")
        let n = x.count
        for step in steps {
            switch step {
            case .proj(let pj):
                x.withUnsafeMutableBufferPointer { xb in
                    y.withUnsafeMutableBufferPointer { yb in
                        _ = proj_trans_generic(
                            pj.raw, PJ_FWD,
                            xb.baseAddress, MemoryLayout<Double>.stride, n,
                            yb.baseAddress, MemoryLayout<Double>.stride, n,
                            nil, 0, 0, nil, 0, 0)
                    }
                }
            case .offset(let f):
                for i in 0..<n where x[i].isFinite && y[i].isFinite {
                    let p = f(x[i], y[i])
                    x[i] = p.lon; y[i] = p.lat
                }
            }
        }
        var failed: [Int] = []
        for i in 0..<n where !(x[i].isFinite && y[i].isFinite) {
            x[i] = .nan; y[i] = .nan
            failed.append(i)
        }
        return failed
    }

    /// One point; throws when it cannot be transformed.
    public func transform(x: Double, y: Double) throws -> (x: Double, y: Double) {
        var xs = [x], ys = [y]
        if !transform(x: &xs, y: &ys).isEmpty {
            throw GridplanError(.failed, "point (\(x) \(y)) cannot be transformed from \(source) to \(target)")
        }
        return (xs[0], ys[0])
    }

    /// A geometry with every coordinate transformed; throws if any point fails.
    public func transform(_ geometry: Geometry) throws -> Geometry {
        if isIdentity { return try geometry.clone() }
        return try geometry.mapCoordinates { x, y in
            let originalX = x, originalY = y
            let failed = transform(x: &x, y: &y)
            if let first = failed.first {
                throw GridplanError(.failed, "point (\(originalX[first]) \(originalY[first])) cannot be transformed from \(source) to \(target)")
            }
        }
    }
}
