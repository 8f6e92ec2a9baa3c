import Foundation
import GRDB
import GridGeometry
import GridProjection
import GridStore
import Grids

/// A grid and its chain of parents, as an assignment reports them.
public struct GridChain: Sendable {
    public struct Link: Sendable {
        public var fid: Int64
        public var code: String?
        public var name: String?
    }
    /// By level; nil where the plan has no grid at that level above this one.
    public var street: Link?, community: Link?, area: Link?, unit: Link?
    public func link(_ level: GridLevel) -> Link? {
        switch level {
        case .street: street
        case .community: community
        case .area: area
        case .unit: unit
        }
    }
}

/// How a point was assigned.
public enum AssignStatus: String, Sendable {
    /// Strictly inside a grid.
    case inside
    /// On a boundary shared by grids: given to one by the tie rule (lowest code).
    case boundary
    /// Outside every grid but within the snap distance of the nearest: given to it.
    case snapped
    /// Outside every grid, farther than the snap distance.
    case outside
    /// No usable coordinates.
    case noLocation = "no_location"
}

public struct Assignment: Sendable {
    public var status: AssignStatus
    /// Index into ``Assigner/chains`` of the grid assigned (or, when outside, the nearest one).
    public var grid: Int?
    /// Metres to the nearest grid, for snapped and outside points.
    public var distanceM: Double?
}

/// Assigns points (CGCS2000 longitude/latitude) to the lowest grid level of the current plan,
/// usually the unit grids, with the chain of parents above.
///
/// Rules: a point strictly inside a grid gets it; a point on a shared boundary gets the grid
/// with the lowest code (then the lowest id): deterministic and independent of input order; a
/// point outside every grid is `outside`, with the nearest grid and its distance in metres,
/// and within `snapMetres` of it, `snapped` to it.
///
/// The ``CellIndex`` is built once and shared; each worker thread makes its own GEOS and PROJ
/// objects from WKB, following the one-context-per-thread rule.
public final class Assigner: Sendable {
    public let chains: [GridChain]
    public let level: GridLevel
    public let snapMetres: Double
    public let planVersion: Int64
    let polygonsWKB: [[UInt8]]
    let ranks: [Int]
    let index: CellIndex
    let metricCRS: CRS

    public init(store: GeoPackage, snapMetres: Double = 30) throws {
        let (grids, version) = try store.read { db in
            (try GridRecord.current(db), try Int64.fetchOne(db, sql: "SELECT max(id) FROM plan_versions") ?? 0)
        }
        guard let lowest = grids.map(\.level).max() else {
            throw GridplanError("\(store.path) has no grids to assign to; import a plan first")
        }
        level = lowest
        planVersion = version
        self.snapMetres = snapMetres
        let byFid = Dictionary(uniqueKeysWithValues: grids.map { ($0.fid, $0) })
        let targets = grids.filter { $0.level == lowest }
        let context = GEOSContext()
        var chains: [GridChain] = []
        var wkbs: [[UInt8]] = []
        for grid in targets {
            var chain = GridChain()
            var current: GridRecord? = grid
            while let g = current {
                let link = GridChain.Link(fid: g.fid, code: g.code, name: g.name)
                switch g.level {
                case .street: chain.street = link
                case .community: chain.community = link
                case .area: chain.area = link
                case .unit: chain.unit = link
                }
                current = g.parentFid.flatMap { byFid[$0] }
            }
            chains.append(chain)
            wkbs.append(try grid.geometry(context).wkb)
        }
        self.chains = chains
        polygonsWKB = wkbs
        // Tie rule: lowest code first (grids without code last), then lowest id.
        let order = targets.indices.sorted { a, b in
            let ca = targets[a].code ?? "\u{10FFFF}", cb = targets[b].code ?? "\u{10FFFF}"
            return ca != cb ? ca < cb : targets[a].fid < targets[b].fid
        }
        var ranks = [Int](repeating: 0, count: targets.count)
        for (rank, i) in order.enumerated() { ranks[i] = rank }
        self.ranks = ranks
        let locator = try PointLocator(polygonsWKB: wkbs, ranks: ranks)
        index = locator.index
        let envelopes = try wkbs.map { try Geometry(wkb: $0, context: context).envelope! }
        metricCRS = LocalMetric.crs(for: envelopes.dropFirst().reduce(envelopes[0]) { $0.union($1) })
    }

    /// The per-thread part: GEOS locator and the nearest-grid search in metres.
    public final class Worker {
        let assigner: Assigner
        let locator: PointLocator
        let nearest: NearestGrid

        init(_ assigner: Assigner) throws {
            self.assigner = assigner
            locator = try PointLocator(polygonsWKB: assigner.polygonsWKB, ranks: assigner.ranks, index: assigner.index)
            nearest = try NearestGrid(polygonsWKB: assigner.polygonsWKB, ranks: assigner.ranks, metricCRS: assigner.metricCRS)
        }

        public func assign(lon: Double, lat: Double) throws -> Assignment {
            guard lon.isFinite, lat.isFinite else { return Assignment(status: .noLocation) }
            switch try locator.locate(x: lon, y: lat) {
            case .inside(let i): return Assignment(status: .inside, grid: i)
            case .boundary(let i): return Assignment(status: .boundary, grid: i)
            case .outside:
                guard let (i, d) = try nearest.nearest(lon: lon, lat: lat) else { return Assignment(status: .outside) }
                return Assignment(status: d <= assigner.snapMetres ? .snapped : .outside, grid: i, distanceM: d)
            }
        }
    }

    public func worker() throws -> Worker { try Worker(self) }

    /// Assigns many points using `threads` threads (each with its own GEOS and PROJ objects).
    public func assign(lon: [Double], lat: [Double], threads: Int = 1) throws -> [Assignment] {
        precondition(lon.count == lat.count)
        let n = lon.count
        let results = ResultBuffer(count: n)
        let threadCount = max(1, min(threads, n / 10_000 + 1))
        let failure = FirstError()
        DispatchQueue.concurrentPerform(iterations: threadCount) { t in
            let start = n * t / threadCount, end = n * (t + 1) / threadCount
            do {
                let worker = try self.worker()
                for i in start..<end { results.set(i, try worker.assign(lon: lon[i], lat: lat[i])) }
            } catch { failure.record(error) }
        }
        if let error = failure.error { throw error }
        return results.values
    }
}

extension Assignment {
    init(status: AssignStatus) { self.init(status: status, grid: nil, distanceM: nil) }
}

/// Results written by several threads, each to its own disjoint range of indices. The memory
/// is allocated once: `Array.withUnsafeMutableBufferPointer` may move an array's storage while
/// it runs, so concurrent calls on one array lose writes.
final class ResultBuffer: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Assignment>
    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: Assignment(status: .noLocation))
    }
    deinit { storage.deinitialize(); storage.deallocate() }
    func set(_ i: Int, _ value: Assignment) { storage[i] = value }
    var values: [Assignment] { Array(storage) }
}

/// The first error thrown by any worker thread.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: Error?
    func record(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
}
