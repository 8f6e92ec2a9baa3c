import Cases
import Desk
import Foundation
import GridErrors
import GridProjection
import GridStore
import GridTestSupport
import Grids
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import Duty
@testable import Server

/// The four-level plan with one gridder (张三, 13800000001) on duty in U1.
private func rosteredPlan(_ folder: TemporaryFolder) throws -> String {
    let store = try fourLevelPlan(folder, schema: PlanSchema.schema)
    let p = point(100, 100)
    let roster = folder.write(
        "roster.csv",
        "id,name,phone,role,lon,lat,grid,duty,duty_from\nG1,张三,13800000001,专职网格员,\(p.lon),\(p.lat),U1,primary,2024-01-01\n")
    _ = try RosterImporter.run(file: roster, into: store, crs: .cgcs2000, today: "2024-07-01")
    return store.path
}

/// Issue 20: bounded work per request, strict numbers, bounded caches, personal data behind a
/// token beyond loopback, and a slow question that holds no one else up.
@Suite(.serialized) struct ServerLimitsTests {
    let folder = TemporaryFolder()

    @Test func anOverlongAddressIs400WithTheReason() async throws {
        let app = try await GridplanServer.application(plan: try rosteredPlan(folder), options: ServerOptions())
        let long = String(repeating: "海", count: 70_000)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/who-covers?address=\(long)", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("70000 characters long, over the limit of 500"))
            }
        }
    }

    @Test func coordinatesAreDecimalAndFinite() async throws {
        let app = try await GridplanServer.application(plan: try rosteredPlan(folder), options: ServerOptions())
        let p = point(250, 500)
        try await app.test(.router) { client in
            for bad in ["0x1p3", "nan", "inf", "-infinity", "1e999", "1,5"] {
                try await client.execute(uri: "/api/who-covers?lon=\(bad)&lat=\(p.lat)", method: .get) { response in
                    #expect(response.status == .badRequest, "lon=\(bad)")
                    #expect(String(buffer: response.body).contains("lon=\(bad): not a number"))
                }
            }
            try await client.execute(uri: "/api/grids?bbox=0,0,inf,1", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/who-covers?lon=+\(p.lon)&lat=\(p.lat)", method: .get) { #expect($0.status == .ok) }
        }
        #expect(DecimalNumber.parse(" -12.5 ") == -12.5 && DecimalNumber.parse(".5") == 0.5 && DecimalNumber.parse("1.2E+3") == 1200)
        for bad in ["0x1p3", "nan", "NaN", "inf", "", ".", "1e", "1.2.3", "--1", "1e400", "８"] { #expect(DecimalNumber.parse(bad) == nil, "\(bad)") }
    }

    /// 6,000 distinct `crs=` texts (6,000 distinct CRSs): the parsed texts and the desks'
    /// transformers stay at their bound of 64 (on main, 816 MB for one transformer each).
    /// 6,000 distinct spellings of CGCS2000 (`cgcs2000`, `C-g_CS2000`, …: an alias, so no PROJ
    /// call each), then 100 distinct CRSs (each a PROJ transformer, over 100 KB): the parsed
    /// texts and a desk's transformers stay at their bound of 64 (on main, 6,000 texts took 816 MB).
    @Test func distinctCRSTextsKeepTheCachesAtTheirBound() async throws {
        let path = try rosteredPlan(folder)
        let desk = WhoCoversDesk(store: try GeoPackage.plan(path: path))
        let p = point(250, 500)
        func ask(_ crs: String) throws -> String {
            let q = try WhoCoversQuery(["lon": Substring("\(p.lon)"), "lat": Substring("\(p.lat)"), "crs": Substring(crs)], defaultK: 2)
            return String(decoding: try desk.answerJSON(q.question, day: "2024-07-01", k: 2), as: UTF8.self)
        }
        var spellings = Set<String>()
        for i in 0..<6_000 {
            var text = "", n = i
            for (j, c) in "cgcs2000".enumerated() {
                text.append(n % 2 == 1 && c.isLetter ? Character(c.uppercased()) : c)
                if c.isLetter { n /= 2 }
                if j < 7 { text += ["", "-", "_"][n % 3]; n /= 3 }
            }
            spellings.insert(text)
            #expect(try ask(text).contains("\"U1\""))
        }
        #expect(spellings.count == 6_000)
        let kept = WhoCoversQuery.parsed.withLock { $0.count }
        #expect(kept == 64)
        for i in 0..<100 { _ = try ask("+proj=longlat +ellps=GRS80 +towgs84=0,0,0 +pm=\(Double(i) / 1e7)") }
        #expect(desk.transformerCount == WhoCoversDesk.keptTransformers)
    }

    @Test func beyondLoopbackNamesAndPhonesNeedAToken() async throws {
        var options = ServerOptions()
        options.host = "0.0.0.0"
        options.tokens = ["writer-token-0123456789": "hotline"]
        options.readTokens = ["reader-token-0123456789": "desk"]
        let app = try await GridplanServer.application(plan: try rosteredPlan(folder), options: options)
        let p = point(100, 100)
        let ask = "/api/who-covers?lon=\(p.lon)&lat=\(p.lat)&at=2024-07-01"
        try await app.test(.router) { client in
            for uri in [ask, "/api/grids/U1", "/api/cases", "/ogc/collections/cases/items"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    #expect(!String(buffer: response.body).contains("张三"))
                    #expect(String(buffer: response.body).contains("needs a bearer token"))
                }
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer wrong-token-0123456789"]) {
                    #expect($0.status == .unauthorized)
                }
            }
            for token in ["reader-token-0123456789", "writer-token-0123456789"] {
                try await client.execute(uri: ask, method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("13800000001"))
                }
            }
            // What carries no one's name stays open: the map's layers, the plan, health.
            for uri in ["/api/grids?level=unit", "/api/plan", "/api/health", "/"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .ok, "\(uri)") }
            }
            // A read token does not write.
            try await client.execute(
                uri: "/api/cases/X/dispatch", method: .post, headers: [.authorization: "Bearer reader-token-0123456789"]
            ) { #expect($0.status == .unauthorized) }
        }
        // On loopback, as before: no token needed.
        let other = TemporaryFolder()
        let local = try await GridplanServer.application(plan: try rosteredPlan(other), options: ServerOptions())
        try await local.test(.router) { client in
            try await client.execute(uri: ask, method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("张三"))
            }
        }
        withExtendedLifetime(other) {} // its deinit deletes the plan the server reads
    }

    /// A question held up (here: 3 s of sleep on one desk) neither delays the next questions,
    /// which go to the free desk, nor waits past the time limit itself.
    @Test func aSlowQuestionHoldsNoOneElseAndEndsAtTheTimeLimit() async throws {
        let store = try GeoPackage.plan(path: try rosteredPlan(folder))
        let pool = WhoCoversPool(store: store, snapMetres: 30, size: 2, timeLimit: 1)
        let p = point(250, 500)
        let slow = Task {
            try await pool.run { _ in
                Thread.sleep(forTimeInterval: 3)
                return Data()
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        for _ in 0..<5 {
            _ = try await pool.answer(.point(x: p.lon, y: p.lat, crs: .cgcs2000), day: "2024-07-01", planDay: nil, k: 2)
        }
        #expect(ContinuousClock.now - start < .seconds(1))
        let error = await #expect(throws: GridplanError.self) { try await slow.value }
        #expect(error?.kind == .busy)
        #expect(ContinuousClock.now - start < .milliseconds(2500))
    }

    /// A long read of the cases (an export, the statistics) runs on the reports' own queue: the
    /// plan's routes (a grid's chain, the intake) answer while it is held up, and the report
    /// answers once it is let go.
    @Test func aLongReportHoldsUpNoPlanRoute() async throws {
        let store = try GeoPackage.plan(path: try rosteredPlan(folder))
        let service = PlanService(store: store, writer: store, name: "plan", snapMetres: 30)
        let reports = CaseReports(store: store)
        let held = DispatchSemaphore(value: 0)
        reports.executor.queue.async { held.wait() } // as during an export of millions
        let report = Task { try await reports.stats(level: .unit, from: nil, to: nil) }
        let listed = Task { try await reports.cases(CaseQuery()) }
        let chain = Task { try await service.grid("U1", day: "2024-07-01") }
        let answered = Mutex(false)
        Task {
            _ = try await chain.value
            answered.withLock { $0 = true }
        }
        let start = ContinuousClock.now
        while !answered.withLock({ $0 }) && ContinuousClock.now - start < .seconds(10) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(answered.withLock { $0 }, "a grid's chain waited for the held report")
        held.signal()
        #expect(String(decoding: try await chain.value, as: UTF8.self).contains("张三"))
        #expect(String(decoding: try await report.value, as: UTF8.self).contains("\"U1\""))
        #expect(String(decoding: try await listed.value, as: UTF8.self).contains("FeatureCollection"))
    }

    /// `serve --idle-timeout`: a connection that sends nothing is closed after it.
    @Test func idleConnectionsAreClosed() async throws {
        var options = ServerOptions()
        options.port = 0
        options.idleTimeout = 1
        let app = try await GridplanServer.application(plan: try rosteredPlan(folder), options: options)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            #expect(connected == 0)
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let start = ContinuousClock.now
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, 0)
            #expect(n == 0, "the server closes the idle connection (recv returns 0)")
            #expect(ContinuousClock.now - start < .seconds(4))
        }
    }
}
