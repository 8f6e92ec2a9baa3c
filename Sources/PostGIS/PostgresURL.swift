import Foundation
import GridErrors

/// Where a plan on a PostgreSQL server lives, as users write it: a URL
/// (`postgresql://USER:PASSWORD@HOST:PORT/DB?sslmode=require`, libpq's form) or GDAL's
/// `PG:host=… port=… dbname=… user=… password=…`. A host that starts with `/` is the folder of the
/// server's Unix socket (`postgresql://USER@%2Fvar%2Frun%2Fpostgresql/DB`, or `?host=/var/run/postgresql`).
///
/// ``description`` never shows the password: messages and logs name the server by it.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// TLS: `disable` (the default here: a street office's server on its own network), `allow`, `prefer`,
    /// `require` (encrypted, the certificate unchecked, as libpq) or `verify-full` (certificate and host checked).
    public var sslMode: String

    /// True when `text` names a PostgreSQL server rather than a file: what `--db` and `copy` look at.
    public static func isServer(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://") || text.hasPrefix("PG:")
    }

    public init(parsing text: String) throws {
        func bad(_ why: String) -> GridplanError {
            GridplanError(
                .badArgument, "not a PostgreSQL address (\(why)): write postgresql://USER@HOST:PORT/DB or PG:host=HOST dbname=DB user=USER",
                source: .file(Self.redact(text)))
        }
        var fields: [String: String] = [:]
        if text.hasPrefix("PG:") {
            guard let pairs = Self.keywordPairs(text.dropFirst(3)) else {
                throw bad("write KEY=VALUE pairs, a value with spaces in single quotes")
            }
            fields = pairs
        } else {
            guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgresql", "postgres"].contains(scheme.lowercased())
            else { throw bad("not a URL") }
            fields["user"] = url.user.flatMap { $0.removingPercentEncoding }
            fields["password"] = url.password.flatMap { $0.removingPercentEncoding }
            fields["host"] = url.percentEncodedHost.flatMap { $0.removingPercentEncoding }
            fields["port"] = url.port.map(String.init)
            let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
            fields["dbname"] = path.isEmpty ? nil : path
            for item in url.queryItems ?? [] { fields[item.name] = item.value }
        }
        let environment = ProcessInfo.processInfo.environment
        user = fields["user"] ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        password = fields["password"] ?? environment["PGPASSWORD"]
        host = fields["host"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGHOST"] ?? "localhost"
        guard let port = Int(fields["port"] ?? environment["PGPORT"] ?? "5432"), (1...65535).contains(port) else {
            throw bad("the port is not a number from 1 to 65535")
        }
        self.port = port
        database = fields["dbname"] ?? user
        sslMode = fields["sslmode"] ?? "disable"
        guard ["disable", "allow", "prefer", "require", "verify-full"].contains(sslMode) else {
            throw bad("sslmode '\(sslMode)': gridplan knows disable, allow, prefer, require and verify-full")
        }
    }

    /// The server as users can be shown it: the URL without the password.
    public var description: String {
        let where_ = host.hasPrefix("/") ? "\(host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? host):\(port)" : "\(host):\(port)"
        return "postgresql://\(user)@\(where_)/\(database)"
    }

    /// libpq's `key=value key='a value'` list (backslash escapes a quote or backslash in quotes); nil when malformed.
    static func keywordPairs(_ text: Substring) -> [String: String]? {
        var fields: [String: String] = [:]
        var rest = text[...]
        func skipSpace() { rest = rest.drop { $0.isWhitespace } }
        while true {
            skipSpace()
            guard !rest.isEmpty else { return fields }
            let key = rest.prefix { $0 != "=" && !$0.isWhitespace }
            rest = rest.dropFirst(key.count)
            skipSpace()
            guard !key.isEmpty, rest.first == "=" else { return nil }
            rest = rest.dropFirst()
            skipSpace()
            var value = ""
            if rest.first == "'" {
                rest = rest.dropFirst()
                var closed = false
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if c == "\\", let next = rest.first {
                        value.append(next)
                        rest = rest.dropFirst()
                    } else if c == "'" {
                        closed = true
                        break
                    } else {
                        value.append(c)
                    }
                }
                guard closed else { return nil }
            } else {
                value = String(rest.prefix { !$0.isWhitespace })
                rest = rest.dropFirst(value.count)
            }
            fields[String(key)] = value
        }
    }

    /// `text` with any password taken out, for a message about a string that did not parse.
    public static func redact(_ text: String) -> String {
        var result = text
        if let range = result.range(of: #"password\s*=\s*('([^'\\]|\\.)*'?|[^ &]*)"#, options: .regularExpression) {
            result.replaceSubrange(range, with: "password=…")
        }
        if let range = result.range(of: #"://[^/@:]*:[^/@]*@"#, options: .regularExpression) {
            let userPart = result[range].dropFirst(3).prefix { $0 != ":" }
            result.replaceSubrange(range, with: "://\(userPart):…@")
        }
        return result
    }
}
