import Desk
import Foundation
import GRDB
import GridErrors
import GridProjection
import GridStore
import GridTestSupport
import Grids
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Duty
@testable import Server

/// Street S (0–2000 × 0–1000 m) → communities C1, C2 → areas A1, A2 → units U1 (0–500), U2
/// (500–1000), U3 (1000–2000); U1 handed over from G1 to G2 on 2024-06-01; chief K1 of C1.
private func plan(_ folder: TemporaryFolder) throws -> String {
    let store = try fourLevelPlan(folder, schema: PlanSchema.schema)
    func at(_ x: Double, _ y: Double) -> String { let p = point(x, y); return "\(p.lon),\(p.lat)" }
    let roster = folder.write(
        "roster.csv",
        [
            "id,name,phone,role,organisation,lon,lat,grid,duty,duty_from,duty_to",
            "G1,张三,13800000001,专职网格员,东社区,\(at(100, 100)),U1,primary,2024-01-01,2024-06-01",
            "G2,李四,13800000002,专职网格员,东社区,\(at(400, 800)),U1,primary,2024-06-01,",
            "K1,赵六,0759-3181234,网格长,东社区,\(at(900, 900)),C1,chief,2024-01-01,",
        ].joined(separator: "\n") + "\n")
    _ = try RosterImporter.run(file: roster, into: store, crs: .cgcs2000, today: "2024-07-01")
    return store.path
}

private func object(_ body: ByteBuffer) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8)) as? [String: Any])
}

@Suite struct ServerTests {
    let folder = TemporaryFolder()

    @Test func whoCoversAnswersByDayAndEqualsTheCommandLineShape() async throws {
        let path = try plan(folder)
        let app = try await GridplanServer.application(plan: path, options: ServerOptions())
        let p = point(250, 500)
        try await app.test(.router) { client in
            for (day, gridder) in [("2024-03-01", "G1"), ("2024-07-01", "G2")] {
                try await client.execute(uri: "/api/who-covers?lon=\(p.lon)&lat=\(p.lat)&at=\(day)&k=2", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                    let a = try object(response.body)
                    let chain = try #require(a["chain"] as? [[String: Any]])
                    #expect(chain.map { $0["code"] as? String } == ["U1", "A1", "C1", "S"])
                    #expect((a["unit_gridder"] as? [String: Any])?["id"] as? String == gridder)
                    #expect(a["status"] as? String == "inside" && a["day"] as? String == day)
                    #expect((a["emergency_unit"] as? [Any])?.count == 2)
                    let community = chain[2]["people"] as? [[String: Any]]
                    #expect(community?.first?["id"] as? String == "K1" && community?.first?["duty"] as? String == "chief")
                    // The same answer the command line prints: one shape for both.
                    let desk = try WhoCoversDesk(store: GeoPackage.plan(path: path))
                        .answer(.point(x: p.lon, y: p.lat, crs: .cgcs2000), day: day, planDay: day, k: 2)
                    let expected = try JSONSerialization.jsonObject(with: JSONOutput.data(desk.json)) as? NSDictionary
                    #expect(NSDictionary(dictionary: a) == expected)
                }
            }
        }
    }

    @Test func outsideNamesTheNearestGridAndAppCoordinatesAreConverted() async throws {
        let app = try await GridplanServer.application(plan: try plan(folder), options: ServerOptions())
        let far = point(2300, 500) // 300 m east of U3
        let inU3 = point(1500, 500)
        let gcj = try CoordinateTransformer(from: .cgcs2000, to: .gcj02).transform(x: inU3.lon, y: inU3.lat)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/who-covers?lon=\(far.lon)&lat=\(far.lat)", method: .get) { response in
                let a = try object(response.body)
                #expect(a["status"] as? String == "outside" && a["covered"] as? Bool == false)
                #expect(((a["chain"] as? [[String: Any]])?.first?["code"] as? String) == "U3")
                let d = try #require(a["grid_distance_m"] as? Double)
                #expect(abs(d - 300) < 1)
            }
            try await client.execute(uri: "/api/who-covers?lon=\(gcj.x)&lat=\(gcj.y)&crs=gcj02", method: .get) { response in
                let a = try object(response.body)
                #expect(((a["chain"] as? [[String: Any]])?.first?["code"] as? String) == "U3")
                #expect(abs((a["lon"] as? Double ?? 0) - inU3.lon) < 1e-7 && abs((a["lat"] as? Double ?? 0) - inU3.lat) < 1e-7)
            }
        }
    }

    @Test func badQuestionsAreRefusedWithTheReason() async throws {
        let app = try await GridplanServer.application(plan: try plan(folder), options: ServerOptions())
        let cases: [(String, HTTPResponse.Status, ErrorKind, String, [String])] = [
            ("/api/who-covers?lon=110.3", .badRequest, .badArgument, "give lon and lat", []),
            ("/api/who-covers?lon=abc&lat=21", .badRequest, .badArgument, "lon=abc: not a number", []),
            ("/api/who-covers?lon=110.3&lat=21.2&at=soon", .badRequest, .badArgument, "at=soon", []),
            ("/api/who-covers?lon=110.3&lat=21.2&crs=EPSG:99999", .badRequest, .badArgument, "crs=EPSG:99999", []),
            ("/api/who-covers?lon=21.2&lat=110.3", .badRequest, .badArgument, "swapped", []),
            // The desk names the parameter; the server spells it as a parameter, not as a flag.
            ("/api/who-covers?lon=110.3&lat=21.2&k=-1", .badRequest, .badArgument, "k must be", ["k"]),
            ("/api/who-covers?lon=110.3&lat=21.2&address=x", .badRequest, .badArgument, "not both", []),
            ("/api/who-covers?address=%E4%B8%AD%E5%8D%8E%E8%A1%97%E9%81%93", .notFound, .notFound, "gazetteer is empty", []),
            ("/api/grids?level=block", .badRequest, .badArgument, "level 'block'", []),
        ]
        try await app.test(.router) { client in
            for (uri, status, kind, words, parameters) in cases {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == status, "\(uri)")
                    let body = try object(response.body)
                    let message = body["error"] as? String ?? ""
                    #expect(message.contains(words) && !message.contains("--"), "\(uri): \(message)")
                    #expect(body["kind"] as? String == kind.rawValue, "\(uri): \(body)")
                    #expect(body["parameters"] as? [String] == parameters, "\(uri): \(body)")
                }
            }
        }
    }

    @Test func gridLayersAndTheMapPage() async throws {
        let app = try await GridplanServer.application(plan: try plan(folder), options: ServerOptions())
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/grids?level=unit", method: .get) { response in
                let fc = try object(response.body)
                let features = try #require(fc["features"] as? [[String: Any]])
                #expect(features.compactMap { ($0["properties"] as? [String: Any])?["code"] as? String } == ["U1", "U2", "U3"])
                let geometry = try #require(features[0]["geometry"] as? [String: Any])
                #expect(["Polygon", "MultiPolygon"].contains(geometry["type"] as? String ?? ""))
            }
            try await client.execute(uri: "/api/plan", method: .get) { response in
                let p = try object(response.body)
                #expect((p["grids"] as? [String: Int]) == ["street": 1, "community": 2, "area": 2, "unit": 3])
                #expect(p["people"] as? Int == 3)
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let page = String(buffer: response.body)
                #expect(page.contains("/api/who-covers") && page.contains("/api/grids"))
                #expect(!page.contains("http://") || page.contains("xmlns=\"http://www.w3.org/2000/svg\"")) // nothing fetched from outside
            }
        }
    }

    @Test func healthVersionHeadBboxAndConditionalLayers() async throws {
        let app = try await GridplanServer.application(plan: try plan(folder), options: ServerOptions())
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/health", method: .get) { response in
                let health = try object(response.body)
                #expect(health["status"] as? String == "ok")
            }
            try await client.execute(uri: "/api/version", method: .get) { response in
                let (version, answer) = (GridplanVersion.version, try object(response.body))
                #expect(answer["gridplan"] as? String == version)
            }
            try await client.execute(uri: "/api/health", method: .head) { response in
                #expect(response.status == .ok && response.body.readableBytes == 0)
            }
            // U1 lies at 0–500 m, U3 at 1000–2000 m: a box around 250 m east holds U1 only.
            let a = point(200, 100), b = point(300, 200)
            try await client.execute(uri: "/api/grids?level=unit&bbox=\(a.lon),\(a.lat),\(b.lon),\(b.lat)", method: .get) { response in
                let fc = try object(response.body)
                let features = try #require(fc["features"] as? [[String: Any]])
                #expect(features.compactMap { ($0["properties"] as? [String: Any])?["code"] as? String } == ["U1"])
            }
            let etag = try await client.execute(uri: "/api/grids?level=area", method: .get) { response in
                #expect(response.headers[.cacheControl] == "no-cache")
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: "/api/grids?level=area", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified && response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/api/grids?level=unit&bbox=1,2,3", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/assets/leaflet/leaflet.css", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains(".leaflet-container"))
            }
        }
    }

    @Test func theDeskSeesAPlanChangedUnderIt() throws {
        let path = try plan(folder)
        let store = try GeoPackage.plan(path: path)
        let desk = WhoCoversDesk(store: store)
        // Long enough that a slow import on a busy machine cannot end the interval by itself.
        desk.stampInterval = 60
        let p = point(250, 500)
        #expect(try desk.answer(.point(x: p.lon, y: p.lat, crs: .cgcs2000), day: "2024-07-01").coverage.chain.first?.code == "U1")
        // A redraw from 2024-08-01: one unit grid over the whole of A1, coded U9.
        var options = ImportOptions(level: .unit, crs: .proj("EPSG:4546"), validFrom: "2024-08-01", replaceLevel: true)
        options.parentField = "parent"
        _ = try GridImporter.run(
            file: folder.write(
                "redraw.csv", "code,name,parent,wkt\nU9,九网格,A1,\"\(box(0, 0, 1000, 1000))\"\nU3,三网格,A2,\"\(box(1000, 0, 2000, 1000))\"\n"),
            into: store, options: options)
        // The desk looks at the file at most once per interval …
        #expect(try desk.answer(.point(x: p.lon, y: p.lat, crs: .cgcs2000), day: "2024-08-02").coverage.chain.first?.code == "U1")
        // … and after it, sees the redraw.
        desk.stampInterval = 0.2
        Thread.sleep(forTimeInterval: desk.stampInterval + 0.1)
        #expect(try desk.answer(.point(x: p.lon, y: p.lat, crs: .cgcs2000), day: "2024-08-02").coverage.chain.first?.code == "U9")
        #expect(
            try desk.answer(.point(x: p.lon, y: p.lat, crs: .cgcs2000), day: "2024-07-01", planDay: "2024-07-01").coverage.chain.first?.code == "U1")
    }

    /// The server's who-covers JSON, assembled from kept parts, is byte for byte what JSONEncoder
    /// writes for the answer: inside, on edges, snapped and outside, on several days and k, for a
    /// name that needs escaping, and after the roster changes under the desk.
    @Test func theAssembledAnswerIsTheEncodersBytes() throws {
        let path = try plan(folder)
        let store = try GeoPackage.plan(path: path)
        let base = point(1500, 500)
        let odd = folder.write(
            "odd.csv",
            "id,name,phone,role,lon,lat,grid,duty,duty_from\nW1,\"王\"\"五\\ /x\",,专职网格员,\(base.lon),\(base.lat),U3,primary,2024-01-01\n")
        _ = try RosterImporter.run(file: odd, into: store, crs: .cgcs2000, today: "2024-07-01")
        let desk = WhoCoversDesk(store: store)
        desk.stampInterval = 60
        func compare(_ day: String, k: Int) throws -> Int {
            var covered = 0
            for x in stride(from: -230.0, through: 2230, by: 97) {
                for y in stride(from: -230.0, through: 1230, by: 89) {
                    let p = point(x, y)
                    let question = CoverageQuestion.point(x: p.lon, y: p.lat, crs: .cgcs2000)
                    let fast = try desk.answerJSON(question, day: day, k: k)
                    let answer = try desk.answer(question, day: day, k: k)
                    #expect(fast == (try JSONOutput.data(answer.json, pretty: false)), "\(x), \(y) on \(day)")
                    if answer.coverage.covered { covered += 1 }
                }
            }
            return covered
        }
        for (day, k) in [("2024-05-01", 5), ("2024-07-01", 3), ("2024-07-01", 0)] { #expect(try compare(day, k: k) > 200) }
        let p = point(1500, 500)
        let before = String(decoding: try desk.answerJSON(.point(x: p.lon, y: p.lat, crs: .cgcs2000), day: "2024-07-01"), as: UTF8.self)
        #expect(before.contains(#""name":"王\"五\\ /x""#))
        // A handover in U3 by another writer: seen once the roster is read again.
        _ = try DutyChange.set(store: store, person: "G1", grid: "U3", role: .primary, from: "2024-07-01")
        desk.stampInterval = 0.2
        Thread.sleep(forTimeInterval: desk.stampInterval + 0.1)
        let after = try desk.answer(.point(x: p.lon, y: p.lat, crs: .cgcs2000), day: "2024-07-01")
        #expect(after.coverage.unitGridder?.id == "G1")
        #expect(try compare("2024-07-01", k: 5) > 200)
    }
}
