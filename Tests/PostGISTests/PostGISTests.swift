import Foundation
import GRDB
import GridErrors
import Testing

@testable import PostGIS

/// What needs no server: reading addresses, hiding passwords, and the COPY text that carries data
/// (the round trip through a real server is Tests/oracle/test_postgis_copy.py).
@Suite struct PostgresURLTests {
    @Test func readsLibpqURLs() throws {
        let url = try PostgresURL(parsing: "postgresql://gp:p%40ss@db.example:6543/district?sslmode=require")
        #expect(url.user == "gp" && url.password == "p@ss" && url.host == "db.example" && url.port == 6543)
        #expect(url.database == "district" && url.sslMode == "require")
        #expect(url.description == "postgresql://gp@db.example:6543/district")
    }

    @Test func readsGDALStringsAndSockets() throws {
        let url = try PostgresURL(parsing: "PG:host=/tmp/pg port=5433 dbname=plan user=gp password='x y'")
        #expect(url.host == "/tmp/pg" && url.port == 5433 && url.database == "plan" && url.user == "gp")
        #expect(url.password == "x y" && !url.description.contains("x y"))
        let quoted = try PostgresURL(parsing: #"PG:dbname = 'my plan' password='it\'s'"#)
        #expect(quoted.database == "my plan" && quoted.password == "it's")
        let socket = try PostgresURL(parsing: "postgresql://gp@%2Fvar%2Frun%2Fpostgresql:5432/plan")
        #expect(socket.host == "/var/run/postgresql")
    }

    @Test func refusesWhatIsNotAnAddressWithoutShowingThePassword() {
        for text in [
            "postgresql://gp:secret@db:99999/x", "PG:host=db password=secret nonsense", "PG:password='secret", "postgresql://gp@db/x?sslmode=maybe",
        ] {
            #expect {
                try PostgresURL(parsing: text)
            } throws: { error in
                let e = error as? GridplanError
                return e?.kind == .badArgument && !"\(e!)".contains("secret")
            }
        }
        #expect(PostgresURL.redact("postgresql://gp:secret@db/x") == "postgresql://gp:…@db/x")
        #expect(PostgresURL.redact("PG:host=db password=secret user=gp") == "PG:host=db password=… user=gp")
        #expect(PostgresURL.redact("PG:host=db password='a secret\\' one' user=gp") == "PG:host=db password=… user=gp")
    }

    @Test func tellsServersFromFiles() {
        #expect(PostgresURL.isServer("postgresql://db/x") && PostgresURL.isServer("postgres://db/x") && PostgresURL.isServer("PG:dbname=x"))
        #expect(!PostgresURL.isServer("plan.gpkg") && !PostgresURL.isServer("pg.gpkg"))
    }
}

@Suite struct ValueTextTests {
    /// One row as `json_populate_recordset` receives it, read back by Foundation's JSON parser.
    func row(_ values: [DatabaseValue], _ kinds: [ValueText.Kind]) throws -> [String: Any] {
        var json = "{"
        for (k, value) in values.enumerated() {
            if k > 0 { json.append(",") }
            json.append(ValueText.key("c\(k)"))
            try ValueText.appendJSON(value, kind: kinds[k], srid: 4490, to: &json)
        }
        json.append("}")
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func textArrivesAsGivenWhateverItHolds() throws {
        let awkward = "a\tb\nc\\N\r'\"\u{01}名"
        let parsed = try row([DatabaseValue(value: awkward)!, .null], [.other, .other])
        #expect(parsed["c0"] as? String == awkward)
        #expect(parsed["c1"] is NSNull)
    }

    @Test func writesBytesBooleansAndNumbersAsTheServerReadsThem() throws {
        let parsed = try row(
            [Data([0x00, 0xAB, 0xFF]).databaseValue, 1.databaseValue, 0.databaseValue, 0.25.databaseValue, 7.databaseValue],
            [.bytes, .boolean, .boolean, .other, .other])
        #expect(parsed["c0"] as? String == #"\x00abff"#)
        #expect(parsed["c1"] as? String == "t" && parsed["c2"] as? String == "f")
        #expect(parsed["c3"] as? String == "0.25" && parsed["c4"] as? String == "7")
        #expect(ValueText.bytes(hex: "00abFF") == Data([0x00, 0xAB, 0xFF]) && ValueText.bytes(hex: "0g") == nil)
        #expect(ValueText.number(.infinity) == "Infinity" && ValueText.number(.nan) == "NaN")
    }

    @Test func escapesWhatCOPYReadsSpecially() throws {
        var text = ""
        try ValueText.appendCOPY(DatabaseValue(value: "a\tb\nc\\N\r'\"")!, kind: .other, srid: 4490, to: &text)
        #expect(text == #"a\tb\nc\\N\r'""#)
        text = ""
        try ValueText.appendCOPY(.null, kind: .other, srid: 4490, to: &text)
        try ValueText.appendCOPY(Data([0x00, 0xAB]).databaseValue, kind: .bytes, srid: 4490, to: &text)
        try ValueText.appendCOPY(1.databaseValue, kind: .boolean, srid: 4490, to: &text)
        #expect(text == #"\N\\x00abt"#)
    }

    @Test func aBrokenGeometryBlobIsAnError() {
        var json = ""
        #expect(throws: GridplanError.self) {
            try ValueText.appendJSON(Data([0x47, 0x50, 0x00]).databaseValue, kind: .geometry, srid: 4490, to: &json)
        }
    }
}

@Suite struct PostGISSchemaTests {
    /// SQLite reports `DEFAULT (strftime(…))` without the parentheses: either way the server gets its own "now".
    @Test func theNowStampDefaultIsCarriedAsSQLiteReportsIt() {
        for given in ["strftime('%Y-%m-%dT%H:%M:%fZ','now')", "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"] {
            #expect(PostGISSchema.defaultClause(given, type: "text").contains("to_char(now() AT TIME ZONE 'UTC'"))
        }
        #expect(PostGISSchema.defaultClause("'open'", type: "text") == " DEFAULT 'open'")
        #expect(PostGISSchema.defaultClause("random()", type: "bigint") == "")
    }

    /// A county's partition holds the codes that start with its six digits, and no other.
    @Test func aCountysPartitionEndsWhereTheNextBegins() throws {
        let cases = PlanTable(
            name: "cases", columns: [.init(name: "street_code", declaredType: "TEXT", notNull: false)], primaryKey: [], numbersRows: false,
            indexes: [], foreignKeys: [])
        let layout = try ServerLayout.byCounty(["440802", "009999", "999999", "440802"])
        #expect(
            PostGISSchema.partitions(of: cases, layout: layout) == [
                #"CREATE TABLE "cases_009999" PARTITION OF "cases" FOR VALUES FROM ('009999') TO ('00999:')"#,
                #"CREATE TABLE "cases_440802" PARTITION OF "cases" FOR VALUES FROM ('440802') TO ('440803')"#,
                #"CREATE TABLE "cases_999999" PARTITION OF "cases" FOR VALUES FROM ('999999') TO ('99999:')"#,
                #"CREATE TABLE "cases_other" PARTITION OF "cases" DEFAULT"#,
            ])
        #expect(PostGISSchema.create(cases, srid: 4490, layout: layout).hasSuffix(#"PARTITION BY RANGE ("street_code")"#))
        #expect(PostGISSchema.partitions(of: cases, layout: .plain).isEmpty)
        for bad in ["44080", "4408021", "44O802", "４４０８０２"] { #expect(throws: GridplanError.self) { try ServerLayout.byCounty([bad]) } }
    }
}

/// How a plan on a server is read: the readers' SQL and values as PostgreSQL takes them, and its days.
@Suite struct PostGISPlanTests {
    @Test func placeholdersAreNumberedOutsideQuotesAndComments() throws {
        let sql = "SELECT '?', \"a?\" FROM t -- why?\nWHERE a = ? AND b IN (?, ?)"
        #expect(try PostGISPlan.numberedPlaceholders(sql, count: 3) == "SELECT '?', \"a?\" FROM t -- why?\nWHERE a = $1 AND b IN ($2, $3)")
        #expect(throws: GridplanError.self) { try PostGISPlan.numberedPlaceholders(sql, count: 2) }
    }

    @Test func valuesGoAsTextTheServerReads() {
        #expect(PostGISPlan.literal(.null) == nil)
        #expect(PostGISPlan.literal(42.databaseValue) == "42")
        #expect(PostGISPlan.literal(0.1.databaseValue) == "0.1")
        #expect(PostGISPlan.literal("O'Brien; --".databaseValue) == "O'Brien; --")
        #expect(PostGISPlan.literal(Data([0, 0xAB]).databaseValue) == "\\x00ab")
    }

    /// Days counted from PostgreSQL's epoch, against Foundation's Gregorian calendar (UTC), over
    /// four centuries either side (leap years of 1900, 2000 and 2100 included).
    @Test func daysAreTheCalendars() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let epoch = calendar.date(from: DateComponents(year: 2000, month: 1, day: 1))!
        for days in stride(from: -146_097, through: 146_097, by: 7) {
            let date = calendar.date(byAdding: .day, value: days, to: epoch)!
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            #expect(PostGISPlan.day(daysSince2000: days) == String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!))
        }
    }
}
