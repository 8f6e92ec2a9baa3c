import ArgumentParser
import Desk
import Duty
import Foundation
import Geocoding
import GridErrors
import GridProjection
import Grids

struct WhoCoversCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who-covers",
        abstract: "Whose is this? The grid at a point, its chain up to the street, and the people responsible.",
        discussion: """
            Locates the point by the assignment rules (inside; on a shared boundary the grid with the lowest code; \
            outside every grid: said so, with the nearest grid and its distance, snapped to it within --snap-m), \
            in the plan in force that day (--at), then lists for each level the people on duty that day (chief, primary, backup) \
            with role and phone, \
            the distance from the point to the unit gridder's base, and the minimal emergency unit: the K nearest \
            people on duty with a base. Distances are straight lines in metres in the local projected CRS.

            Examples:
              gridplan who-covers --db plan.gpkg --lon 110.3594 --lat 21.2707 --crs gcj02
              gridplan who-covers --db plan.gpkg --lon 110.3594 --lat 21.2707 \\
                  --at 2024-05-31 --json
              gridplan who-covers --db postgresql://gridplan@db.example:5432/district \\
                  --lon 110.3594 --lat 21.2707
            """)

    @OptionGroup var store: ReadablePlanOptions
    @Option(help: "Longitude (x) of the point.") var lon: Double?
    @Option(help: "Latitude (y) of the point.") var lat: Double?
    @Option(help: "CRS of the point: wgs84, gcj02, bd09, cgcs2000, EPSG:NNNN.") var crs: String = "cgcs2000"
    @Option(help: "An address instead of a point, placed by the plan's gazetteer (see `gridplan gazetteer`).") var address: String?
    @Option(help: "The day to answer for (default: today).") var at: String?
    @Option(name: .customShort("k"), help: "How many people in the minimal emergency unit.") var k: Int = 5
    @Option(help: "Points outside every grid but within this many metres of one are snapped to it.") var snapM: Double = 30
    @Flag(help: "Print JSON.") var json = false

    /// The option rules, checked before the plan is opened.
    func validate() throws {
        try checkRange(lon, -1e8...1e8, option: "--lon")
        try checkRange(lat, -1e8...1e8, option: "--lat")
        try checkRange(k, 0...100, option: "-k")
        try checkRange(snapM, OptionRange.snapMetres, option: "--snap-m")
        try reportingErrors {
            if address != nil {
                guard lon == nil && lat == nil else { throw GridplanError(.badArgument, "give --address or --lon and --lat, not both") }
            } else {
                guard lon != nil, lat != nil else { throw GridplanError(.badArgument, "give the point with --lon and --lat, or --address") }
                _ = try parseCRS(crs, option: "--crs")
            }
            _ = try dayOption(at)
        }
    }

    func run() throws {
        try reportingErrors {
            let plan = try store.open()
            defer { store.close(plan) }
            let day = try dayOption(at)
            let question: CoverageQuestion
            if let address {
                question = .address(address)
            } else {
                guard let lon, let lat else { throw GridplanError(.badArgument, "give the point with --lon and --lat, or --address") }
                question = .point(x: lon, y: lat, crs: try parseCRS(crs, option: "--crs"))
            }
            // With --at, the grids too are those in force that day.
            let answer: WhoCoversAnswer
            do {
                answer = try WhoCoversDesk(store: plan, snapMetres: snapM, locating: .fileIndex).answer(
                    question, day: day, planDay: at == nil ? nil : day, k: k)
            }
            if json { try printJSON(answer.json); return }
            let c = answer.coverage, geocoded = answer.geocode
            func m(_ d: Double?) -> String { d.map { String(format: "%.0f m", $0) } ?? "-" }
            if let r = geocoded, let address {
                let flags = [
                    r.interpolated ? "interpolated" : nil, r.fuzzy ? "one character differs" : nil,
                    r.certainLevel != r.level ? "certain only to \(r.certainLevel.rawValue)" : nil,
                    r.confidence < 0.8 ? "not confident: check the address" : nil,
                    r.alternatives.isEmpty ? nil : "\(r.alternatives.count) close alternatives",
                ].compactMap { (w: Wording?) in w?.localized(flag) }
                let extra = (flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))") + (r.reason.map { "; \($0)" } ?? "")
                say("address '\(address)' → \(r.level.rawValue) '\(r.matched ?? "")', confidence \(String(format: "%.2f", r.confidence))\(extra)")
            }
            say("point \(String(format: "%.7f, %.7f", c.lon, c.lat)) (CGCS2000) on \(c.day)")
            if let note = c.planNote { say("note: \(note)") }
            switch c.status {
            case .outside:
                say("OUTSIDE every grid: the nearest is \(c.chain.first.map { $0.code ?? $0.name ?? "?" } ?? "?"), \(m(c.gridDistanceM)) away")
            case .snapped: say("outside by \(m(c.gridDistanceM)): snapped to the nearest grid")
            case .boundary: say("on a shared boundary: given to the grid with the lowest code")
            default: break
            }
            for l in c.chain {
                print("\(l.level.name)\t\(l.code ?? "")\t\(l.name ?? "")")
                if l.people.isEmpty { say("\t(no one on duty)") }
                for r in l.people {
                    print("\t\(r.role.rawValue)\t\(r.person.name) (\(r.person.id))\t\(r.person.role.rawValue)\t\(r.person.phone ?? "")")
                }
            }
            if let g = c.unitGridder { say("unit gridder \(g.name): base \(m(c.gridderBaseDistanceM)) from the point") }
            say("minimal emergency unit (\(c.emergencyUnit.count) nearest on duty):")
            for n in c.emergencyUnit {
                print("\t\(m(n.distanceM))\t\(n.person.name) (\(n.person.id))\t\(n.person.role.rawValue)\t\(n.person.phone ?? "")")
            }
        }
    }
}
