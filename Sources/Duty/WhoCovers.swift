import Cases
package import Foundation
import GRDB
import GridGeometry
import GridProjection
package import GridStore
package import Grids

/// The answer to "whose is this?" for one point on one day.
package struct Coverage: Sendable {
    package struct Responsible: Sendable {
        package var person: Person
        package var role: DutyRole
    }
    package struct Level: Sendable {
        package var level: GridLevel
        package var code: String?
        package var name: String?
        package var people: [Responsible]
    }
    package struct Nearby: Sendable {
        package var person: Person
        package var distanceM: Double
    }
    /// The point, CGCS2000 longitude/latitude.
    package var lon: Double, lat: Double
    package var day: String
    /// inside, boundary (given to the lowest code), snapped, or outside (then `chain` is the nearest grid's).
    package var status: AssignStatus
    /// Metres to the grid, for snapped and outside points.
    package var gridDistanceM: Double?
    /// From the unit (lowest level) up to the street.
    package var chain: [Level]
    /// The primary of the lowest grid, and metres from the point to their base.
    package var unitGridder: Person?
    package var gridderBaseDistanceM: Double?
    /// The K nearest on-duty people with a base (最小应急单元), nearest first.
    package var emergencyUnit: [Nearby]
    package var metricCRS: String
    /// Set when the plan of the day asked for did not exist and the current plan answered.
    package var planNote: String?

    package var covered: Bool { status != .outside && status != .noLocation }
}

/// Answers who covers a point: the grid and its chain of parents (the ``Assigner``'s rules:
/// boundary tie rule, snapping, nearest grid outside), the people on duty at each level that
/// day, and the nearest responders. Distances are straight lines in the local metric CRS.
package final class WhoCovers {
    /// How points are located: what pays depends on how many questions one plan will get.
    package enum Locating: Sendable {
        /// The ``Assigner``'s index over the whole plan, built at once: for a server answering many.
        case planIndex
        /// The plan's spatial index (the file's R-tree, a server's GiST index), reading only the grids
        /// at the point (``PointLookup``): for one question. A point in no grid still builds the whole
        /// index, to find the nearest grid.
        case fileIndex
    }

    package let store: any PlanStore
    private let moment: PlanMoment?
    private let snapMetres: Double
    private let locating: Locating
    /// Built at once for ``Locating/planIndex``; for ``Locating/fileIndex`` only when a point is in no grid.
    private var assigner: Assigner?
    private var worker: Assigner.Worker?

    /// Set when the plan asked for did not exist yet and the current plan answered instead.
    package let planNote: String?

    /// `planDay`: locate in the plan in force that day (nil: the current plan). A day before the
    /// plan's first grids took effect is answered with the current plan, and ``planNote`` says so.
    package init(store: any PlanStore, snapMetres: Double = 30, planDay: String? = nil, locating: Locating = .planIndex) throws {
        self.store = store
        self.snapMetres = snapMetres
        self.locating = locating
        var moment = planDay.map { PlanMoment.date($0) }
        var note: String? = nil
        if let planDay {
            let (inForce, first) = try store.reading { db in
                (try GridRecord.count(db, inForceOn: planDay), try GridRecord.firstDay(db))
            }
            if inForce == 0, let first {
                moment = nil
                note = "no grids were in force on \(planDay) (the plan starts on \(first)): located in the current plan"
            }
        }
        self.moment = moment
        planNote = note
        if locating == .planIndex { _ = try planWorker() }
    }

    /// The worker over the whole plan's index, built on first need.
    private func planWorker() throws -> (Assigner, Assigner.Worker) {
        if let assigner, let worker { return (assigner, worker) }
        let made = try Assigner(store: store, snapMetres: snapMetres, moment: moment, indexCells: 65_536) // one point at a time
        let madeWorker = try made.worker()
        (assigner, worker) = (made, madeWorker)
        return (made, madeWorker)
    }

    /// The status, distance and chain of the grid at a point, by the ``Assigner``'s rules.
    private func locate(lon: Double, lat: Double) throws -> (Assignment, GridChain?) {
        if locating == .fileIndex, let found = try PointLookup.locate(store: store, lon: lon, lat: lat, moment: moment) {
            return (found.0, found.1)
        }
        let (assigner, worker) = try planWorker()
        let a = try worker.assign(lon: lon, lat: lat)
        return (a, a.grid.map { assigner.chains[$0] })
    }

    /// Transformers to the local metric CRS, by zone: making one costs PROJ far more than an answer.
    /// Bounded: a point anywhere on Earth names its own zone.
    private var metricTransformers = BoundedCache<CRS, CoordinateTransformer>(capacity: 16)
    /// The rosters of the last few days asked about, most recently used last.
    private var boards: [DutyBoard] = []
    private static let keptBoards = 4
    private let writer = CoverageWriter()
    /// How long a day's roster is used before it is read again (0: every answer). A server sets
    /// a second, so a duty changed by another process shows within a second; one answer reads it once.
    package var rosterInterval: TimeInterval = 0

    private func metricTransformer(_ crs: CRS) throws -> CoordinateTransformer {
        try metricTransformers.value(for: crs) { try CoordinateTransformer(from: .cgcs2000, to: crs) }
    }

    /// The roster of `day`, read afresh when older than ``rosterInterval``; its index in `boards`.
    private func board(_ day: String) throws -> Int {
        if let i = boards.firstIndex(where: { $0.day == day }) {
            let kept = boards.remove(at: i)
            if Date().timeIntervalSince(kept.readAt) < rosterInterval {
                boards.append(kept)
                return boards.count - 1
            }
        }
        boards.append(try store.reading { db in try DutyBoard(db, day: day) })
        writer.forget()
        if boards.count > Self.keptBoards { boards.removeFirst() }
        return boards.count - 1
    }

    package func answer(lon: Double, lat: Double, day: String, k: Int = 5) throws -> Coverage {
        let (a, chain) = try locate(lon: lon, lat: lat)
        let metricCRS = LocalMetric.crs(lon: lon, lat: lat)
        let metric = try metricTransformer(metricCRS)
        let here = try metric.transform(x: lon, y: lat)
        let b = try board(day)
        let levels = GridLevel.allCases.reversed().compactMap { level in
            chain?.link(level).map { link in
                Coverage.Level(level: level, code: link.code, name: link.name, people: link.code.flatMap { boards[b].byGrid[$0] } ?? [])
            }
        }
        let gridder = levels.first?.people.first { $0.role == .primary }?.person
        let based = try boards[b].based(in: metricCRS, through: metric)
        let gridderDistance = try gridder.flatMap { g -> Double? in
            guard let glon = g.lon, let glat = g.lat else { return nil }
            let there = try metric.transform(x: glon, y: glat)
            return ((there.x - here.x) * (there.x - here.x) + (there.y - here.y) * (there.y - here.y)).squareRoot()
        }
        return Coverage(
            lon: lon, lat: lat, day: day, status: a.status, gridDistanceM: a.distanceM, chain: levels,
            unitGridder: gridder, gridderBaseDistanceM: gridderDistance,
            emergencyUnit: .nearest(k, of: based, toX: here.x, y: here.y), metricCRS: metricCRS.description, planNote: planNote)
    }

    /// ``answer(lon:lat:day:k:)`` as compact JSON, the bytes `JSONOutput` writes for its
    /// ``CoverageJSON`` with `more` keys beside, from parts kept between answers.
    package func answerJSON(lon: Double, lat: Double, day: String, k: Int = 5, more: [(key: String, json: Data)] = []) throws -> Data {
        try writer.write(answer(lon: lon, lat: lat, day: day, k: k), more: more)
    }
}
