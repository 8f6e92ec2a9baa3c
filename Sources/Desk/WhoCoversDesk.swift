import Cases
package import Duty
package import Foundation
package import Geocoding
import GridErrors
package import GridProjection
package import GridStore
import Grids

/// A "who covers this?" question: a point in any CRS, or an address placed by the gazetteer.
package enum CoverageQuestion: Sendable {
    case point(x: Double, y: Double, crs: CRS)
    case address(String)
}

/// One answer: the coverage of the point, and for an address the geocode that placed it.
package struct WhoCoversAnswer: Sendable {
    package var coverage: Coverage
    package var address: String?
    package var geocode: GeocodeResult?

    /// The JSON `who-covers --json` prints and `GET /api/who-covers` returns.
    package var json: WhoCoversAnswerJSON { WhoCoversAnswerJSON(self) }
}

/// Answers who-covers questions against one plan, the same way for the command line and the
/// HTTP server.
///
/// Building the point index of a plan takes a moment, so the desk keeps the index of each plan
/// day it was asked about (the last few), and the gazetteer once an address was asked. Both are
/// rebuilt when the plan file changes underneath (a planner imports or redraws while the server
/// runs). The roster of a day is read again when it is older than ``stampInterval``, so a duty
/// changed by another process shows within that. Not thread-safe: one caller at a time
/// (the server puts it behind an actor).
package final class WhoCoversDesk {
    package let store: any PlanStore
    package let snapMetres: Double
    /// Point indexes by plan day ("" for the current plan), most recently used last.
    private var locators: [(day: String, desk: WhoCovers)] = []
    private var geocoder: Geocoder?
    /// Transformers by the CRS a question gave: bounded, as a server's clients may send any
    /// number of distinct CRSs (each transformer holds a PROJ context, over 100 KB).
    private var transformers = BoundedCache<CRS, CoordinateTransformer>(capacity: WhoCoversDesk.keptTransformers)
    package static let keptTransformers = 64
    private var stamp: String?
    private var stampCheckedAt: Date?
    /// How long a plan is taken as unchanged before the file is looked at again (0: every answer).
    package var stampInterval: TimeInterval = 1
    private static let keptPlanDays = 4

    /// How many transformers are kept now (for tests of the bound).
    package var transformerCount: Int { transformers.count }

    /// How points are located: ``WhoCovers/Locating/planIndex`` for a server, which answers many
    /// questions from one index; ``WhoCovers/Locating/fileIndex`` for one question from the command line.
    package let locating: WhoCovers.Locating

    package init(store: any PlanStore, snapMetres: Double = 30, locating: WhoCovers.Locating = .planIndex) {
        self.store = store
        self.snapMetres = snapMetres
        self.locating = locating
    }

    /// `day`: the day whose duties answer; `planDay`: the day whose grids answer (nil: the
    /// current plan); `k`: how many people the minimal emergency unit has.
    package func answer(_ question: CoverageQuestion, day: String, planDay: String? = nil, k: Int = 5) throws -> WhoCoversAnswer {
        try check(day: day, planDay: planDay, k: k)
        try forgetIfPlanChanged()
        var address: String? = nil
        var geocoded: GeocodeResult? = nil
        let (lon, lat): (Double, Double)
        switch question {
        case .point(let x, let y, let crs):
            (lon, lat) = try toStore(x: x, y: y, crs: crs)
        case .address(let text):
            try AddressLimit.check(text, field: "address")
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw GridplanError(.badArgument, "the address is empty") }
            let r = try gazetteer().geocode(trimmed)
            guard r.level != .none, r.lon.isFinite, r.lat.isFinite else {
                throw GridplanError(.notFound, "'\(trimmed)': no place found (\(r.reason ?? "no match"))", hint: "give the point instead")
            }
            (address, geocoded, lon, lat) = (trimmed, r, r.lon, r.lat)
        }
        let coverage = try locator(planDay: planDay).answer(lon: lon, lat: lat, day: day, k: k)
        return WhoCoversAnswer(coverage: coverage, address: address, geocode: geocoded)
    }

    /// ``answer(_:day:planDay:k:)`` as compact JSON: the bytes `JSONOutput.data(answer.json,
    /// pretty: false)` writes, but for a point assembled from parts kept between answers (what a
    /// busy server needs: encoding each answer afresh costs more than finding it).
    package func answerJSON(_ question: CoverageQuestion, day: String, planDay: String? = nil, k: Int = 5) throws -> Data {
        guard case .point(let x, let y, let crs) = question else {
            return try JSONOutput.data(answer(question, day: day, planDay: planDay, k: k).json, pretty: false)
        }
        try check(day: day, planDay: planDay, k: k)
        try forgetIfPlanChanged()
        let (lon, lat) = try toStore(x: x, y: y, crs: crs)
        return try locator(planDay: planDay).answerJSON(lon: lon, lat: lat, day: day, k: k, more: [("geocode", Data("null".utf8))])
    }

    private func check(day: String, planDay: String?, k: Int) throws {
        guard Clock.date(day) == day else { throw GridplanError(.badArgument, "\(setting: "at") \(day): not a day (YYYY-MM-DD)") }
        if let planDay, Clock.date(planDay) != planDay { throw GridplanError(.badArgument, "\(setting: "at") \(planDay): not a day (YYYY-MM-DD)") }
        guard (0...100).contains(k) else { throw GridplanError(.badArgument, "\(setting: "k") must be between 0 and 100 (got \(k))") }
    }

    /// Places an address with the plan's gazetteer, as an address question would be placed.
    package func place(_ address: String) throws -> GeocodeResult {
        try AddressLimit.check(address, field: "address", kind: .badInput)
        try forgetIfPlanChanged()
        return try gazetteer().geocode(address.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A point in the store's CRS (CGCS2000 longitude/latitude), refusing what cannot be a place.
    private func toStore(x: Double, y: Double, crs: CRS) throws -> (Double, Double) {
        guard x.isFinite, y.isFinite else { throw GridplanError(.badArgument, "the point (\(x), \(y)) is not a number") }
        let transformer = try transformers.value(for: crs) { try CoordinateTransformer(from: crs, to: .cgcs2000) }
        let p: (x: Double, y: Double)
        do { p = try transformer.transform(x: x, y: y) } catch {
            throw GridplanError(.badArgument, "the point (\(x), \(y)) in \(crs): \(error)")
        }
        guard p.x.isFinite, p.y.isFinite, abs(p.x) <= 180, abs(p.y) <= 90 else {
            throw GridplanError(
                .badArgument, "the point (\(x), \(y)) in \(crs) is not a place on Earth: wrong CRS, or longitude and latitude swapped?")
        }
        return (p.x, p.y)
    }

    private func locator(planDay: String?) throws -> WhoCovers {
        let key = planDay ?? ""
        if let i = locators.firstIndex(where: { $0.day == key }) {
            let kept = locators.remove(at: i)
            locators.append(kept)
            kept.desk.rosterInterval = stampInterval
            return kept.desk
        }
        let desk = try WhoCovers(store: store, snapMetres: snapMetres, planDay: planDay, locating: locating)
        desk.rosterInterval = stampInterval
        locators.append((key, desk))
        if locators.count > Self.keptPlanDays { locators.removeFirst() }
        return desk
    }

    private func gazetteer() throws -> Geocoder {
        if let geocoder { return geocoder }
        guard try store.reading({ try GazetteerStamp.placeCount($0) }) > 0 else {
            throw GridplanError(
                .notFound, "the gazetteer is empty, so addresses cannot be placed", source: .file(store.location),
                hint: "load it with `gridplan gazetteer import`, or give the point")
        }
        let g = Geocoder(index: try GazetteerIndex(store: store))
        geocoder = g
        return g
    }

    private func forgetIfPlanChanged() throws {
        // Looked at most once a second: a busy server would otherwise spend a third of each answer on it.
        let clock = Date()
        if let checked = stampCheckedAt, stamp != nil, clock.timeIntervalSince(checked) < stampInterval { return }
        stampCheckedAt = clock
        let now = try PlanStamp.read(store)
        if stamp != now {
            locators.removeAll()
            geocoder = nil
            stamp = now
        }
    }
}

/// A cheap fingerprint of the grids and the gazetteer: it changes when an import, a redraw, a
/// code assignment or a gazetteer import commits, so cached indexes know to rebuild. Each part
/// comes from the module that owns the tables.
package enum PlanStamp {
    package static func read(_ store: any PlanStore) throws -> String {
        try store.reading { db in try "\(PlanVersion.stamp(db)):\(GazetteerStamp.stamp(db))" }
    }
}
