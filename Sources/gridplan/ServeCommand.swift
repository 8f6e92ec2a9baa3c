import ArgumentParser
import Foundation
import GridErrors
import GridStore
import PostGIS
import Server

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the plan over HTTP: a web map that answers \"who covers this?\", and a JSON API.",
        discussion: """
            Opens the plan read-mostly and listens until Ctrl-C (SIGINT) or SIGTERM. Everything works offline: \
            the map runs on Leaflet built into the binary, with no outside scripts or tiles. The plan may be a \
            GeoPackage or a plan on a PostgreSQL + PostGIS server (one connection for the routes and one per \
            who-covers desk, opened before it listens); several servers and commands may work on one \
            server's plan at once.

              GET /                     the web map: click a point or type an address
              GET /api/who-covers?lon=X&lat=Y[&crs=gcj02][&at=YYYY-MM-DD][&k=5]
              GET /api/who-covers?address=TEXT[&at=…]
                                        the same JSON as `gridplan who-covers --json`;
                                        400 for a bad question, 404 for an unknown address
              GET /api/grids?level=unit[&bbox=minx,miny,maxx,maxy]
                                        current grids of a level as GeoJSON (ETag, 304)
              GET /api/grids/CODE[?at=DAY]  one grid, its chain and the people on duty
              GET /api/cases?bbox=…|near=LON,LAT&radius=M&grid=…&from=…&to=…&status=…
                                        cases as GeoJSON, as `cases query --format geojson`
              GET /api/stats?level=…    case counts per grid, as `cases stats --json`
              GET /api/plan             grids per level, people, gazetteer places
              GET /openapi.json         the OpenAPI 3.1 description of every route
              GET /api/health, /api/version
              GET /api/map/cases?bbox=…&cell=DEG, /api/map/case-counts?level=unit
                                        case clusters and counts per grid, for the map
              GET /ogc                  OGC API – Features: grids per level and cases as
                                        layers for QGIS and GDAL (OAPIF:http://host:port/ogc)
              POST /api/cases           a case from another system (JSON: id, lon/lat [crs] or
                                        address, reported_at, category, severity): stored,
                                        assigned, dispatched; the same id again updates it
              POST /api/cases/ID/transitions   {"to", "actor", "note"}: the case moves on
              POST /api/cases/ID/dispatch      dispatch (again) by the rules
              POST /api/duties, /api/duties/end
                                        duty changes, as `duty set` and `duty end`

            Writes (POST) need `Authorization: Bearer TOKEN` with a token of --token-file (one a line); \
            without one they get 401 and nothing is written. Listening on an address other than loopback \
            needs --token-file, and then the answers with names and phone numbers (who-covers, \
            /api/grids/CODE, /api/cases, the OGC cases items) need a token of --token-file or --read-tokens \
            too: without one they get 401. On loopback they need none.

            Limits: an address of over 500 characters gets 400; a who-covers answer that takes longer than \
            --request-timeout (10 s) gets 503; a connection idle for --idle-timeout (30 s) is closed; a \
            POST body of over 64 KiB gets 413.

            HEAD works wherever GET does; the page, Leaflet and grid layers are sent gzipped to clients \
            that accept it. --cors-origin lets another system's pages call the API.

            The point indexes and the gazetteer are built on first use and rebuilt when the plan changes \
            (an import or redraw while the server runs); duties are read afresh for every answer.

            Examples:
              gridplan serve --db plan.gpkg
              gridplan serve --db plan.gpkg --host 0.0.0.0 --token-file tokens.txt
              gridplan serve --db plan.gpkg --cors-origin https://hotline.example
              gridplan serve --db postgresql://gridplan@db.district/grids --host 0.0.0.0
              gridplan serve --db postgresql://db1/grids --read-from postgresql://db2/grids
            """)

    @OptionGroup var store: WritablePlanOptions
    @Option(help: "Address to listen on (0.0.0.0 for every interface of a shared server).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, printed on start).") var port = 8080
    @Option(help: "Points outside every grid but within this many metres of one are snapped to it.") var snapM: Double = 30
    @Option(name: .customShort("k"), help: "People in the minimal emergency unit when a request gives no k.") var k = 5
    @Flag(help: "Log every request on standard error.") var logRequests = false
    @Option(help: "Allow this origin's pages to call the API (CORS headers), e.g. https://hotline.example; * for any.")
    var corsOrigin: String?
    @Option(
        help: """
            A file of bearer tokens that may write (POST), one a line: the token, then who holds it \
            (e.g. `3f9c… 12345-hotline`), recorded with every write; needed to listen beyond loopback.
            """)
    var tokenFile: String?
    @Option(
        help: """
            A file of bearer tokens that may read names and phone numbers (same format as --token-file): beyond \
            loopback, who-covers answers, /api/grids/CODE, /api/cases and the OGC cases items need a read or write token.
            """)
    var readTokens: String?
    @Option(help: "Seconds before an idle connection is closed (1–3600).") var idleTimeout = ServerOptions.defaultIdleTimeout
    @Option(help: "Seconds a who-covers answer may take before the request gets 503 (1–600).")
    var requestTimeout = ServerOptions.defaultRequestTimeout
    @Option(
        help: """
            A streaming replica of the --db server (postgresql://…): the map, who-covers and the other GET routes \
            read there, the POST routes write to --db. Reads lag writes by the replication delay.
            """)
    var readFrom: String?

    static let loopback = ServerOptions.loopback

    func validate() throws {
        if let readFrom {
            guard PostgresURL.isServer(store.path), PostgresURL.isServer(readFrom) else {
                throw fail("--read-from: give a replica's postgresql:// address, with --db the primary's", status: 2)
            }
        }
        try checkRange(idleTimeout, 1...3600, option: "--idle-timeout")
        try checkRange(requestTimeout, 1...600, option: "--request-timeout")
        try checkRange(snapM, 0...10_000, option: "--snap-m")
        try checkRange(k, 0...100, option: "-k")
        guard (0...65535).contains(port) else { throw fail("--port \(port): give 0–65535", status: 2) }
        guard tokenFile != nil || Self.loopback.contains(host) else {
            throw fail(
                "--host \(host): a server other machines can reach takes writes only with tokens; give --token-file FILE "
                    + "(one token a line), or listen on 127.0.0.1", status: 2)
        }
    }

    /// The tokens of --token-file with their holders: each non-empty line is a token and, after
    /// a space, who holds it (else "token N", N the line); `#` starts a comment line.
    func tokens(_ tokenFile: String?) throws -> [String: String] {
        guard let tokenFile else { return [:] }
        guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
            throw fail("\(tokenFile): cannot read the tokens", status: 2)
        }
        var tokens: [String: String] = [:]
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = line.split(whereSeparator: \.isWhitespace)
            guard let token = words.first.map(String.init), !token.hasPrefix("#") else { continue }
            guard token.count >= 16 else { throw fail("\(tokenFile), line \(i + 1): a token must have at least 16 characters", status: 2) }
            let holder = words.dropFirst().joined(separator: " ")
            guard tokens[token] == nil else { throw fail("\(tokenFile), line \(i + 1): the token is given twice", status: 2) }
            tokens[token] = holder.isEmpty ? "token \(i + 1)" : holder
        }
        guard !tokens.isEmpty else { throw fail("\(tokenFile): no tokens in it", status: 2) }
        return tokens
    }

    func run() async throws {
        let onServer = PostgresURL.isServer(store.path)
        guard onServer || FileManager.default.fileExists(atPath: store.path) else { throw fail("\(store.path): no such plan", status: 2) }
        var options = ServerOptions()
        options.host = host; options.port = port; options.snapMetres = snapM; options.emergencyUnit = k; options.logRequests = logRequests
        options.corsOrigin = corsOrigin
        options.tokens = try tokens(tokenFile)
        options.readTokens = try tokens(readTokens)
        options.idleTimeout = idleTimeout; options.requestTimeout = requestTimeout
        let path = shownLocation(store.path)
        do {
            let address = store.path
            let plan: ServedPlan
            if onServer {
                var reader: (@Sendable () throws -> any PlanStore)? = nil
                if let replica = readFrom { reader = { try openServerPlan(replica) } }
                plan = ServedPlan(name: path, open: { try openServerPlan(address) }, openReader: reader)
            } else {
                plan = try ServedPlan.file(address)
            }
            try await GridplanServer.run(plan: plan, options: options) { host, port in
                // Written straight to the file descriptor: scripts wait for this line, so no buffering.
                FileHandle.standardOutput.write(Data("gridplan: serving \(path) on http://\(host):\(port)/ (Ctrl-C stops)\n".utf8))
            }
        } catch {
            throw fail("serving \(path): \(errorLine(error))", status: 2)
        }
    }

    private func fail(_ message: Wording, status: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("\(errorPrefix)\(message.localized(flag))\n".utf8))
        return ExitCode(status)
    }
}
