import Foundation
import GridProjection
import GridStore

/// The roster of one day as who-covers answers need it: who is on duty in each grid, and where
/// the on-duty people with a base are, in each local metric CRS asked about.
///
/// Reading the roster costs far more than locating a point, so a busy server reads it once per
/// day asked about and keeps it for a short while (``WhoCovers`` decides how long).
struct DutyBoard {
    struct Based {
        var person: Person
        var x: Double, y: Double
    }

    let day: String
    let readAt: Date
    /// On-duty people by grid code, chiefs first, then primaries, then backups.
    let byGrid: [String: [Coverage.Responsible]]
    /// People on duty that day who have a base, CGCS2000 longitude/latitude.
    let based: [Person]
    /// `based` in each metric CRS asked about, for straight-line distances.
    private var metric: [CRS: [Based]] = [:]

    init(_ db: some PlanReader, day: String) throws {
        self.day = day
        readAt = Date()
        var byGrid: [String: [Coverage.Responsible]] = [:]
        for (duty, person) in try Roster.onDuty(db, codes: nil, day: day) {
            byGrid[duty.gridCode, default: []].append(Coverage.Responsible(person: person, role: duty.role))
        }
        self.byGrid = byGrid
        based = try Roster.onDutyWithBase(db, day: day)
    }

    /// The people with a base in `crs`, made once per CRS.
    mutating func based(in crs: CRS, through transformer: CoordinateTransformer) throws -> [Based] {
        if let kept = metric[crs] { return kept }
        let made = try based.compactMap { p -> Based? in
            guard let lon = p.lon, let lat = p.lat else { return nil }
            let there = try transformer.transform(x: lon, y: lat)
            return Based(person: p, x: there.x, y: there.y)
        }
        metric[crs] = made
        return made
    }
}

extension Array where Element == Coverage.Nearby {
    /// The `k` nearest of `people` to (x, y), nearest first (ties by person id). Picks rather than
    /// sorts: k is a handful and the roster a district's.
    static func nearest(_ k: Int, of people: [DutyBoard.Based], toX x: Double, y: Double) -> [Coverage.Nearby] {
        guard k > 0 else { return [] }
        var picked: [(d: Double, i: Int)] = []
        picked.reserveCapacity(k + 1)
        func before(_ a: (d: Double, i: Int), _ b: (d: Double, i: Int)) -> Bool {
            (a.d, people[a.i].person.id) < (b.d, people[b.i].person.id)
        }
        for (i, p) in people.enumerated() {
            let candidate = (d: ((p.x - x) * (p.x - x) + (p.y - y) * (p.y - y)).squareRoot(), i: i)
            if picked.count == k, let last = picked.last, !before(candidate, last) { continue }
            let at = picked.firstIndex { before(candidate, $0) } ?? picked.count
            picked.insert(candidate, at: at)
            if picked.count > k { picked.removeLast() }
        }
        return picked.map { Coverage.Nearby(person: people[$0.i].person, distanceM: $0.d) }
    }
}
