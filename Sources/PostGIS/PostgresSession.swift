import Foundation
public import GridErrors
import Logging
import NIOCore
import NIOSSL
public import PostgresNIO

/// One connection to a PostgreSQL server, opened from a ``PostgresURL``, whose failures read as
/// gridplan's errors: they name the server without its password and say what the server said.
public final class PostgresSession: Sendable {
    public let url: PostgresURL
    let connection: PostgresConnection
    let logger: Logger

    private init(url: PostgresURL, connection: PostgresConnection, logger: Logger) {
        self.url = url
        self.connection = connection
        self.logger = logger
    }

    /// Whether the server has cut the connection (or it was closed).
    public var isClosed: Bool { connection.isClosed }

    /// Connects and checks that the database has PostGIS (creating the extension when the user may
    /// and `creatingPostGIS`: a command that only reads changes nothing on the server).
    public static func open(_ url: PostgresURL, creatingPostGIS: Bool = true) async throws -> PostgresSession {
        // GRIDPLAN_POSTGRES_LOG=debug (or trace, info…) shows PostgresNIO's own log on standard error.
        var logger = Logger(label: "gridplan.postgis", factory: { _ in SwiftLogNoOpLogHandler() })
        if let level = ProcessInfo.processInfo.environment["GRIDPLAN_POSTGRES_LOG"].flatMap(Logger.Level.init(rawValue:)) {
            logger = Logger(label: "gridplan.postgis", factory: { label in StreamLogHandler.standardError(label: label) })
            logger.logLevel = level
        }
        let configuration: PostgresConnection.Configuration
        if url.host.hasPrefix("/") {
            let socket = url.host.hasSuffix(".s.PGSQL.\(url.port)") ? url.host : "\(url.host)/.s.PGSQL.\(url.port)"
            configuration = .init(unixSocketPath: socket, username: url.user, password: url.password, database: url.database)
        } else {
            // As libpq: `require` and `prefer` encrypt without checking the certificate (a district's
            // server often has its own); `verify-full` checks it and the host name against the system's CAs.
            var unchecked = TLSConfiguration.makeClientConfiguration()
            unchecked.certificateVerification = .none
            let tls: PostgresConnection.Configuration.TLS
            switch url.sslMode {
            case "require": tls = .require(try NIOSSLContext(configuration: unchecked))
            case "prefer", "allow": tls = .prefer(try NIOSSLContext(configuration: unchecked))
            case "verify-full": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: tls = .disable
            }
            configuration = .init(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        }
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw Self.failure(error, url: url, doing: "cannot connect")
        }
        let session = PostgresSession(url: url, connection: connection, logger: logger)
        do {
            // Looked up first: a server that only reads (a streaming replica, a read-only user)
            // refuses CREATE EXTENSION even when the extension is there.
            var installed = false
            try await session.rows("SELECT extname::text FROM pg_extension WHERE extname = 'postgis'") { _ in installed = true }
            if !installed && creatingPostGIS { try await session.execute("CREATE EXTENSION IF NOT EXISTS postgis") }
            if !installed && !creatingPostGIS {
                try? await session.close()
                throw GridplanError(
                    .notFound, "the database holds no gridplan plan (no PostGIS)", source: .file(url.description),
                    hint: "put one there with `gridplan copy --from plan.gpkg --to \(url.description)`")
            }
        } catch let error as GridplanError where error.kind == .notFound {
            throw error
        } catch {
            // A server that stops while we ask (a restart) says nothing about PostGIS.
            if connection.isClosed || Self.isLost(error) { throw error }
            try? await session.close()
            throw GridplanError(
                .unsupported, "the database has no PostGIS and this user cannot add it: \(error)", source: .file(url.description),
                hint: "as a superuser, run CREATE EXTENSION postgis in this database (Debian: apt install postgresql-15-postgis-3)")
        }
        return session
    }

    public func close() async throws {
        guard !connection.isClosed else { return }
        try await connection.close()
    }

    /// Ends a failed transaction: `ROLLBACK` and close, each given a few seconds. A connection the
    /// server has cut (a restart) is left as it is: the server rolled the transaction back itself,
    /// and a statement sent on such a connection can wait for an answer that never comes.
    public func abandon() async {
        guard !connection.isClosed else { return }
        _ = await Self.within(seconds: 5) { try await self.execute("ROLLBACK") }
        _ = await Self.within(seconds: 5) { try await self.close() }
    }

    /// Runs `start`, which sends a statement, failing at once when the connection closes first. A
    /// statement sent on a connection the server has just cut (a restart between two statements) is
    /// never answered by PostgresNIO: without this, a copy would wait for ever.
    private func whileConnected<T: Sendable>(_ start: @escaping @Sendable () async throws -> T) async throws -> T {
        guard !connection.isClosed else { throw ConnectionLost() }
        let once = Once()
        let closed = connection.closeFuture
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            @Sendable func answer(_ result: Result<T, any Error>) {
                if once.first() { continuation.resume(with: result) }
            }
            Task {
                do { answer(.success(try await start())) } catch { answer(.failure(error)) }
            }
            closed.whenComplete { _ in answer(.failure(ConnectionLost())) }
        }
    }

    /// Runs `work`, giving up after `seconds` (the work is left running, unstructured: a statement on a
    /// cut connection may never finish): true when it finished in time without error.
    private static func within(seconds: Double, _ work: @escaping @Sendable () async throws -> Void) async -> Bool {
        let once = Once()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            @Sendable func answer(_ value: Bool) {
                if once.first() { continuation.resume(returning: value) }
            }
            Task { answer((try? await work()) != nil) }
            Task {
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                answer(false)
            }
        }
    }

    /// Runs SQL that returns no rows (DDL, `BEGIN`, `COMMIT`); values go in as bindings, never as text.
    public func execute(_ sql: String, _ bindings: PostgresBindings = PostgresBindings()) async throws {
        do {
            let (connection, logger) = (connection, logger)
            _ = try await whileConnected { try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).collect() }
        } catch {
            throw Self.failure(error, url: url, doing: "a statement failed")
        }
    }

    /// The rows of a query, each column read as text (NULL as nil): the copy's one way of reading.
    public func rows(_ sql: String, _ bindings: PostgresBindings = PostgresBindings(), each: ([String?]) throws -> Void) async throws {
        try await eachRow(sql, bindings) { row in
            var values: [String?] = []
            values.reserveCapacity(row.count)
            for cell in row { values.append(try cell.decode(String?.self)) }
            try each(values)
        }
    }

    /// The rows of a query as PostgresNIO reads them, each cell with its type: for readers that
    /// decode every type themselves (``PostGISPlan``).
    func eachRow(_ sql: String, _ bindings: PostgresBindings, each: (PostgresRow) throws -> Void) async throws {
        do {
            let (connection, logger) = (connection, logger)
            let rows = try await whileConnected { try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger) }
            for try await row in rows { try each(row) }
        } catch let error as GridplanError {
            throw error
        } catch {
            throw Self.failure(error, url: url, doing: "a statement failed")
        }
    }

    /// What to do when the server goes away in the middle of a `COPY`. PostgresNIO stops the
    /// process (a precondition) as soon as such a copy is ended, either way: a command line sets
    /// this to report the error and exit first (the server has rolled the transaction back). Nil:
    /// the copy is ended, and PostgresNIO stops the process.
    nonisolated(unsafe) public static var lostMidCopy: (@Sendable (GridplanError) -> Never)?

    /// Streams text-format `COPY` data into `table`: `write` is called with a function that sends a chunk.
    public func copy(into table: String, columns: [String], write: (_ send: (String) async throws -> Void) async throws -> Void) async throws {
        let url = url
        do {
            guard !connection.isClosed else { throw ConnectionLost() }
            let connection = connection
            let loop = EventLoopTaskExecutor(connection.eventLoop)
            // PostgresNIO stops the process (a precondition) when a chunk, or the end of the copy, reaches a
            // connection the server has just cut. The copy runs on the connection's own event loop, so each
            // check below and PostgresNIO's next step happen with nothing of the connection's in between;
            // only the caller's own work (building the chunks) runs on the shared pool.
            // A chunk waiting for the server to read (the channel full) is never answered when the
            // server goes away then: PostgresNIO drops the wait. So a cut during the copy ends the
            // process here at once, as the checks below would.
            let ended = Once()
            defer { _ = ended.first() }
            connection.closeFuture.whenComplete { _ in
                if ended.first(), let lost = Self.lostMidCopy {
                    lost(Self.failure(ConnectionLost(), url: url, doing: "copying into \(table) failed"))
                }
            }
            try await withTaskExecutorPreference(loop) {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    do {
                        try await withTaskExecutorPreference(globalConcurrentExecutor) {
                            try await write { chunk in
                                let buffer = ByteBuffer(string: chunk)
                                try await withTaskExecutorPreference(loop) {
                                    guard connection.eventLoop.inEventLoop, !connection.isClosed else { throw ConnectionLost() }
                                    try await writer.write(buffer)
                                }
                            }
                        }
                        // Back on the loop: from this check to PostgresNIO's CopyDone nothing else runs there.
                        guard connection.eventLoop.inEventLoop, !connection.isClosed else { throw ConnectionLost() }
                    } catch {
                        if connection.isClosed, let lost = Self.lostMidCopy {
                            lost(Self.failure(ConnectionLost(), url: url, doing: "copying into \(table) failed"))
                        }
                        throw error
                    }
                }
            }
        } catch let error as GridplanError {
            throw error
        } catch {
            throw Self.failure(error, url: url, doing: "copying into \(table) failed")
        }
    }

    private static let lostHint: Wording =
        "the server stopped or restarted; what this command had not committed was rolled back: run it again when the server is up"

    /// Whether `error` (as ``failure(_:url:doing:)`` makes it) says the connection was lost, not
    /// that the server refused a statement: the caller then reports it as it is.
    static func isLost(_ error: any Error) -> Bool { (error as? GridplanError)?.hint == lostHint }

    /// A PostgresNIO error as a gridplan error: what the server said, or why it could not be reached.
    static func failure(_ error: any Error, url: PostgresURL, doing: String) -> GridplanError {
        if error is ConnectionLost || (error as? PostgresError).map({ if case .connectionClosed = $0 { true } else { false } }) == true {
            return GridplanError(.failed, "\(doing): the connection to the server was lost", source: .file(url.description), hint: lostHint)
        }
        guard let error = error as? PSQLError else { return GridplanError(.failed, "\(doing): \(error)", source: .file(url.description)) }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState] ?? ""
            // 28P01 wrong password, 28000 no such role or not allowed by pg_hba, 3D000 no such database.
            let kind: ErrorKind = state.hasPrefix("28") || state == "3D000" ? .badArgument : .failed
            let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
            // 57P01–57P03: the server is stopping, restarting or starting.
            return GridplanError(
                kind, "\(doing): the server says: \(message)\(detail)", source: .file(url.description),
                hint: state.hasPrefix("57P") ? Self.lostHint : nil as Wording?)
        }
        let underlying = error.underlying.map { ": \($0)" } ?? ""
        if let tls = error.underlying, tls is NIOSSLError {
            let untrusted = "\(tls)".contains("CERTIFICATE_VERIFY_FAILED")
            return GridplanError(
                .failed, "\(doing): the TLS handshake failed\(untrusted ? ": the server's certificate is not trusted" : underlying)",
                source: .file(url.description),
                hint: untrusted
                    ? "sslmode=verify-full checks the certificate against the system's CAs; sslmode=require encrypts without checking it"
                    : nil)
        }
        switch error.code {
        case .clientClosedConnection, .serverClosedConnection:
            return GridplanError(
                .failed, "\(doing): the connection to the server was lost", source: .file(url.description), hint: Self.lostHint)
        case .connectionError:
            return GridplanError(
                .failed, "\(doing): no PostgreSQL server answers there\(underlying)", source: .file(url.description),
                hint: "check the host and port, and that the server is running and accepts TCP connections")
        case .authMechanismRequiresPassword:
            return GridplanError(.badArgument, "\(doing): the server asks for a password and none was given", source: .file(url.description))
        default:
            return GridplanError(.failed, "\(doing): \(error.code)\(underlying)", source: .file(url.description))
        }
    }
}

/// True the first time it is asked, from any thread.
private final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func first() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        defer { done = true }
        return !done
    }
}

/// The connection closed before a statement could be sent or answered.
private struct ConnectionLost: Error {}

/// Runs a task's nonisolated code on one NIO event loop (SE-0417), so that a check and PostgresNIO's
/// next step on that loop happen with nothing of the connection's in between.
private final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop
    init(_ loop: any EventLoop) { self.loop = loop }
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
