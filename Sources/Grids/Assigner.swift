import Foundation
import GRDB
import GridErrors
import GridGeometry
import GridProjection
public import GridStore

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

    /// `moment`: the plan in force on a day or at a version instead of the current one (for
    /// questions about the past, such as `who-covers --at`). `indexCells` bounds the point-location
    /// index: fine for batches (the default), small when only a few points will be asked about,
    /// since building a fine index costs more than a few exact tests.
    public init(store: any PlanStore, snapMetres: Double = 30, moment: PlanMoment? = nil, indexCells: Int = 32_000_000) throws {
        let (grids, version) = try store.reading { db in
            (try moment.map { try $0.grids(db) } ?? GridRecord.current(db), try db.value("SELECT max(id) FROM plan_versions") ?? Int64(0))
        }
        guard let lowest = grids.map(\.level).max() else {
            throw GridplanError(.notFound, "\(store.location) has no grids to assign to; import a plan first")
        }
        level = lowest
        planVersion = version
        self.snapMetres = snapMetres
        let byFid = Dictionary(uniqueKeysWithValues: grids.map { ($0.fid, $0) })
        let targets = grids.filter { $0.level == lowest }
        var chains: [GridChain] = []
        var wkbs: [[UInt8]] = []
        var extent: Envelope? = nil
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
            // The blob's own WKB, after its GeoPackage header: no round trip through GEOS.
            let header = try GeoPackageGeometry.header(grid.blob)
            wkbs.append([UInt8](grid.blob[(grid.blob.startIndex + header.wkbOffset)...]))
            if let e = try GeoPackageGeometry.envelope(grid.blob) { extent = extent.map { $0.union(e) } ?? e }
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
        let locator = try PointLocator(polygonsWKB: wkbs, ranks: ranks, maxCells: indexCells)
        index = locator.index
        guard let extent else { throw GridplanError(.notFound, "\(store.location): the \(lowest) grids have no geometry to assign to") }
        metricCRS = LocalMetric.crs(for: extent)
    }

    /// The per-thread part: GEOS locator and, made on first need, the nearest-grid search in metres.
    public final class Worker {
        let assigner: Assigner
        let locator: PointLocator
        private var nearestGrid: NearestGrid?

        init(_ assigner: Assigner) throws {
            self.assigner = assigner
            locator = try PointLocator(polygonsWKB: assigner.polygonsWKB, ranks: assigner.ranks, index: assigner.index)
        }

        public func assign(lon: Double, lat: Double) throws -> Assignment {
            var out = [Assignment(status: .noLocation)]
            try assign(lon: [lon], lat: [lat], range: 0..<1) { _, a in out[0] = a }
            return out[0]
        }

        /// Assigns points `range` of the arrays, reporting each through `store`. Points outside
        /// every grid are projected to metres together and searched with per-cell candidates.
        func assign(lon: [Double], lat: [Double], range: Range<Int>, store: (Int, Assignment) -> Void) throws {
            var outside: [Int] = []
            for (i, location) in zip(range, try locator.locate(x: lon, y: lat, range: range)) {
                guard lon[i].isFinite, lat[i].isFinite else { store(i, Assignment(status: .noLocation)); continue }
                switch location {
                case .inside(let g): store(i, Assignment(status: .inside, grid: g))
                case .boundary(let g): store(i, Assignment(status: .boundary, grid: g))
                case .outside: outside.append(i)
                }
            }
            guard !outside.isEmpty else { return }
            if nearestGrid == nil {
                nearestGrid = try NearestGrid(polygonsWKB: assigner.polygonsWKB, ranks: assigner.ranks, metricCRS: assigner.metricCRS)
            }
            let nearest = nearestGrid!
            var xs = outside.map { lon[$0] }, ys = outside.map { lat[$0] }
            nearest.project(x: &xs, y: &ys)
            for (k, i) in outside.enumerated() {
                let group = assigner.index.group(x: lon[i], y: lat[i], side: NearestGrid.groupSide).map { (number: $0, index: assigner.index) }
                guard xs[k].isFinite, let (g, d) = try nearest.nearest(in: group, x: xs[k], y: ys[k]) else {
                    store(i, Assignment(status: .outside)); continue
                }
                store(i, Assignment(status: d <= assigner.snapMetres ? .snapped : .outside, grid: g, distanceM: d))
            }
        }
    }

    public func worker() throws -> Worker { try Worker(self) }

    /// Workers kept between calls, one per thread slot: building one costs milliseconds
    /// (GEOS objects, PROJ), so batches reuse them.
    private let pool = WorkerPool()

    /// Assigns many points using `threads` threads (each with its own GEOS and PROJ objects).
    public func assign(lon: [Double], lat: [Double], threads: Int = 1) throws -> [Assignment] {
        precondition(lon.count == lat.count)
        let n = lon.count
        let results = ResultBuffer(count: n)
        let threadCount = max(1, min(threads, n / 10_000 + 1))
        let failure = FirstError()
        try pool.ensure(threadCount) { try self.worker() }
        let pool = self.pool
        DispatchQueue.concurrentPerform(iterations: threadCount) { t in
            let start = n * t / threadCount, end = n * (t + 1) / threadCount
            do {
                try pool.worker(t).assign(lon: lon, lat: lat, range: start..<end) { results.set($0, $1) }
            } catch { failure.record(error) }
        }
        if let error = failure.error { throw error }
        return results.values
    }
}

/// Worker slots for `concurrentPerform`: iteration t uses only slot t, so no worker is ever used
/// by two threads at once (the one-context-per-thread rule); slots are filled before the threads
/// start. Calls to ``Assigner/assign(lon:lat:threads:)`` on one assigner must not overlap.
final class WorkerPool: @unchecked Sendable {
    private var workers: [Assigner.Worker] = []
    private let lock = NSLock()

    func ensure(_ count: Int, make: () throws -> Assigner.Worker) throws {
        lock.lock(); defer { lock.unlock() }
        while workers.count < count { workers.append(try make()) }
    }

    func worker(_ t: Int) -> Assigner.Worker { workers[t] }
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
