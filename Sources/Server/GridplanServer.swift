import Desk
import Duty
import Foundation
import GridErrors
import GridGeometry
import GridProjection
import GridStore
import Grids
package import Hummingbird
import HummingbirdCore
import Logging
import Synchronization

/// What `gridplan serve` is started with.
package struct ServerOptions: Sendable {
    package var host = "127.0.0.1"
    /// 0 lets the system choose a free port (the running callback says which).
    package var port = 8080
    package var snapMetres = 30.0
    /// People in the minimal emergency unit when a request does not say.
    package var emergencyUnit = 5
    package var logRequests = false
    /// An origin allowed to call the API from its own pages (CORS), e.g. `https://hotline.example`; `*` for any.
    package var corsOrigin: String?
    /// Bearer tokens that may write (POST routes), each with who holds it (recorded with each
    /// write); empty: nobody writes.
    package var tokens: [String: String] = [:]
    /// Bearer tokens that may read names and phone numbers (see ``PersonalDataMiddleware``), with
    /// their holders; write tokens read too.
    package var readTokens: [String: String] = [:]
    /// Seconds a connection may stay idle (no request being read or answered) before the server
    /// closes it: idle connections must not use up the process's file descriptors.
    package var idleTimeout = ServerOptions.defaultIdleTimeout
    /// Seconds a who-covers answer may take before the request gets 503.
    package var requestTimeout = ServerOptions.defaultRequestTimeout
    package static let defaultIdleTimeout = 30.0
    package static let defaultRequestTimeout = 10.0
    package static let loopback: Set<String> = ["127.0.0.1", "localhost", "::1"]
    /// Beyond loopback, names and phone numbers need a token.
    package var guardsPersonalData: Bool { !Self.loopback.contains(host) }
    package init() {}
}

/// The HTTP face of a plan: the web map at `/` and a small JSON API under `/api`.
///
/// - `GET /api/who-covers?lon=X&lat=Y[&crs=gcj02][&at=YYYY-MM-DD][&k=5]` or `?address=TEXT`:
///   exactly what `gridplan who-covers --json` prints (400 for a bad question, 404 for an
///   address the gazetteer cannot place);
/// - `GET /api/grids?level=unit[&bbox=minx,miny,maxx,maxy]`: the current grids of a level as GeoJSON,
///   with an ETag (304 on `If-None-Match`);
/// - `GET /api/plan`: grids per level, people and gazetteer places;
/// - `GET /api/map/cases?bbox=…&cell=DEG[&status=…]`: case clusters for the map;
///   `GET /api/map/case-counts?level=unit`: cases per grid for its choropleth;
/// - `GET /api/health`, `GET /api/version`; `/assets/leaflet/…`: the map's Leaflet.
/// HEAD is answered wherever GET is; raw UTF-8 in a query works as well as percent-encoding.
package enum GridplanServer {
    /// The server of a GeoPackage file.
    package static func application(
        plan path: String, options: ServerOptions,
        onRunning: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }
    ) async throws -> some ApplicationProtocol {
        try await application(plan: .file(path), options: options, onRunning: onRunning)
    }

    /// The server of a plan on a file or on a PostgreSQL server: opens it for the routes and for
    /// each who-covers desk before it starts (a wrong address or password stops it here).
    package static func application(
        plan: ServedPlan, options: ServerOptions,
        onRunning: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }
    ) async throws -> some ApplicationProtocol {
        let writer = try await plan.opened()
        let reader: any PlanStore = plan.openReader == nil ? writer : try await plan.openedForReading()
        let service = PlanService(store: reader, writer: writer, name: plan.name, snapMetres: options.snapMetres)
        let reports = CaseReports(store: try await plan.openedForReading())
        var desks: [any PlanStore] = []
        for _ in 0..<plan.desks { desks.append(try await plan.openedForReading()) }
        let pool = WhoCoversPool(stores: desks, snapMetres: options.snapMetres, timeLimit: options.requestTimeout)
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: RequestLanguageMiddleware())
        if options.guardsPersonalData {
            router.add(middleware: PersonalDataMiddleware(tokens: options.readTokens.merging(options.tokens) { _, writer in writer }))
        }
        if options.logRequests {
            var requests = Logger(label: "gridplan.requests")
            requests.logLevel = .info
            router.add(middleware: RequestLogMiddleware(logger: requests, tokens: options.tokens))
        }
        if let origin = options.corsOrigin {
            let allowed: CORSMiddleware<BasicRequestContext>.AllowOriginExtended = origin == "*" ? .all : .custom(origin)
            router.add(
                middleware: CORSMiddleware(
                    allowOrigin: allowed, allowHeaders: [.accept, .authorization, .contentType, .origin],
                    allowMethods: [.get, .head, .options, .post]))
        }
        MapAssets.add(to: router)
        router.get("/openapi.json") { _, _ in GridplanServer.json(OpenAPIDocument.json, status: .ok) }
        router.get("/api/plan") { _, _ in await reply { try await service.summary() } }
        router.get("/api/health") { _, _ in await reply { try JSONOutput.data(["status": "ok", "plan": service.name]) } }
        router.get("/api/version") { _, _ in await reply { try JSONOutput.data(versions) } }
        router.get("/api/grids") { request, _ in
            do {
                let query = try GridsQuery(request.uri.queryParameters)
                let layer = try await service.grids(query.level, bbox: query.bbox)
                return Cached.response(layer.json, etag: layer.etag, type: "application/geo+json", cache: "no-cache", request: request)
            } catch {
                return await reply { throw error }
            }
        }
        router.get("/api/map/cases") { request, _ in
            await reply {
                let q = request.uri.queryParameters
                guard let bbox = try GridsQuery(q).bbox else { throw GridplanError(.badArgument, "bbox: give minx,miny,maxx,maxy") }
                let cellText = q["cell"].map(String.init) ?? "0.001"
                guard let cell = DecimalNumber.parse(cellText) else { throw GridplanError(.badArgument, "cell=\(cellText): not a number") }
                return try await reports.caseClusters(bbox: bbox, cell: cell, status: q["status"].map(String.init))
            }
        }
        router.get("/api/map/case-counts") { request, _ in
            await reply { try await reports.caseCounts(GridsQuery(request.uri.queryParameters).level) }
        }
        OGCFeatures.add(to: router, service: service, reports: reports)
        WriteRoutes.add(to: router, service: service, tokens: options.tokens)
        QueryRoutes.add(to: router, service: service, reports: reports)
        router.get("/api/who-covers") { request, _ in
            await reply {
                let q = try WhoCoversQuery(request.uri.queryParameters, defaultK: options.emergencyUnit)
                return try await pool.answer(q.question, day: q.day, planDay: q.planDay, k: q.k)
            }
        }
        var logger = Logger(label: "gridplan.serve")
        logger.logLevel = options.logRequests ? .info : .warning
        return Application(
            router: router, server: HTTPServerBuilder { RawQueryHTTP1Channel(responder: $0, idleTimeout: options.idleTimeout) },
            configuration: .init(address: .hostname(options.host, port: options.port)),
            onServerRunning: { channel in onRunning(options.host, channel.localAddress?.port ?? options.port) },
            logger: logger)
    }

    /// gridplan's version, Leaflet's, and the libraries' as loaded.
    static var versions: VersionsJSON {
        var libraries: [String: String] = [:]
        for l in GridplanVersion.libraries() { libraries[l.name] = l.version }
        return VersionsJSON(gridplan: GridplanVersion.version, leaflet: LeafletAssets.version, libraries: libraries)
    }

    /// `GET /api/version`.
    struct VersionsJSON: Encodable {
        var gridplan: String
        var leaflet: String
        var libraries: [String: String]
    }

    /// Runs until SIGINT or SIGTERM.
    package static func run(
        plan: ServedPlan, options: ServerOptions,
        onRunning: @escaping @Sendable (_ host: String, _ port: Int) -> Void
    ) async throws {
        try await application(plan: plan, options: options, onRunning: onRunning).runService()
    }

    /// A JSON response, or the error as `{"error": …}` with the status it deserves.
    static func reply(type: String = "application/json", _ body: () async throws -> Data) async -> Response {
        do {
            return json(try await body(), status: .ok, type: type)
        } catch let e as GridplanError {
            return json(errorBody(e), status: status(of: e.kind))
        } catch {
            return json(errorBody("\(error)"), status: .internalServerError)
        }
    }

    static func errorBody(_ message: String) -> Data {
        (try? JSONOutput.data(["error": message])) ?? Data("{\"error\":\"internal error\"}".utf8)
    }

    /// `{"error": text, "kind": …, "source": {…}, "parameters": […]}`: the text names query
    /// parameters as they are spelled in a URL, never command-line flags, in the request's
    /// language (``RequestLanguageMiddleware``).
    static func errorBody(_ error: GridplanError) -> Data {
        let body = ErrorJSON(
            error: error.localized { $0.rawValue }, kind: error.kind.rawValue, source: error.source,
            parameters: (error.message.settings + (error.hint?.settings ?? [])).map(\.rawValue))
        return (try? JSONOutput.data(body)) ?? errorBody(error.description)
    }

    /// The HTTP status for each kind of failure.
    static func status(of kind: ErrorKind) -> HTTPResponse.Status {
        switch kind {
        case .badArgument: .badRequest
        case .badInput, .unsupported: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .busy: .serviceUnavailable
        case .failed: .internalServerError
        }
    }

    static func json(_ data: Data, status: HTTPResponse.Status, type: String = "application/json") -> Response {
        Response(
            status: status, headers: [.contentType: "\(type); charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The query string of `/api/grids`, checked: `level` (default unit) and an optional `bbox`.
struct GridsQuery {
    var level: GridLevel
    var bbox: Envelope?

    init(_ q: FlatDictionary<Substring, Substring>) throws {
        let text = q["level"].map(String.init) ?? "unit"
        guard let level = GridLevel(name: text) else {
            throw GridplanError(.badArgument, "level '\(text)': give street, community, area or unit (or 1–4)")
        }
        self.level = level
        guard let b = q["bbox"].map(String.init), !b.isEmpty else { return }
        let v = b.split(separator: ",", omittingEmptySubsequences: false).map { DecimalNumber.parse($0) }
        guard v.count == 4, let x0 = v[0], let y0 = v[1], let x1 = v[2], let y1 = v[3], [x0, y0, x1, y1].allSatisfy(\.isFinite) else {
            throw GridplanError(.badArgument, "bbox=\(b): give four numbers minx,miny,maxx,maxy (longitude, latitude)")
        }
        guard x0 <= x1, y0 <= y1 else { throw GridplanError(.badArgument, "bbox=\(b): minx must not exceed maxx, nor miny maxy") }
        bbox = Envelope(minX: x0, minY: y0, maxX: x1, maxY: y1)
    }
}

/// The query string of `/api/who-covers`, checked.
struct WhoCoversQuery {
    var question: CoverageQuestion
    var day: String
    var planDay: String?
    var k: Int

    /// CRSs as parsed before, by their text: parsing asks PROJ, which costs more than an answer.
    /// Bounded (least recently used go), as clients may send any number of distinct texts.
    static let parsed = Mutex(BoundedCache<String, CRS>(capacity: 64))

    init(_ q: FlatDictionary<Substring, Substring>, defaultK: Int) throws {
        func text(_ key: String) -> String? { q[Substring(key)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        func number(_ key: String) throws -> Double? {
            guard let t = text(key) else { return nil }
            guard let v = DecimalNumber.parse(t) else { throw GridplanError(.badArgument, "\(key)=\(t): not a number") }
            return v
        }
        let lon = try number("lon"), lat = try number("lat"), address = text("address")
        switch (lon, lat, address) {
        case (let x?, let y?, nil):
            let crsText = text("crs") ?? "cgcs2000"
            let crs: CRS
            if let known = Self.parsed.withLock({ $0.value(for: crsText) }) {
                crs = known
            } else {
                do { crs = try CRS(parsing: crsText) } catch { throw GridplanError(.badArgument, "crs=\(crsText): \(error)") }
                Self.parsed.withLock { $0.set(crs, for: crsText) }
            }
            question = .point(x: x, y: y, crs: crs)
        case (nil, nil, let a?):
            question = .address(a)
        default:
            throw GridplanError(.badArgument, "give lon and lat (and crs, default cgcs2000), or address — not both, not one coordinate alone")
        }
        if let at = text("at") {
            guard let d = Clock.date(at) else { throw GridplanError(.badArgument, "at=\(at): not a date (e.g. 2024-06-01)") }
            (day, planDay) = (d, d)
        } else {
            (day, planDay) = (Clock.day(Clock.now()), nil)
        }
        if let t = text("k") {
            guard let v = Int(t) else { throw GridplanError(.badArgument, "k=\(t): not a whole number") }
            k = v
        } else {
            k = defaultK
        }
    }
}

/// The body of every error answer.
struct ErrorJSON: Encodable {
    var error: String
    var kind: String
    var source: ErrorSource?
    /// The query parameters the error is about, to highlight in a form.
    var parameters: [String]
}
