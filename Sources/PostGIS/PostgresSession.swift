import GridErrors
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

    /// Connects and checks that the database has PostGIS (creating the extension when the user may).
    public static func open(_ url: PostgresURL) async throws -> PostgresSession {
        let logger = Logger(label: "gridplan.postgis", factory: { _ in SwiftLogNoOpLogHandler() })
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
            try await session.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        } catch {
            try? await session.close()
            throw GridplanError(
                .unsupported, "the database has no PostGIS and this user cannot add it: \(error)", source: .file(url.description),
                hint: "as a superuser, run CREATE EXTENSION postgis in this database (Debian: apt install postgresql-15-postgis-3)")
        }
        return session
    }

    public func close() async throws { try await connection.close() }

    /// Runs SQL that returns no rows (DDL, `BEGIN`, `COMMIT`); values go in as bindings, never as text.
    public func execute(_ sql: String, _ bindings: PostgresBindings = PostgresBindings()) async throws {
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).collect()
        } catch {
            throw Self.failure(error, url: url, doing: "failed")
        }
    }

    /// The rows of a query, each column read as text (NULL as nil): the copy's one way of reading.
    public func rows(_ sql: String, _ bindings: PostgresBindings = PostgresBindings(), each: ([String?]) throws -> Void) async throws {
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            for try await row in rows {
                var values: [String?] = []
                values.reserveCapacity(row.count)
                for cell in row { values.append(try cell.decode(String?.self)) }
                try each(values)
            }
        } catch let error as GridplanError {
            throw error
        } catch {
            throw Self.failure(error, url: url, doing: "failed")
        }
    }

    /// Streams text-format `COPY` data into `table`: `write` is called with a function that sends a chunk.
    public func copy(into table: String, columns: [String], write: (_ send: (String) async throws -> Void) async throws -> Void) async throws {
        do {
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                try await write { chunk in try await writer.write(ByteBuffer(string: chunk)) }
            }
        } catch let error as GridplanError {
            throw error
        } catch {
            throw Self.failure(error, url: url, doing: "copying into \(table) failed")
        }
    }

    /// A PostgresNIO error as a gridplan error: what the server said, or why it could not be reached.
    static func failure(_ error: any Error, url: PostgresURL, doing: String) -> GridplanError {
        guard let error = error as? PSQLError else { return GridplanError(.failed, "\(doing): \(error)", source: .file(url.description)) }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState] ?? ""
            // 28P01 wrong password, 28000 no such role or not allowed by pg_hba, 3D000 no such database.
            let kind: ErrorKind = state.hasPrefix("28") || state == "3D000" ? .badArgument : .failed
            let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
            return GridplanError(kind, "\(doing): the server says: \(message)\(detail)", source: .file(url.description))
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
