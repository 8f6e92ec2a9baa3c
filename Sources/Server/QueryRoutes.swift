import Cases
import Duty
import Foundation
import GridErrors
import GridGeometry
import GridStore
import Grids
import Hummingbird

/// The read routes beside who-covers, for the systems around a centre:
///
/// - `GET /api/grids/{code}[?at=DAY]`: one current grid with its measures and its chain up to the
///   street, with the people on duty in each on the day;
/// - `GET /api/cases?bbox=…|near=LON,LAT[&radius=M][&nearest=K]&grid=CODE&from=…&to=…&status=…&category=…&limit=N`:
///   cases as GeoJSON, exactly what `gridplan cases query --format geojson` writes;
/// - `GET /api/stats?level=…&from=…&to=…`: case counts per grid, as `gridplan cases stats --json`.
enum QueryRoutes {
    static func add<Context: RequestContext>(to router: Router<Context>, service: PlanService, reports: CaseReports) {
        router.get("/api/grids/:code") { request, context in
            await GridplanServer.reply {
                let code = context.parameters.get("code") ?? ""
                let q = request.uri.queryParameters
                let day = try q["at"].map { try dayParameter(String($0)) } ?? Clock.today()
                return try await service.grid(code, day: day)
            }
        }
        router.get("/api/cases") { request, _ in
            await GridplanServer.reply(type: "application/geo+json") {
                let q = request.uri.queryParameters
                var query = CaseQuery()
                query.bbox = try GridsQuery(q).bbox
                if let near = q["near"].map(String.init) {
                    let parts = near.split(separator: ",").map { DecimalNumber.parse($0) }
                    guard parts.count == 2, let lon = parts[0], let lat = parts[1] else {
                        throw GridplanError(.badArgument, "\(setting: "near")=\(near): give LON,LAT")
                    }
                    query.near = (lon, lat)
                }
                query.radiusM = try q["radius"].map { try number("radius", String($0)) }
                query.nearest = try q["nearest"].map { Int(try number("nearest", String($0))) }
                query.limit = try q["limit"].map { Int(try number("limit", String($0))) } ?? 1000
                query.grid = q["grid"].map(String.init)
                query.from = q["from"].map(String.init)
                query.to = q["to"].map(String.init)
                query.status = q["status"].map(String.init)
                query.category = q["category"].map(String.init)
                return try await reports.cases(query)
            }
        }
        router.get("/api/stats") { request, _ in
            await GridplanServer.reply {
                let q = request.uri.queryParameters
                let level = try GridsQuery(q).level
                return try await reports.stats(level: level, from: q["from"].map(String.init), to: q["to"].map(String.init))
            }
        }
    }

    static func number(_ name: Setting, _ text: String) throws -> Double {
        guard let v = DecimalNumber.parse(text) else { throw GridplanError(.badArgument, "\(setting: name)=\(text): not a number") }
        return v
    }

    static func dayParameter(_ text: String) throws -> String {
        guard let day = Clock.calendarDay(text) else { throw GridplanError(.badArgument, "\(setting: "at")=\(text): not a day (YYYY-MM-DD)") }
        return day
    }
}

extension PlanService {
    /// One current grid, its chain of parents and the people on duty in each on `day`.
    func grid(_ code: String, day: String) throws -> Data {
        struct Link: Encodable {
            var level: String
            var code: String?
            var name: String?
            var people: [PersonWith<Held>]
        }
        struct Held: Codable, Sendable { var duty: String }
        struct GridJSON: Encodable { var grid: GridPropertiesJSON, chain: [Link], day: String }
        return try store.reading { db in
            let all = try GridRecord.current(db)
            guard let grid = all.first(where: { $0.code == code }) else { throw GridplanError(.notFound, "no current grid with code \(code)") }
            let byFid = Dictionary(uniqueKeysWithValues: all.map { ($0.fid, $0) })
            var chain: [GridRecord] = [grid]
            while let parent = chain.last?.parentFid.flatMap({ byFid[$0] }), chain.count < 8 { chain.append(parent) }
            let onDuty = try Roster.onDuty(db, codes: chain.compactMap(\.code), day: day)
            let links = chain.map { g in
                Link(
                    level: g.level.name, code: g.code, name: g.name,
                    people: onDuty.filter { $0.0.gridCode == g.code }.map { PersonWith($0.1, Held(duty: $0.0.role.rawValue)) })
            }
            return try JSONOutput.data(GridJSON(grid: GridPropertiesJSON(grid), chain: links, day: day))
        }
    }
}

extension CaseReports {
    /// Written as read (a `limit` of millions asks the server for hundreds of MB, not GBs).
    func cases(_ query: CaseQuery) throws -> Data {
        let writer = CaseListWriter(.geojson, to: nil)
        try query.each(store) { try writer.write($0) }
        return Data(try writer.finish())
    }

    func stats(level: GridLevel, from: String?, to: String?) throws -> Data {
        try JSONOutput.data(CaseStatsJSON(try CaseStats.compute(store: store, level: level, from: from, to: to)))
    }
}
