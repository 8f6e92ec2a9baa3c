import Foundation
import XCTest

/// `--json` of the case life-cycle, duty, reassign and gazetteer commands, run on a small plan (the
/// streets of 赤坎区, one street chief, two cases) and decoded into the documented shapes: keys that
/// are missing or of the wrong type fail the decoding.
final class JSONCommandsTests: XCTestCase {
    private var folder: URL!
    private var plan: String!
    /// A point inside 中华街道 (440802001): shapely's representative point of its polygon.
    static let inside = (lon: "110.39442", lat: "21.25715")
    static let street = "440802001"

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridplan-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        plan = folder.appendingPathComponent("plan.gpkg").path
        let streets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../GeoData/chikan/streets.geojson").standardized.path
        try ok(["import", streets, "--db", plan, "--level", "street"])
        let roster = try file(
            "roster.csv",
            "id,name,phone,role,grid,duty_from\nS0,街道网格长,13700000000,网格长,\(Self.street),2024-01-01\nG1,网格员,13700000001,专职网格员,,\n")
        try ok(["people", "import", roster, "--db", plan])
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    // MARK: shapes, as the README documents them

    struct Dispatch: Decodable {
        var id: String
        var dispatched: Bool
        var level: String?
        var grid: String?
        var handler: String?
        var handlerName: String?
        var phone: String?
        var departments: [String]
        var reason: String
    }
    struct DispatchRun: Decodable {
        var cases: [Dispatch]
        var dispatched: Int
        var notDispatched: Int
    }
    struct Transition: Decodable {
        var id: String
        var from: String
        var to: String
        var at: String
        var actor: String
        var note: String?
    }
    struct History: Decodable {
        struct Dispatch: Decodable {
            var at: String
            var escalation: Bool
            var level: String?
            var grid: String?
            var handler: String?
            var departments: [String]
            var reason: String
        }
        var id: String
        var transitions: [Transition]
        var dispatches: [Dispatch]
    }
    struct Overdue: Decodable {
        struct Case: Decodable {
            var id: String
            var status: String
            var severity: String
            var since: String
            var limitH: Double
            var overH: Double
            var escalation: Dispatch?
        }
        var now: String
        var cases: [Case]
        var escalated: Int
    }

    func testCaseLifeCycleCommandsPrintJSON() throws {
        let cases = try file(
            "cases.csv",
            "id,lon,lat,reported_at,category,severity,address\nC1,\(Self.inside.lon),\(Self.inside.lat),2024-07-01 08:00:00,0101,major,\n"
                + "C2,,,2024-07-01 08:00:00,0101,ordinary,某路1号\n")
        try ok(["cases", "import", cases, "--db", plan, "--crs", "cgcs2000", "--rejects", folder.appendingPathComponent("r.csv").path])

        // Dispatch: C1 to the street chief; C2, an address not yet placed, is listed and makes the exit status 1.
        let dispatch = try CLI.run(
            ["cases", "dispatch", "--db", plan, "--all-new", "--now", "2024-07-01 09:00", "--json"],
            environment: ["GRIDPLAN_PROGRESS_SECONDS": "0", "LANG": "C", "LC_ALL": nil])
        XCTAssertEqual(dispatch.status, 1, dispatch.stderr)
        // Its progress, as every long job's (off a terminal, a line every GRIDPLAN_PROGRESS_SECONDS): after each batch.
        XCTAssertTrue(dispatch.stderr.split(separator: "\n").contains { $0.hasPrefix("dispatching: 2/2 (100 %)") }, dispatch.stderr)
        let run = try decode(DispatchRun.self, dispatch.stdout)
        XCTAssertEqual(run.dispatched, 1)
        XCTAssertEqual(run.notDispatched, 1)
        let c1 = try XCTUnwrap(run.cases.first { $0.id == "C1" })
        XCTAssertTrue(c1.dispatched)
        XCTAssertEqual(c1.level, "street")
        XCTAssertEqual(c1.grid, Self.street)
        XCTAssertEqual(c1.handler, "S0")
        XCTAssertEqual(c1.handlerName, "街道网格长")
        let c2 = try XCTUnwrap(run.cases.first { $0.id == "C2" })
        XCTAssertFalse(c2.dispatched)
        XCTAssertNil(c2.handler)
        XCTAssertFalse(c2.reason.isEmpty)

        let advance = try ok(
            ["cases", "advance", "C1", "--db", plan, "--to-status", "handled", "--actor", "S0", "--at", "2024-07-01 10:00", "--json"])
        let t = try decode(Transition.self, advance)
        XCTAssertEqual([t.id, t.from, t.to, t.actor], ["C1", "dispatched", "handled", "S0"])
        XCTAssertTrue(t.at.hasPrefix("2024-07-01"), t.at)
        XCTAssertTrue(advance.contains("\"note\" : null"), "an absent note is null, not left out: \(advance)")

        let history = try decode(History.self, try ok(["cases", "history", "C1", "--db", plan, "--json"]))
        XCTAssertEqual(history.id, "C1")
        XCTAssertEqual(history.transitions.last?.to, "handled")
        XCTAssertEqual(history.dispatches.count, 1)
        XCTAssertEqual(history.dispatches.first?.handler, "S0")
        XCTAssertEqual(history.dispatches.first?.escalation, false)

        // C2 (ordinary, 168 h) is overdue three weeks later; C1 is handled, not closed, and major (24 h).
        let looked = try CLI.run(
            ["cases", "overdue", "--db", plan, "--now", "2024-07-22 09:00", "--json"],
            environment: ["GRIDPLAN_PROGRESS_SECONDS": "0", "LANG": "C", "LC_ALL": nil])
        XCTAssertEqual(looked.status, 0, looked.stderr)
        // Both cases are unfinished: each is looked at, with progress as every long job shows it.
        XCTAssertTrue(looked.stderr.split(separator: "\n").contains { $0.hasPrefix("open cases looked at: 2/2 (100 %)") }, looked.stderr)
        let overdue = try decode(Overdue.self, looked.stdout)
        XCTAssertTrue(overdue.now.hasPrefix("2024-07-22"), overdue.now)
        XCTAssertEqual(overdue.escalated, 0)
        XCTAssertTrue(overdue.cases.contains { $0.id == "C2" }, "\(overdue.cases.map(\.id))")
        for c in overdue.cases {
            XCTAssertGreaterThan(c.overH, 0)
            XCTAssertNil(c.escalation, "no --escalate, no escalation")
        }

        // cases query --json: the GeoJSON of --format geojson (and of the server's GET /api/cases).
        struct Features: Decodable {
            struct Feature: Decodable {
                struct Point: Decodable { var coordinates: [Double] }
                var properties: [String: String]
                var geometry: Point?
            }
            var type: String
            var features: [Feature]
        }
        let query = try ok(["cases", "query", "--db", plan, "--json"])
        XCTAssertEqual(query, try ok(["cases", "query", "--db", plan, "--format", "geojson"]))
        let collection = try decode(Features.self, query)
        XCTAssertEqual(collection.type, "FeatureCollection")
        XCTAssertEqual(collection.features.map { $0.properties["id"] ?? "" }.sorted(), ["C1", "C2"])
        XCTAssertEqual(collection.features.first { $0.properties["id"] == "C2" }?.geometry == nil, true, "C2 has no point")
        XCTAssertEqual(try CLI.run(["cases", "query", "--db", plan, "--json", "--format", "csv"]).status, 64)

        struct Reassign: Decodable {
            var cases: Int
            var moved: Int
            var byStatus: [String: Int]
        }
        let reassign = try decode(Reassign.self, try ok(["cases", "reassign", "--db", plan, "--json"]))
        XCTAssertEqual(reassign.cases, 1, "only C1 has a location")
        XCTAssertEqual(reassign.moved, 0)
    }

    func testDutyCommandsPrintTheServersKeys() throws {
        struct Set: Decodable {
            var dutyId: Int64
            var ended: [String]
            var person: String
            var grid: String
            var role: String
            var from: String
            var to: String?
        }
        struct End: Decodable {
            var ended: Int
            var person: String
            var grid: String
            var role: String?
            var on: String
        }
        let setText = try ok(
            ["duty", "set", "--db", plan, "--person", "G1", "--grid", Self.street, "--role", "chief", "--from", "2024-06-01", "--json"])
        let set = try decode(Set.self, setText)
        XCTAssertGreaterThan(set.dutyId, 0)
        XCTAssertEqual(set.ended.count, 1, "the handover ends S0's chief duty: \(set.ended)")
        XCTAssertEqual([set.person, set.grid, set.role, set.from], ["G1", Self.street, "chief", "2024-06-01"])
        XCTAssertNil(set.to)
        XCTAssertTrue(setText.contains("\"duty_id\""), setText)

        let endText = try ok(["duty", "end", "--db", plan, "--person", "G1", "--grid", Self.street, "--on", "2024-09-01", "--json"])
        let end = try decode(End.self, endText)
        XCTAssertEqual(end.ended, 1)
        XCTAssertEqual([end.person, end.grid, end.on], ["G1", Self.street, "2024-09-01"])
        XCTAssertNil(end.role)
    }

    func testGazetteerSearchPrintsPlacesAndExitsOneWhenNoneMatch() throws {
        struct Search: Decodable {
            struct Place: Decodable {
                var fid: Int64
                var name: String
                var kind: String
                var level: String?
                var code: String?
                var countyCode: String?
                var streetCode: String?
                var communityCode: String?
            }
            var query: String
            var places: [Place]
        }
        let places = try file("poi.csv", "name,lon,lat\n海滨公园,\(Self.inside.lon),\(Self.inside.lat)\n南桥市场,110.3851,21.26392\n")
        try ok(["gazetteer", "import", places, "--kind", "poi", "--db", plan, "--crs", "cgcs2000"])
        let found = try decode(Search.self, try ok(["gazetteer", "search", "海滨", "--db", plan, "--json"]))
        XCTAssertEqual(found.query, "海滨")
        XCTAssertEqual(found.places.map(\.name), ["海滨公园"])
        XCTAssertEqual(found.places.first?.kind, "poi")
        XCTAssertEqual(found.places.first?.streetCode, Self.street, "located in the grids on import")

        let none = try CLI.run(["gazetteer", "search", "没有这个地方", "--db", plan, "--json"])
        XCTAssertEqual(none.status, 1, none.stderr)
        XCTAssertEqual(try decode(Search.self, none.stdout).places.count, 0)
    }

    /// Every command that does something takes --json, except `coords` (its output is the
    /// converted lines themselves) and `serve` (it answers JSON over HTTP).
    func testEveryLeafCommandTakesJSON() throws {
        let dump = try CLI.run(["--experimental-dump-help"])
        let tree = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var without: [String] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            let subcommands = (command["subcommands"] as? [[String: Any]] ?? []).filter { $0["commandName"] as? String != "help" }
            if subcommands.isEmpty {
                let names = (command["arguments"] as? [[String: Any]] ?? []).flatMap { $0["names"] as? [[String: Any]] ?? [] }
                if !names.contains(where: { $0["name"] as? String == "json" }) { without.append(path.joined(separator: " ")) }
            }
            for sub in subcommands { walk(sub, path + [sub["commandName"] as? String ?? "?"]) }
        }
        walk(try XCTUnwrap(tree["command"] as? [String: Any]), [])
        XCTAssertEqual(without.sorted(), ["coords", "serve"])
    }

    // MARK: helpers

    @discardableResult
    private func ok(_ arguments: [String]) throws -> String {
        let result = try CLI.run(arguments)
        XCTAssertEqual(result.status, 0, "gridplan \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    private func file(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do { return try decoder.decode(type, from: Data(text.utf8)) } catch {
            XCTFail("not the documented shape: \(error)\n\(text)")
            throw error
        }
    }
}
