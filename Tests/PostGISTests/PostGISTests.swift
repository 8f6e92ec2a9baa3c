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

@Suite struct CopyTextTests {
    @Test func escapesWhatCOPYReadsSpecially() throws {
        var text = ""
        try CopyText.append(DatabaseValue(value: "a\tb\nc\\N\r'\"")!, kind: .other, srid: 4490, to: &text)
        #expect(text == #"a\tb\nc\\N\r'""#)
        text = ""
        try CopyText.append(.null, kind: .other, srid: 4490, to: &text)
        #expect(text == #"\N"#)
    }

    @Test func writesBytesBooleansAndNumbers() throws {
        var text = ""
        try CopyText.append(Data([0x00, 0xAB, 0xFF]).databaseValue, kind: .bytes, srid: 4490, to: &text)
        #expect(text == #"\\x00abff"#)
        #expect(CopyText.bytes(hex: "00abFF") == Data([0x00, 0xAB, 0xFF]) && CopyText.bytes(hex: "0g") == nil)
        text = ""
        try CopyText.append(1.databaseValue, kind: .boolean, srid: 4490, to: &text)
        try CopyText.append(0.25.databaseValue, kind: .other, srid: 4490, to: &text)
        #expect(text == "t0.25")
    }

    @Test func aBrokenGeometryBlobIsAnError() {
        var text = ""
        #expect(throws: GridplanError.self) {
            try CopyText.append(Data([0x47, 0x50, 0x00]).databaseValue, kind: .geometry, srid: 4490, to: &text)
        }
    }
}
